// Running the built `blueprint` binary from tests (its path is BLUEPRINT_BINARY),
// in a scratch copy of the bundled environments.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bp::testing {

struct RunResult {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void Spit(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

// A temporary directory holding a copy of environments/, removed afterwards.
class Scratch {
 public:
  Scratch() {
    namespace fs = std::filesystem;
    char tmpl[] = "/tmp/blueprint-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    fs::copy(fs::path(BLUEPRINT_TESTS_DIR) / ".." / "environments", dir_ / "environments",
             fs::copy_options::recursive);
  }
  ~Scratch() { std::filesystem::remove_all(dir_); }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path Env(const std::string& env) const { return dir_ / "environments" / env / "stack.yaml"; }

  // Runs `blueprint <args>` in the scratch directory; `env` is prepended (VAR=x ...),
  // `input` is fed to standard input.
  RunResult Run(const std::string& args, const std::string& env = "", const std::string& input = "") const {
    std::filesystem::path in = dir_ / ".stdin", out = dir_ / ".stdout", err = dir_ / ".stderr";
    Spit(in, input);
    std::string cmd = "cd '" + dir_.string() + "' && env " + env + " '" + BLUEPRINT_BINARY + "' " + args +
                      " <'" + in.string() + "' >'" + out.string() + "' 2>'" + err.string() + "'";
    int raw = std::system(cmd.c_str());
    RunResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    std::filesystem::remove(in);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace bp::testing
