// Logs that expire (issue 13): every log group a stack declares has a retention, the
// groups AWS services create themselves (App Runner's, RDS's) get theirs from the
// Custom::LogRetention function, whose handler is run here against a stand-in
// CloudWatch Logs; VPC flow logs per profile, with a role scoped to their group; dev no
// longer logs every statement.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "app/app.h"
#include "config/loader.h"
#include "deploy/process.h"
#include "modules/log_retention.h"
#include "test_util.h"

namespace bp {
namespace {

using cfn::Json;

const char* const kEmails = "alerts: {emails: [oncall@acme.example]}\n";

using testing::OfType;

const cfn::Template& Main(const App& app) { return testing::MainStack(app).tmpl; }

// The bundled environments on both compute platforms.
std::vector<std::pair<std::string, App>> BundledApps() {
  std::vector<std::pair<std::string, App>> out;
  for (const std::string env : {"dev", "staging", "prod"}) {
    std::string text = testing::ReadFileOrDie(testing::SourceDir() + "/environments/" + env + "/stack.yaml");
    out.emplace_back(env, testing::SynthFromYaml(text, env));
    out.emplace_back(env + " on ecs-express",
                     testing::SynthFromYaml(text + "compute: {platform: ecs-express}\n", env));
  }
  return out;
}

// The names a Custom::LogRetention of `t` keeps, with their retention.
std::map<Json, int> KeptNames(const cfn::Template& t) {
  std::map<Json, int> out;
  for (const auto& [id, r] : OfType(t, "Custom::LogRetention"))
    for (const auto& name : r->properties.at("LogGroupNames")) out[name] = r->properties.at("RetentionInDays");
  return out;
}

int RetentionOfGroup(const cfn::Template& t, const Json& ref) {
  if (!ref.is_object() || !ref.contains("Ref")) return 0;
  const cfn::Resource* g = t.resources().Find(ref.at("Ref").get<std::string>());
  if (g == nullptr || g->type != "AWS::Logs::LogGroup" || !g->properties.contains("RetentionInDays")) return 0;
  return g->properties.at("RetentionInDays");
}

// Every place a log group comes from in any bundled template: declared groups carry a
// retention, and every resource that writes to a group it or AWS creates is covered.
TEST(LogRetention, EveryLogGroupOfEveryBundledTemplateExpires) {
  for (const auto& [name, app] : BundledApps()) {
    for (const auto& s : app.stacks) {
      SCOPED_TRACE(name + " " + s.id);
      const cfn::Template& t = s.tmpl;
      for (const auto& [id, r] : OfType(t, "AWS::Logs::LogGroup")) {
        ASSERT_TRUE(r->properties.contains("RetentionInDays")) << id;
        EXPECT_GT(r->properties.at("RetentionInDays").get<int>(), 0) << id;
      }
      std::map<Json, int> kept = KeptNames(t);
      for (const auto& [id, r] : OfType(t, "AWS::RDS::DBInstance"))
        for (const auto& log : r->properties.at("EnableCloudwatchLogsExports"))
          EXPECT_GT(kept[cfn::Sub("/aws/rds/instance/${" + id + "}/" + log.get<std::string>())], 0) << id << " " << log;
      for (const auto& [id, r] : OfType(t, "AWS::AppRunner::Service")) {
        std::string stem = "/aws/apprunner/" + r->properties.at("ServiceName").get<std::string>() + "/${" + id + ".ServiceId}/";
        EXPECT_GT(kept[cfn::Sub(stem + "application")], 0) << id;
        EXPECT_GT(kept[cfn::Sub(stem + "service")], 0) << id;
      }
      for (const auto& [id, r] : OfType(t, "AWS::Lambda::Function"))
        EXPECT_GT(RetentionOfGroup(t, r->properties.at("LoggingConfig").at("LogGroup")), 0) << id;
      for (const auto& [id, r] : OfType(t, "AWS::EC2::FlowLog"))
        EXPECT_GT(RetentionOfGroup(t, r->properties.at("LogGroupName")), 0) << id;
      for (const auto& [id, r] : OfType(t, "AWS::ECS::ExpressGatewayService"))
        EXPECT_GT(RetentionOfGroup(t, r->properties.at("PrimaryContainer").at("AwsLogsConfiguration").at("LogGroup")), 0)
            << id;
      // Nothing else in these templates writes logs: a new log-writing type must be added
      // above (or the module must declare its group) before this passes.
      static const std::set<std::string> kWritesLogs = {"AWS::Lambda::Function", "AWS::EC2::FlowLog",
                                                        "AWS::ECS::ExpressGatewayService", "AWS::RDS::DBInstance",
                                                        "AWS::AppRunner::Service", "AWS::WAFv2::LoggingConfiguration"};
      for (const auto& [id, r] : t.resources().entries()) {
        if (r.type.find("Lambda") != std::string::npos || r.type.find("Log") != std::string::npos) {
          EXPECT_TRUE(kWritesLogs.count(r.type) || r.type == "AWS::Logs::LogGroup" || r.type == "Custom::LogRetention")
              << id << " " << r.type << " may write logs: say where they expire";
        }
      }
    }
  }
}

// The retention each kind of group gets is the config's, per profile.
TEST(LogRetention, RetentionFollowsTheConfigPerProfile) {
  App dev = testing::SynthFromYaml("profile: dev\nregion: eu-west-3\napp: {name: orders-api}\n", "dev");
  App prod = testing::SynthFromYaml(
      std::string("profile: prod\nregion: eu-west-3\napp: {name: orders-api, log_retention_days: 180}\n"
                  "database: {log_retention_days: 365}\n") + kEmails, "prod");
  const cfn::Template& d = Main(dev);
  const cfn::Template& p = Main(prod);
  const Json service = cfn::Sub("/aws/apprunner/orders-api-dev/${Service.ServiceId}/application");
  EXPECT_EQ(KeptNames(d).at(service), 7);
  EXPECT_EQ(KeptNames(d).at(cfn::Sub("/aws/rds/instance/${Db}/postgresql")), 7);
  EXPECT_EQ(KeptNames(p).at(cfn::Sub("/aws/apprunner/orders-api-prod/${Service.ServiceId}/service")), 180);
  EXPECT_EQ(KeptNames(p).at(cfn::Sub("/aws/rds/instance/${Db}/upgrade")), 365);
  EXPECT_EQ(p.resources().Find("LogRetentionFunctionLogs")->properties.at("RetentionInDays"), 180);
}

// The function may create and set the retention of exactly those groups, write its own
// log, and nothing else.
TEST(LogRetention, FunctionRoleIsScopedToTheServiceGroups) {
  App app = testing::SynthFromYaml("profile: dev\nregion: eu-west-3\napp: {name: orders-api}\n", "dev");
  const cfn::Template& t = Main(app);
  const cfn::Resource* role = t.resources().Find("LogRetentionRole");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->properties.at("AssumeRolePolicyDocument").at("Statement")[0].at("Principal").at("Service"),
            "lambda.amazonaws.com");
  const Json& statements = role->properties.at("Policies")[0].at("PolicyDocument").at("Statement");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].at("Action"), Json::array({"logs:CreateLogGroup", "logs:PutRetentionPolicy"}));
  // The groups of this service and this instance only (their IDs in the names).
  const std::string arn = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:";
  EXPECT_EQ(statements[0].at("Resource"), Json::array({cfn::Sub(arn + "/aws/apprunner/orders-api-dev/${Service.ServiceId}/*"),
                                                       cfn::Sub(arn + "/aws/rds/instance/${Db}/*")}));
  EXPECT_EQ(statements[1].at("Action"), Json::array({"logs:CreateLogStream", "logs:PutLogEvents"}));
  EXPECT_EQ(statements[1].at("Resource"), cfn::GetAtt("LogRetentionFunctionLogs", "Arn"));
  // The custom resources call the function, after the service and the instance exist
  // (their names reference them).
  for (const auto& [id, r] : OfType(t, "Custom::LogRetention"))
    EXPECT_EQ(r->properties.at("ServiceToken"), cfn::GetAtt("LogRetentionFunction", "Arn")) << id;
  EXPECT_LT(std::string(LogRetentionHandlerSource()).size(), 4096u);  // Code.ZipFile's limit
}

