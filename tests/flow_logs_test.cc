// Logs (issue 13): VPC flow logs per profile, with a role scoped to their group; every
// log group the bundled templates declare expires; dev no longer logs every statement.
#include <gtest/gtest.h>

#include <set>

#include "app/app.h"
#include "config/loader.h"
#include "test_util.h"

namespace bp {
namespace {

using cfn::Json;

const char* const kEmails = "alerts: {emails: [oncall@acme.example]}\n";

using testing::OfType;

const cfn::Template& Main(const App& app) { return testing::MainStack(app).tmpl; }

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
    EXPECT_NE(action.get<std::string>().find("logs:"), std::string::npos) << action;
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
  EXPECT_NE(d.FormatAll().find("network.flow_logs_retention_days: has no effect unless network.flow_logs is true"),
            std::string::npos)
      << d.FormatAll();
}

}  // namespace
}  // namespace bp
