// Issue 23, points 3, 10, 15 and 17: the tool's own records never follow a symlink;
// an interrupt leaves neither a terminal without echo nor a temporary file; synth
// refuses an --out it could not safely replace before touching anything; a folder of
// environments/ that is not an environment is named, not skipped in silence.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "deploy/process.h"
#include "deploy/state.h"
#include "util/files.h"
#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;


size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// Every entry directly in `dir` (files, folders, links), sorted.
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// ---- 3. State records never follow a link -----------------------------------------

const StackKey kKey{"", "eu-west-3", "orders-api-dev"};

TEST(RecordLinks, ARecordThatIsASymlinkIsReplacedAndItsTargetKept) {
  TempDir dir;
  std::string victim = dir.Write("victim.txt", "the user's file\n");
  std::string state = dir.path() + "/.blueprint";
  std::string outputs = OutputsPath(state, kKey);
  fs::create_directories(fs::path(outputs).parent_path());
  fs::create_symlink(victim, outputs);
  Diagnostics diags;
  ASSERT_TRUE(SaveRecord(outputs, "{}\n", &diags)) << diags.FormatAll();
  EXPECT_EQ(ReadFileOrDie(victim), "the user's file\n");
  EXPECT_FALSE(fs::is_symlink(outputs));
  EXPECT_EQ(ReadFileOrDie(outputs), "{}\n");
}

TEST(RecordLinks, ASymlinkedStateDirectoryOrRecordFolderIsRefused) {
  TempDir dir;
  fs::create_directories(dir.path() + "/elsewhere");
  std::string victim = dir.Write("elsewhere/keep.txt", "keep\n");
  // The state directory itself, then a folder inside it (the account's).
  for (const std::string link : {".blueprint", ".blueprint/unknown-account"}) {
    SCOPED_TRACE(link);
    fs::remove_all(dir.path() + "/.blueprint");
    fs::create_directories(fs::path(dir.path() + "/" + link).parent_path());
    fs::create_symlink(dir.path() + "/elsewhere", dir.path() + "/" + link);
    std::string state = dir.path() + "/.blueprint";
    Diagnostics diags;
    EXPECT_FALSE(SaveRecord(DeployedTemplatePath(state, kKey), "{}", &diags));
    EXPECT_TRUE(Contains(diags.FormatAll(), dir.path() + "/" + link + ": is a symbolic link")) << diags.FormatAll();
    EXPECT_EQ(Entries(dir.path() + "/elsewhere"), std::vector<std::string>{"keep.txt"});
    ForgetStack(state, kKey);
    EXPECT_EQ(ReadFileOrDie(victim), "keep\n");
  }
  fs::remove_all(dir.path() + "/.blueprint");
  fs::create_symlink(dir.path() + "/elsewhere", dir.path() + "/.blueprint");
  Diagnostics check;
  EXPECT_FALSE(CheckStateDir(dir.path() + "/.blueprint/", &check));  // the state directory itself
  EXPECT_TRUE(Contains(check.FormatAll(), "replace the link with a directory")) << check.FormatAll();
}

// `outputs` and `up` with a committed `.blueprint` symlink: refused before any AWS call,
// and the folder it points to is left as it was.
class StateLink : public ScratchEnvironments {
 protected:
  void SetUp() override {
    ScratchEnvironments::SetUp();
    fake_ = dir_.path() + "/fake";
    fs::create_directories(fake_);
    std::ofstream(fake_ + "/scenario.json") << ReadFileOrDie(SourceDir() + "/tests/fixtures/deploy/outputs.json");
    setenv("FAKE_AWS_DIR", fake_.c_str(), 1);
    saved_path_ = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    setenv("PATH", (SourceDir() + "/tests/fake-aws:" + saved_path_).c_str(), 1);
    unsetenv("BLUEPRINT_AWS_CLI");
    fs::create_directories(dir_.path() + "/shared");
    fs::create_symlink(dir_.path() + "/shared", dir_.path() + "/.blueprint");
  }
  void TearDown() override {
    setenv("PATH", saved_path_.c_str(), 1);  // later tests find the real AWS CLI again
    unsetenv("FAKE_AWS_DIR");
  }
  std::string fake_, saved_path_;
};

TEST_F(StateLink, OutputsAndUpRefuseASymlinkedStateDirectory) {
  for (std::vector<std::string> args : {std::vector<std::string>{"outputs", "--stack", "dev"},
                                        std::vector<std::string>{"up", "--stack", "dev", "--yes"}}) {
    SCOPED_TRACE(args[0]);
    CommandResult r = RunBlueprint(args, dir_.path());
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, dir_.path() + "/.blueprint: is a symbolic link")) << r.err;
    EXPECT_TRUE(Entries(dir_.path() + "/shared").empty());
    EXPECT_FALSE(fs::exists(fake_ + "/calls.jsonl")) << "AWS was called";
  }
}

// ---- 10. Interrupts: the terminal's echo and temporary files ------------------------

