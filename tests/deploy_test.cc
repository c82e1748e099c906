// preview/up/destroy/outputs end to end against a stand-in `aws` (tests/fake-aws/aws)
// that records each call and answers from fixtures shaped like CloudFormation's
// responses (tests/fixtures/deploy/*.json).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/diff_render.h"
#include "app/app.h"
#include "config/loader.h"
#include "deploy/driver.h"
#include "deploy/leftovers.h"
#include "deploy/process.h"
#include "cfn/writer.h"
#include "cli/deploy_options.h"
#include "cli/deploy_render.h"
#include "config/loader.h"
#include "config/secrets.h"
#include "fake_aws.h"
#include "modules/cdn.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp {
namespace {

namespace fs = std::filesystem;
using cfn::Json;

TEST_F(FakeAwsTest, FirstUpCreatesTheStackAndRecordsTemplateAndOutputs) {
  UseScenario("create");
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> expected = {kAdmission, kNatImageRead, kDescribe,  CreateCs("CREATE") + kKeepParams, kDescribeCs, kDescribeCs, kEvents, kExecute,
                                       kEvents,    kDescribe,          kEvents,     kDescribe,   kDescribe};
  EXPECT_EQ(Calls(), expected);
  EXPECT_GT(Records()[3]["template_resources"].get<int>(), 0);
  EXPECT_TRUE(Contains(r.out, "orders-api-dev (eu-west-3): creating change set (create)\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Change set blueprint-")) << r.out;
  EXPECT_TRUE(Contains(r.out, "(CREATE): 2 change(s)\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "  + Add     Vpc              AWS::EC2::VPC")) << r.out;
  // Not a terminal: one plain line per event, no carriage returns.
  EXPECT_TRUE(Contains(r.out, "CREATE_COMPLETE          Vpc")) << r.out;
  EXPECT_FALSE(Contains(r.out, "\r"));
  EXPECT_TRUE(Contains(r.out, "orders-api-dev: CREATE_COMPLETE after ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Outputs:\n  VpcId             vpc-0a1b2c3d4e5f60718\n")) << r.out;

  std::string text;
  Diagnostics diags;
  ASSERT_TRUE(ReadFile(record() + "/outputs.json", &text, &diags)) << diags.FormatAll();
  EXPECT_EQ(Json::parse(text), (Json{{"VpcId", "vpc-0a1b2c3d4e5f60718"}, {"PrivateSubnetIds", "subnet-0aa,subnet-0bb"}}));
  ASSERT_TRUE(ReadFile(record() + "/template.json", &text, &diags)) << diags.FormatAll();
  EXPECT_TRUE(Json::parse(text).contains("Resources"));
  EXPECT_FALSE(fs::exists(record() + "/pending.template.json"));

  // The recorded deployment makes the offline preview quiet.
  ProcessResult p = Blueprint("preview", {"--stack", "dev"});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(Contains(p.out, "Stack orders-api-dev: no changes\n")) << p.out;
  EXPECT_TRUE(Contains(p.out, "Plan for orders-api-dev: 0 to add, 0 to modify, 0 to remove\n")) << p.out;
}

// Prod's ECR repository is retained with a fixed name: after `destroy`, creating the
// stack again adopts it instead of failing on the name (import-resources-automatically).
TEST_F(FakeAwsTest, CreatingAStackWithARetainedRepositoryAdoptsTheExistingOne) {
  UseScenario("create");
  ProcessResult r = Blueprint("up", {"--stack", "prod", "--yes"});
  ASSERT_TRUE(r.started) << r.error;
  std::string create;
  for (const auto& call : Calls())
    if (Contains(call, "cloudformation create-change-set --stack-name orders-api-prod ")) create = call;
  ASSERT_FALSE(create.empty()) << r.out << r.err;
  EXPECT_TRUE(Contains(create, "--change-set-type CREATE")) << create;
  EXPECT_TRUE(Contains(create, " --import-existing-resources")) << create;
}

// Dev keeps nothing when its stack goes (EmptyOnDelete, no Retain): a plain create.
TEST_F(FakeAwsTest, CreatingAStackThatRetainsNothingImportsNothing) {
  UseScenario("create");
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  ASSERT_TRUE(r.started) << r.error;
  for (const auto& call : Calls()) EXPECT_FALSE(Contains(call, "--import-existing-resources")) << call;
}

TEST_F(FakeAwsTest, UpUpdatesAnExistingStack) {
  UseScenario("update");
  ProcessResult r = Blueprint("up", {"--stack", "orders-api-dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> expected = {kAdmission, kNatImageRead, kDescribe, kGetTemplate, CreateCs("UPDATE") + kKeepParams, kDescribeCs, kDescribeCs, kEvents, kExecute,
                                       kEvents,   kDescribe,          kEvents,     kDescribe,   kDescribe};
  EXPECT_EQ(Calls(), expected);
  EXPECT_TRUE(Contains(r.out, "(UPDATE): 1 change(s)\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "~ Modify  PublicSubnet1  AWS::EC2::Subnet  Replacement: False  [Tags]")) << r.out;
  // The image stays what CI deployed last.
  EXPECT_EQ(Records()[4]["parameters"], Json::parse(R"([{"ParameterKey": "NatInstanceImageId", "ParameterValue": ")" + kNatImage + R"("}, {"ParameterKey": "ImageUri", "UsePreviousValue": true}])"));
}

TEST_F(FakeAwsTest, UpWithAnImageUriSendsIt) {
  UseScenario("update");
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes", "--image-uri", "123456789012.dkr.ecr.eu-west-3.amazonaws.com/orders-api:v2"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Records()[4]["parameters"],
            Json::parse(R"([{"ParameterKey": "NatInstanceImageId", "ParameterValue": ")" + kNatImage + R"("}, {"ParameterKey": "ImageUri", "ParameterValue": "123456789012.dkr.ecr.eu-west-3.amazonaws.com/orders-api:v2"}])"));
  EXPECT_TRUE(Contains(r.out, "orders-api-dev: UPDATE_COMPLETE after ")) << r.out;
}

TEST_F(FakeAwsTest, UpKeepsFollowingWhileTheStackStillShowsItsOldStatus) {
  // Execution is asynchronous: the first poll may still see CREATE_COMPLETE and no
  // new event; that is not the end of the update.
  std::string text;
  Diagnostics diags;
  ASSERT_TRUE(ReadFile(kTests + "/fixtures/deploy/update.json", &text, &diags)) << diags.FormatAll();
  Json update = Json::parse(text);
  Json stacks = update["cloudformation describe-stacks"];
  Json events = update["cloudformation describe-stack-events"];
  stacks.insert(stacks.begin() + 1, stacks[0]);
  events.insert(events.begin() + 1, events[0]);
  UseScenario("update", Json{{"cloudformation describe-stacks", stacks}, {"cloudformation describe-stack-events", events}});
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> expected = {kAdmission, kNatImageRead, kDescribe, kGetTemplate, CreateCs("UPDATE") + kKeepParams, kDescribeCs, kDescribeCs, kEvents,
                                       kExecute,  kEvents, kDescribe, kEvents, kDescribe, kEvents, kDescribe,
                                       kDescribe};
  EXPECT_EQ(Calls(), expected);
  EXPECT_TRUE(Contains(r.out, "orders-api-dev: UPDATE_COMPLETE after ")) << r.out;
}

TEST_F(FakeAwsTest, UpWithNoChangesDeletesTheChangeSetAndSucceeds) {
  UseScenario("nochange");
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> expected = {kAdmission, kNatImageRead, kDescribe, kGetTemplate, CreateCs("UPDATE") + kKeepParams, kDescribeCs, kDeleteCs};
  EXPECT_EQ(Calls(), expected);
  EXPECT_TRUE(Contains(r.out, "orders-api-dev: no changes to deploy\n")) << r.out;
  EXPECT_TRUE(fs::exists(record() + "/template.json"));
  EXPECT_TRUE(fs::exists(record() + "/outputs.json"));
}

TEST_F(FakeAwsTest, FailedUpdateShowsTheFirstFailureAndTheRollback) {
  UseScenario("failure");
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "Replacement: True  [CidrBlock (replace)]")) << r.out;
  EXPECT_TRUE(Contains(r.err, "error: orders-api-dev: deploy failed\n")) << r.err;
  EXPECT_TRUE(Contains(r.err, "  first failure: PrivateSubnet1 (AWS::EC2::Subnet) UPDATE_FAILED: Resource handler "
                              "returned message: \"The CIDR '10.0.0.128/26' conflicts with another subnet"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "  rollback: rolled back: the previous version is running again "
                              "(UPDATE_ROLLBACK_COMPLETE)\n"))
      << r.err;
  EXPECT_FALSE(fs::exists(record() + "/template.json"));
  EXPECT_FALSE(fs::exists(record() + "/pending.template.json"));
}

// create.json's first create ending in ROLLBACK_COMPLETE: the stack as described after it,
// and its events (the last page's second event is the one to make the failure).
struct FailedCreate {
  Json stacks, events;
};
FailedCreate FailedFirstCreate() {
  Json create = Scenario("create");
  FailedCreate f{create["cloudformation describe-stacks"], create["cloudformation describe-stack-events"]};
  f.stacks[2]["stdout"]["Stacks"][0]["StackStatus"] = "ROLLBACK_COMPLETE";
  f.stacks[2]["stdout"]["Stacks"][0].erase("Outputs");
  f.events[2]["stdout"]["StackEvents"][0]["ResourceStatus"] = "ROLLBACK_COMPLETE";  // the stack's own event
  return f;
}

TEST_F(FakeAwsTest, FailedFirstCreateSaysToDestroyBeforeTheNextUp) {
  auto [stacks, events] = FailedFirstCreate();
  Json& last = events[2]["stdout"]["StackEvents"];
  last[1]["ResourceStatus"] = "CREATE_FAILED";      // InternetGateway
  last[1]["ResourceStatusReason"] = "Resource handler returned message: \"The maximum number of internet gateways "
                                    "has been reached.\" (HandlerErrorCode: ServiceLimitExceeded)";
  UseScenario("create", Json{{"cloudformation describe-stacks", stacks}, {"cloudformation describe-stack-events", events}});
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "  first failure: InternetGateway (AWS::EC2::InternetGateway) CREATE_FAILED: Resource "
                              "handler returned message: \"The maximum number of internet gateways"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "  rollback: rolled back: nothing was kept; run `blueprint destroy --stack "
                              "orders-api-dev` before the next up (ROLLBACK_COMPLETE)\n"))
      << r.err;
  EXPECT_FALSE(fs::exists(record() + "/template.json"));
}

// When the check learned nothing and CloudFormation meets App Runner's refusal at the
// service's create (an access error IAM did not raise), the failure names the way out;
// an access error IAM raised (a missing permission) does not.
TEST_F(FakeAwsTest, AnAppRunnerAccessRefusalAtCreateNamesTheWayOut) {
  const FailedCreate failed = FailedFirstCreate();
  const Json& stacks = failed.stacks;
  Json iam_denies_listing = Json::array(
      {{{"stderr", "\nAn error occurred (AccessDeniedException) when calling the ListServices operation: User: "
                   "arn:aws:iam::123456789012:user/ci is not authorized to perform: apprunner:ListServices\n"},
        {"rc", 254}}});
  const std::string hint = "set `compute.platform: ecs-express` in its stack.yaml";
  for (bool by_iam : {false, true}) {
    SCOPED_TRACE(by_iam ? "IAM" : "App Runner");
    Json events = failed.events;
    Json& last = events[2]["stdout"]["StackEvents"];
    last[1]["LogicalResourceId"] = "Service";
    last[1]["ResourceType"] = "AWS::AppRunner::Service";
    last[1]["ResourceStatus"] = "CREATE_FAILED";
    last[1]["ResourceStatusReason"] =
        std::string("Resource handler returned message: \"") +
        (by_iam ? "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: apprunner:CreateService"
                : "AWS App Runner is not available to this account") +
        " (Service: AppRunner, Status Code: 400, Request ID: 1a2b)\" (RequestToken: ab12, HandlerErrorCode: AccessDenied)";
    UseScenario("create", Json{{"cloudformation describe-stacks", stacks},
                               {"cloudformation describe-stack-events", events},
                               {"apprunner list-services", iam_denies_listing}});
    fs::remove_all(state());
    ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "  first failure: Service (AWS::AppRunner::Service) CREATE_FAILED: ")) << r.err;
    if (by_iam) {
      EXPECT_FALSE(Contains(r.err, hint)) << r.err;
    } else {
      EXPECT_TRUE(Contains(r.err, "warning: orders-api-dev: App Runner refused to create the service with an access "
                                  "error that IAM did not raise: if App Runner no longer admits this AWS account "
                                  "(closed to new customers on 2026-04-30), " + hint + " (docs/migration.md)"))
          << r.err;
    }
  }
}

