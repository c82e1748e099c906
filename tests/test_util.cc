#include "test_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.h"

namespace bp::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "blueprint-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& relative, const std::string& contents) const {
  fs::path p = fs::path(path_) / relative;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << contents;
  return p.string();
}

namespace {
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace

CommandResult RunBlueprint(const std::vector<std::string>& args, const std::string& cwd) {
  TempDir io;
  std::string cmd;
  if (!cwd.empty()) cmd += "cd " + Quote(cwd) + " && ";
  cmd += Quote(BLUEPRINT_BINARY);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " </dev/null >" + Quote(io.path() + "/out") + " 2>" + Quote(io.path() + "/err");
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFileOrDie(io.path() + "/out");
  r.err = ReadFileOrDie(io.path() + "/err");
  return r;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string SourceDir() { return BLUEPRINT_SOURCE_DIR; }

App SynthFromYaml(const std::string& yaml, const std::string& env) {
  Diagnostics d;
  StackConfig c;
  App app;
  bool ok = ParseStackConfig(yaml, env + "/stack.yaml", env, &c, &d) && Assemble(c, &app, &d);
  EXPECT_TRUE(ok) << d.FormatAll();
  return app;
}

std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace bp::testing
