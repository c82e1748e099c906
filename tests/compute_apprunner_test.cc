// App Runner compute acceptance tests: the ImageUri placeholder / ECR paths, roles,
// tracing, the VPC connector, and the RuntimeInputs hook later modules use.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "modules/compute.h"
#include "modules/compute_apprunner.h"
#include "naming/names.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

const Json& Service(const Json& t) { return t["Resources"]["Service"]["Properties"]; }

TEST(ImageUri, EmptyParameterSelectsThePlaceholderCondition) {
  Json t = Synth(StackYaml("dev", "gateway"));
  EXPECT_EQ(t["Parameters"]["ImageUri"]["Type"], "String");
  EXPECT_EQ(t["Parameters"]["ImageUri"]["Default"], "");
  EXPECT_EQ(t["Conditions"]["UsePlaceholderImage"], Json({{"Fn::Equals", Json::array({Json{{"Ref", "ImageUri"}}, ""})}}));
  const Json& image = Service(t)["SourceConfiguration"]["ImageRepository"];
  EXPECT_EQ(image["ImageIdentifier"],
            Json({{"Fn::If", Json::array({"UsePlaceholderImage", kPlaceholderImage, Json{{"Ref", "ImageUri"}}})}}));
  EXPECT_EQ(image["ImageRepositoryType"], Json({{"Fn::If", Json::array({"UsePlaceholderImage", "ECR_PUBLIC", "ECR"})}}));
  EXPECT_EQ(Service(t)["SourceConfiguration"]["AuthenticationConfiguration"]["Fn::If"][0], "UsePlaceholderImage");
}

TEST(ImageUri, PlaceholderPathRunsThePublicImageOnItsPortWithoutAccessRole) {
  Json t = Synth(StackYaml("dev", "gateway"));
  Json svc = Resolve(Service(t), "UsePlaceholderImage", true);
  const Json& src = svc["SourceConfiguration"];
  EXPECT_EQ(src["ImageRepository"]["ImageIdentifier"], kPlaceholderImage);
  EXPECT_EQ(src["ImageRepository"]["ImageRepositoryType"], "ECR_PUBLIC");
  EXPECT_FALSE(src.contains("AuthenticationConfiguration"));
  EXPECT_EQ(src["AutoDeploymentsEnabled"], false);
  EXPECT_EQ(src["ImageRepository"]["ImageConfiguration"]["Port"], std::to_string(kPlaceholderPort));
  EXPECT_EQ(svc["HealthCheckConfiguration"]["Path"], kPlaceholderHealthPath);
}

TEST(ImageUri, EcrPathRunsTheGivenImageWithTheAccessRole) {
  Json t = Synth(StackYaml("dev", "gateway"));
  Json svc = Resolve(Service(t), "UsePlaceholderImage", false);
  const Json& src = svc["SourceConfiguration"];
  EXPECT_EQ(src["ImageRepository"]["ImageIdentifier"], Json({{"Ref", "ImageUri"}}));
  EXPECT_EQ(src["ImageRepository"]["ImageRepositoryType"], "ECR");
  EXPECT_EQ(src["AuthenticationConfiguration"]["AccessRoleArn"], Json({{"Fn::GetAtt", Json::array({"ServiceAccessRole", "Arn"})}}));
  EXPECT_EQ(src["AutoDeploymentsEnabled"], false);
  EXPECT_EQ(src["ImageRepository"]["ImageConfiguration"]["Port"], "8080");
  EXPECT_EQ(svc["HealthCheckConfiguration"]["Path"], "/health");
  // The parameter admits an ECR URI with a tag or digest, and the empty string.
  std::regex pattern(t["Parameters"]["ImageUri"]["AllowedPattern"].get<std::string>());
  EXPECT_TRUE(std::regex_match("", pattern));
  EXPECT_TRUE(std::regex_match("123456789012.dkr.ecr.eu-west-3.amazonaws.com/orders-api-dev:v1.2.3", pattern));
  EXPECT_TRUE(std::regex_match("123456789012.dkr.ecr.eu-west-3.amazonaws.com/orders-api-dev@sha256:" + std::string(64, 'a'), pattern));
  EXPECT_FALSE(std::regex_match("nginx:latest", pattern));
  EXPECT_FALSE(std::regex_match("123456789012.dkr.ecr.eu-west-3.amazonaws.com/orders-api-dev", pattern));
}

