// Limits on what the tool reads from outside (issue 23, points 5, 6, 7, 12, 14): the
// settings environment variables give, how deep external JSON may nest, how much a
// child may print, what `preview --against` accepts as a template, and how text from
// AWS reaches a terminal.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cfn/json_read.h"
#include "cli/deploy_render.h"
#include "deploy/aws_cli.h"
#include "deploy/process.h"
#include "util/env.h"
#include "util/strings.h"
#include "test_util.h"

namespace bp {
namespace {

namespace fs = std::filesystem;


using cfn::Json;


// 100,000 levels of arrays: what once overflowed the stack.
std::string DeepArrays(size_t levels = 100000) { return std::string(levels, '[') + std::string(levels, ']'); }

// The exit status of a crash by signal (128 + N), which no case may end in.
bool Crashed(const ProcessResult& r) { return !r.started || r.exit_code > 128; }

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

// ---- 5. JSON from outside nests at most cfn::kMaxJsonDepth levels ----

TEST(ParseJson, RefusesNestingDeeperThanTheBound) {
  Json doc;
  std::string why;
  EXPECT_FALSE(cfn::ParseJson(DeepArrays(), &doc, &why));
  EXPECT_EQ(why, "nested deeper than 200 levels (at byte 200)");
  EXPECT_TRUE(doc.is_null());
  EXPECT_TRUE(cfn::ParseJson(DeepArrays(200), &doc, &why)) << why;
  // Brackets inside strings are text, not levels.
  EXPECT_TRUE(cfn::ParseJson("{\"a\": \"" + std::string(1000, '[') + "\\\"{{\"}", &doc, &why)) << why;
  EXPECT_FALSE(cfn::ParseJson("{\"a\": ", &doc, &why));
  EXPECT_EQ(why, "not valid JSON");
}

TEST(JsonExcerpt, IsBoundedAndCutsOnACharacter) {
  Json big = {{"Stacks", std::string(100000, 'x')}};
  std::string shown = cfn::JsonExcerpt(big);
  EXPECT_EQ(shown.size(), 303u);
  EXPECT_TRUE(shown.ends_with("xxx...")) << shown;
  EXPECT_EQ(cfn::JsonExcerpt(Json{{"a", "\u00e9\u00e9"}}, 9), "{\"a\":\"\u00e9...");  // not half of an é
  EXPECT_EQ(cfn::JsonExcerpt(Json::array()), "[]");
}

TEST_F(LimitsTest, DeeplyNestedJsonIsRefusedWhereverItComesFrom) {
  std::string deep = DeepArrays();
  std::string record = dir_ + "/state/unknown-account/eu-west-3/orders-api-dev";
  fs::create_directories(record);
  // An answer of `aws` (raw text: the stand-in prints strings as they are).
  Answer(Json{{"cloudformation describe-stacks", Json::array({{{"stdout", deep}}})}}.dump());
  ProcessResult aws = Blueprint("outputs", {"--stack", "dev"});
  EXPECT_FALSE(Crashed(aws)) << aws.exit_code;
  EXPECT_EQ(aws.exit_code, 1) << aws.err;  // an answer not understood: a failed call, as for one that is not JSON
  EXPECT_TRUE(Contains(aws.err, "error: orders-api-dev: describe-stacks: aws cloudformation describe-stacks: the "
                                "output is nested deeper than 200 levels (at byte 200)\n"))
      << aws.err;
  // A file given to preview --against.
  std::ofstream(dir_ + "/deep.json") << deep;
  ProcessResult against = Blueprint("preview", {"--stack", "dev", "--against", dir_ + "/deep.json"});
  EXPECT_FALSE(Crashed(against)) << against.exit_code;
  EXPECT_EQ(against.exit_code, 2);
  EXPECT_TRUE(Contains(against.err, dir_ + "/deep.json: nested deeper than 200 levels (at byte 200)")) << against.err;
  // The template the last `up` recorded, which preview compares with.
  std::ofstream(record + "/template.json") << "{\"Resources\": " + deep + "}";
  ProcessResult recorded = Blueprint("preview", {"--stack", "dev"});
  EXPECT_FALSE(Crashed(recorded)) << recorded.exit_code;
  EXPECT_EQ(recorded.exit_code, 2);
  EXPECT_TRUE(Contains(recorded.err, record + "/template.json: nested deeper than 200 levels (at byte 213)"))
      << recorded.err;
  fs::remove(record + "/template.json");
  // The recorded outputs.
  std::ofstream(record + "/outputs.json") << "{\"VpcId\": " + deep + "}";
  ProcessResult outputs = Blueprint("outputs", {"--stack", "dev", "--cached"});
  EXPECT_FALSE(Crashed(outputs)) << outputs.exit_code;
  EXPECT_EQ(outputs.exit_code, 2);
  EXPECT_TRUE(Contains(outputs.err, record + "/outputs.json: nested deeper than 200 levels (at byte 209)"))
      << outputs.err;
}

// ---- 6. What a child prints is read up to a bound ----

TEST(RunProcessBound, AChildThatPrintsWithoutEndIsStopped) {
  ProcessOptions o;
  o.timeout_ms = 60 * 1000;  // a guard only: the bound stops it long before
  o.max_out_bytes = 1 << 20;
  ProcessResult out = RunProcess({"yes"}, o);
  EXPECT_TRUE(out.started) << out.error;
  EXPECT_TRUE(out.too_large);
  EXPECT_FALSE(out.timed_out);
  EXPECT_EQ(out.out.size(), size_t{1} << 20);
  o.max_out_bytes = 0;
  o.max_err_bytes = 4096;
  ProcessResult err = RunProcess({"sh", "-c", "yes >&2"}, o);
  EXPECT_TRUE(err.too_large);
  EXPECT_EQ(err.err.size(), 4096u);
  // Under the bound nothing changes.
  o.max_out_bytes = 3;
  ProcessResult small = RunProcess({"echo", "hi"}, o);
  EXPECT_FALSE(small.too_large);
  EXPECT_EQ(small.out, "hi\n");
  EXPECT_EQ(small.exit_code, 0);
}

TEST_F(LimitsTest, AnAwsThatPrintsWithoutEndFailsWithAnswerTooLarge) {
  std::string endless = dir_ + "/endless-aws";
  std::ofstream(endless) << "#!/bin/sh\nexec yes '{\"Stacks\": []}'\n";
  chmod(endless.c_str(), 0755);
  ProcessResult r = Blueprint("outputs", {"--stack", "dev"}, {{"BLUEPRINT_AWS_CLI", endless}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, "error: orders-api-dev: describe-stacks: aws cloudformation describe-stacks: answer too "
                              "large: it printed more than 64 MiB and was stopped"))
      << r.err;
  // In-process: the call fails at once, as one that may not pass by being tried again.
  AwsOptions o;
  o.program = endless;
  AwsResult a = AwsCli(o).Run("cloudformation", "describe-stacks", {}, "eu-west-3");
  EXPECT_FALSE(a.ok);
  EXPECT_FALSE(a.transient);
  EXPECT_EQ(a.attempts, 1);
  EXPECT_TRUE(a.body.is_null());
}

// ---- 12. preview --against takes a template, nothing else ----

TEST_F(LimitsTest, PreviewAgainstRefusesWhatIsNotATemplate) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "the file holds an array, not a template object"},
      {R"({"version": "36.0.0", "artifacts": {"orders-api-dev": {}}})",
       "it is a cloud assembly's manifest.json; give one of the <stack>.template.json files beside it"},
      {R"({"Resources": 5})", "Resources is a number, not an object of resources"},
      {R"({"Resources": {}})", "Resources is empty"},
      {R"({"Resources": {"Vpc": "AWS::EC2::VPC"}})", "Resources.Vpc is a string, not a resource object"},
      {R"({"Resources": {"Vpc": {"Properties": {}}}})", "Resources.Vpc has no Type string"},
      {R"({"Parameters": {}, "Outputs": {}})", "it has no Resources section (its keys: Parameters, Outputs)"},
      {"\"text\"", "the file holds a string, not a template object"},
  };
  for (const auto& [text, says] : cases) {
    std::ofstream(dir_ + "/against.json") << text;
    ProcessResult r = Blueprint("preview", {"--stack", "dev", "--against", dir_ + "/against.json"});
    EXPECT_EQ(r.exit_code, 2) << text << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "") << text;
    EXPECT_TRUE(Contains(r.err, "error: --against " + dir_ + "/against.json: not a CloudFormation template: " + says +
                                    ". Give a JSON template"))
        << r.err;
  }
}

