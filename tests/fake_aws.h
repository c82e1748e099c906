// The stand-in `aws` (tests/fake-aws/aws) as a test fixture: a scratch directory with
// scenario.json, the built binary run against it, and the calls it recorded, with the
// varying parts (test directory, change-set name, parameters file) made stable. Shared by
// the tests of the deploy commands (deploy_test.cc, deploy_faults_test.cc).
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "cfn/writer.h"
#include "deploy/process.h"
#include "util/diag.h"
#include "util/files.h"
#include "util/strings.h"
#include "test_util.h"

namespace bp {
namespace {

namespace fake_aws_fs = std::filesystem;
using cfn::Json;

// What every call ends with: JSON output and the dev stack's region.
const std::string kSuffix = " --output json --region eu-west-3";

// AWS's public SSM parameter of the NAT instances' image, and `aws ssm get-parameters`'s
// answer for it (DOC:systems-manager/latest/APIReference/API_GetParameters.html).
const std::string kNatImageParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";
const std::string kNatImage = "ami-0e3a1c6f5d2b4a789";
Json NatImageAnswer() {
  return Json{{"Parameters", Json::array({{{"Name", kNatImageParameter},
                                           {"Type", "String"},
                                           {"Value", kNatImage},
                                           {"Version", 97},
                                           {"LastModifiedDate", "2026-11-20T18:22:41.123000+00:00"},
                                           {"ARN", "arn:aws:ssm:eu-west-3::parameter" + kNatImageParameter},
                                           {"DataType", "aws:ec2:image"}}})},
              {"InvalidParameters", Json::array()}};
}

class FakeAwsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (fake_aws_fs::temp_directory_path() / ("bp-fake-aws-" + std::to_string(getpid()) + "-" + info->name())).string();
    fake_aws_fs::remove_all(dir_);
    fake_aws_fs::create_directories(dir_);
    setenv("FAKE_AWS_DIR", dir_.c_str(), 1);
    const char* path = std::getenv("PATH");
    saved_path_ = path ? path : "/usr/bin:/bin";
    setenv("PATH", (kTests + "/fake-aws:" + saved_path_).c_str(), 1);
    setenv("BLUEPRINT_POLL_INTERVAL_MS", "1000", 1);  // the least it takes (input_limits_test.cc)
    setenv("BLUEPRINT_TEST_VIRTUAL_CLOCK", "1", 1);    // ... and no real second of it
    unsetenv("BLUEPRINT_AWS_CLI");
  }
  void TearDown() override {
    // What later suites see is what they would see alone: the stand-in `aws` leaves PATH
    // (else a later test looking for the real AWS CLI finds the stand-in first).
    setenv("PATH", saved_path_.c_str(), 1);
    unsetenv("FAKE_AWS_DIR");
    unsetenv("BLUEPRINT_POLL_INTERVAL_MS");
    unsetenv("BLUEPRINT_TEST_VIRTUAL_CLOCK");  // other suites' binaries wait for real
    if (!HasFailure()) fake_aws_fs::remove_all(dir_);
  }

  void UseScenario(const std::string& name, const Json& extra = Json::object()) {
    std::string text;
    Diagnostics diags;
    ASSERT_TRUE(ReadFile(kTests + "/fixtures/deploy/" + name + ".json", &text, &diags)) << diags.FormatAll();
    Json scenario = Json::parse(text);
    // Unless the scenario says otherwise, the account is one App Runner admits: `up`
    // asks before creating a stack that has an App Runner service (a list, empty here).
    if (!scenario.contains("apprunner list-services"))
      scenario["apprunner list-services"] = Json::array({{{"stdout", {{"ServiceSummaryList", Json::array()}}}}});
    // Unless it says otherwise, a deployed stack's template (what `up` compares with when
    // nothing is recorded here) is one without resources: nothing cascades.
    if (!scenario.contains("cloudformation get-template"))
      scenario["cloudformation get-template"] = Json::array({{{"stdout", {{"TemplateBody", Json::object()}}}}});
    // The NAT instances' image (dev's nat: instance), as `aws ssm get-parameters` answers.
    if (!scenario.contains("ssm get-parameters"))
      scenario["ssm get-parameters"] = Json::array({{{"stdout", NatImageAnswer()}}});
    for (auto it = extra.begin(); it != extra.end(); ++it) scenario[it.key()] = it.value();
    std::ofstream(dir_ + "/scenario.json") << scenario.dump();
    fake_aws_fs::remove(dir_ + "/counters.json");
    fake_aws_fs::remove(dir_ + "/calls.jsonl");
  }

  ProcessResult Blueprint(const std::string& command, std::vector<std::string> args) {
    std::vector<std::string> argv = {BLUEPRINT_BINARY, command, "--environments", kEnvironments,
                                     "--state-dir", state()};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions guard;
    guard.timeout_ms = 120 * 1000;  // a hang fails the test instead of stalling the suite
    return RunProcess(argv, guard);
  }