// A child on a new pseudo-terminal (its controlling terminal), running the binary with
// `args` and no passphrase in the environment, so that it prompts.
class Pty {
 public:
  explicit Pty(const std::vector<std::string>& args, const std::string& cwd) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return;
    std::string slave = ptsname(master_);
    pid_ = fork();
    if (pid_ == 0) {
      setsid();
      int fd = open(slave.c_str(), O_RDWR);  // the first terminal a session leader opens becomes its own
      if (fd < 0) _exit(127);
      dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
      if (chdir(cwd.c_str()) != 0) _exit(127);
      unsetenv("BLUEPRINT_CONFIG_PASSPHRASE");
      std::vector<char*> argv{const_cast<char*>(BLUEPRINT_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(BLUEPRINT_BINARY, argv.data());
      _exit(127);
    }
  }
  ~Pty() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }
  bool started() const { return master_ >= 0 && pid_ > 0; }
  // Reads what the child prints until `text` appears (or it stops printing: a guard
  // against a hang, not a timing check).
  std::string ReadUntil(const std::string& text) {
    std::string seen;
    while (!Contains(seen, text)) {
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, 30000) <= 0) break;
      char buf[256];
      ssize_t n = read(master_, buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<size_t>(n));
    }
    return seen;
  }
  bool Echo() const {
    termios t{};
    return tcgetattr(master_, &t) == 0 && (t.c_lflag & ECHO);
  }
  int Signal(int sig) {
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return status;
  }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  bool waited_ = false;
};

class PassphrasePrompt : public ScratchEnvironments {};

TEST_F(PassphrasePrompt, AnInterruptRestoresTheTerminalsEcho) {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    SCOPED_TRACE(strsignal(sig));
    Pty child({"config", "set", "--stack", "dev", "--secret", "app.secrets.API_KEY"}, dir_.path());
    ASSERT_TRUE(child.started());
    ASSERT_TRUE(Contains(child.ReadUntil("passphrase: "), "passphrase: "));
    ASSERT_FALSE(child.Echo()) << "the prompt hides what is typed";
    int status = child.Signal(sig);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << status;
    EXPECT_TRUE(child.Echo()) << "the terminal was left with echo off";
  }
  for (const auto& name : Entries(dir_.path() + "/environments/dev")) EXPECT_FALSE(Contains(name, ".tmp")) << name;
}

// An interrupt that lands while a file is written (`config set` replacing stack.yaml):
// the write completes or is undone before the process ends; no temporary file is left.
TEST(InterruptedWrite, LeavesNoTemporaryFile) {
  TempDir dir;
  std::string file = dir.Write("stack.yaml", "old\n");
  EXPECT_EXIT(
      {
        SetWriteHookForTesting([](const std::string&) { raise(SIGINT); });
        Diagnostics diags;
        WriteFileAtomic(file, "new\n", &diags);
        std::_Exit(0);
      },
      ::testing::KilledBySignal(SIGINT), "");
  EXPECT_EQ(Entries(dir.path()), std::vector<std::string>{"stack.yaml"});
  EXPECT_EQ(ReadFileOrDie(file), "new\n");
}

// ---- 15. synth --out: refused up front ----------------------------------------------

class SynthOut : public ScratchEnvironments {
 protected:
  CommandResult Synth(const std::string& out) const {
    return RunBlueprint({"synth", "--environments", dir_.path() + "/environments", "--quiet", "--out", out},
                        dir_.path() + "/work");
  }
  void SetUp() override {
    ScratchEnvironments::SetUp();
    fs::create_directories(dir_.path() + "/work");
  }
};

TEST_F(SynthOut, AnEmptyOutIsRefusedBeforeAnythingIsCreated) {
  CommandResult r = Synth("");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "--out: empty")) << r.err;
  EXPECT_TRUE(Entries(dir_.path() + "/work").empty());
  EXPECT_EQ(Entries(dir_.path()), (std::vector<std::string>{"environments", "work"}));
}

TEST_F(SynthOut, ASymlinkedOutIsRefusedAndItsTargetKept) {
  ASSERT_EQ(Synth("first").exit_code, 0);
  std::vector<std::string> first = ListFiles(dir_.path() + "/work/first");
  fs::create_symlink("first", dir_.path() + "/work/latest");
  CommandResult r = Synth("latest");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "latest: is a symbolic link")) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_.path() + "/work/latest"));
  EXPECT_EQ(ListFiles(dir_.path() + "/work/first"), first);
  EXPECT_EQ(Entries(dir_.path() + "/work"), (std::vector<std::string>{"first", "latest"}));
}

TEST_F(SynthOut, AMarkerThatIsASymlinkDoesNotMakeAFolderAnAssembly) {
  std::string notes = dir_.path() + "/work/notes";
  fs::create_directories(notes);
  std::ofstream(notes + "/todo.txt") << "mine\n";
  fs::create_symlink(notes + "/todo.txt", notes + "/.blueprint-assembly");
  CommandResult r = Synth("notes");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, ".blueprint-assembly")) << r.err;
  EXPECT_EQ(ReadFileOrDie(notes + "/todo.txt"), "mine\n");
  EXPECT_EQ(Entries(dir_.path() + "/work"), std::vector<std::string>{"notes"});
}

// ---- 17. A folder that is not an environment is named -------------------------------

class EnvironmentFolders : public ScratchEnvironments {};

TEST_F(EnvironmentFolders, AMisnamedStackFileOrAnEmptyFolderIsWarnedAbout) {
  std::string envs = dir_.path() + "/environments";
  fs::rename(envs + "/staging/stack.yaml", envs + "/staging/stack.yml");
  fs::create_directories(envs + "/qa");
  fs::create_directories(envs + "/.cache");  // hidden folders are not environments, silently
  CommandResult r = RunBlueprint({"validate", "--environments", envs}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count(r.err, "warning"), 2u) << r.err;
  EXPECT_EQ(Count(r.err, envs + "/staging/stack.yml"), 1u) << r.err;
  EXPECT_TRUE(Contains(r.err, "rename it to " + envs + "/staging/stack.yaml")) << r.err;
  EXPECT_TRUE(Contains(r.err, envs + "/qa: warning: not an environment: it has no stack.yaml")) << r.err;
  EXPECT_FALSE(Contains(r.err, ".cache")) << r.err;
}

}  // namespace
}  // namespace bp::testing
