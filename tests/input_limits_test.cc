// Limits on what the tool reads from outside (issue 23, points 5, 6, 7, 12, 14): the
// settings environment variables give, how deep external JSON may nest, how much a
// child may print, what `preview --against` accepts as a template, and how text from
// AWS reaches a terminal.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "deploy/process.h"
#include "util/env.h"
#include "util/strings.h"

namespace bp {
namespace {

namespace fs = std::filesystem;

const std::string kTests = BLUEPRINT_TESTS_DIR;
const std::string kEnvironments = std::string(BLUEPRINT_SOURCE_DIR) + "/environments";

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The built binary against the stand-in `aws` (tests/fake-aws/aws) answering from
// scenario.json in a scratch directory; the environment variables under test go to
// the child only.
class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (fs::temp_directory_path() / ("bp-limits-" + std::to_string(getpid()) + "-" + info->name())).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Answer("{}");
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // scenario.json for the stand-in `aws` (its format: tests/fake-aws/aws).
  void Answer(const std::string& scenario_json) const { std::ofstream(dir_ + "/scenario.json") << scenario_json; }
  bool AwsWasCalled() const { return fs::exists(dir_ + "/calls.jsonl"); }

  ProcessResult Blueprint(const std::string& command, std::vector<std::string> args,
                          std::vector<std::pair<std::string, std::string>> env = {}) const {
    std::vector<std::string> argv = {BLUEPRINT_BINARY, command, "--environments", kEnvironments,
                                     "--state-dir", dir_ + "/state"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions o;
    o.timeout_ms = 120 * 1000;  // a hang fails the test instead of stalling the suite
    std::string path = kTests + "/fake-aws:" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
    o.set_env = {{"FAKE_AWS_DIR", dir_}, {"PATH", path}};
    o.set_env.insert(o.set_env.end(), env.begin(), env.end());
    o.unset_env = {"BLUEPRINT_AWS_CLI", "BLUEPRINT_AWS_TIMEOUT_SECONDS", "BLUEPRINT_POLL_INTERVAL_MS"};
    for (const auto& [name, value] : env) std::erase(o.unset_env, name);
    return RunProcess(argv, o);
  }

  std::string dir_;
};

// ---- 7. Settings from environment variables: one parser with a range ----

TEST(ParseEnvInt, UnsetOrEmptyKeepsTheDefault) {
  unsetenv("BP_TEST_SETTING");
  Diagnostics diags;
  int value = 120;
  EXPECT_TRUE(ParseEnvInt("BP_TEST_SETTING", 1, 3600, &value, &diags));
  setenv("BP_TEST_SETTING", "", 1);
  EXPECT_TRUE(ParseEnvInt("BP_TEST_SETTING", 1, 3600, &value, &diags));
  EXPECT_EQ(value, 120);
  setenv("BP_TEST_SETTING", "3600", 1);
  EXPECT_TRUE(ParseEnvInt("BP_TEST_SETTING", 1, 3600, &value, &diags));
  EXPECT_EQ(value, 3600);
  EXPECT_FALSE(diags.HasErrors());
  unsetenv("BP_TEST_SETTING");
}

TEST(ParseEnvInt, RefusesWhatIsNotANumberInRange) {
  for (const char* bad : {"abc", "0", "-5", "3000000", "99999999999999999999", " 5", "5s", "+5", "1e3"}) {
    setenv("BP_TEST_SETTING", bad, 1);
    Diagnostics diags;
    int value = 120;
    EXPECT_FALSE(ParseEnvInt("BP_TEST_SETTING", 1, 3600, &value, &diags)) << bad;
    EXPECT_EQ(value, 120) << bad;
    std::string text = diags.FormatAll();
    EXPECT_TRUE(Contains(text, "error: BP_TEST_SETTING: '" + std::string(bad) + "' is ")) << text;
    EXPECT_TRUE(Contains(text, "set a whole number from 1 to 3600, or unset it for the default (120)")) << text;
  }
  unsetenv("BP_TEST_SETTING");
}

TEST_F(LimitsTest, ABadTimeoutOrPollIntervalIsRefusedBeforeAnyCall) {
  struct Case {
    std::string command;
    std::vector<std::string> args;
    std::string variable, value, says;
  };
  std::vector<Case> cases = {
      {"up", {"--stack", "dev", "--yes"}, "BLUEPRINT_AWS_TIMEOUT_SECONDS", "3000000",
       "error: BLUEPRINT_AWS_TIMEOUT_SECONDS: '3000000' is out of range: set a whole number from 1 to 3600, or "
       "unset it for the default (120)\n"},
      {"up", {"--stack", "dev", "--yes"}, "BLUEPRINT_AWS_TIMEOUT_SECONDS", "abc",
       "error: BLUEPRINT_AWS_TIMEOUT_SECONDS: 'abc' is not a whole number: set a whole number from 1 to 3600, or "
       "unset it for the default (120)\n"},
      {"destroy", {"--stack", "dev", "--yes"}, "BLUEPRINT_AWS_TIMEOUT_SECONDS", "-5", "'-5' is out of range"},
      {"outputs", {"--stack", "dev"}, "BLUEPRINT_POLL_INTERVAL_MS", "0",
       "error: BLUEPRINT_POLL_INTERVAL_MS: '0' is out of range: set a whole number from 1000 to 60000, or unset "
       "it for the default (2000)\n"},
      {"preview", {"--stack", "dev", "--remote"}, "BLUEPRINT_POLL_INTERVAL_MS", "abc", "'abc' is not a whole number"},
  };
  for (const auto& c : cases) {
    ProcessResult r = Blueprint(c.command, c.args, {{c.variable, c.value}});
    EXPECT_EQ(r.exit_code, 2) << c.command << " " << c.variable << "=" << c.value << "\n" << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, c.says)) << r.err;
    EXPECT_FALSE(Contains(r.err, "--help")) << r.err;
    EXPECT_FALSE(AwsWasCalled()) << c.command;
  }
}

TEST_F(LimitsTest, AGoodSettingIsTaken) {
  // `outputs` for a stack that does not exist: one call, made, with the settings given.
  Answer(R"({"cloudformation describe-stacks": [{"stderr": "\nAn error occurred (ValidationError) when calling the )"
         R"(DescribeStacks operation: Stack with id orders-api-dev does not exist\n", "rc": 254}]})");
  ProcessResult r = Blueprint("outputs", {"--stack", "dev"},
                              {{"BLUEPRINT_AWS_TIMEOUT_SECONDS", "3600"}, {"BLUEPRINT_POLL_INTERVAL_MS", "1000"}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(AwsWasCalled());
  EXPECT_FALSE(Contains(r.err, "BLUEPRINT_")) << r.err;
}

}  // namespace
}  // namespace bp
