// Issue 11, through the built binary: the tool never loses the user's files, reports
// bad files (not UTF-8, loops, devices, directories, several documents, huge values)
// as user errors with a location, and serialises concurrent `config` edits.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class Safety : public ScratchEnvironments {
 protected:
  CommandResult Run(const std::vector<std::string>& args, const std::string& input = "") const {
    return RunBlueprint(args, dir_.path(), input);
  }
  // Runs the binary under `timeout`, so a hang fails the test instead of blocking it.
  CommandResult RunBounded(const std::vector<std::string>& args, const std::string& prefix = "") const {
    std::string cmd = "cd " + ShellQuote(dir_.path()) + " && " + prefix + " timeout 20 " + ShellQuote(BLUEPRINT_BINARY);
    for (const auto& a : args) cmd += " " + ShellQuote(a);
    cmd += " </dev/null >" + ShellQuote(dir_.path() + "/.out") + " 2>" + ShellQuote(dir_.path() + "/.err");
    int status = std::system(cmd.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFileOrDie(dir_.path() + "/.out");
    r.err = ReadFileOrDie(dir_.path() + "/.err");
    fs::remove(dir_.path() + "/.out");
    fs::remove(dir_.path() + "/.err");
    return r;
  }
};

// --- synth --out ------------------------------------------------------------------