TEST(ImageUri, StartCommandOnlyForTheOwnImage) {
  Json t = Synth("profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n  start_command: ./server --port 8080\n");
  EXPECT_FALSE(Resolve(Service(t), "UsePlaceholderImage", true)["SourceConfiguration"]["ImageRepository"]
                   ["ImageConfiguration"].contains("StartCommand"));
  EXPECT_EQ(Resolve(Service(t), "UsePlaceholderImage", false)["SourceConfiguration"]["ImageRepository"]
                ["ImageConfiguration"]["StartCommand"],
            "./server --port 8080");
}

TEST(ImageUri, NoBranchWhenTheAppAlreadyMatchesThePlaceholder) {
  Json t = Synth("profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n  port: 8000\n  health_check:\n    path: /\n");
  EXPECT_EQ(Service(t)["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"]["Port"], "8000");
  EXPECT_EQ(Service(t)["HealthCheckConfiguration"]["Path"], "/");
}

TEST(Service, SettingsComeFromConfig) {
  Json t = Synth(StackYaml("prod", "gateway"), "prod");
  const Json& svc = Service(t);
  EXPECT_EQ(svc["ServiceName"], "orders-api-prod");
  EXPECT_EQ(svc["InstanceConfiguration"]["Cpu"], "0.5 vCPU");
  EXPECT_EQ(svc["InstanceConfiguration"]["Memory"], "1 GB");
  EXPECT_EQ(svc["HealthCheckConfiguration"],
            Json({{"Protocol", "HTTP"},
                  {"Path", Json{{"Fn::If", Json::array({"UsePlaceholderImage", "/", "/health"})}}},
                  {"Interval", 10},
                  {"Timeout", 5},
                  {"HealthyThreshold", 1},
                  {"UnhealthyThreshold", 5}}));
  // The config's variables, beside the database's (DB_*, see database_test.cc).
  Json config_vars = Json::array();
  for (const auto& v : svc["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"]["RuntimeEnvironmentVariables"])
    if (v["Name"].get<std::string>().rfind("DB_", 0) != 0) config_vars.push_back(v);
  EXPECT_EQ(config_vars, Json::array({Json{{"Name", "LOG_LEVEL"}, {"Value", "info"}}}));
  const Json& scaling = t["Resources"]["ServiceAutoScaling"]["Properties"];
  EXPECT_EQ(scaling["MinSize"], 1);
  EXPECT_EQ(scaling["MaxSize"], 5);
  EXPECT_EQ(scaling["MaxConcurrency"], 25);
  EXPECT_EQ(svc["NetworkConfiguration"]["EgressConfiguration"]["EgressType"], "VPC");
  EXPECT_EQ(t["Outputs"]["ServiceUrl"]["Value"], Json({{"Fn::Sub", "https://${Service.ServiceUrl}"}}));
  EXPECT_EQ(t["Outputs"]["ServiceName"]["Value"], "orders-api-prod");
  EXPECT_EQ(t["Outputs"]["ServiceArn"]["Value"], Json({{"Fn::GetAtt", Json::array({"Service", "ServiceArn"})}}));
}

TEST(Service, TcpHealthCheckHasNoPath) {
  Json t = Synth("profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n  health_check:\n    protocol: TCP\n");
  EXPECT_FALSE(Service(t)["HealthCheckConfiguration"].contains("Path"));
}