// App Runner closed to new customers on 2026-04-30: `up` asks App Runner first, read-only,
// and refuses an account it no longer admits before any stack is touched, naming the way out.
TEST_F(FakeAwsTest, UpRefusesAnAccountAppRunnerNoLongerAdmitsBeforeCreatingAnything) {
  UseScenario("apprunner-refused");
  for (const char* env : {"dev", "prod"}) {  // prod: also before the account stack (OIDC provider) and global stack
    SCOPED_TRACE(env);
    fs::remove(dir_ + "/calls.jsonl");
    ProcessResult r = Blueprint("up", {"--stack", env, "--yes"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    std::string stack = std::string("orders-api-") + env;
    EXPECT_TRUE(Contains(r.err, "error: " + stack + ": App Runner does not admit this AWS account in eu-west-3 "
                                "(apprunner list-services: AccessDeniedException: AWS App Runner is not available to "
                                "this account). App Runner closed to new customers on 2026-04-30; run this environment "
                                "on Amazon ECS Express Mode instead: set `compute.platform: ecs-express` in its "
                                "stack.yaml (docs/migration.md). Nothing was created."))
        << r.err;
    // The one read-only call: no stack read, no change set, nothing executed.
    EXPECT_EQ(Calls(), std::vector<std::string>{kAdmission});
    EXPECT_FALSE(fs::exists(state() + "/unknown-account/eu-west-3/" + stack + "/pending.template.json"));
  }
}

// The stand-in's answer to `apprunner list-services` for a caller IAM does not let list
// App Runner services (the check learns nothing about the account).
Json ListServicesNotAuthorized() {
  return Json{{"apprunner list-services",
               Json::array({{{"stderr",
                              "\nAn error occurred (AccessDeniedException) when calling the ListServices operation: "
                              "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                              "apprunner:ListServices\n"},
                             {"rc", 254}}})}};
}

// `preview --remote` asks too: its change set would show a plan `up` then refuses.
TEST_F(FakeAwsTest, RemotePreviewRefusesAnAccountAppRunnerNoLongerAdmits) {
  UseScenario("apprunner-refused");
  ProcessResult r = Blueprint("preview", {"--stack", "dev", "--remote"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "error: orders-api-dev: App Runner does not admit this AWS account in eu-west-3 "
                              "(apprunner list-services: AccessDeniedException: AWS App Runner is not available to "
                              "this account)."))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "set `compute.platform: ecs-express` in its stack.yaml")) << r.err;
  EXPECT_EQ(Calls(), std::vector<std::string>{kAdmission});  // no change set

  // A check that settles nothing: a warning, and the preview goes on.
  UseScenario("replacement", ListServicesNotAuthorized());
  r = Blueprint("preview", {"--stack", "dev", "--remote"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "apprunner:ListServices); previewing anyway")) << r.err;
  EXPECT_EQ(Calls().back(), kDeleteCs);
}

// A caller IAM does not let list App Runner services learns nothing about the account:
// a warning, and the deploy goes on (CloudFormation answers for the account then).
TEST_F(FakeAwsTest, AnAdmissionCheckThatSettlesNothingWarnsAndDeploys) {
  UseScenario("create", ListServicesNotAuthorized());
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "warning: orders-api-dev: could not check whether App Runner admits this AWS account "
                              "in eu-west-3 (apprunner list-services: AccessDeniedException: User: "
                              "arn:aws:iam::123456789012:user/ci is not authorized to perform: apprunner:ListServices); "
                              "deploying anyway"))
      << r.err;
  std::vector<std::string> calls = Calls();
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls[0], kAdmission);
  EXPECT_TRUE(Contains(Join(calls, "\n"), kExecute));
  // Deployed with App Runner once: the next `up` does not ask again.
  UseScenario("nochange");
  EXPECT_EQ(Blueprint("up", {"--stack", "dev", "--yes"}).exit_code, 0);
  for (const auto& c : Calls()) EXPECT_NE(c, kAdmission);
}

// The change set of update.json, changed to replace the App Runner service (a Tags
// change on a stack deployed before the fixed tags, docs/compute.md): the dev
// template names the service (ServiceName), so CloudFormation could not replace it.
Json ReplaceNamedServiceScenario(const char* replaced_by) {
  Json scenario = Scenario("update");
  Json& change = scenario["cloudformation describe-change-set"][1]["stdout"]["Changes"][0]["ResourceChange"];
  change["LogicalResourceId"] = "Service";
  change["ResourceType"] = "AWS::AppRunner::Service";
  change["PhysicalResourceId"] = "arn:aws:apprunner:eu-west-3:123456789012:service/orders-api-dev/0123";
  change["Replacement"] = "True";
  change["Details"][0]["Target"]["Name"] = replaced_by;
  change["Details"][0]["Target"]["RequiresRecreation"] = "Always";
  return scenario;
}

TEST_F(FakeAwsTest, UpRefusesToReplaceANamedResource) {
  UseScenario("update", ReplaceNamedServiceScenario("Tags"));
  ProcessResult r = Blueprint("up", {"--stack", "orders-api-dev", "--yes"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "~ Modify  Service  AWS::AppRunner::Service  Replacement: True  [Tags (replace)]"))
      << r.out;
  EXPECT_TRUE(Contains(r.err, "!! REPLACEMENT WILL FAIL: Service (AWS::AppRunner::Service) would be replaced, but "
                              "its template sets its name (ServiceName)"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "--allow-replace-named")) << r.err;
  // The change set is deleted, nothing is executed, nothing recorded as deployed.
  std::vector<std::string> expected = {kAdmission, kNatImageRead, kDescribe, kGetTemplate, CreateCs("UPDATE") + kKeepParams, kDescribeCs, kDescribeCs,
                                       kDeleteCs};
  EXPECT_EQ(Calls(), expected);
  EXPECT_FALSE(fs::exists(record() + "/pending.template.json"));
}

TEST_F(FakeAwsTest, UpReplacesANamedResourceOnlyWhenAllowed) {
  UseScenario("update", ReplaceNamedServiceScenario("Tags"));
  ProcessResult r = Blueprint("up", {"--stack", "orders-api-dev", "--yes", "--allow-replace-named"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "!! REPLACEMENT WILL FAIL: Service (AWS::AppRunner::Service)")) << r.out;
  std::vector<std::string> calls = Calls();
  EXPECT_NE(std::find(calls.begin(), calls.end(), kExecute), calls.end());
}

TEST_F(FakeAwsTest, UpReplacesANamedResourceThatTheChangeRenames) {
  UseScenario("update", ReplaceNamedServiceScenario("ServiceName"));
  ProcessResult r = Blueprint("up", {"--stack", "orders-api-dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(Contains(r.out + r.err, "REPLACEMENT WILL FAIL")) << r.out << r.err;
}

// The dev stack as recorded by an earlier `up`: the golden template (what the bundled
// environments synthesize), with each `from` replaced by `to`.
void RecordDeployed(const std::string& record_dir, const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = ReadFileOrEmpty(kTests + "/golden/orders-api-dev.template.json");
  ASSERT_FALSE(text.empty());
  for (const auto& [from, to] : edits) {
    ASSERT_THAT(text, ::testing::HasSubstr(from)) << from;
    for (size_t p; (p = text.find(from)) != std::string::npos;) text.replace(p, from.size(), to);
  }
  fs::create_directories(record_dir);
  std::ofstream(record_dir + "/template.json") << text;
}

TEST_F(FakeAwsTest, UpRefusesACascadeThatReachesTheDatabaseBeforeAnyChangeSet) {
  // Deployed with network.cidr 10.8.0.0/24; the environment now says 10.0.0.0/24.
  RecordDeployed(record(), {{"\"10.0.0.", "\"10.8.0."}});
  for (const char* extra : {"", "--allow-replace-named"}) {
    UseScenario("update");
    std::vector<std::string> args = {"--stack", "orders-api-dev", "--yes"};
    if (*extra) args.push_back(extra);
    ProcessResult r = Blueprint("up", args);
    EXPECT_EQ(r.exit_code, 2) << extra << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "!! REPLACEMENT REACHES DATA: Db (AWS::RDS::DBInstance) would be replaced by a new, "
                                "empty one: Vpc's CidrBlock changes (network.cidr)"))
        << r.err;
    EXPECT_TRUE(Contains(r.err, "(Vpc -> PrivateSubnet1 -> DbSubnetGroup -> Db)")) << r.err;
    EXPECT_TRUE(Contains(r.err, "create a new environment with the new value, move the data there (a database: "
                                "restore a snapshot of it)"))
        << r.err;
    // Nothing created: no change set, no pending template; the record is untouched.
    for (const auto& call : Calls()) EXPECT_FALSE(Contains(call, "create-change-set")) << call;
    EXPECT_FALSE(fs::exists(record() + "/pending.template.json"));
    EXPECT_TRUE(Contains(ReadFileOrEmpty(record() + "/template.json"), "10.8.0.0/24"));
  }
  // Offline preview shows the same line, and counts the database at risk.
  ProcessResult p = Blueprint("preview", {"--stack", "dev"});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(Contains(p.out, "!! REPLACEMENT REACHES DATA: Db (AWS::RDS::DBInstance)")) << p.out;
  EXPECT_TRUE(Contains(p.out, "  ~ Db ")) << p.out;
  ProcessResult j = Blueprint("preview", {"--stack", "dev", "--json"});
  Json doc = Json::parse(j.out);
  EXPECT_GE(doc["stacks"][0]["summary"]["stateful_at_risk"].get<int>(), 1) << j.out;
}