// ---- 14. Controls in AWS's words are shown, not obeyed ----

TEST(EscapeControls, WritesOutWhatATerminalWouldObey) {
  EXPECT_EQ(EscapeControls("plain text, \u00e9t\u00e9 \u2713\n\tnext"), "plain text, \u00e9t\u00e9 \u2713\n\tnext");
  EXPECT_EQ(EscapeControls("a\x1b[2Jb\rc\x07\x08\x7f"), "a\\x1b[2Jb\\x0dc\\x07\\x08\\x7f");
  EXPECT_EQ(EscapeControls(std::string("nul\0!", 5)), "nul\\x00!");
  EXPECT_EQ(EscapeControls("csi\xc2\x9b" "31m \xc2\x85 \xc2\xa0"), "csi\\u009b31m \\u0085 \xc2\xa0");  // C1, NBSP kept
  EXPECT_EQ(EscapeControls("bad \xff\x9b \xe2\x82"), "bad \\xff\\x9b \\xe2\\x82");  // not UTF-8
}

TEST_F(LimitsTest, OutputValuesAndErrorsFromAwsAreEscaped) {
  Json stack = {{"StackName", "orders-api-dev"},
                {"StackStatus", "UPDATE_COMPLETE"},
                {"Outputs", Json::array({{{"OutputKey", "ServiceUrl"},
                                          {"OutputValue", "https://x.example\u001b]0;owned\u0007\u001b[2J\r"}}})}};
  Answer(Json{{"cloudformation describe-stacks", Json::array({{{"stdout", {{"Stacks", {stack}}}}}})}}.dump());
  ProcessResult text = Blueprint("outputs", {"--stack", "dev"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "orders-api-dev:\n  ServiceUrl  https://x.example\\x1b]0;owned\\x07\\x1b[2J\\x0d\n");
  // JSON output keeps the value, in JSON's own escapes.
  ProcessResult json = Blueprint("outputs", {"--stack", "dev", "--json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(Json::parse(json.out)["orders-api-dev"]["ServiceUrl"], "https://x.example\u001b]0;owned\u0007\u001b[2J\r");
  // An error message of AWS, through the diagnostics.
  Answer(Json{{"cloudformation describe-stacks",
               Json::array({{{"stderr", "\nAn error occurred (AccessDenied) when calling the DescribeStacks operation: "
                                        "denied\u001b[8m hidden\n"},
                             {"rc", 254}}})}}
             .dump());
  ProcessResult err = Blueprint("outputs", {"--stack", "dev"});
  EXPECT_EQ(err.exit_code, 1) << err.err;
  EXPECT_TRUE(Contains(err.err, "AccessDenied: denied\\x1b[8m hidden")) << err.err;
  EXPECT_FALSE(Contains(err.err, "\x1b")) << err.err;
}

TEST(ConsoleObserver, EventReasonsAndProgressShowControlsEscaped) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  ASSERT_NE(mem, nullptr);
  cli::Console console;
  console.out = mem;
  cli::ConsoleObserver plain(console, [](const std::string&) { return ""; }, "deploy");
  StackEvent e;
  e.status = "CREATE_FAILED";
  e.logical_id = "Db";
  e.type = "AWS::RDS::DBInstance";
  e.reason = "quota\u001b[1A\u001b[2K";
  plain.observer().event(e);
  console.live = true;
  cli::ConsoleObserver live(console, [](const std::string&) { return ""; }, "deploy");
  FollowProgress p;
  p.stack = "orders-api-dev";
  p.status = "UPDATE\u001b[2J";
  live.observer().progress(p);
  std::fclose(mem);
  std::string shown(buf, len);
  std::free(buf);
  EXPECT_TRUE(Contains(shown, " AWS::RDS::DBInstance  quota\\x1b[1A\\x1b[2K\n"))
      << shown;
  // The progress line's own rewrite stays a control; the status from AWS does not.
  EXPECT_TRUE(Contains(shown, "\r\x1b[K  orders-api-dev  0/0 resources  0:00  UPDATE\\x1b[2J")) << shown;
}

}  // namespace
}  // namespace bp