TEST(Roles, AccessRoleForEcrAndInstanceRoleForTasks) {
  Json t = Synth(StackYaml("dev", "gateway"));
  const Json& access = t["Resources"]["ServiceAccessRole"]["Properties"];
  EXPECT_EQ(access["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "build.apprunner.amazonaws.com");
  EXPECT_EQ(access["ManagedPolicyArns"],
            Json::array({Json{{"Fn::Sub", "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess"}}}));
  const Json& instance = t["Resources"]["ServiceInstanceRole"]["Properties"];
  EXPECT_EQ(instance["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "tasks.apprunner.amazonaws.com");
  // Dev: no tracing, so the instance role holds only the database secret's read access.
  EXPECT_FALSE(instance.contains("ManagedPolicyArns"));
  ASSERT_EQ(instance["Policies"].size(), 1u);
  EXPECT_EQ(instance["Policies"][0]["PolicyDocument"]["Statement"],
            Json::array({Json{{"Sid", "ReadDatabaseCredentials"},
                              {"Effect", "Allow"},
                              {"Action", "secretsmanager:GetSecretValue"},
                              {"Resource", Json{{"Ref", "DbCredentials"}}}}}));
}

TEST(Tracing, XrayOnlyWhenTracing) {
  Json dev = Synth(StackYaml("dev", "gateway"));
  EXPECT_TRUE(ResourcesOfType(dev, "AWS::AppRunner::ObservabilityConfiguration").empty());
  EXPECT_EQ(Service(dev)["ObservabilityConfiguration"], Json({{"ObservabilityEnabled", false}}));

  Json prod = Synth(StackYaml("prod", "gateway"), "prod");
  EXPECT_EQ(prod["Resources"]["ServiceObservability"]["Properties"]["TraceConfiguration"], Json({{"Vendor", "AWSXRAY"}}));
  EXPECT_EQ(Service(prod)["ObservabilityConfiguration"]["ObservabilityEnabled"], true);
  EXPECT_EQ(prod["Resources"]["ServiceInstanceRole"]["Properties"]["ManagedPolicyArns"],
            Json::array({Json{{"Fn::Sub", "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"}}}));
}

TEST(Tracing, ConfigSwitchTurnsItOnInDev) {
  Json t = Synth("profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n  tracing: true\n");
  EXPECT_EQ(ResourcesOfType(t, "AWS::AppRunner::ObservabilityConfiguration").size(), 1u);
}

TEST(VpcConnector, PrivateSubnetsAndAnEgressOnlySecurityGroup) {
  Json t = Synth(StackYaml("dev", "gateway", "orders-api", "  az_count: 3\n  max_az_count: 3\n"));
  const Json& connector = t["Resources"]["VpcConnector"]["Properties"];
  EXPECT_EQ(connector["Subnets"], Json::array({Json{{"Ref", "PrivateSubnet1"}}, Json{{"Ref", "PrivateSubnet2"}},
                                               Json{{"Ref", "PrivateSubnet3"}}}));
  EXPECT_EQ(connector["SecurityGroups"], Json::array({Json{{"Fn::GetAtt", Json::array({"AppSecurityGroup", "GroupId"})}}}));
  const Json& sg = t["Resources"]["AppSecurityGroup"]["Properties"];
  EXPECT_FALSE(sg.contains("SecurityGroupIngress"));
  EXPECT_EQ(sg["SecurityGroupEgress"].size(), 1u);
  EXPECT_EQ(Service(t)["NetworkConfiguration"]["EgressConfiguration"]["VpcConnectorArn"],
            Json({{"Fn::GetAtt", Json::array({"VpcConnector", "VpcConnectorArn"})}}));
}

// Issue 22: a scaling change replaces the auto scaling configuration and one more AZ the
// VPC connector (their properties are all create-only). Under a fixed name CloudFormation
// could not replace them; a hash of the create-only properties in the name makes the
// replacement a rename, which deploys with no flag.
std::string ScalingYaml(int max_size, int az_count, const std::string& app_name = "orders-api") {
  return "profile: prod\nregion: eu-west-3\napp:\n  name: " + app_name + "\n  scaling:\n    max_size: " +
         std::to_string(max_size) + "\nnetwork:\n  cidr: 10.0.0.0/22\n  az_count: " + std::to_string(az_count) +
         "\n  max_az_count: 3\nalerts:\n  emails: [oncall@acme.example]\n";
}

struct AppRunnerNames {
  std::string scaling, connector, observability;
};

AppRunnerNames NamesOf(const Json& t) {
  const Json& r = t["Resources"];
  return {r["ServiceAutoScaling"]["Properties"]["AutoScalingConfigurationName"].get<std::string>(),
          r["VpcConnector"]["Properties"]["VpcConnectorName"].get<std::string>(),
          r["ServiceObservability"]["Properties"]["ObservabilityConfigurationName"].get<std::string>()};
}

TEST(NamedConfigurations, AScalingChangeRenamesTheAutoScalingConfigurationAlone) {
  AppRunnerNames base = NamesOf(Synth(ScalingYaml(5, 2), "prod"));
  AppRunnerNames scaled = NamesOf(Synth(ScalingYaml(6, 2), "prod"));
  EXPECT_NE(scaled.scaling, base.scaling);
  EXPECT_EQ(scaled.connector, base.connector);
  EXPECT_EQ(scaled.observability, base.observability);
  // "<app>-<env>-" and 8 hex digits.
  for (const std::string& name : {base.scaling, scaled.scaling, base.connector, base.observability})
    EXPECT_TRUE(std::regex_match(name, std::regex("orders-api-prod-[0-9a-f]{8}"))) << name;
  // Same config, same names.
  AppRunnerNames again = NamesOf(Synth(ScalingYaml(5, 2), "prod"));
  EXPECT_EQ(again.scaling, base.scaling);
  EXPECT_EQ(again.connector, base.connector);
  EXPECT_EQ(again.observability, base.observability);
}

TEST(NamedConfigurations, OneMoreAzRenamesTheVpcConnectorAlone) {
  AppRunnerNames base = NamesOf(Synth(ScalingYaml(5, 2), "prod"));
  AppRunnerNames grown = NamesOf(Synth(ScalingYaml(5, 3), "prod"));
  EXPECT_NE(grown.connector, base.connector);
  EXPECT_EQ(grown.scaling, base.scaling);
  EXPECT_EQ(grown.observability, base.observability);
}

// The longest names the config allows: an app name of 50 characters, an environment of 20.
TEST(NamedConfigurations, NamesFitAwsLimitsForTheLongestAppAndEnvironmentNames) {
  const std::string app(50, 'a'), env = "abcdefghijklmnopqrst";
  ASSERT_EQ(env.size(), 20u);
  AppRunnerNames base = NamesOf(Synth(ScalingYaml(5, 2, app), env));
  AppRunnerNames changed = NamesOf(Synth(ScalingYaml(6, 3, app), env));
  EXPECT_EQ(CheckName(NameKind::kAppRunnerAutoScaling, base.scaling), "");
  EXPECT_EQ(CheckName(NameKind::kAppRunnerVpcConnector, base.connector), "");
  EXPECT_EQ(CheckName(NameKind::kAppRunnerObservability, base.observability), "");
  EXPECT_EQ(CheckName(NameKind::kAppRunnerAutoScaling, changed.scaling), "");
  EXPECT_EQ(CheckName(NameKind::kAppRunnerVpcConnector, changed.connector), "");
  EXPECT_NE(changed.scaling, base.scaling);
  EXPECT_NE(changed.connector, base.connector);
}

// What the user sees: the offline preview of a scaling change plus one more AZ on a
// deployed prod replaces both, under new names, and warns of no failing replacement.
TEST(NamedConfigurations, PreviewOfAScalingChangeAndOneMoreAzHasNoFailingReplacement) {
  testing::TempDir dir;
  dir.Write("envs/prod/stack.yaml", ScalingYaml(5, 2));
  auto synth = testing::RunBlueprint(
      {"synth", "--stack", "prod", "--environments", dir.path() + "/envs", "--out", dir.path() + "/before"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  dir.Write("envs/prod/stack.yaml", ScalingYaml(6, 3));
  auto preview = testing::RunBlueprint({"preview", "--stack", "orders-api-prod", "--environments", dir.path() + "/envs",
                                        "--against", dir.path() + "/before/orders-api-prod.template.json"});
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  const std::string text = preview.out + preview.err;
  EXPECT_THAT(text, ::testing::HasSubstr("ServiceAutoScaling")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("VpcConnector")) << text;
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("REPLACEMENT WILL FAIL"))) << text;
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("NAMED RESOURCE"))) << text;
}

// The compute contract: runtime inputs are in the service from the start (nothing is
// patched afterwards), sorted by name, and the role gets exactly the statements given.
TEST(ComputeContract, RuntimeInputsGoInBeforeTheServiceIsBuilt) {
  cfn::Template t;
  ModuleContext ctx{"orders-api-dev", {}};
  AppConfig app;
  app.port = 8080;
  app.cpu = "0.25 vCPU";
  app.memory = "0.5 GB";
  app.health_check = {"HTTP", "/health", 10, 5, 1, 5};
  app.scaling = {1, 2, 10};
  ComputeInputs in;
  in.network.vpc_id = Json{{"Ref", "Vpc"}};
  in.network.private_subnet_ids = {Json{{"Ref", "PrivateSubnet1"}}};
  in.security_group_id = AddAppSecurityGroup(ctx, in.network.vpc_id, &t).security_group_id;
  in.runtime.env = {{"LOG_LEVEL", "info"}};
  RuntimeInputs db;
  db.env = {{"DB_HOST", Json{{"Fn::GetAtt", Json::array({"Database", "Endpoint.Address"})}}}, {"APP_MODE", "web"}};
  db.secrets = {{"DB_PASSWORD", Json{{"Fn::Sub", "${Database.MasterUserSecret.SecretArn}:password::"}}}};
  Json read_secret{{"Effect", "Allow"},
                   {"Action", "secretsmanager:GetSecretValue"},
                   {"Resource", Json{{"Fn::GetAtt", Json::array({"Database", "MasterUserSecret.SecretArn"})}}}};
  db.policy_statements = {read_secret};
  in.runtime.Add(db);
  ComputeOutputs out = AddCompute(ctx, app, in, &t);

  Json doc = t.ToJson();
  const Json& image = doc["Resources"]["Service"]["Properties"]["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"];
  std::vector<std::string> names;
  for (const auto& e : image["RuntimeEnvironmentVariables"]) names.push_back(e["Name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"APP_MODE", "DB_HOST", "LOG_LEVEL"}));
  EXPECT_EQ(image["RuntimeEnvironmentSecrets"][0]["Name"], "DB_PASSWORD");
  const Json& policies = doc["Resources"]["ServiceInstanceRole"]["Properties"]["Policies"];
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0]["PolicyDocument"]["Statement"], Json::array({read_secret}));
  EXPECT_EQ(doc["Resources"]["VpcConnector"]["Properties"]["SecurityGroups"],
            Json::array({in.security_group_id}));

  // The outputs contract, as dashboards, alarms, WAF and CloudFront read it.
  EXPECT_EQ(out.service_url, Json({{"Fn::Sub", "https://${Service.ServiceUrl}"}}));
  EXPECT_EQ(out.service_host, Json({{"Fn::GetAtt", Json::array({"Service", "ServiceUrl"})}}));
  EXPECT_EQ(out.waf_target_arn, Json({{"Fn::GetAtt", Json::array({"Service", "ServiceArn"})}}));
  EXPECT_EQ(out.app_role_arn, Json({{"Fn::GetAtt", Json::array({"ServiceInstanceRole", "Arn"})}}));
  EXPECT_EQ(out.metrics.metric_namespace, "AWS/AppRunner");
  ASSERT_EQ(out.metrics.dimensions.size(), 2u);
  EXPECT_EQ(out.metrics.dimensions[0].first, "ServiceName");
  EXPECT_EQ(out.metrics.dimensions[0].second, out.service_name);
  EXPECT_EQ(out.metrics.dimensions[1].first, "ServiceID");
  EXPECT_EQ(out.metrics.dimensions[1].second, Json({{"Fn::GetAtt", Json::array({"Service", "ServiceId"})}}));
  EXPECT_EQ(out.metrics.requests, "Requests");
  EXPECT_EQ(out.metrics.http_5xx, "5xxStatusResponses");
  EXPECT_EQ(out.metrics.latency, "RequestLatency");
}

TEST(ComputeContract, ANameGivenTwiceIsAProgrammingError) {
  cfn::Template t;
  AppConfig app;
  app.health_check = {"HTTP", "/", 10, 5, 1, 5};
  ComputeInputs in;
  in.runtime.env = {{"A", "1"}, {"A", "2"}};
  EXPECT_DEATH(AddCompute(ModuleContext{"orders-api-dev", {}}, app, in, &t), "variable 'A' given twice");
}

}  // namespace
}  // namespace bp