  std::string state() const { return dir_ + "/state"; }
  // Where the dev stack's deployment is recorded: STATE/<account>/<region>/<stack>.
  std::string record() const { return state() + "/unknown-account/eu-west-3/orders-api-dev"; }

  std::vector<Json> Records() const {
    std::vector<Json> out;
    std::ifstream in(dir_ + "/calls.jsonl");
    for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
    return out;
  }

  // Each call as one line, with the varying parts replaced: the test directory by
  // <dir>, the change-set name by blueprint-CS, and the common suffix dropped.
  std::vector<std::string> Calls() const {
    std::vector<std::string> out;
    for (const auto& r : Records()) {
      std::vector<std::string> argv = r["argv"].get<std::vector<std::string>>();
      std::string line = Join(argv, " ");
      line = std::regex_replace(line, std::regex("blueprint-[0-9]{14}"), "blueprint-CS");
      line = std::regex_replace(line, std::regex("file:///dev/fd/[0-9]+"), "file://<params>");
      for (size_t p; (p = line.find(dir_)) != std::string::npos;) line.replace(p, dir_.size(), "<dir>");
      EXPECT_TRUE(line.size() >= kSuffix.size() && line.compare(line.size() - kSuffix.size(), kSuffix.size(),
                                                                 kSuffix) == 0)
          << line;
      if (line.size() >= kSuffix.size()) line.resize(line.size() - kSuffix.size());
      out.push_back(line);
    }
    return out;
  }

  std::string dir_;
  std::string saved_path_;  // PATH before SetUp, restored by TearDown
};

const std::string kAdmission = "apprunner list-services";  // before the first stack with an App Runner service
const std::string kNatImageRead = "ssm get-parameters --names " + kNatImageParameter;  // dev's NAT image, first
const std::string kDescribe = "cloudformation describe-stacks --stack-name orders-api-dev";
// Nothing recorded here: `up` compares with the template CloudFormation holds.
const std::string kGetTemplate = "cloudformation get-template --stack-name orders-api-dev";
const std::string kEvents = "cloudformation describe-stack-events --stack-name orders-api-dev --max-items 100";
const std::string kDescribeCs =
    "cloudformation describe-change-set --stack-name orders-api-dev --change-set-name blueprint-CS";
const std::string kExecute =
    "cloudformation execute-change-set --stack-name orders-api-dev --change-set-name blueprint-CS";
const std::string kDeleteCs =
    "cloudformation delete-change-set --stack-name orders-api-dev --change-set-name blueprint-CS";
std::string CreateCs(const std::string& type) {
  return "cloudformation create-change-set --stack-name orders-api-dev --change-set-name blueprint-CS "
         "--change-set-type " +
         type +
         " --template-body file://<dir>/state/unknown-account/eu-west-3/orders-api-dev/pending.template.json --capabilities CAPABILITY_IAM "
         "CAPABILITY_NAMED_IAM";
}

// The bundled environments have the ImageUri parameter (update.json's stack has it
// deployed) and dev the NAT image, which `up` always passes.
const std::string kKeepParams = " --parameters file://<params>";

// A stored scenario with some responses of one operation replaced.
Json Scenario(const std::string& name) {
  std::string text;
  Diagnostics diags;
  EXPECT_TRUE(ReadFile(kTests + "/fixtures/deploy/" + name + ".json", &text, &diags)) << diags.FormatAll();
  return Json::parse(text);
}

// A stored scenario (of stack orders-api-dev) answering about stack `stack`: the stack's
// name, its stack ID and its own events; describe-stacks answers about another stack
// are refused.
Json ScenarioOfStack(const std::string& name, const std::string& stack) {
  std::string text = Scenario(name).dump();
  for (auto [from, to] : {std::pair<std::string, std::string>{"\"orders-api-dev\"", "\"" + stack + "\""},
                          {"stack/orders-api-dev/", "stack/" + stack + "/"}})
    for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
  return Json::parse(text);
}

// A first deploy whose change set is not executed: describe-stacks says the stack does
// not exist, then (once the change set made it) that it is REVIEW_IN_PROGRESS. Its
// StackId is the one create-change-set answers with.
const std::string kCreatedStackId =
    "arn:aws:cloudformation:eu-west-3:123456789012:stack/orders-api-dev/1a2b3c4d-5e6f-11ef-8a1b-0a1b2c3d4e5f";
Json CreateLeftInReview() {
  Json scenario = Scenario("create");
  Json review = Scenario("review-in-progress")["cloudformation describe-stacks"][0];
  scenario["cloudformation describe-stacks"] =
      Json::array({scenario["cloudformation describe-stacks"][0], review});
  return scenario;
}
// How the empty stack of a CREATE change set goes: checked, then deleted by its ID.
const std::string kDeleteCreatedStack = "cloudformation delete-stack --stack-name " + kCreatedStackId;


std::string ReadFileOrEmpty(const std::string& path) {
  std::string text;
  Diagnostics diags;
  return ReadFile(path, &text, &diags) ? text : "";
}

}  // namespace
}  // namespace bp
