#include "test_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.h"
#include "deploy/process.h"

namespace bp::testing {

namespace fs = std::filesystem;

namespace {

// Every test leaves PATH and the working directory as it found them: a test that puts
// the stand-in `aws` first on PATH and keeps it there makes a later test that looks for
// the real AWS CLI skip, or run against the stand-in, depending on the order. A test
// that does not restore them fails here, and they are put back for the next one.
class ProcessStateGuard : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override {
    const char* path = std::getenv("PATH");
    path_ = path ? path : "";
    cwd_ = fs::current_path().string();
  }
  void OnTestEnd(const ::testing::TestInfo&) override {
    const char* path = std::getenv("PATH");
    EXPECT_EQ(path ? path : "", path_) << "the test changed PATH and did not restore it";
    EXPECT_EQ(fs::current_path().string(), cwd_) << "the test changed the working directory and did not restore it";
    setenv("PATH", path_.c_str(), 1);
    fs::current_path(cwd_);
  }
  std::string path_, cwd_;
};

const bool kGuardRegistered = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new ProcessStateGuard);
  return true;
}();

}  // namespace

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
// Every binary the tests start sees kTestToday (test_util.h) unless a test says otherwise.
const bool kTodayPinned = setenv("BLUEPRINT_TODAY", kTestToday, 1) == 0;
}  // namespace

bool NpmTool(const std::string& tool_dir, const std::string& probe, const std::string& what, std::string* skip) {
  if (!FindExecutable("node") || !FindExecutable("npm")) {
    *skip = "SKIPPED: Node.js (node, npm) not found; " + what;
    return false;
  }
  const std::string name = std::filesystem::path(tool_dir).filename().string();
  const std::string lock_path = (std::filesystem::temp_directory_path() / ("bp-" + name + "-npm-ci.lock")).string();
  int lock = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock >= 0) flock(lock, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() {
      if (fd >= 0) close(fd);  // closing releases the lock
    }
  } unlock{lock};
  if (!std::filesystem::exists(tool_dir + "/" + probe)) {
    ProcessResult ci = RunProcess({"npm", "ci", "--prefix", tool_dir, "--no-audit", "--no-fund"});
    if (!ci.started || ci.exit_code != 0) {
      *skip = "SKIPPED: `npm ci` in tools/" + name + " failed (no registry access?): " + ci.err + "; " + what;
      return false;
    }
  }
  return true;
}

CommandResult RunBlueprint(const std::vector<std::string>& args, const std::string& cwd,
                           const std::string& input) {
  std::vector<std::string> argv = {BLUEPRINT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions o;
  o.cwd = cwd;
  o.input = input;
  o.has_input = true;
  o.timeout_ms = 300 * 1000;  // a hang fails the test instead of stalling the suite
  ProcessResult p = RunProcess(argv, o);
  CommandResult r;
  EXPECT_TRUE(p.started) << p.error;
  EXPECT_FALSE(p.timed_out) << "blueprint " << ::testing::PrintToString(args) << " hung";
  r.exit_code = p.started && !p.timed_out && p.exit_code < 128 ? p.exit_code : -1;
  r.out = std::move(p.out);
  r.err = std::move(p.err);
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

std::vector<StackConfig> BundledEnvironmentsWith(const std::string& compute_lines) {
  std::vector<StackConfig> out;
  for (const char* env : {"dev", "prod", "staging"}) {
    const std::string file = SourceDir() + "/environments/" + env + "/stack.yaml";
    StackConfig c;
    Diagnostics d;
    EXPECT_TRUE(ParseStackConfig(ReadFileOrDie(file) + "compute:\n" + compute_lines, file, env, &c, &d)) << d.FormatAll();
    out.push_back(std::move(c));
  }
  return out;
}

const Stack& MainStack(const App& app) {
  for (const auto& s : app.stacks)
    if (s.role == StackRole::kMain) return s;
  ADD_FAILURE() << "no main stack";
  return app.stacks.front();
}

std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

void ScratchEnvironments::SetUp() {
  std::filesystem::copy(SourceDir() + "/environments", dir_.path() + "/environments",
                        std::filesystem::copy_options::recursive);
  setenv("BLUEPRINT_CONFIG_PASSPHRASE", kPassphrase, 1);
}

std::string ScratchEnvironments::Env(const std::string& env) const {
  return dir_.path() + "/environments/" + env + "/stack.yaml";
}

std::string ScratchEnvironments::Read(const std::string& env) const { return ReadFileOrDie(Env(env)); }

void ScratchEnvironments::Replace(const std::string& env, const std::string& text) const {
  std::ofstream(Env(env), std::ios::binary | std::ios::trunc) << text;
}

bool TestWillRun(const std::string& suite, const std::string& name) {
  const ::testing::UnitTest* unit = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const ::testing::TestSuite* s = unit->GetTestSuite(i);
    if (s->name() != suite) continue;
    for (int j = 0; j < s->total_test_count(); ++j)
      if (s->GetTestInfo(j)->name() == name) return s->GetTestInfo(j)->should_run();
  }
  return false;
}

}  // namespace bp::testing