TEST_F(Safety, SynthOutNeverReplacesADirectoryItDidNotWrite) {
  std::vector<std::string> before = ListFiles(dir_.path());
  CommandResult r = Run({"synth", "--out", "environments"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("error: "));
  EXPECT_THAT(r.err, ::testing::HasSubstr("not an assembly written by blueprint synth")) << r.err;
  EXPECT_EQ(ListFiles(dir_.path()), before);

  // The project directory itself (here with a .git), by absolute path: untouched.
  dir_.Write(".git/HEAD", "ref: refs/heads/main\n");
  before = ListFiles(dir_.path());
  r = Run({"synth", "--out", dir_.path()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(ListFiles(dir_.path()), before);
  r = Run({"synth", "--out", "."});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(ListFiles(dir_.path()), before);

  // A file in the way is not replaced either.
  dir_.Write("notes.txt", "mine");
  r = Run({"synth", "--out", "notes.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(ReadFileOrDie(dir_.path() + "/notes.txt"), "mine");
}

TEST_F(Safety, SynthOutReplacesItsOwnAssemblyAndEmptyDirectories) {
  fs::create_directory(dir_.path() + "/empty");
  CommandResult r = Run({"synth", "--out", "empty/", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_.path() + "/empty/manifest.json"));
  EXPECT_TRUE(fs::exists(dir_.path() + "/empty/.blueprint-assembly"));
  r = Run({"synth", "--out", "empty", "--quiet", "--stack", "dev"});  // its own assembly: replaced
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir_.path() + "/empty/orders-api-prod.template.json"));
  EXPECT_TRUE(fs::exists(dir_.path() + "/empty/orders-api-dev.template.json"));
}

// --- config edits: locking, change detection, file properties ----------------------

TEST_F(Safety, ConcurrentSetsAllSurvive) {
  std::string cmd = "cd " + ShellQuote(dir_.path()) + " && rc=0; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do " +
                    ShellQuote(BLUEPRINT_BINARY) +
                    " config set --stack dev app.env.K$i v$i >/dev/null 2>>errs & done; "
                    "for j in 1 2 3 4 5 6 7 8 9 10 11 12; do wait -n || rc=1; done; exit $rc";
  int status = std::system(("bash -c " + ShellQuote(cmd)).c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFileOrDie(dir_.path() + "/errs");
  std::string text = Read("dev");
  for (int i = 1; i <= 12; ++i)
    EXPECT_THAT(text, ::testing::HasSubstr("K" + std::to_string(i) + ": v" + std::to_string(i) + "\n")) << i;
  CommandResult r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Safety, HandEditDuringAnEditIsKeptAndTheEditRefused) {
  // `set --secret` reads the file, then waits for the value on stdin: edit the file then.
  std::string cmd = "cd " + ShellQuote(dir_.path()) + " && " + ShellQuote(BLUEPRINT_BINARY) +
                    " config set --stack dev --secret API_KEY >" + ShellQuote(dir_.path() + "/.out") + " 2>" +
                    ShellQuote(dir_.path() + "/.err");
  FILE* p = popen(cmd.c_str(), "w");
  ASSERT_NE(p, nullptr);
  // Wait until the command holds the lock (it reads the file right after).
  std::string lock = dir_.path() + "/environments/dev/.stack.yaml.lock";
  bool held = false;
  for (int i = 0; i < 1000 && !held; ++i) {
    int fd = open(lock.c_str(), O_RDONLY);
    if (fd >= 0) {
      held = flock(fd, LOCK_EX | LOCK_NB) != 0;
      if (!held) flock(fd, LOCK_UN);
      close(fd);
    }
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(held) << "the edit never took the lock " << lock;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::string edited = Read("dev") + "# a hand edit made meanwhile\n";
  Replace("dev", edited);
  std::fputs("s3cr3t-value\n", p);
  int status = pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << ReadFileOrDie(dir_.path() + "/.err");
  EXPECT_THAT(ReadFileOrDie(dir_.path() + "/.err"), ::testing::HasSubstr("changed while this command ran"))
      << ReadFileOrDie(dir_.path() + "/.err");
  EXPECT_EQ(Read("dev"), edited);
}

TEST_F(Safety, AtomicWriteKeepsModeAndSymlinkAndRefusesReadOnly) {
  ASSERT_EQ(chmod(Env("dev").c_str(), 0600), 0);
  CommandResult r = Run({"config", "set", "--stack", "dev", "network.max_az_count", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st;
  ASSERT_EQ(stat(Env("dev").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A symlinked stack.yaml: the target changes, the link stays a link.
  std::string target = dir_.path() + "/shared/staging.yaml";
  fs::create_directories(dir_.path() + "/shared");
  fs::rename(Env("staging"), target);
  fs::create_symlink(target, Env("staging"));
  r = Run({"config", "set", "--stack", "staging", "network.max_az_count", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(Env("staging")));
  EXPECT_THAT(ReadFileOrDie(target), ::testing::HasSubstr("max_az_count: 3"));

  // A read-only file is refused, with a reason, and left as it was.
  ASSERT_EQ(chmod(Env("prod").c_str(), 0444), 0);
  std::string before = Read("prod");
  r = Run({"config", "set", "--stack", "prod", "app.env.LOG_LEVEL", "info"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("read-only")) << r.err;
  EXPECT_EQ(Read("prod"), before);
  ASSERT_EQ(stat(Env("prod").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
}

TEST_F(Safety, SecondYamlDocumentIsRefusedWithItsLine) {
  std::string text = Read("dev");
  int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  Replace("dev", text + "---\napp:\n  port: 9090\n");
  CommandResult r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err,
              ::testing::HasSubstr("stack.yaml:" + std::to_string(lines + 1) + ":1: error: a second YAML document"))
      << r.err;
  std::string before = Read("dev");
  r = Run({"config", "set", "--stack", "dev", "app.port", "9091"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Read("dev"), before);
  // A leading '---' (an explicit start of the only document) is fine.
  Replace("dev", "---\n" + text);
  EXPECT_EQ(Run({"validate", "--stack", "dev"}).exit_code, 0);
}

TEST_F(Safety, SetRunsTheAssemblyChecksAndPointsAtTheEntry) {
  std::string before = Read("dev");
  CommandResult r = Run({"config", "set", "--stack", "dev", "app.env.DB_HOST", "db.example"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("app.env.DB_HOST: 'DB_HOST' is set by the database module")) << r.err;
  EXPECT_EQ(Read("dev"), before);
  // Written by hand: validate points at the entry's own line, not at `env:`.
  std::string text = before;
  text.insert(text.find("    LOG_LEVEL: debug\n"), "    DB_HOST: db.example\n");
  Replace("dev", text);
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + text.find("DB_HOST"), '\n'));
  r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("stack.yaml:" + std::to_string(line) + ":5: error: app.env.DB_HOST"))
      << r.err;
}

// --- bad files: user errors with a location, never "internal error" ----------------

TEST_F(Safety, InvalidUtf8IsAUserErrorWithItsLine) {
  std::string text = Read("dev");
  text.replace(text.find("debug"), 5, "deb\xff" "ug");
  Replace("dev", text);
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + text.find("deb\xff"), '\n'));
  for (const char* cmd : {"validate", "synth"}) {
    CommandResult r = Run({cmd, "--stack", "dev", "--out", "out"});
    if (std::string(cmd) == "validate") r = Run({cmd, "--stack", "dev"});
    EXPECT_EQ(r.exit_code, 2) << cmd << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr("stack.yaml:" + std::to_string(line) + ":")) << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr("not valid UTF-8")) << r.err;
  }
  Replace("dev", ReadFileOrDie(SourceDir() + "/environments/dev/stack.yaml"));
  std::string before = Read("dev");
  CommandResult r = Run({"config", "set", "--stack", "dev", "app.env.X", "a\xc3(b"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(Read("dev"), before);
  r = Run({"config", "set", "--stack", "dev", "--secret", "TOKEN"}, "bad\xfe\n");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("UTF-8")) << r.err;
  EXPECT_EQ(Read("dev"), before);
}

TEST_F(Safety, UnreadableFilesAreUserErrors) {
  // A symlink loop.
  fs::remove(Env("dev"));
  fs::create_symlink("stack.yaml", Env("dev"));
  CommandResult r = RunBounded({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("symlink loop")) << r.err;
  EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr("internal error")));

  // A directory in place of stack.yaml.
  fs::remove(Env("dev"));
  fs::create_directory(Env("dev"));
  r = RunBounded({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("is a directory")) << r.err;
  EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr("empty"))) << r.err;

  // Linked to /dev/zero, or a FIFO: refused at once, no endless read, no hang.
  fs::remove(Env("dev"));
  fs::create_symlink("/dev/zero", Env("dev"));
  r = RunBounded({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("a device")) << r.err;
  fs::remove(Env("dev"));
  ASSERT_EQ(mkfifo(Env("dev").c_str(), 0644), 0);
  r = RunBounded({"config", "get", "--stack", "dev", "app.name"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("FIFO")) << r.err;

  // Larger than the limit.
  fs::remove(Env("dev"));
  Replace("dev", "profile: dev\n" + std::string(5 << 20, '#') + "\n");
  r = RunBounded({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("larger than 4 MiB")) << r.err;
}

TEST_F(Safety, UnreadableEnvironmentDirectoryIsAUserError) {
  if (std::system("command -v setpriv >/dev/null") != 0) GTEST_SKIP() << "needs setpriv";
  std::string prod = dir_.path() + "/environments/prod";
  ASSERT_EQ(chmod(prod.c_str(), 0), 0);
  // As root, permissions are only checked without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH.
  std::string prefix = geteuid() == 0 ? "setpriv --bounding-set=-dac_override,-dac_read_search" : "";
  CommandResult r = RunBounded({"validate"}, prefix);
  chmod(prod.c_str(), 0755);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("prod/stack.yaml")) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("Permission denied")) << r.err;
  EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr("internal error"))) << r.err;
}

TEST_F(Safety, TopLevelThatIsNotAMappingHasALine) {
  Replace("dev", "# a list by mistake\n- profile: dev\n- region: eu-west-1\n");
  CommandResult r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("stack.yaml:2:1: error: the top level must be a mapping")) << r.err;
  Replace("dev", "# only comments\n# here\n");
  r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("stack.yaml:1:1: error: the file has no settings")) << r.err;
}

TEST_F(Safety, AHugeValueIsCutInTheMessage) {
  std::string text = Read("dev");
  text.replace(text.find("name: orders-api"), 16, "name: " + std::string(3000000, 'x'));
  Replace("dev", text);
  CommandResult r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_LT(r.err.size(), 2000u) << r.err.substr(0, 400);
  EXPECT_THAT(r.err, ::testing::HasSubstr("(3000000 characters)")) << r.err.substr(0, 400);
}

TEST_F(Safety, IterationsAreBounded) {
  std::string text = Read("dev") + "encryption:\n  iterations: 100000000\n";
  Replace("dev", text);
  CommandResult r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err,
              ::testing::HasSubstr("encryption.iterations: 100000000 is out of range; allowed from 600000 to 2000000"))
      << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("slower")) << r.err;  // says why
}

// --- one pass, broken environments --------------------------------------------------

TEST_F(Safety, EveryErrorOfAConfigInOnePass) {
  Replace("dev", "region: eu-west-3\napp:\n  port: 8080\n");
  CommandResult r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("error: profile: required key is missing")) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("error: app.name: required key is missing")) << r.err;

  // A field error does not hide a check across keys elsewhere in the file.
  std::string text = ReadFileOrDie(SourceDir() + "/environments/dev/stack.yaml");
  text.replace(text.find("port: 8080"), 10, "port: 70000");
  text += "database:\n  allocated_storage: 50\n  max_allocated_storage: 40\n";
  Replace("dev", text);
  r = Run({"validate", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("app.port: 70000 is out of range")) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("database.max_allocated_storage: 40 GiB is below allocated_storage"))
      << r.err;
}