// The handler itself, against a stand-in CloudWatch Logs (tests/log_retention_handler_check.py):
// an existing group is no error, transient errors are retried, Delete touches nothing,
// and every request is answered.
TEST(LogRetention, HandlerKeepsExistingGroupsAndAlwaysAnswers) {
  ProcessResult version = RunProcess({"python3", "--version"});
  if (!version.started || version.exit_code != 0) GTEST_SKIP() << "SKIPPED: python3 not found";
  testing::TempDir dir;
  std::string handler = dir.Write("index.py", LogRetentionHandlerSource());
  ProcessResult r = RunProcess({"python3", std::string(BLUEPRINT_TESTS_DIR) + "/log_retention_handler_check.py", handler});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("ok failures answered FAILED")) << r.out << r.err;
}

// dev no longer logs every statement with its values: DDL only, like staging.
TEST(Logs, DevLogsDdlStatementsOnly) {
  App dev = testing::SynthFromYaml("profile: dev\nregion: eu-west-3\napp: {name: orders-api}\n", "dev");
  App prod = testing::SynthFromYaml(std::string("profile: prod\nregion: eu-west-3\napp: {name: orders-api}\n") + kEmails,
                                    "prod");
  EXPECT_EQ(Main(dev).resources().Find("DbParameterGroup")->properties.at("Parameters").at("log_statement"), "ddl");
  EXPECT_EQ(Main(prod).resources().Find("DbParameterGroup")->properties.at("Parameters").at("log_statement"), "none");
}