// On a machine with no record of the deployment (a teammate's clone, a CI runner), `up`
// reads the deployed template from CloudFormation and refuses the same cascade.
TEST_F(FakeAwsTest, WithoutARecordUpReadsTheDeployedTemplateAndRefusesTheSameCascade) {
  std::string text = ReadFileOrEmpty(kTests + "/golden/orders-api-dev.template.json");
  for (size_t p; (p = text.find("\"10.0.0.")) != std::string::npos;) text.replace(p, 8, "\"10.8.0.");
  UseScenario("update", Json{{"cloudformation get-template", Json::array({{{"stdout", {{"TemplateBody", text}}}}})}});
  ProcessResult r = Blueprint("up", {"--stack", "orders-api-dev", "--yes"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "!! REPLACEMENT REACHES DATA: Db (AWS::RDS::DBInstance)")) << r.err;
  std::vector<std::string> calls = Calls();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "cloudformation get-template --stack-name orders-api-dev"), calls.end());
  for (const auto& call : calls) EXPECT_FALSE(Contains(call, "create-change-set")) << call;
  // An unreadable answer is a warning: the change set still marks each replacement.
  UseScenario("update", Json{{"cloudformation get-template", Json::array({{{"stderr", "AccessDenied"}, {"rc", 254}}})}});
  r = Blueprint("up", {"--stack", "orders-api-dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "cannot compare with the deployed template (get-template: ")) << r.err;
}

TEST_F(FakeAwsTest, UpGoesOnWhenNoReplacementReachesData) {
  // Deployed with another log level: the service changes in place, nothing cascades.
  RecordDeployed(record(), {{"\"Value\": \"debug\"", "\"Value\": \"info\""}});
  UseScenario("update");
  ProcessResult r = Blueprint("up", {"--stack", "orders-api-dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(Contains(r.err, "REACHES DATA")) << r.err;
  std::vector<std::string> calls = Calls();
  EXPECT_NE(std::find(calls.begin(), calls.end(), kExecute), calls.end());
}

TEST_F(FakeAwsTest, UpRefusesWithoutYesWhenStdinIsNotATerminal) {
  UseScenario("update");
  ProcessResult r = Blueprint("up", {"--stack", "dev"});  // RunProcess gives /dev/null as stdin
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "error: refusing to deploy orders-api-dev: stdin is not a terminal; run again with "
                              "--yes to confirm\n"))
      << r.err;
  std::vector<std::string> expected = {kAdmission, kNatImageRead, kDescribe, kGetTemplate, CreateCs("UPDATE") + kKeepParams, kDescribeCs, kDescribeCs,
                                       kDeleteCs};
  EXPECT_EQ(Calls(), expected);
}

TEST_F(FakeAwsTest, DeclinedCreateRemovesTheEmptyReviewStack) {
  UseScenario("create", CreateLeftInReview());
  ProcessResult r = Blueprint("up", {"--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  std::vector<std::string> calls = Calls();
  ASSERT_GE(calls.size(), 2u);
  // The stack is deleted with its change set, once it is seen to be the one the change
  // set made and still empty.
  EXPECT_EQ(calls[calls.size() - 2], kDescribe);
  EXPECT_EQ(calls.back(), kDeleteCreatedStack);
}

TEST_F(FakeAwsTest, AStackAnotherChangeSetStartedIsNeverDeletedByTheCleanup) {
  // Another `up` executed its own change set of the new stack meanwhile: the stack is
  // CREATE_IN_PROGRESS, not ours to delete.
  UseScenario("create");
  ProcessResult r = Blueprint("up", {"--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Calls().back(), kDescribe);
  for (const auto& c : Calls()) EXPECT_FALSE(Contains(c, "delete-stack")) << c;
}

TEST_F(FakeAwsTest, RemotePreviewShowsReplacementsAndDeletesTheChangeSet) {
  UseScenario("replacement");
  ProcessResult r = Blueprint("preview", {"--stack", "dev", "--remote"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // No deployment recorded here: App Runner is asked first, as `up` would.
  std::vector<std::string> expected = {kAdmission, kNatImageRead, kDescribe,
                                       "cloudformation create-change-set --stack-name orders-api-dev "
                                       "--change-set-name blueprint-CS --change-set-type UPDATE "
                                       "--template-body file://<params-dir> --capabilities "
                                       "CAPABILITY_IAM CAPABILITY_NAMED_IAM --parameters file://<params>",
                                       kDescribeCs, kDeleteCs};
  std::vector<std::string> calls = Calls();
  ASSERT_EQ(calls.size(), 6u);
  // The template goes from a private temporary directory.
  calls[3] = std::regex_replace(calls[3], std::regex("file:///tmp/blueprint-preview-[A-Za-z0-9]{6}/orders-api-dev"
                                                     "\\.template\\.json"),
                                "file://<params-dir>");
  EXPECT_EQ(calls, expected);
  EXPECT_TRUE(Contains(r.out, "~ Modify  Database     AWS::RDS::DBInstance  Replacement: True  "
                              "[DBInstanceIdentifier (replace), AllocatedStorage]\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "~ Modify  Vpc          AWS::EC2::VPC         Replacement: Conditional  [CidrBlock "
                              "(replace)]\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "- Remove  Repository   AWS::ECR::Repository\n")) << r.out;
  // The same words as the offline preview (analysis::RiskLine).
  EXPECT_TRUE(Contains(r.out, "!! DATA AT RISK: Database (AWS::RDS::DBInstance) would be REPLACED: a new, empty one "
                              "is created and the old one deleted\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "!! DATA AT RISK: Repository (AWS::ECR::Repository) would be DELETED with its data\n"))
      << r.out;
}

TEST_F(FakeAwsTest, DestroySaysWhatRemainsAndForgetsTheStack) {
  UseScenario("destroy");
  fs::create_directories(record() + "");
  std::ofstream(record() + "/outputs.json") << "{}";
  ProcessResult r = Blueprint("destroy", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> expected = {kDescribe,
                                       "cloudformation get-template --stack-name orders-api-dev",
                                       "cloudformation list-stack-resources --stack-name orders-api-dev",
                                       kEvents,
                                       "cloudformation delete-stack --stack-name orders-api-dev",
                                       kEvents,
                                       kDescribe,
                                       kEvents,
                                       kDescribe};
  EXPECT_EQ(Calls(), expected);
  EXPECT_TRUE(Contains(r.out, "orders-api-dev (eu-west-3, UPDATE_COMPLETE): 3 resource(s) will be deleted\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "final snapshot of AWS::RDS::DBInstance orders-api-dev-db (Database; DeletionPolicy "
                              "Snapshot, named by CloudFormation)"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "AWS::ECR::Repository orders-api-dev (Repository): kept (DeletionPolicy Retain)"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "orders-api-dev: DELETE_COMPLETE after ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Remaining after destroy:\n")) << r.out;
  EXPECT_FALSE(fs::exists(record() + ""));
}

TEST_F(FakeAwsTest, DestroyOfAProductionStackNeedsForceProd) {
  UseScenario("destroy");
  ProcessResult r = Blueprint("destroy", {"--stack", "prod", "--yes"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "has production guards; destroy refuses it without --force-prod")) << r.err;
  EXPECT_TRUE(Records().empty());
}

TEST_F(FakeAwsTest, DestroyRefusesWithoutYes) {
  UseScenario("destroy");
  ProcessResult r = Blueprint("destroy", {"--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "refusing to destroy orders-api-dev: stdin is not a terminal")) << r.err;
  for (const auto& c : Calls()) EXPECT_FALSE(Contains(c, "delete-stack")) << c;
}

TEST_F(FakeAwsTest, OutputsAsTableJsonAndFromTheRecord) {
  UseScenario("outputs");
  ProcessResult r = Blueprint("outputs", {"--stack", "dev"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "orders-api-dev:\n  VpcId             vpc-0a1b2c3d4e5f60718\n  PrivateSubnetIds  "
                   "subnet-0aa,subnet-0bb\n");
  ProcessResult j = Blueprint("outputs", {"--stack", "dev", "--json"});
  EXPECT_EQ(j.exit_code, 0);
  EXPECT_EQ(Json::parse(j.out)["orders-api-dev"]["VpcId"], "vpc-0a1b2c3d4e5f60718");  // keyed by stack, even for one
  std::vector<std::string> expected = {kDescribe, kDescribe};
  EXPECT_EQ(Calls(), expected);
  ProcessResult c = Blueprint("outputs", {"--stack", "dev", "--json", "--cached"});
  EXPECT_EQ(c.exit_code, 0);
  EXPECT_EQ(Json::parse(c.out)["orders-api-dev"]["PrivateSubnetIds"], "subnet-0aa,subnet-0bb");
  EXPECT_EQ(Calls().size(), 2u);  // --cached calls nothing
}

TEST_F(FakeAwsTest, PassThroughOptions) {
  UseScenario("outputs");
  ProcessResult r = Blueprint("outputs", {"--stack", "dev", "--profile", "ops", "--region", "eu-west-3",
                                          "--endpoint-url", "http://127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Records().size(), 1u);
  EXPECT_EQ(Join(Records()[0]["argv"].get<std::vector<std::string>>(), " "),
            "cloudformation describe-stacks --stack-name orders-api-dev --output json --region eu-west-3 --profile "
            "ops --endpoint-url http://127.0.0.1:1");
}

TEST_F(FakeAwsTest, ARegionThatContradictsTheStacksIsRefused) {
  UseScenario("outputs");
  for (const char* command : {"up", "preview", "destroy", "outputs"}) {
    ProcessResult r = Blueprint(command, {"--stack", "dev", "--yes", "--region", "us-west-2"});
    if (std::string(command) == "preview" || std::string(command) == "outputs")
      r = Blueprint(command, {"--stack", "dev", "--region", "us-west-2"});
    EXPECT_EQ(r.exit_code, 2) << command << r.err;
    EXPECT_TRUE(Contains(r.err, "error: --region us-west-2: stack orders-api-dev deploys in eu-west-3")) << r.err;
  }
  EXPECT_TRUE(Records().empty());
}

TEST_F(FakeAwsTest, TheRecordLivesBesideTheEnvironmentsWhereverTheCommandRuns) {
  // A project elsewhere: up and preview without --state-dir, from other directories.
  fs::create_directories(dir_ + "/project");
  fs::copy(kEnvironments, dir_ + "/project/environments", fs::copy_options::recursive);
  fs::create_directories(dir_ + "/elsewhere");
  UseScenario("create");
  ProcessOptions from_elsewhere;
  from_elsewhere.cwd = dir_ + "/elsewhere";
  from_elsewhere.timeout_ms = 120 * 1000;
  std::string envs = dir_ + "/project/environments/";
  ProcessResult up = RunProcess({BLUEPRINT_BINARY, "up", "--stack", "dev", "--yes", "--environments", envs},
                                from_elsewhere);
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_TRUE(fs::exists(dir_ + "/project/.blueprint/unknown-account/eu-west-3/orders-api-dev/template.json"));
  EXPECT_FALSE(fs::exists(dir_ + "/elsewhere/.blueprint"));
  ProcessOptions from_root = from_elsewhere;
  from_root.cwd = "/";
  ProcessResult p = RunProcess({BLUEPRINT_BINARY, "preview", "--stack", "dev", "--environments", envs}, from_root);
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(Contains(p.out, "Stack orders-api-dev: no changes\n")) << p.out;
}

TEST_F(FakeAwsTest, UserErrorsExitWithTwo) {
  UseScenario("outputs");
  EXPECT_EQ(Blueprint("up", {"--yes"}).exit_code, 2);  // --stack is required
  ProcessResult unknown = Blueprint("up", {"--stack", "qa", "--yes"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "no environment or stack named 'qa'")) << unknown.err;
  ProcessResult param = Blueprint("up", {"--stack", "dev", "--yes", "--parameter", "Bogus=1"});
  EXPECT_EQ(param.exit_code, 2);
  EXPECT_TRUE(Contains(param.err, "no selected stack has a template parameter named Bogus")) << param.err;
  ProcessResult against = Blueprint("preview", {"--stack", "dev", "--against", dir_ + "/missing.json"});
  EXPECT_EQ(against.exit_code, 2);
  EXPECT_TRUE(Records().empty());
}

TEST_F(FakeAwsTest, OfflinePreviewAgainstAFile) {
  std::ofstream(dir_ + "/old.json")
      << R"({"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/24"}},
             "Gone": {"Type": "AWS::Logs::LogGroup"}}})";
  ProcessResult r = Blueprint("preview", {"--stack", "dev", "--against", dir_ + "/old.json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Properties.CidrBlock: \"10.9.0.0/24\" -> \"10.0.0.0/24\"")) << r.out;
  EXPECT_TRUE(Contains(r.out, "!! DATA AT RISK: Gone (AWS::Logs::LogGroup) would be DELETED with its data")) << r.out;
  ProcessResult j = Blueprint("preview", {"--stack", "dev", "--against", dir_ + "/old.json", "--json"});
  Json doc = Json::parse(j.out);
  EXPECT_EQ(doc["stacks"][0]["summary"]["remove"], 1);
  EXPECT_EQ(doc["stacks"][0]["summary"]["modify"], 1);
}

// The driver in-process, for what the bundled environments do not have yet:
// parameters (ImageUri, NoEcho secrets) and templates over the inline limit.
class DriverTest : public FakeAwsTest {
 protected:
  Stack MakeStack(size_t padding_resources = 0) {
    Stack s;
    s.id = s.name = "orders-api-dev";
    s.region = "eu-west-3";
    s.role = StackRole::kMain;
    cfn::Parameter image;
    image.default_value = "public.ecr.aws/aws-containers/hello-app-runner:latest";
    s.tmpl.AddParameter("ImageUri", image);
    s.inputs.push_back(InputFromImage("ImageUri"));  // as the assembly records the compute platform's
    cfn::Parameter secret;
    secret.no_echo = true;
    s.tmpl.AddParameter("SecretSentryDsn", secret);
    cfn::Parameter level;
    level.default_value = "info";
    s.tmpl.AddParameter("LogLevel", level);
    s.tmpl.AddResource("Topic", "AWS::SNS::Topic");
    for (size_t i = 0; i < padding_resources; ++i)
      s.tmpl.AddResource("Topic" + std::to_string(i), "AWS::SNS::Topic",
                         Json{{"DisplayName", std::string(200, 'x')}});
    return s;
  }
  Driver MakeDriver(DriverOptions o = {}) {
    o.state_dir = state();
    o.poll_interval_ms = 0;
    AwsOptions ao;
    ao.retry_base_ms = 0;
    aws_ = std::make_unique<AwsCli>(ao);
    return Driver(*aws_, o);
  }
  DeployResult Deploy(const Stack& s, const ParameterValues& values, DriverOptions o = {}) {
    return MakeDriver(o).Deploy(s, values, {}, &diags_);
  }
  std::string Errors() const { return diags_.FormatAll(); }
  Diagnostics diags_;
  std::unique_ptr<AwsCli> aws_;
};

using Deployed = DeployResult::Status;

TEST_F(DriverTest, UpdateKeepsImageAndSecretsUnlessGiven) {
  UseScenario("update");
  Stack s = MakeStack();
  EXPECT_EQ(Deploy(s, {}).status, Deployed::kDeployed) << Errors();
  Json params = Records()[2]["parameters"];
  EXPECT_EQ(params, Json::parse(R"([{"ParameterKey": "ImageUri", "UsePreviousValue": true},
                                   {"ParameterKey": "SecretSentryDsn", "UsePreviousValue": true}])"));
  EXPECT_EQ(Records()[2]["parameters_mode"], "0o600");
  EXPECT_TRUE(Contains(Calls()[2], " --parameters file://<params>")) << Calls()[2];
}

TEST_F(DriverTest, GivenValuesAreSentButNeverOnTheCommandLine) {
  UseScenario("update");
  Stack s = MakeStack();
  ParameterValues values = {{"ImageUri", "123456789012.dkr.ecr.eu-west-3.amazonaws.com/orders-api:v2"},
                            {"SecretSentryDsn", "https://s3cr3t@sentry.example/1"}};
  DeployResult r = Deploy(s, values);
  EXPECT_EQ(r.status, Deployed::kDeployed) << Errors();
  Json params = Records()[2]["parameters"];
  EXPECT_EQ(params[0]["ParameterValue"], "123456789012.dkr.ecr.eu-west-3.amazonaws.com/orders-api:v2");
  EXPECT_EQ(params[1]["ParameterValue"], "https://s3cr3t@sentry.example/1");
  for (const auto& c : Calls()) EXPECT_FALSE(Contains(c, "s3cr3t")) << c;
  EXPECT_FALSE(Contains(cli::RenderChangeSet(r.change_set) + Errors(), "s3cr3t"));
}

TEST_F(DriverTest, CreateWithoutASecretValueIsAUserError) {
  UseScenario("create");
  Stack s = MakeStack();
  EXPECT_EQ(Deploy(s, {}).status, Deployed::kRefused);
  EXPECT_TRUE(Contains(Errors(), "no value for template parameter(s) SecretSentryDsn")) << Errors();
  std::vector<std::string> expected = {kDescribe};
  EXPECT_EQ(Calls(), expected);
}

TEST_F(DriverTest, LargeTemplatesNeedAnS3Bucket) {
  UseScenario("create");
  Stack s = MakeStack(300);
  ParameterValues values = {{"SecretSentryDsn", "x"}};
  EXPECT_EQ(Deploy(s, values).status, Deployed::kRefused);
  EXPECT_TRUE(Contains(Errors(), "CloudFormation takes at most 51,200 bytes inline. Give --s3-bucket BUCKET"))
      << Errors();

  UseScenario("create", Json{{"s3 cp", Json::array({{{"stdout", "upload: x to s3://y/z\n"}}})}});
  DriverOptions o;
  o.s3_bucket = "acme-templates";
  diags_ = Diagnostics();
  EXPECT_EQ(Deploy(s, values, o).status, Deployed::kDeployed) << Errors();
  std::vector<std::string> calls = Calls();
  std::string upload;
  for (const auto& c : calls)
    if (StartsWith(c, "s3 cp")) upload = c;
  EXPECT_TRUE(std::regex_match(upload, std::regex("s3 cp <dir>/state/unknown-account/eu-west-3/orders-api-dev/pending.template.json "
                                                  "s3://acme-templates/apprunner-blueprint/orders-api-dev/"
                                                  "[0-9a-f]{16}\\.template\\.json")))
      << upload;
  bool url = false;
  for (const auto& c : calls)
    if (std::regex_search(c, std::regex("--template-url https://acme-templates\\.s3\\.eu-west-3\\.amazonaws\\.com/"
                                        "apprunner-blueprint/orders-api-dev/[0-9a-f]{16}\\.template\\.json")))
      url = true;
  EXPECT_TRUE(url);
}

// ---- A hostile `aws`: hangs, stray children, throttling, odd answers (issue 11) ----

TEST_F(FakeAwsTest, AHungCallIsStoppedAndNamed) {
  UseScenario("hang");
  setenv("BLUEPRINT_AWS_TIMEOUT_SECONDS", "1", 1);
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  unsetenv("BLUEPRINT_AWS_TIMEOUT_SECONDS");
  ASSERT_FALSE(r.timed_out) << "up hung on a hung aws";
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Said what it was doing before each call, and which call did not answer.
  EXPECT_TRUE(StartsWith(r.out, "orders-api-dev (eu-west-3): asking whether App Runner admits this AWS account (aws "
                                "apprunner list-services)\n"
                                "orders-api-dev (eu-west-3): reading the stack's status (aws cloudformation "
                                "describe-stacks)\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.err, "aws cloudformation describe-stacks did not answer within 1 s")) << r.err;
  EXPECT_EQ(Calls().size(), 4u);  // the admission, the NAT image, then read-only: tried once more, not again and again
}

TEST_F(FakeAwsTest, AChildHoldingThePipeDoesNotHangTheCommand) {
  UseScenario("hold-pipe");
  ProcessResult r = Blueprint("outputs", {"--stack", "dev", "--json"});
  ASSERT_FALSE(r.timed_out) << "outputs waited for the stray child";
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["orders-api-dev"]["VpcId"], "vpc-0a1b2c3d4e5f60718");
}

TEST_F(FakeAwsTest, ThePassphraseNeverReachesTheCli) {
  UseScenario("outputs");
  setenv("BLUEPRINT_CONFIG_PASSPHRASE", "correct horse battery staple", 1);
  setenv("BLUEPRINT_CONFIG_NEW_PASSPHRASE", "another one", 1);
  ProcessResult r = Blueprint("outputs", {"--stack", "dev"});
  unsetenv("BLUEPRINT_CONFIG_PASSPHRASE");
  unsetenv("BLUEPRINT_CONFIG_NEW_PASSPHRASE");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Records().size(), 1u);
  EXPECT_EQ(Records()[0]["env_secrets"], Json::array());
}

TEST_F(FakeAwsTest, InterruptedCreateChangeSetLeavesNoParametersFile) {
  // The update sends ImageUri through --parameters; the CLI hangs in create-change-set
  // and the user gives up (SIGTERM, SIGINT and SIGHUP take the same path).
  Json scenario = Scenario("update");
  scenario["cloudformation create-change-set"] = Json::array({{{"hang", 600}, {"stdout", ""}}});
  UseScenario("update", scenario);
  auto parameter_files = [] {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
      if (StartsWith(e.path().filename().string(), "blueprint-parameters-")) found.push_back(e.path().string());
    std::sort(found.begin(), found.end());
    return found;
  };
  std::vector<std::string> before = parameter_files();
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    fs::remove(dir_ + "/calls.jsonl");
    fs::remove(dir_ + "/counters.json");
    int pid = StartBackground({BLUEPRINT_BINARY, "up", "--stack", "dev", "--yes", "--environments", kEnvironments,
                               "--state-dir", state()},
                              dir_ + "/up.log");
    ASSERT_GT(pid, 0);
    bool creating = false;
    for (int i = 0; i < 600 && !creating; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      for (const auto& c : Calls()) creating = creating || StartsWith(c, "cloudformation create-change-set");
    }
    ASSERT_TRUE(creating);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the CLI has read its parameters
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << status;
    // The create call was cut short, so the change set may exist: it is deleted.
    EXPECT_EQ(Calls().back(), kDeleteCs);
    Json create;
    for (const Json& r : Records())
      if (r["argv"][1] == "create-change-set") create = r;
    ASSERT_TRUE(create.contains("parameters_path"));
    // Read through a descriptor: there was never a file holding the values.
    EXPECT_TRUE(StartsWith(create["parameters_path"].get<std::string>(), "/dev/fd/")) << create;
    EXPECT_EQ(parameter_files(), before);
    // The hung CLI went with it.
    int aws_pid = create["pid"];
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
      gone = kill(aws_pid, 0) != 0;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(gone) << "aws " << aws_pid << " still running after the interrupt";
  }
}

TEST_F(FakeAwsTest, DestroyTreatsAnUnexpectedAnswerAsAnErrorNotAsAbsent) {
  for (const char* name : {"shape-empty", "shape-array"}) {
    UseScenario(name);
    fs::create_directories(record() + "");
    std::ofstream(record() + "/outputs.json") << "{}";
    ProcessResult r = Blueprint("destroy", {"--stack", "dev", "--yes"});
    EXPECT_EQ(r.exit_code, 1) << name << r.out << r.err;
    EXPECT_FALSE(Contains(r.out, "nothing to destroy")) << r.out;
    EXPECT_TRUE(Contains(r.err, "error: orders-api-dev: describe-stacks: unexpected answer")) << r.err;
    EXPECT_TRUE(fs::exists(record() + "/outputs.json")) << name;
    ProcessResult o = Blueprint("outputs", {"--stack", "dev"});
    EXPECT_EQ(o.exit_code, 1) << name;
  }
}

TEST_F(FakeAwsTest, OutputsOfAStackLeftInReviewSaysItIsNotDeployed) {
  UseScenario("review-in-progress");
  ProcessResult r = Blueprint("outputs", {"--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, "stack orders-api-dev in eu-west-3 is REVIEW_IN_PROGRESS: it is not deployed")) << r.err;
  EXPECT_TRUE(Contains(r.err, "`blueprint destroy --stack orders-api-dev`")) << r.err;
}

TEST_F(FakeAwsTest, PollingHasAFloor) {
  // BLUEPRINT_POLL_INTERVAL_MS under 1000 is refused (input_limits_test.cc).
  DriverOptions o;
  Diagnostics diags;
  ASSERT_TRUE(ReadDriverEnvironment(&o, &diags)) << diags.FormatAll();
  AwsCli aws({});
  Driver d(aws, o);
  EXPECT_EQ(d.poll_interval_ms(), 1000);
  // Quiet polls slow down to at most 10 s, never below the floor.
  EXPECT_EQ(d.NextInterval(1000), 1500);
  EXPECT_EQ(d.NextInterval(9000), 10000);
  EXPECT_EQ(d.NextInterval(10000), 10000);
}

TEST_F(DriverTest, AThrottledPollIsRetriedAndTheDeployGoesOn) {
  Json scenario = Scenario("update");
  Json stacks = scenario["cloudformation describe-stacks"];
  Json throttled = {{"stderr", "\nAn error occurred (Throttling) when calling the DescribeStacks operation (reached "
                               "max retries: 4): Rate exceeded\n"},
                    {"rc", 254}};
  stacks.insert(stacks.begin() + 1, Json(throttled));
  scenario["cloudformation describe-stacks"] = stacks;
  Json events = scenario["cloudformation describe-stack-events"];
  events.insert(events.begin() + 1, Json::object({{"stderr", "\nAn error occurred (500) when calling the "
                                                              "DescribeStackEvents operation: Internal Server Error\n"},
                                                   {"rc", 255}}));
  scenario["cloudformation describe-stack-events"] = events;
  UseScenario("update", scenario);
  Stack s = MakeStack();
  DeployResult r = Deploy(s, {});
  EXPECT_EQ(r.status, Deployed::kDeployed) << Errors();
  EXPECT_EQ(r.follow.status, "UPDATE_COMPLETE");
}

TEST_F(DriverTest, LostContactSaysTheStackMayStillBeUpdating) {
  Json scenario = Scenario("update");
  Json stacks = scenario["cloudformation describe-stacks"];
  Json down = {{"stderr", "\nCould not connect to the endpoint URL: \"https://cloudformation.eu-west-3.amazonaws.com/\"\n"},
               {"rc", 255}};
  scenario["cloudformation describe-stacks"] = Json::array({stacks[0], down});
  UseScenario("update", scenario);
  Stack s = MakeStack();
  DeployResult r = Deploy(s, {});
  EXPECT_EQ(r.status, Deployed::kFailed);
  EXPECT_TRUE(r.follow.lost_contact);
  EXPECT_TRUE(Contains(Errors(), "error: orders-api-dev: lost contact with CloudFormation while following it: "
                                 "describe-stacks: Could not connect to the endpoint URL"))
      << Errors();
  std::string err = Errors() + cli::RenderDeployFailure(s.name, s.region, r.follow);
  EXPECT_TRUE(Contains(err, "the stack may still be updating")) << err;
  EXPECT_TRUE(Contains(err, "aws cloudformation describe-stacks --stack-name orders-api-dev --region eu-west-3")) << err;
  EXPECT_FALSE(Contains(err, "rollback")) << err;
  EXPECT_FALSE(Contains(err, "UNKNOWN")) << err;
}

TEST_F(DriverTest, AnHttp500IsAStatusAndOneLine) {
  UseScenario("http500");
  Stack s = MakeStack();
  EXPECT_EQ(MakeDriver().Outputs(s, &diags_).status, OutputsResult::Status::kFailed);
  std::string err = Errors();
  EXPECT_TRUE(Contains(err, "error: orders-api-dev: describe-stacks: the endpoint's answer is not an AWS response: 500 "
                            "Internal Server Error\n"))
      << err;
  EXPECT_FALSE(Contains(err, "b'")) << err;
  EXPECT_EQ(Calls().size(), 5u);  // a 5xx is transient: tried again
}

// A real prod template over CloudFormation's inline limit (the bundled prod environment
// spread over six AZs: a NAT gateway, its alarms and subnets per AZ) is refused without a
// bucket, and deploys through the bucket with one: uploaded, then created by URL.
TEST_F(DriverTest, ProdTemplateOverTheInlineLimitDeploysThroughTheBucket) {
  std::string yaml = ReadFileOrEmpty(kEnvironments + "/prod/stack.yaml");
  for (auto [from, to] : {std::pair<std::string, std::string>{"region: eu-west-3\n", "region: us-east-1\n"},
                          {"  az_count: 2\n", "  az_count: 6\n  max_az_count: 6\n"}}) {
    size_t at = yaml.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    yaml.replace(at, from.size(), to);
  }
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(ParseStackConfig(yaml, "prod/stack.yaml", "prod", &c, &d)) << d.FormatAll();
  App app;
  ASSERT_TRUE(Assemble(c, &app, &d)) << d.FormatAll();
  Stack s;
  for (const auto& st : app.stacks)
    if (st.role == StackRole::kMain) s = st;
  ASSERT_EQ(s.name, "orders-api-prod");
  ASSERT_GT(cfn::WriteCompactJson(s.tmpl.ToJson()).size(), cfn::kMaxInlineTemplateBytes);

  UseScenario("create");
  EXPECT_EQ(Deploy(s, {}).status, Deployed::kRefused);
  EXPECT_TRUE(Contains(Errors(), "CloudFormation takes at most 51,200 bytes inline. Give --s3-bucket BUCKET")) << Errors();

  Json prod = ScenarioOfStack("create", "orders-api-prod");
  prod["s3 cp"] = Json::array({{{"stdout", "upload: x to s3://y/z\n"}}});
  UseScenario("create", prod);
  DriverOptions o;
  o.s3_bucket = "acme-templates";
  diags_ = Diagnostics();
  EXPECT_EQ(Deploy(s, {}, o).status, Deployed::kDeployed) << Errors();
  std::string upload, create;
  for (const auto& r : Records()) {
    std::string line = Join(r["argv"].get<std::vector<std::string>>(), " ");
    if (StartsWith(line, "s3 cp")) upload = line;
    if (StartsWith(line, "cloudformation create-change-set")) create = line;
  }
  std::smatch key;
  ASSERT_TRUE(std::regex_search(upload, key, std::regex("s3://acme-templates/(apprunner-blueprint/orders-api-prod/[0-9a-f]{16}\\.template\\.json)")))
      << upload;
  EXPECT_TRUE(Contains(create, "--template-url https://acme-templates.s3.") && Contains(create, key[1].str())) << create;
  EXPECT_FALSE(Contains(create, "--template-body")) << create;
}

TEST_F(DriverTest, TemplatesAreSentMinifiedAndSizedMinified) {
  // Deeply nested properties: the indented form is over the inline limit, the
  // compact one under it, so no bucket is needed.
  Stack s = MakeStack();
  for (int i = 0; i < 180; ++i)
    s.tmpl.AddResource("Queue" + std::to_string(i), "AWS::SQS::Queue",
                       Json{{"Tags", Json::array({{{"Key", "a"}, {"Value", "b"}}, {{"Key", "c"}, {"Value", "d"}},
                                                  {{"Key", "e"}, {"Value", "f"}}, {{"Key", "g"}, {"Value", "h"}}})}});
  ASSERT_GT(cfn::WriteJson(s.tmpl.ToJson()).size(), cfn::kMaxInlineTemplateBytes);
  ASSERT_LT(cfn::WriteCompactJson(s.tmpl.ToJson()).size(), cfn::kMaxInlineTemplateBytes);
  UseScenario("create");
  EXPECT_EQ(Deploy(s, {{"SecretSentryDsn", "x"}}).status, Deployed::kDeployed) << Errors();
  std::string sent = ReadFileOrEmpty(record() + "/template.json");
  EXPECT_EQ(sent, cfn::WriteCompactJson(s.tmpl.ToJson()));
  EXPECT_TRUE(Contains(Calls()[1], "--template-body file://")) << Calls()[1];
}

TEST(ValidateApp, WarnsWhenATemplateWillNeedAnS3Bucket) {
  App app;
  Stack s;
  s.name = "orders-api-dev";
  s.region = "eu-west-3";
  for (int i = 0; i < 250; ++i)
    s.tmpl.AddResource("Topic" + std::to_string(i), "AWS::SNS::Topic", Json{{"DisplayName", std::string(200, 'x')}});
  app.stacks.push_back(std::move(s));
  Diagnostics d;
  ValidateApp(app, &d);
  EXPECT_FALSE(d.HasErrors()) << d.FormatAll();
  EXPECT_TRUE(Contains(d.FormatAll(), "over CloudFormation's 51,200-byte inline limit, so `up` and `preview --remote` "
                                      "need --s3-bucket BUCKET"))
      << d.FormatAll();
}

TEST(AwsError, HttpStatusesAndUnparsableAnswersAreOneLine) {
  std::string code, message;
  ParseAwsError("\nAn error occurred (500) when calling the DescribeStacks operation (reached max retries: 4): "
                "Internal Server Error\n",
                &code, &message);
  EXPECT_EQ(code, "HTTP 500");
  EXPECT_EQ(message, "Internal Server Error");
  EXPECT_TRUE(IsTransientAwsError(code, message));
  ParseAwsError("\nUnable to parse response (syntax error: line 1, column 0), invalid XML received. Further retries "
                "may succeed:\nb'upstream \\'db\\' crashed\\n'\n",
                &code, &message);
  EXPECT_EQ(message, "the endpoint's answer is not an AWS response: upstream 'db' crashed");
  ParseAwsError(std::string(40000, 'x') + "\n", &code, &message);  // no regex to overflow, one short line
  EXPECT_LE(message.size(), 310u);
  EXPECT_TRUE(IsThrottling("Throttling"));
  EXPECT_FALSE(IsTransientAwsError("ValidationError", "Stack with id x does not exist"));
}

// ---- Destroy planning, risk lines and reports, without any `aws` (issue 9) ----

TEST(PlanDestroy, KeptSnapshotsBlockersAndRepositories) {
  Json tmpl = Json::parse(R"({"Resources": {
    "Database": {"Type": "AWS::RDS::DBInstance", "Properties": {"DeletionProtection": true}},
    "Images": {"Type": "AWS::ECR::Repository", "DeletionPolicy": "Retain"},
    "Scratch": {"Type": "AWS::ECR::Repository"},
    "Topic": {"Type": "AWS::SNS::Topic"}}})");
  Json resources = Json::parse(R"([
    {"LogicalResourceId": "Database", "PhysicalResourceId": "orders-db", "ResourceStatus": "CREATE_COMPLETE"},
    {"LogicalResourceId": "Images", "PhysicalResourceId": "orders-images", "ResourceStatus": "CREATE_COMPLETE"},
    {"LogicalResourceId": "Scratch", "PhysicalResourceId": "orders-scratch", "ResourceStatus": "CREATE_COMPLETE"},
    {"LogicalResourceId": "Topic", "PhysicalResourceId": "arn:topic", "ResourceStatus": "CREATE_COMPLETE"},
    {"LogicalResourceId": "Old", "PhysicalResourceId": "x", "ResourceStatus": "DELETE_COMPLETE"}])");
  DestroyPlan plan = PlanDestroy("orders-api-dev", "eu-west-3", "UPDATE_COMPLETE", tmpl, resources);
  EXPECT_EQ(plan.resources, 4u);
  ASSERT_EQ(plan.kept.size(), 2u);
  EXPECT_EQ(plan.kept[0].logical_id, "Database");
  EXPECT_EQ(plan.kept[0].policy, "Snapshot");  // the RDS default
  EXPECT_EQ(plan.kept[1].physical_id, "orders-images");
  ASSERT_EQ(plan.blockers.size(), 1u);
  EXPECT_EQ(plan.blockers[0].physical_id, "orders-db");
  EXPECT_EQ(plan.ecr_not_emptied, std::vector<std::string>{"orders-scratch"});
  EXPECT_EQ(cli::RenderDestroyPlan(plan),
            "orders-api-dev (eu-west-3, UPDATE_COMPLETE): 4 resource(s) will be deleted\n"
            "  remains afterwards:\n"
            "    final snapshot of AWS::RDS::DBInstance orders-db (Database; DeletionPolicy Snapshot, named by "
            "CloudFormation)\n"
            "    AWS::ECR::Repository orders-images (Images): kept (DeletionPolicy Retain)\n"
            "  warning: AWS::ECR::Repository orders-scratch: EmptyOnDelete is off, so the delete fails if it still "
            "holds images\n");
  EXPECT_TRUE(Contains(cli::RenderDestroyBlockers(plan),
                       "error: AWS::RDS::DBInstance orders-db (Database) has deletion protection"));
  // Nothing known about the template: no policy details, only the count.
  DestroyPlan bare = PlanDestroy("s", "eu-west-3", "CREATE_COMPLETE", Json(), resources);
  EXPECT_EQ(bare.resources, 4u);
  EXPECT_TRUE(bare.kept.empty());
}

TEST(RenderChangeSet, RiskLinesAreWordedAsInTheOfflinePreview) {
  ChangeSet cs;
  cs.stack = "orders-api-dev";
  cs.name = "blueprint-1";
  cs.type = "UPDATE";
  cs.changes = {{"Modify", "Database", "AWS::RDS::DBInstance", "True", {"DBInstanceIdentifier (replace)"}, ""},
                {"Add", "Topic", "AWS::SNS::Topic", "", {}, ""}};
  std::string text = cli::RenderChangeSet(cs);
  analysis::ResourceChange offline;
  offline.kind = analysis::ResourceChange::Kind::kModify;
  offline.logical_id = "Database";
  offline.type = "AWS::RDS::DBInstance";
  offline.replacement = cfn::Replacement::kAlways;
  offline.stateful = true;
  offline.risk = analysis::DataRiskOf(offline);
  EXPECT_EQ(offline.risk, analysis::DataRisk::kReplaced);
  EXPECT_EQ(text, "Change set blueprint-1 for orders-api-dev (UPDATE): 2 change(s)\n"
                  "  ~ Modify  Database  AWS::RDS::DBInstance  Replacement: True  [DBInstanceIdentifier (replace)]\n"
                  "  + Add     Topic     AWS::SNS::Topic\n" +
                      analysis::RiskLine(offline) + "\n");
}

TEST(ReportDeploy, FailureLostContactAndSuccessAreWordedByTheCommandLine) {
  Stack s;
  s.name = "orders-api-dev";
  s.region = "eu-west-3";
  cli::Console c;
  c.out = std::tmpfile();
  c.err = std::tmpfile();
  auto read = [](FILE* f) {
    std::rewind(f);
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    return text;
  };
  DeployResult failed;
  failed.status = DeployResult::Status::kFailed;
  failed.follow.status = "UPDATE_ROLLBACK_COMPLETE";
  failed.follow.elapsed_seconds = 75;
  failed.follow.first_failure = "Subnet (AWS::EC2::Subnet) UPDATE_FAILED: conflict";
  EXPECT_EQ(cli::ReportDeploy(s, failed, Diagnostics(), c), 1);
  EXPECT_EQ(read(c.out), "orders-api-dev: UPDATE_ROLLBACK_COMPLETE after 1:15\n");
  EXPECT_EQ(read(c.err), "error: orders-api-dev: deploy failed\n"
                         "  first failure: Subnet (AWS::EC2::Subnet) UPDATE_FAILED: conflict\n"
                         "  rollback: rolled back: the previous version is running again (UPDATE_ROLLBACK_COMPLETE)\n");
  std::string lost = cli::RenderDeployFailure(s.name, s.region, FollowResult{"", "", true, false, 3});
  EXPECT_TRUE(Contains(lost, "the stack may still be updating")) << lost;
  EXPECT_FALSE(Contains(lost, "rollback")) << lost;
  DeployResult refused;
  refused.status = DeployResult::Status::kRefused;
  EXPECT_EQ(cli::ReportDeploy(s, refused, Diagnostics(), c), 2);
  std::fclose(c.out);
  std::fclose(c.err);
}

TEST(DeployOrder, DependenciesFirst) {
  Stack a, b, c;
  a.id = "app";
  a.dependencies = {"global", "account"};
  b.id = "global";
  b.dependencies = {"account"};
  c.id = "account";
  std::vector<const Stack*> order;
  Diagnostics diags;
  ASSERT_TRUE(DeployOrder({&a, &b, &c}, &order, &diags));
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0]->id, "account");
  EXPECT_EQ(order[1]->id, "global");
  EXPECT_EQ(order[2]->id, "app");
  c.dependencies = {"app"};
  EXPECT_FALSE(DeployOrder({&a, &b, &c}, &order, &diags));
}

TEST(AwsError, ParsesServiceErrors) {
  std::string code, message;
  ParseAwsError("\nAn error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id x "
                "does not exist\n",
                &code, &message);
  EXPECT_EQ(code, "ValidationError");
  EXPECT_EQ(message, "Stack with id x does not exist");
  ParseAwsError("\nUnable to locate credentials. You can configure credentials by running \"aws configure\".\n",
                &code, &message);
  EXPECT_EQ(code, "");
  EXPECT_EQ(message, "Unable to locate credentials. You can configure credentials by running \"aws configure\".");
}

}  // namespace
}  // namespace bp

namespace bp {
namespace {

TEST(TemplateUrl, RegionPartitionAndLocalEndpoint) {
  AwsOptions aws;
  EXPECT_EQ(TemplateUrl(aws, "eu-west-3", "b", "k/t.json"), "https://b.s3.eu-west-3.amazonaws.com/k/t.json");
  EXPECT_EQ(TemplateUrl(aws, "cn-north-1", "b", "k"), "https://b.s3.cn-north-1.amazonaws.com.cn/k");
  aws.endpoint_url = "http://127.0.0.1:5000/";
  EXPECT_EQ(TemplateUrl(aws, "eu-west-3", "b", "k"), "http://127.0.0.1:5000/b/k");
}

// CloudFront's origin secret at deploy time: `up` decrypts cloudfront.origin_secret (and,
// during a rotation, cloudfront.origin_secret_previous) into the NoEcho parameters of
// the main stack (current + previous: the web ACL accepts both) and of the global stack
// (current: CloudFront sends it), and the global stack gets the service host from the
// main stack's outputs. The values travel only in the parameters file.
class CloudFrontOriginSecret : public DriverTest {
 protected:
  static constexpr const char* kCurrent = "c0ffee00c0ffee00c0ffee00c0ffee00-current-origin-secret";
  static constexpr const char* kPrevious = "dec0de00dec0de00dec0de00dec0de00-previous-origin-secret";

  // The dev environment with CloudFront, its secrets encrypted under "pp".
  cli::Loaded Load(bool rotating) {
    std::string yaml = "profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\nfeatures:\n  cloudfront: true\n";
    StackConfig c;
    Diagnostics d;
    EXPECT_TRUE(ParseStackConfig(yaml, "dev/stack.yaml", "dev", &c, &d)) << d.FormatAll();
    c.encryption.salt = NewSalt();
    c.encryption.iterations = 1000;  // fast for the test; the CLI writes kDefaultKdfIterations
    SecretKey k;
    Diagnostics diags;
    EXPECT_TRUE(DeriveSecretKey("pp", c.encryption.salt, c.encryption.iterations, &k, &diags)) << diags.FormatAll();
    c.encryption.check = MakePassphraseCheck(k);
    c.cloudfront.origin_secret = EncryptSecret(k, "cloudfront.origin_secret", kCurrent);
    if (rotating) c.cloudfront.origin_secret_previous = EncryptSecret(k, "cloudfront.origin_secret_previous", kPrevious);
    cli::Loaded loaded;
    EXPECT_TRUE(Assemble(c, &loaded.app, &d)) << d.FormatAll();
    loaded.configs.push_back(c);
    setenv(kPassphraseEnv, "pp", 1);
    return loaded;
  }
  static OriginSecretParameters Names() {
    ModuleContext ctx;
    ctx.name_prefix = "orders-api-dev";
    return OriginSecretParameterNames(ctx);
  }
};

TEST_F(CloudFrontOriginSecret, DecryptedIntoTheParametersOfBothStacks) {
  for (bool rotating : {false, true}) {
    SCOPED_TRACE(rotating);
    cli::Loaded loaded = Load(rotating);
    cli::StackParameterValues given;
    ASSERT_TRUE(cli::AddSecretParameterValues(loaded, &given));
    ParameterValues values = given.For(*loaded.app.Find("orders-api-dev"));
    EXPECT_EQ(values.at(Names().current), kCurrent);
    // Outside a rotation the previous slot repeats the current value: one secret accepted.
    EXPECT_EQ(values.at(Names().previous), rotating ? kPrevious : kCurrent);
    size_t found = 0;
    for (const auto& s : loaded.app.stacks)
      for (const auto& [name, p] : s.tmpl.parameters().entries())
        if (name == Names().current || name == Names().previous) {
          EXPECT_TRUE(p.no_echo) << s.id << " " << name;
          ++found;
        }
    EXPECT_EQ(found, 3u);  // main: current and previous; global: current
  }
}

TEST_F(CloudFrontOriginSecret, UpSendsTheSecretAndTheServiceHostToTheGlobalStack) {
  cli::Loaded loaded = Load(false);
  cli::StackParameterValues given;
  ASSERT_TRUE(cli::AddSecretParameterValues(loaded, &given));
  const Stack* global = loaded.app.Find("orders-api-dev-global");
  ASSERT_NE(global, nullptr);
  ParameterValues values = given.For(*global);
  ASSERT_EQ(global->region, "us-east-1");
  // Recorded: the origin secret from the config, then the service host from the main stack.
  ASSERT_EQ(global->inputs.size(), 2u);
  EXPECT_EQ(global->inputs[0].source, InputSource::kConfigSecret);
  EXPECT_EQ(global->inputs[0].parameter, Names().current);
  EXPECT_EQ(global->inputs[0].config_key, "cloudfront.origin_secret");
  const StackInput& host = global->inputs[1];
  ASSERT_EQ(host.source, InputSource::kStackOutput);
  UseScenario("create", ScenarioOfStack("create", "orders-api-dev-global"));
  // The main stack was deployed earlier in the same run: its outputs are known.
  std::map<std::string, Json> produced = {{"orders-api-dev", Json{{"ServiceHost", "abcd1234.eu-west-3.awsapprunner.com"}}}};
  DeployResult r = MakeDriver().Deploy(*global, values, {}, &diags_, produced);
  EXPECT_EQ(r.status, Deployed::kDeployed) << Errors();
  Json sent;
  for (const auto& rec : Records())
    if (rec.contains("parameters")) sent = rec["parameters"];
  EXPECT_EQ(sent, Json::parse("[{\"ParameterKey\": \"" + Names().current + "\", \"ParameterValue\": \"" + kCurrent +
                              "\"}, {\"ParameterKey\": \"" + host.parameter +
                              "\", \"ParameterValue\": \"abcd1234.eu-west-3.awsapprunner.com\"}]"))
      << sent.dump();
  for (const auto& rec : Records()) EXPECT_THAT(rec["argv"].dump(), ::testing::Not(::testing::HasSubstr(kCurrent)));
  EXPECT_THAT((cli::RenderChangeSet(r.change_set) + Errors()), ::testing::Not(::testing::HasSubstr(kCurrent)));
}

TEST_F(CloudFrontOriginSecret, AnUnusableDecryptedValueIsRefused) {
  cli::Loaded loaded = Load(false);
  SecretKey k;
  Diagnostics diags;
  StackConfig& c = loaded.configs[0];
  ASSERT_TRUE(DeriveSecretKey("pp", c.encryption.salt, c.encryption.iterations, &k, &diags)) << diags.FormatAll();
  c.cloudfront.origin_secret = EncryptSecret(k, "cloudfront.origin_secret", "too short");
  cli::StackParameterValues values;
  EXPECT_FALSE(cli::AddSecretParameterValues(loaded, &values));
}

// --- Stacks that left the assembly (deploy/leftovers.h) ---

// The bundled dev environment produces no global stack (no CloudFront, no cost
// features): a recorded orders-api-dev-global is what turning them off leaves behind.
const std::string kGlobalId =
    "arn:aws:cloudformation:us-east-1:123456789012:stack/orders-api-dev-global/0f1e2d3c-4b5a-11ef-9c8d-0a1b2c3d4e5f";
const std::string kGlobalDescription =
    "apprunner-blueprint: orders-api (dev, profile dev), resources AWS offers only in us-east-1";

class LeftoverTest : public DriverTest {
 protected:
  // A record as `up` writes it: template, outputs and, unless `meta` is null, stack.json.
  void Plant(const std::string& account, const std::string& region, const std::string& stack, const Json& meta,
             const std::string& description = kGlobalDescription) {
    std::string dir = state() + "/" + account + "/" + region + "/" + stack;
    fs::create_directories(dir);
    Json tmpl = {{"Description", description},
                 {"Resources", {{"Budget", {{"Type", "AWS::Budgets::Budget"}, {"Properties", Json::object()}}}}}};
    std::ofstream(dir + "/template.json") << tmpl.dump();
    std::ofstream(dir + "/outputs.json") << "{}";
    if (!meta.is_null()) std::ofstream(dir + "/stack.json") << meta.dump();
  }
  std::string GlobalRecord() const { return state() + "/unknown-account/us-east-1/orders-api-dev-global"; }
  void PlantGlobal(const std::string& stack_id = kGlobalId) {
    Plant("unknown-account", "us-east-1", "orders-api-dev-global",
          Json{{"artifact", "orders-api-dev-global"}, {"role", "global"}, {"environments", {"dev"}},
               {"stackId", stack_id}, {"recordedAt", "2026-11-20T09:30:00Z"}});
  }
  // What the stand-in answers about the leftover: it exists (`id`, `description`), then
  // once deleted it is gone.
  static Json GlobalAnswers(const std::string& id = kGlobalId, const std::string& description = kGlobalDescription) {
    Json stack = {{"StackId", id}, {"StackName", "orders-api-dev-global"}, {"Description", description},
                  {"StackStatus", "UPDATE_COMPLETE"}};
    Json gone = {{"stderr", "\nAn error occurred (ValidationError) when calling the DescribeStacks operation: Stack "
                            "with id orders-api-dev-global does not exist\n"},
                 {"rc", 254}};
    return Json{
        {"cloudformation describe-stacks orders-api-dev-global",
         Json::array({{{"stdout", {{"Stacks", Json::array({stack})}}}}, gone})},
        {"cloudformation describe-stack-events orders-api-dev-global",
         Json::array({{{"stdout", {{"StackEvents", Json::array()}}}}, gone})},
        {"cloudformation get-template orders-api-dev-global",
         Json::array({{{"stdout", {{"TemplateBody", {{"Resources", {{"Budget", {{"Type", "AWS::Budgets::Budget"}}}}}}}}}}})},
        {"cloudformation list-stack-resources orders-api-dev-global",
         Json::array({{{"stdout",
                        {{"StackResourceSummaries",
                          Json::array({{{"LogicalResourceId", "Budget"}, {"PhysicalResourceId", "orders-api-dev"},
                                        {"ResourceType", "AWS::Budgets::Budget"},
                                        {"ResourceStatus", "CREATE_COMPLETE"}}})}}}}})},
        {"cloudformation delete-stack", Json::array({{{"stdout", ""}}})}};
  }
  // The calls that delete a stack, by the --stack-name they name.
  std::vector<std::string> Deletes() const {
    std::vector<std::string> out;
    for (const auto& r : Records()) {
      auto argv = r["argv"].get<std::vector<std::string>>();
      if (argv.size() > 3 && argv[1] == "delete-stack") out.push_back(argv[3] + " " + argv.back());
    }
    return out;
  }
};

TEST(FindLeftovers, RecordsOfTheSelectedEnvironmentsThatTheAssemblyNoLongerProduces) {
  auto rec = [](std::string account, std::string region, std::string stack, std::vector<std::string> envs,
                std::string role) {
    RecordedStack r;
    r.key = {account, region, stack};
    r.has_meta = !envs.empty();
    r.environments = envs;
    r.role = role;
    return r;
  };
  std::vector<RecordedStack> records = {
      rec("", "us-east-1", "orders-api-dev-global", {"dev"}, "global"),
      rec("", "eu-west-3", "orders-api-dev", {"dev"}, "main"),            // still produced
      rec("", "eu-west-3", "shop-dev", {"dev"}, "main"),                  // the app renamed
      rec("", "us-east-1", "orders-api-prod-global", {"prod"}, "global"),  // another environment's
      rec("", "us-east-1", "orders-api-qa-global", {}, ""),               // older record, not dev's name
      rec("111111111111", "us-east-1", kAccountStackName, {"dev"}, "account"),
  };
  RecordedStack old = rec("", "us-east-1", "orders-api-dev-global", {}, "");  // before stack.json
  std::vector<StackKey> assembled = {{"", "eu-west-3", "orders-api-dev"}, {"", "us-east-1", kAccountStackName}};
  App planned;
  Stack main, global;
  main.name = "orders-api-dev";
  main.region = "eu-west-3";
  main.envs = {"dev"};
  global = main;
  global.name = "orders-api-dev-global";
  global.region = "us-east-1";
  global.role = StackRole::kGlobal;
  planned.stacks = {main, global};

  std::vector<Leftover> dev = FindLeftovers(records, assembled, planned, LeftoverScope{false, {"dev"}});
  std::vector<std::string> names;
  for (const auto& l : dev) names.push_back(l.record.key.stack + (l.shared ? " (shared)" : "") + " " + l.environment);
  // Consumers first (main before global); the shared account stack last, reported only.
  EXPECT_EQ(names, (std::vector<std::string>{"shop-dev dev", "orders-api-dev-global dev",
                                             "apprunner-blueprint-account (shared) dev"}));

  // A record older than stack.json is known by the name the environment gives its stacks.
  std::vector<Leftover> from_old = FindLeftovers({old}, assembled, planned, LeftoverScope{false, {"dev"}});
  ASSERT_EQ(from_old.size(), 1u);
  EXPECT_EQ(from_old[0].record.role, "global");
  EXPECT_EQ(from_old[0].environment, "dev");

  // --all: every record not produced, whoever it served.
  EXPECT_EQ(FindLeftovers(records, assembled, planned, LeftoverScope{true, {}}).size(), 5u);
}

TEST_F(LeftoverTest, PreviewListsARecordedStackNoLongerProduced) {
  PlantGlobal();
  Plant("unknown-account", "us-east-1", "orders-api-staging-global",
        Json{{"role", "global"}, {"environments", {"staging"}}, {"recordedAt", "2026-11-21T10:00:00Z"}});
  ProcessResult r = Blueprint("preview", {"--stack", "dev"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "no longer produced: orders-api-dev-global (us-east-1), recorded by up on 2026-11-20 "
                              "09:30 UTC, still running and billing; `up` offers to delete it\n"))
      << r.out;
  EXPECT_FALSE(Contains(r.out, "orders-api-staging-global")) << r.out;  // staging's, not dev's
  EXPECT_TRUE(Records().empty());                                          // offline

  ProcessResult j = Blueprint("preview", {"--stack", "dev", "--json"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  Json listed = Json::parse(j.out)["noLongerProduced"];
  ASSERT_EQ(listed.size(), 1u) << j.out;
  EXPECT_EQ(listed[0]["stack"], "orders-api-dev-global");
  EXPECT_EQ(listed[0]["deletedBy"], "up");

  // --remote lists them too, after the change sets.
  UseScenario("nochange");
  ProcessResult remote = Blueprint("preview", {"--stack", "dev", "--remote"});
  EXPECT_EQ(remote.exit_code, 0) << remote.out << remote.err;
  EXPECT_TRUE(Contains(remote.out, "no longer produced: orders-api-dev-global (us-east-1)")) << remote.out;

  // Production guards: only destroy --force-prod deletes prod's leftovers.
  Plant("unknown-account", "us-east-1", "orders-api-prod-old",
        Json{{"role", "main"}, {"environments", {"prod"}}, {"recordedAt", "2026-11-21T10:00:00Z"}});
  ProcessResult prod = Blueprint("preview", {"--stack", "prod"});
  EXPECT_TRUE(Contains(prod.out, "orders-api-prod-old (us-east-1), recorded by up on 2026-11-21 10:00 UTC, still "
                                 "running and billing; `up` does not delete it (environment 'prod' (profile prod) has "
                                 "production guards): `blueprint destroy --stack orders-api-prod-old --force-prod`\n"))
      << prod.out;
}

// `up` deploys first, then asks; without a terminal and without --delete-leftovers it
// deletes nothing and says how; --yes alone confirms the deploy, not the deletion.
TEST_F(LeftoverTest, UpDeletesALeftoverOnlyWhenConfirmedAndAfterTheDeploy) {
  PlantGlobal();
  UseScenario("nochange", GlobalAnswers());
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "orders-api-dev: no changes to deploy\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "no longer produced: orders-api-dev-global (us-east-1)")) << r.out;
  EXPECT_TRUE(Contains(r.out, "orders-api-dev-global (us-east-1, UPDATE_COMPLETE): 1 resource(s) will be deleted\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.err, "orders-api-dev-global: not deleted: stdin is not a terminal and --delete-leftovers is "
                              "not given; delete it with `blueprint up --stack dev --delete-leftovers` or `blueprint "
                              "destroy --stack orders-api-dev-global`\n"))
      << r.err;
  EXPECT_TRUE(Deletes().empty());
  EXPECT_TRUE(fs::exists(GlobalRecord() + "/template.json"));

  UseScenario("nochange", GlobalAnswers());
  r = Blueprint("up", {"--stack", "dev", "--yes", "--delete-leftovers"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // The stack checked is the stack deleted: by its ID, in its region; after dev's deploy.
  EXPECT_EQ(Deletes(), std::vector<std::string>{kGlobalId + " us-east-1"});
  std::vector<Json> calls = Records();
  size_t dev_done = 0, delete_at = 0;
  for (size_t i = 0; i < calls.size(); ++i) {
    std::string line = Join(calls[i]["argv"].get<std::vector<std::string>>(), " ");
    if (Contains(line, "delete-change-set --stack-name orders-api-dev ")) dev_done = i;
    if (Contains(line, "delete-stack")) delete_at = i;
  }
  EXPECT_GT(delete_at, dev_done);
  EXPECT_TRUE(Contains(r.out, "orders-api-dev-global: deleted; its record is removed\n")) << r.out;
  EXPECT_FALSE(fs::exists(GlobalRecord()));
  // Nothing left to list.
  ProcessResult p = Blueprint("preview", {"--stack", "dev"});
  EXPECT_FALSE(Contains(p.out, "no longer produced")) << p.out;
}

// On a terminal `up` asks, once per leftover, even with --yes: a no keeps the stack and
// says how to delete it later; a yes deletes it.
TEST_F(LeftoverTest, UpAsksOnATerminalAndDeletesOnlyOnYes) {
  cli::Selection sel;
  sel.environments_dir = kEnvironments;
  sel.stack = "dev";
  cli::Loaded loaded;
  Diagnostics load;
  ASSERT_TRUE(cli::LoadAndAssemble(sel, &loaded, &load)) << load.FormatAll();
  cli::AwsFlags flags;
  flags.state_dir = state();
  for (bool answer : {false, true}) {
    SCOPED_TRACE(answer ? "yes" : "no");
    PlantGlobal();
    UseScenario("nochange", GlobalAnswers());
    std::vector<Leftover> leftovers;
    ASSERT_TRUE(cli::SelectedLeftovers(sel, flags, loaded, &leftovers));
    ASSERT_EQ(leftovers.size(), 1u);
    std::vector<std::string> asked;
    cli::Console console;
    console.out = std::tmpfile();
    console.err = std::tmpfile();
    console.interactive = true;
    console.assume_yes = true;  // --yes
    console.ask = [&](const std::string& q) {
      asked.push_back(q);
      return answer;
    };
    cli::LeftoverDeletion how;
    how.by_up = true;
    how.up_command = "blueprint up --stack dev";
    Driver driver = MakeDriver();
    EXPECT_EQ(cli::DeleteLeftovers(driver, loaded, leftovers, console, how), cli::kOk);
    std::rewind(console.out);
    std::string out;
    for (int c; (c = std::fgetc(console.out)) != EOF;) out += static_cast<char>(c);
    std::fclose(console.out);
    std::fclose(console.err);
    EXPECT_EQ(asked, std::vector<std::string>{"Delete stack orders-api-dev-global, which the assembly no longer "
                                              "produces, and its resources?"});
    if (answer) {
      EXPECT_EQ(Deletes(), std::vector<std::string>{kGlobalId + " us-east-1"});
      EXPECT_FALSE(fs::exists(GlobalRecord()));
    } else {
      EXPECT_TRUE(Deletes().empty());
      EXPECT_TRUE(Contains(out, "orders-api-dev-global: not deleted; delete it later with `blueprint destroy --stack "
                                "orders-api-dev-global`\n"))
          << out;
      EXPECT_TRUE(fs::exists(GlobalRecord()));
    }
  }
}

// Never a stack the tool did not create: another stack ID under the recorded name (deleted
// and created again by someone else), or, for a record without a stack ID, another
// description. Nothing is deleted, even when told to; the record stays.
TEST_F(LeftoverTest, AStackThatIsNotTheRecordedOneIsNeverDeleted) {
  const std::string other =
      "arn:aws:cloudformation:us-east-1:123456789012:stack/orders-api-dev-global/99999999-0000-11ef-0000-000000000000";
  struct Case {
    const char* name;
    bool old_record;
    std::string answered_id, answered_description;
  };
  for (const Case& c : {Case{"other stack id", false, other, kGlobalDescription},
                        Case{"older record, other description", true, other, "Someone else's budgets"}}) {
    SCOPED_TRACE(c.name);
    fs::remove_all(state());
    if (c.old_record)
      Plant("unknown-account", "us-east-1", "orders-api-dev-global", nullptr);
    else
      PlantGlobal();
    UseScenario("nochange", GlobalAnswers(c.answered_id, c.answered_description));
    ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes", "--delete-leftovers"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "error: orders-api-dev-global: the stack of this name in us-east-1 is not the one "
                                "`up` recorded (")) << r.err;
    EXPECT_TRUE(Deletes().empty());
    EXPECT_TRUE(fs::exists(GlobalRecord() + "/template.json"));

    // Without --delete-leftovers the refusal does not fail the deploy.
    UseScenario("nochange", GlobalAnswers(c.answered_id, c.answered_description));
    r = Blueprint("up", {"--stack", "dev", "--yes"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(Deletes().empty());
  }
  // An older record whose description matches is the tool's stack: deleted by its ID.
  fs::remove_all(state());
  Plant("unknown-account", "us-east-1", "orders-api-dev-global", nullptr);
  UseScenario("nochange", GlobalAnswers());
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes", "--delete-leftovers"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Deletes(), std::vector<std::string>{kGlobalId + " us-east-1"});
}

// The shared account stack is reported, never deleted: other apps of the tool may use it.
TEST_F(LeftoverTest, TheSharedAccountStackIsReportedNeverDeleted) {
  Plant("111111111111", "us-east-1", kAccountStackName,
        Json{{"role", "account"}, {"environments", {"dev"}}, {"recordedAt", "2026-11-20T09:30:00Z"}},
        "apprunner-blueprint: account-wide resources shared by every app and environment of this tool in the account");
  UseScenario("nochange");
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes", "--delete-leftovers"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "no longer produced: apprunner-blueprint-account (us-east-1, account 111111111111), "
                              "recorded by up on 2026-11-20 09:30 UTC, still running and billing; it is shared by "
                              "every app of this tool in the account, so no command of this one deletes it"))
      << r.out;
  for (const auto& call : Records()) {
    std::string line = Join(call["argv"].get<std::vector<std::string>>(), " ");
    EXPECT_FALSE(Contains(line, kAccountStackName)) << line;  // not even described
  }
}

// `destroy --stack NAME` addresses a leftover by its stack name, with destroy's checks.
TEST_F(LeftoverTest, DestroyAddressesALeftoverByItsName) {
  PlantGlobal();
  UseScenario("destroy", GlobalAnswers());
  ProcessResult r = Blueprint("destroy", {"--stack", "orders-api-dev-global", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "orders-api-dev-global (us-east-1, UPDATE_COMPLETE): 1 resource(s) will be deleted\n"))
      << r.out;
  EXPECT_EQ(Deletes(), std::vector<std::string>{kGlobalId + " us-east-1"});
  EXPECT_FALSE(fs::exists(GlobalRecord()));

  // A name neither assembled nor recorded is still the usual error.
  ProcessResult none = Blueprint("destroy", {"--stack", "orders-api-dev-global", "--yes"});
  EXPECT_EQ(none.exit_code, 2) << none.out << none.err;
  EXPECT_TRUE(Contains(none.err, "no environment or stack named 'orders-api-dev-global'")) << none.err;
}

// The NAT image is read in the stack's region and passed as a value, on create as on
// update, so the stack never resolves an SSM parameter itself; the workflow's rollout
// keeps it with UsePreviousValue.
TEST_F(FakeAwsTest, UpPassesTheNatImageItReadsFromAwsPublicParameterInTheStacksRegion) {
  UseScenario("update");
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> calls = Calls();
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls[1], kNatImageRead);  // before anything else about the stack
  EXPECT_EQ(std::count(calls.begin(), calls.end(), kNatImageRead), 1);
  Json params;
  for (const auto& rec : Records())
    if (rec.contains("parameters")) params = rec["parameters"];
  ASSERT_TRUE(params.is_array()) << r.out << r.err;
  EXPECT_EQ(params.size(), 2u) << params.dump();
  for (const Json& p : {Json{{"ParameterKey", "ImageUri"}, {"UsePreviousValue", true}},
                        Json{{"ParameterKey", "NatInstanceImageId"}, {"ParameterValue", kNatImage}}})
    EXPECT_NE(std::find(params.begin(), params.end(), p), params.end()) << params.dump();
}

TEST_F(FakeAwsTest, PreviewRemoteCreatesTheSameChangeSetWithTheNatImage) {
  UseScenario("update");
  ProcessResult r = Blueprint("preview", {"--stack", "dev", "--remote"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> calls = Calls();
  EXPECT_EQ(std::count(calls.begin(), calls.end(), kNatImageRead), 1);
  Json params;
  for (const auto& rec : Records())
    if (rec.contains("parameters")) params = rec["parameters"];
  ASSERT_TRUE(params.is_array()) << r.out << r.err;
  EXPECT_NE(std::find(params.begin(), params.end(),
                      Json{{"ParameterKey", "NatInstanceImageId"}, {"ParameterValue", kNatImage}}),
            params.end())
      << params.dump();

  // Offline, the value is unknown: preview says where `up` takes it from.
  ProcessResult offline = Blueprint("preview", {"--stack", "dev"});
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_TRUE(Contains(offline.out, "  NatInstanceImageId: resolved at up from AWS's public SSM parameter " +
                                        kNatImageParameter + " in eu-west-3"))
      << offline.out;
  ProcessResult json = Blueprint("preview", {"--stack", "dev", "--json"});
  EXPECT_EQ(Json::parse(json.out)["stacks"][0]["resolved_at_up"],
            Json::array({{{"parameter", "NatInstanceImageId"}, {"ssm_parameter", kNatImageParameter}, {"region", "eu-west-3"}}}))
      << json.out;
}

TEST_F(FakeAwsTest, AGivenNatImageIsPassedWithoutReadingTheParameter) {
  UseScenario("update");
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes", "--parameter", "NatInstanceImageId=ami-0pinned"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& c : Calls()) EXPECT_NE(c, kNatImageRead);
  Json params;
  for (const auto& rec : Records())
    if (rec.contains("parameters")) params = rec["parameters"];
  EXPECT_NE(std::find(params.begin(), params.end(),
                      Json{{"ParameterKey", "NatInstanceImageId"}, {"ParameterValue", "ami-0pinned"}}),
            params.end())
      << params.dump();
}

TEST_F(FakeAwsTest, AnUnresolvableNatImageStopsUpBeforeAnyChange) {
  // Not published in the region: InvalidParameters, not an error. A user error (exit 2).
  UseScenario("update", Json{{"ssm get-parameters",
                              Json::array({{{"stdout", {{"Parameters", Json::array()},
                                                         {"InvalidParameters", Json::array({kNatImageParameter})}}}}})}});
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "AWS's public SSM parameter " + kNatImageParameter + " does not exist in eu-west-3")) << r.err;
  EXPECT_TRUE(Contains(r.err, "--parameter NatInstanceImageId=VALUE")) << r.err;
  for (const auto& c : Calls()) EXPECT_FALSE(Contains(c, "change-set")) << c;

  // The caller may not read SSM: the call failed (exit 1), nothing was changed.
  UseScenario("update", Json{{"ssm get-parameters",
                              Json::array({{{"stderr", "\nAn error occurred (AccessDeniedException) when calling the "
                                                       "GetParameters operation: User is not authorized to perform: "
                                                       "ssm:GetParameters\n"},
                                            {"rc", 254}}})}});
  r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "ssm get-parameters")) << r.err;
  EXPECT_TRUE(Contains(r.err, "AccessDeniedException")) << r.err;
  for (const auto& c : Calls()) EXPECT_FALSE(Contains(c, "change-set")) << c;
}

}  // namespace
}  // namespace bp