TEST_F(Safety, StacksListsTheOthersWhenOneEnvironmentIsBroken) {
  Replace("staging", "profile: staging\napp: {name: Bad_Name}\n");
  CommandResult r = Run({"stacks"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, ::testing::HasSubstr("orders-api-dev")) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("orders-api-prod")) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("staging      -        (broken")) << r.out;
  EXPECT_THAT(r.err, ::testing::HasSubstr("staging/stack.yaml:2:")) << r.err;
  // The same in --json: one entry per environment, the broken one with its errors.
  r = Run({"stacks", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["environments"].size(), 3u) << r.out;
  const auto& dev = j["environments"][0];
  const auto& staging = j["environments"][2];  // in name order: dev, prod, staging
  EXPECT_EQ(staging["environment"], "staging");
  EXPECT_EQ(staging["status"], "broken");
  EXPECT_TRUE(staging["stacks"].empty());
  ASSERT_FALSE(staging["errors"].empty());
  EXPECT_EQ(staging["errors"][0]["line"], 2);
  EXPECT_EQ(dev["environment"], "dev");
  EXPECT_EQ(dev["status"], "ok");
  EXPECT_FALSE(dev["stacks"].empty());
  // Commands that deploy or write stay all-or-nothing: the shared account stack depends
  // on every environment.
  r = Run({"synth", "--stack", "dev", "--out", "out"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(dir_.path() + "/out"));
}

}  // namespace
}  // namespace bp::testing