// Flow logs: on in prod, off in dev (profile defaults), to a group with retention, with a
// role only this account's flow logs may assume, writing to that group only.
TEST(FlowLogs, ProdHasFlowLogsScopedToTheirGroupDevHasNone) {
  App prod = testing::SynthFromYaml(std::string("profile: prod\nregion: eu-west-3\napp: {name: orders-api}\n") + kEmails,
                                    "prod");
  const cfn::Template& t = Main(prod);
  auto flow = OfType(t, "AWS::EC2::FlowLog");
  ASSERT_EQ(flow.size(), 1u);
  const Json& f = flow[0].second->properties;
  EXPECT_EQ(f.at("ResourceType"), "VPC");
  EXPECT_EQ(f.at("ResourceId"), cfn::Ref("Vpc"));
  EXPECT_EQ(f.at("TrafficType"), "ALL");
  EXPECT_EQ(f.at("LogDestinationType"), "cloud-watch-logs");
  EXPECT_EQ(f.at("LogGroupName"), cfn::Ref("FlowLogGroup"));
  EXPECT_EQ(f.at("DeliverLogsPermissionArn"), cfn::GetAtt("FlowLogRole", "Arn"));
  EXPECT_EQ(t.resources().Find("FlowLogGroup")->properties.at("RetentionInDays"), 90);
  const Json& role = t.resources().Find("FlowLogRole")->properties;
  const Json& trust = role.at("AssumeRolePolicyDocument").at("Statement")[0];
  EXPECT_EQ(trust.at("Principal").at("Service"), "vpc-flow-logs.amazonaws.com");
  EXPECT_EQ(trust.at("Condition").at("StringEquals").at("aws:SourceAccount"), cfn::Sub("${AWS::AccountId}"));
  EXPECT_EQ(trust.at("Condition").at("ArnLike").at("aws:SourceArn"),
            cfn::Sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*"));
  const Json& statements = role.at("Policies")[0].at("PolicyDocument").at("Statement");
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].at("Resource"), cfn::GetAtt("FlowLogGroup", "Arn"));
  for (const auto& action : statements[0].at("Action"))
    EXPECT_THAT(action.get<std::string>(), ::testing::HasSubstr("logs:")) << action;
  EXPECT_NE(t.outputs().Find("FlowLogGroupName"), nullptr);

  App dev = testing::SynthFromYaml("profile: dev\nregion: eu-west-3\napp: {name: orders-api}\n", "dev");
  EXPECT_TRUE(OfType(Main(dev), "AWS::EC2::FlowLog").empty());
  EXPECT_EQ(Main(dev).resources().Find("FlowLogRole"), nullptr);
  // The key turns them on anywhere, with its retention.
  App on = testing::SynthFromYaml(
      "profile: dev\nregion: eu-west-3\napp: {name: orders-api}\nnetwork: {flow_logs: true, flow_logs_retention_days: 14}\n",
      "dev");
  EXPECT_EQ(OfType(Main(on), "AWS::EC2::FlowLog").size(), 1u);
  EXPECT_EQ(Main(on).resources().Find("FlowLogGroup")->properties.at("RetentionInDays"), 14);
}

// A retention without flow logs does nothing, and says so.
TEST(FlowLogs, RetentionWithoutFlowLogsWarns) {
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(ParseStackConfig("profile: dev\nregion: eu-west-3\napp: {name: orders-api}\nnetwork: {flow_logs_retention_days: 14}\n",
                               "dev/stack.yaml", "dev", &c, &d))
      << d.FormatAll();
  EXPECT_THAT(d.FormatAll(),
              ::testing::HasSubstr("network.flow_logs_retention_days: has no effect unless network.flow_logs is true"))
      << d.FormatAll();
}

}  // namespace
}  // namespace bp
