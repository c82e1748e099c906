// ECS Express Mode compute (issue 14): the service and its roles, the placeholder and
// ECR image paths, sizes from the Fargate table, the DB admitting only the app's group,
// the WAF target and the metrics contract, the platform checks, and every bundled
// environment on both platforms through our validator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <functional>
#include <map>
#include <fstream>
#include <sstream>

#include "cfn/spec.h"
#include "modules/compute.h"
#include "modules/compute_ecs_express.h"
#include "modules/compute_image.h"
#include "platform_fixtures.h"
#include "test_util.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

const std::string kEcs = "compute:\n  platform: ecs-express\n";

// `yaml` with `lines` added at the top of its app section.
std::string WithApp(std::string yaml, const std::string& lines) {
  yaml.replace(yaml.find("app:\n") + 5, 0, lines);
  return yaml;
}

std::string EcsYaml(const std::string& profile, const std::string& more_app = "") {
  return WithApp(StackYaml(profile, "gateway", "orders-api", "", kEcs), more_app);
}

const Json& Props(const Json& t, const std::string& id) { return t["Resources"][id]["Properties"]; }

Json GetAtt(const std::string& id, const std::string& attr) { return Json{{"Fn::GetAtt", Json::array({id, attr})}}; }

TEST(EcsExpress, BuildsTheServiceClusterRolesAndLogGroupInsteadOfAppRunner) {
  Json t = Synth(EcsYaml("dev"));
  EXPECT_EQ(ResourcesOfType(t, "AWS::ECS::ExpressGatewayService"), std::vector<std::string>{"ExpressService"});
  EXPECT_EQ(ResourcesOfType(t, "AWS::ECS::Cluster"), std::vector<std::string>{"Cluster"});
  // The app's group, and the log retention function's own (it serves RDS's groups here).
  EXPECT_EQ(ResourcesOfType(t, "AWS::Logs::LogGroup"), (std::vector<std::string>{"ServiceLogGroup", "LogRetentionFunctionLogs"}));
  EXPECT_TRUE(ResourcesOfType(t, "AWS::AppRunner::Service").empty());
  EXPECT_TRUE(ResourcesOfType(t, "AWS::AppRunner::VpcConnector").empty());
  const Json& svc = Props(t, "ExpressService");
  EXPECT_EQ(svc["ServiceName"], "orders-api-dev");
  EXPECT_EQ(svc["Cluster"], Json({{"Ref", "Cluster"}}));
  EXPECT_EQ(Props(t, "Cluster")["CapacityProviders"], Json::array({"FARGATE"}));
  EXPECT_EQ(svc["InfrastructureRoleArn"], GetAtt("ServiceInfrastructureRole", "Arn"));
  EXPECT_EQ(svc["ExecutionRoleArn"], GetAtt("TaskExecutionRole", "Arn"));
  EXPECT_EQ(svc["TaskRoleArn"], GetAtt("TaskRole", "Arn"));
  // The managed policies AWS documents (reference/aws-facts.md 13.3), trusted by the right principals.
  const Json& infra = Props(t, "ServiceInfrastructureRole");
  EXPECT_EQ(infra["ManagedPolicyArns"][0]["Fn::Sub"],
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices");
  EXPECT_EQ(infra["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "ecs.amazonaws.com");
  const Json& exec = Props(t, "TaskExecutionRole");
  EXPECT_EQ(exec["ManagedPolicyArns"][0]["Fn::Sub"],
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
  EXPECT_EQ(exec["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "ecs-tasks.amazonaws.com");
  EXPECT_EQ(Props(t, "TaskRole")["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "ecs-tasks.amazonaws.com");
  // Service tags are create-only: only those fixed by the name.
  for (const auto& tag : svc["Tags"]) EXPECT_TRUE(tag["Key"] == "Project" || tag["Key"] == "Environment" || tag["Key"] == "ManagedBy") << tag;
}

// Switching platforms must never change a resource's type under one logical ID
// (CloudFormation refuses such an update): no ID of one platform's template has another
// type in the other's.
TEST(EcsExpress, SwitchingPlatformsChangesNoResourceTypeUnderOneLogicalId) {
  std::vector<StackConfig> ecs_configs = testing::BundledEnvironmentsWith("  platform: ecs-express\n");
  std::vector<StackConfig> bundled = BundledEnvironments();
  for (size_t i = 0; i < bundled.size(); ++i) {
    const StackConfig &c = bundled[i], &ecs = ecs_configs[i];
    ASSERT_EQ(c.env, ecs.env);
    Json a = MainTemplate(c), b = MainTemplate(ecs);
    for (const auto& [id, r] : a["Resources"].items())
      if (b["Resources"].contains(id)) {
        EXPECT_EQ(r["Type"], b["Resources"][id]["Type"]) << c.env << ": " << id;
      }
    // ... and the database, its rule and the app's group are the same resources.
    for (const char* id : {"Db", "DbSecurityGroup", "DbIngressFromApp", "AppSecurityGroup", "Repository"})
      EXPECT_EQ(a["Resources"][id], b["Resources"][id]) << c.env << ": " << id;
  }
}

TEST(EcsExpress, PlaceholderPathRunsThePublicImageOnItsPortAndPath) {
  Json t = Synth(EcsYaml("dev", "  start_command: ./serve --fast\n"));
  EXPECT_EQ(t["Parameters"]["ImageUri"]["Default"], "");
  Json svc = Resolve(Props(t, "ExpressService"), "UsePlaceholderImage", true);
  EXPECT_EQ(svc["PrimaryContainer"]["Image"], kPlaceholderImage);
  EXPECT_EQ(svc["PrimaryContainer"]["ContainerPort"], kPlaceholderPort);
  EXPECT_FALSE(svc["PrimaryContainer"].contains("Command"));
  EXPECT_EQ(svc["HealthCheckPath"], kPlaceholderHealthPath);
}

TEST(EcsExpress, EcrPathRunsTheGivenImageWithTheAppsPortPathAndCommand) {
  Json t = Synth(EcsYaml("dev", "  start_command: ./serve --fast\n"));
  Json svc = Resolve(Props(t, "ExpressService"), "UsePlaceholderImage", false);
  EXPECT_EQ(svc["PrimaryContainer"]["Image"], Json({{"Ref", "ImageUri"}}));
  EXPECT_EQ(svc["PrimaryContainer"]["ContainerPort"], 8080);  // an integer here (App Runner: a string)
  EXPECT_EQ(svc["PrimaryContainer"]["Command"], Json::array({"/bin/sh", "-c", "./serve --fast"}));
  EXPECT_EQ(svc["HealthCheckPath"], "/health");
}

TEST(EcsExpress, VariablesSecretsAndTheirReadRights) {
  Json t = Synth(EcsYaml("dev", "  secrets:\n    API_KEY: {arn: 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:api-AbCdEf'}\n"));
  const Json& c = Props(t, "ExpressService")["PrimaryContainer"];
  std::vector<std::string> env, secrets;
  for (const auto& e : c["Environment"]) env.push_back(e["Name"]);
  for (const auto& s : c["Secrets"]) {
    secrets.push_back(s["Name"]);
    EXPECT_TRUE(s.contains("ValueFrom")) << s;
  }
  EXPECT_EQ(env, (std::vector<std::string>{"DB_HOST", "DB_NAME", "DB_PORT", "LOG_LEVEL"}));
  EXPECT_EQ(secrets, (std::vector<std::string>{"API_KEY", "DB_PASSWORD", "DB_USERNAME"}));
  EXPECT_EQ(c["Secrets"][1]["ValueFrom"], Json({{"Fn::Sub", "${DbCredentials}:password::"}}));
  // The execution role injects the secrets at task start; the task role (the app's) may read them too.
  for (const char* role : {"TaskExecutionRole", "TaskRole"}) {
    const Json& statements = Props(t, role)["Policies"][0]["PolicyDocument"]["Statement"];
    std::string sids;
    for (const auto& s : statements) sids += s["Sid"].get<std::string>() + " ";
    EXPECT_THAT(sids, ::testing::HasSubstr("ReadDatabaseCredentials")) << role;
    EXPECT_THAT(sids, ::testing::HasSubstr("ReadAppSecrets")) << role;
  }
}

TEST(EcsExpress, SizesScalingLogsAndNetwork) {
  Json t = Synth(EcsYaml("dev", "  cpu: 1 vCPU\n  memory: 3 GB\n  log_retention_days: 14\n  scaling:\n    min_size: 2\n    max_size: 7\n"));
  const Json& svc = Props(t, "ExpressService");
  EXPECT_EQ(svc["Cpu"], "1024");
  EXPECT_EQ(svc["Memory"], "3072");
  EXPECT_EQ(svc["ScalingTarget"], Json({{"MinTaskCount", 2}, {"MaxTaskCount", 7}, {"AutoScalingMetric", "AVERAGE_CPU"},
                                        {"AutoScalingTargetValue", 60}}));
  EXPECT_EQ(Props(t, "ServiceLogGroup")["RetentionInDays"], 14);
  EXPECT_EQ(svc["PrimaryContainer"]["AwsLogsConfiguration"],
            Json({{"LogGroup", {{"Ref", "ServiceLogGroup"}}}, {"LogStreamPrefix", "app"}}));
  // Tasks in the private subnets, with the app's security group.
  EXPECT_EQ(svc["NetworkConfiguration"]["Subnets"], Json::array({Json{{"Ref", "PrivateSubnet1"}}, Json{{"Ref", "PrivateSubnet2"}}}));
  EXPECT_EQ(svc["NetworkConfiguration"]["SecurityGroups"], Json::array({GetAtt("AppSecurityGroup", "GroupId")}));
}

TEST(EcsExpress, DatabaseAdmitsOnlyTheAppSecurityGroupOn5432) {
  for (const auto& ecs : testing::BundledEnvironmentsWith("  platform: ecs-express\n")) {
    const StackConfig& c = ecs;
    Json t = MainTemplate(ecs);
    SCOPED_TRACE(c.env);
    // No inline ingress on the DB group, and exactly one rule targeting it.
    EXPECT_FALSE(Props(t, "DbSecurityGroup").contains("SecurityGroupIngress"));
    std::vector<Json> rules;
    for (const auto& id : ResourcesOfType(t, "AWS::EC2::SecurityGroupIngress"))
      if (Props(t, id)["GroupId"] == GetAtt("DbSecurityGroup", "GroupId")) rules.push_back(Props(t, id));
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0]["SourceSecurityGroupId"], GetAtt("AppSecurityGroup", "GroupId"));
    EXPECT_EQ(rules[0]["FromPort"], 5432);
    EXPECT_EQ(rules[0]["ToPort"], 5432);
    EXPECT_FALSE(rules[0].contains("CidrIp"));
    // ... and that group is the one the service's tasks carry.
    EXPECT_EQ(Props(t, "ExpressService")["NetworkConfiguration"]["SecurityGroups"], Json::array({GetAtt("AppSecurityGroup", "GroupId")}));
  }
}

ComputeOutputs BuildDirect(cfn::Template* t, ComputePlatform platform = ComputePlatform::kEcsExpress) {
  AppConfig app;
  app.platform = platform;
  app.port = 8080;
  app.cpu = "0.25 vCPU";
  app.memory = "0.5 GB";
  app.health_check = {"HTTP", "/health", 10, 5, 1, 5};
  app.scaling = {1, 2, 10};
  app.log_retention_days = 7;
  app.ingress = Ingress::kEdge;  // the platform's default layout
  ComputeInputs in;
  in.network.vpc_id = Json{{"Ref", "Vpc"}};
  in.network.private_subnet_ids = {Json{{"Ref", "PrivateSubnet1"}}};
  in.network.private_egress = true;
  in.security_group_id = GetAtt("AppSecurityGroup", "GroupId");
  return AddCompute(ModuleContext{"orders-api-dev", {}}, app, in, t);
}

TEST(EcsExpress, ContractOutputsWafTargetIsTheLoadBalancer) {
  cfn::Template t;
  ComputeOutputs out = BuildDirect(&t);
  EXPECT_EQ(out.service_name, "orders-api-dev");
  EXPECT_EQ(out.waf_target_arn, GetAtt("ExpressService", "ECSManagedResourceArns.IngressPath.LoadBalancerArn"));
  EXPECT_EQ(out.service_arn, Json({{"Ref", "ExpressService"}}));
  EXPECT_EQ(out.service_host, GetAtt("ExpressService", "Endpoint"));
  EXPECT_EQ(out.service_url, Json({{"Fn::Sub", "https://${ExpressService.Endpoint}"}}));
  EXPECT_EQ(out.app_role_arn, GetAtt("TaskRole", "Arn"));
  EXPECT_EQ(out.image_rollout.resource_types, std::vector<std::string>{"AWS::ECS::ExpressGatewayService"});
  EXPECT_EQ(out.image_rollout.statements[0]["Resource"], out.service_arn);
}

// With an internet-facing load balancer (ingress public) the regional web ACL (on in
// prod) attaches, in the main stack, to the load balancer Express Mode put the service
// behind (reference/aws-facts.md 13.6). Behind CloudFront (edge, the default) nothing outside the VPC
// reaches that load balancer: the web ACL is CloudFront's, in the global stack.
TEST(EcsExpress, RegionalWafAttachesToTheExpressLoadBalancer) {
  App edge = testing::SynthFromYaml(EcsYaml("prod"), "prod");
  EXPECT_TRUE(ResourcesOfType(MainTemplate(edge), "AWS::WAFv2::WebACL").empty());
  for (const auto& s : edge.stacks)
    if (s.role == StackRole::kGlobal) {
      std::vector<std::string> acls = ResourcesOfType(s.tmpl.ToJson(), "AWS::WAFv2::WebACL");
      ASSERT_EQ(acls.size(), 1u);
      EXPECT_EQ(Props(s.tmpl.ToJson(), acls[0])["Scope"], "CLOUDFRONT");
    }
  std::string yaml = EcsYaml("prod");
  yaml.replace(yaml.find("  platform: ecs-express\n"), 0, "  ingress: public\n");
  Json t = Synth(yaml, "prod");
  std::vector<std::string> associations = ResourcesOfType(t, "AWS::WAFv2::WebACLAssociation");
  ASSERT_EQ(associations.size(), 1u);
  const Json& a = Props(t, associations[0]);
  EXPECT_EQ(a["ResourceArn"], GetAtt("ExpressService", "ECSManagedResourceArns.IngressPath.LoadBalancerArn"));
  ASSERT_TRUE(a["WebACLArn"].contains("Fn::GetAtt")) << a.dump();
  std::string acl = a["WebACLArn"]["Fn::GetAtt"][0];
  EXPECT_EQ(t["Resources"][acl]["Type"], "AWS::WAFv2::WebACL");
  EXPECT_EQ(Props(t, acl)["Scope"], "REGIONAL");
}

// docs/migration.md: previewing the bundled prod (App Runner) switched to ecs-express
// shows what goes and what comes; the database, its rules, the repository and the
// network are not in the plan.
TEST(EcsExpress, MigrationPreviewShowsWhatGoesAndComesAndLeavesTheDataAlone) {
  testing::TempDir dir;
  std::string yaml = testing::ReadFileOrDie(testing::SourceDir() + "/environments/prod/stack.yaml");
  dir.Write("envs/prod/stack.yaml", yaml);
  auto synth = testing::RunBlueprint(
      {"synth", "--stack", "prod", "--environments", dir.path() + "/envs", "--out", dir.path() + "/before"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  dir.Write("envs/prod/stack.yaml", yaml + kEcs);
  std::vector<std::string> args = {"preview", "--stack", "orders-api-prod", "--environments", dir.path() + "/envs",
                                   "--against", dir.path() + "/before/orders-api-prod.template.json"};
  auto text = testing::RunBlueprint(args);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  // What the platform change means for the app's users, and the monthly cost before and after.
  EXPECT_THAT(text.out, ::testing::HasSubstr("Platform change: App Runner -> ECS Express Mode")) << text.out;
  EXPECT_THAT(text.out, ::testing::HasSubstr("  loses: pausing the service")) << text.out;
  EXPECT_THAT(text.out, ::testing::HasSubstr("  gains: canary deployments with automatic rollback")) << text.out;
  EXPECT_THAT(text.out, ::testing::HasSubstr("Monthly cost: $")) << text.out;
  // The only data at risk: the regional web ACL's request logs, as the web ACL moves to
  // CloudFront (compute.ingress edge, the platform's default).
  size_t risk = text.out.find("DATA AT RISK");
  ASSERT_NE(risk, std::string::npos) << text.out;
  EXPECT_EQ(text.out.compare(risk, 30, "DATA AT RISK: WebAclLogGroup ("), 0) << text.out;
  EXPECT_EQ(text.out.find("DATA AT RISK", risk + 1), std::string::npos) << text.out;
  args.push_back("--json");
  auto p = testing::RunBlueprint(args);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  std::map<std::string, std::string> action;
  Json doc = Json::parse(p.out);
  EXPECT_EQ(doc["stacks"][0]["platform_change"]["from"], "App Runner") << p.out;
  EXPECT_EQ(doc["stacks"][0]["platform_change"]["to"], "ECS Express Mode") << p.out;
  for (const auto& r : doc["stacks"][0]["resources"])
    action[r["logical_id"].get<std::string>()] = r["action"].get<std::string>();
  ASSERT_FALSE(action.empty()) << p.out;
  for (const char* goes : {"Service", "ServiceAutoScaling", "VpcConnector", "ServiceAccessRole", "ServiceInstanceRole"})
    EXPECT_EQ(action[goes], "remove") << goes;
  for (const char* comes : {"ExpressService", "Cluster", "ServiceLogGroup", "ServiceInfrastructureRole",
                            "TaskExecutionRole", "TaskRole"})
    EXPECT_EQ(action[comes], "add") << comes;
  for (const char* kept : {"Db", "DbSecurityGroup", "DbIngressFromApp", "DbCredentials", "AppSecurityGroup",
                           "Repository", "Vpc", "PrivateSubnet1", "NatGateway1"})
    EXPECT_EQ(action.count(kept), 0u) << kept << " is in the plan: " << action[kept];
}

TEST(EcsExpress, MetricsReadEcsForTheServiceAndTheLoadBalancerForTraffic) {
  cfn::Template t;
  ComputeMetrics m = BuildDirect(&t).metrics;
  EXPECT_EQ(m.metric_namespace, "AWS/ECS");
  ASSERT_EQ(m.dimensions.size(), 2u);
  EXPECT_EQ(m.dimensions[0], (std::pair<std::string, Json>{"ClusterName", Json{{"Ref", "Cluster"}}}));
  EXPECT_EQ(m.dimensions[1], (std::pair<std::string, Json>{"ServiceName", "orders-api-dev"}));
  EXPECT_EQ(m.cpu_utilization, "CPUUtilization");
  EXPECT_EQ(m.memory_utilization, "MemoryUtilization");
  EXPECT_EQ(m.traffic_namespace, "AWS/ApplicationELB");
  ASSERT_EQ(m.traffic_dimensions.size(), 1u);  // the load balancer: traffic stays in view whichever target group serves it
  EXPECT_EQ(m.traffic_dimensions[0].first, "LoadBalancer");
  EXPECT_EQ(m.traffic_dimensions[0].second,
            Json({{"Fn::Select", Json::array({"1", Json{{"Fn::Split", Json::array({"loadbalancer/", GetAtt("ExpressService", "ECSManagedResourceArns.IngressPath.LoadBalancerArn")})}}})}}));
  EXPECT_EQ(m.requests, "RequestCount");
  EXPECT_EQ(m.http_5xx, "HTTPCode_Target_5XX_Count");
  EXPECT_EQ(m.http_4xx, "HTTPCode_Target_4XX_Count");
  EXPECT_EQ(m.latency, "TargetResponseTime");
  EXPECT_EQ(m.latency_unit, "Seconds");
  EXPECT_EQ(m.active_instances, "HealthyHostCount");
  EXPECT_EQ(m.active_instances_per, "TargetGroup");  // summed over the service's target groups
}

TEST(EcsExpress, AppRunnerFillsTheTrafficMetricsWithItsOwn) {
  cfn::Template t;
  ComputeMetrics m = BuildDirect(&t, ComputePlatform::kAppRunner).metrics;
  EXPECT_EQ(m.traffic_namespace, m.metric_namespace);
  EXPECT_EQ(m.traffic_dimensions, m.dimensions);
  EXPECT_EQ(m.active_instances_per, "");
  EXPECT_EQ(m.latency_unit, "Milliseconds");
}

TEST(EcsExpress, FargateSizesFromTheTable) {
  std::string cpu, mem;
  struct Case {
    const char *cpu, *memory;
    bool ok;
    const char *units, *mib;
  };
  for (const Case& c : {Case{"0.25 vCPU", "0.5 GB", true, "256", "512"}, Case{"0.25 vCPU", "2 GB", true, "256", "2048"},
                        Case{"0.25 vCPU", "1.5 GB", false, "", ""}, Case{"0.25 vCPU", "3 GB", false, "", ""},
                        Case{"0.5 vCPU", "4 GB", true, "512", "4096"}, Case{"0.5 vCPU", "0.5 GB", false, "", ""},
                        Case{"1 vCPU", "8 GB", true, "1024", "8192"}, Case{"2 vCPU", "16 GB", true, "2048", "16384"},
                        Case{"4 vCPU", "30 GB", true, "4096", "30720"}, Case{"4 vCPU", "32 GB", false, "", ""},
                        Case{"8 vCPU", "20 GB", true, "8192", "20480"}, Case{"8 vCPU", "18 GB", false, "", ""},
                        Case{"16 vCPU", "120 GB", true, "16384", "122880"}, Case{"3 vCPU", "6 GB", false, "", ""},
                        Case{"1vCPU", "2 GB", false, "", ""}}) {
    SCOPED_TRACE(std::string(c.cpu) + " / " + c.memory);
    EXPECT_EQ(FargateTaskSize(c.cpu, c.memory, &cpu, &mem), c.ok);
    if (c.ok) {
      EXPECT_EQ(cpu, c.units);
      EXPECT_EQ(mem, c.mib);
    }
  }
}

// What the config loader plus the platform checks say about `yaml`.
std::string Check(const std::string& yaml, bool* ok) {
  StackConfig c;
  Diagnostics d;
  App app;
  *ok = ParseStackConfig(yaml, "dev/stack.yaml", "dev", &c, &d) && Assemble(c, &app, &d);
  return d.FormatAll();
}

TEST(EcsExpress, PlatformChecksNameTheKeyAtItsLine) {
  bool ok = true;
  // A size App Runner lacks but Fargate offers is fine here, and the reverse is refused.
  Check(EcsYaml("dev", "  cpu: 0.25 vCPU\n  memory: 2 GB\n"), &ok);
  EXPECT_TRUE(ok);
  std::string msg = Check(EcsYaml("dev", "  cpu: 4 vCPU\n  memory: 32 GB\n"), &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(msg, ::testing::HasSubstr("app.memory: Fargate (compute.platform: ecs-express) does not offer 4 vCPU "
                                        "with 32 GB; with 4 vCPU use 8 GB to 30 GB in steps of 1 GB"))
      << msg;
  EXPECT_THAT(msg, ::testing::HasSubstr("dev/stack.yaml:")) << msg;
  msg = Check(EcsYaml("dev", "  cpu: 3 vCPU\n"), &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(msg, ::testing::HasSubstr("app.cpu: Fargate (compute.platform: ecs-express) does not offer '3 vCPU'"))
      << msg;
  // Without a NAT the tasks start through VPC endpoints (say so).
  msg = Check(StackYaml("dev", "none", "orders-api", "", kEcs), &ok);
  EXPECT_TRUE(ok) << msg;
  EXPECT_THAT(msg,
              ::testing::HasSubstr(
                  "network.nat: none: the tasks reach ECR, CloudWatch Logs and Secrets Manager through VPC endpoints"))
      << msg;
  std::string tcp = EcsYaml("dev");
  tcp.replace(tcp.find("  health_check:\n") + 16, 0, "    protocol: TCP\n");
  msg = Check(tcp, &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(msg, ::testing::HasSubstr("app.health_check.protocol: ECS Express Mode checks health over HTTP only"))
      << msg;
  // App Runner's knobs warn when written; the config still synthesizes.
  msg = Check(EcsYaml("dev", "  scaling:\n    max_concurrency: 50\n"), &ok);
  EXPECT_TRUE(ok) << msg;
  EXPECT_THAT(msg, ::testing::HasSubstr("app.scaling.max_concurrency: has no effect on compute.platform ecs-express"))
      << msg;
  // app.log_retention_days reaches App Runner's own log groups too (modules/log_retention.h):
  // no warning there.
  msg = Check(WithApp(StackYaml("dev", "gateway"), "  log_retention_days: 30\n"), &ok);
  EXPECT_TRUE(ok) << msg;
  EXPECT_THAT(msg, ::testing::Not(::testing::HasSubstr("app.log_retention_days"))) << msg;
  msg = Check(StackYaml("dev", "gateway", "orders-api", "", "compute:\n  platform: ecs\n"), &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(msg, ::testing::HasSubstr("compute.platform")) << msg;
}

// `check` on every bundled environment assembled on each platform.
void ForEachBundledOnBothPlatforms(const std::function<void(ComputePlatform, const App&)>& check) {
  for (ComputePlatform p : {ComputePlatform::kAppRunner, ComputePlatform::kEcsExpress})
    for (const auto& c : testing::BundledEnvironmentsWith(std::string("  platform: ") + ComputePlatformName(p) + "\n")) {
      SCOPED_TRACE(c.env + " on " + ComputePlatformName(p));
      App app;
      Diagnostics d;
      ASSERT_TRUE(Assemble(c, &app, &d)) << d.FormatAll();
      check(p, app);
    }
}

TEST(EcsExpress, EveryBundledEnvironmentSynthesizesAndValidatesOnBothPlatforms) {
  ForEachBundledOnBothPlatforms([](ComputePlatform p, const App& app) {
    Diagnostics d;
    for (const auto& s : app.stacks) cfn::CheckAgainstSpec(s.name, s.tmpl, &d);
    EXPECT_EQ(d.ErrorCount(), 0u) << d.FormatAll();
    Json t = MainTemplate(app);
    EXPECT_EQ(ResourcesOfType(t, "AWS::ECS::ExpressGatewayService").size(), p == ComputePlatform::kEcsExpress ? 1u : 0u);
    EXPECT_EQ(ResourcesOfType(t, "AWS::AppRunner::Service").size(), p == ComputePlatform::kAppRunner ? 1u : 0u);
  });
}

// What the deploy asks AWS before it creates anything is declared by the platform: App
// Runner's main stack carries its admission question, only there; Express Mode's carries
// none; and the driver names no service of its own, so a third platform changes neither.
TEST(EcsExpress, PreflightChecksAreDeclaredByThePlatformNotTheDriver) {
  ForEachBundledOnBothPlatforms([](ComputePlatform p, const App& app) {
    for (const auto& s : app.stacks) {
      if (s.role != StackRole::kMain || p == ComputePlatform::kEcsExpress) {
        EXPECT_TRUE(s.preflight.empty()) << s.name;
        continue;
      }
      ASSERT_EQ(s.preflight.size(), 1u);
      const PreflightCheck& check = s.preflight[0];
      EXPECT_EQ(check.resource_type, "AWS::AppRunner::Service");
      EXPECT_EQ(check.service + " " + check.operation, "apprunner list-services");
      EXPECT_THAT(check.way_out, ::testing::HasSubstr("set `compute.platform: ecs-express` in its stack.yaml"));
    }
  });
  for (const char* file : {"/src/deploy/driver.cc", "/src/deploy/driver.h", "/src/cli/deploy_options.cc"}) {
    std::string text = testing::ReadFileOrDie(std::string(BLUEPRINT_SOURCE_DIR) + file);
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("apprunner list-services"))) << file;
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("AWS::AppRunner"))) << file;
  }
}

// No `if platform` outside the compute modules: only compute*.cc/h, the config layer
// (the key's binding) and the docs generator may name a platform value.
TEST(EcsExpress, OnlyTheComputeModulesAskWhichPlatform) {
  namespace fs = std::filesystem;
  std::string offenders;
  for (const auto& e : fs::recursive_directory_iterator(std::string(BLUEPRINT_SOURCE_DIR) + "/src")) {
    if (!e.is_regular_file()) continue;
    std::string rel = fs::relative(e.path(), std::string(BLUEPRINT_SOURCE_DIR) + "/src").string();
    if (rel.rfind("modules/compute", 0) == 0 || rel.rfind("config/", 0) == 0) continue;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find("ComputePlatform") != std::string::npos || text.str().find(".platform") != std::string::npos)
      offenders += rel + " ";
  }
  EXPECT_EQ(offenders, "") << "ask the compute modules (AddCompute, CheckComputeConfig), not the platform";
}

// Express Mode runs one container: no collector, so tracing is refused when written and
// the prod profile's default (App Runner's) does not apply.
TEST(EcsExpress, TracingIsRefusedAndNotDefaulted) {
  bool ok = true;
  std::string out = Check(EcsYaml("dev", "  tracing: true\n"), &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(out, ::testing::HasSubstr(
                       "app.tracing: not offered on compute.platform ecs-express: Express Mode runs one container"))
      << out;
  for (const auto& c : testing::BundledEnvironmentsWith("  platform: ecs-express\n")) {
    EXPECT_FALSE(c.app.tracing) << c.env;
    EXPECT_FALSE(Props(MainTemplate(c), "TaskRole").contains("ManagedPolicyArns")) << c.env;
  }
}

// The layouts' defaults: edge when compute.ingress is not written (CloudFront on, a VPC
// origin, no origin secret, no regional web ACL); public drops the profile's NAT (no
// path uses it) unless the file names one, and builds the VPC endpoints instead.
TEST(EcsExpress, IngressDefaultsFollowTheLayout) {
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(ParseStackConfig(EcsYaml("dev"), "dev/stack.yaml", "dev", &c, &d)) << d.FormatAll();
  EXPECT_EQ(c.app.ingress, Ingress::kEdge);
  EXPECT_TRUE(c.features.cloudfront);
  std::string pub = StackYaml("dev", "instance", "orders-api", "", "compute:\n  platform: ecs-express\n  ingress: public\n");
  std::string no_nat = pub;
  no_nat.erase(no_nat.find("  nat: instance\n"), std::string("  nat: instance\n").size());
  Json t = Synth(no_nat);
  EXPECT_TRUE(ResourcesOfType(t, "AWS::EC2::NatGateway").empty());
  EXPECT_TRUE(ResourcesOfType(t, "AWS::AutoScaling::AutoScalingGroup").empty());
  EXPECT_EQ(ResourcesOfType(t, "AWS::EC2::VPCEndpoint").size(), 5u);
  EXPECT_EQ(Props(t, "ExpressService")["NetworkConfiguration"]["Subnets"],
            Json::array({Json{{"Ref", "PublicSubnet1"}}, Json{{"Ref", "PublicSubnet2"}}}));
  // Created after the subnets route to the internet gateway, and after the endpoints.
  Json depends = t["Resources"]["ExpressService"]["DependsOn"];
  for (const char* id : {"PublicDefaultRoute", "PublicSubnet1RouteTableAssociation", "S3Endpoint", "EcrDkrEndpoint"})
    EXPECT_NE(std::find(depends.begin(), depends.end(), id), depends.end()) << id << " " << depends;
  // A NAT the file names stays.
  EXPECT_EQ(ResourcesOfType(Synth(pub), "AWS::AutoScaling::AutoScalingGroup").size(), 2u);
  // Refusals with the reason: CloudFront off under edge, CloudFront on a private service.
  bool ok = true;
  std::string msg = Check(WithApp(StackYaml("dev", "gateway", "orders-api", "", kEcs + "features:\n  cloudfront: false\n"), ""), &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(msg, ::testing::HasSubstr(
                       "features.cloudfront: compute.ingress edge makes CloudFront the service's one entry point"))
      << msg;
  msg = Check(StackYaml("dev", "gateway", "orders-api", "",
                        "compute:\n  platform: ecs-express\n  ingress: private\nfeatures:\n  cloudfront: true\n"),
              &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(msg, ::testing::HasSubstr("use compute.ingress: edge")) << msg;
  msg = Check(StackYaml("dev", "gateway", "orders-api", "", "compute:\n  ingress: private\n"), &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(msg, ::testing::HasSubstr(
                       "compute.ingress: a private App Runner service (a VPC ingress connection) is not built"))
      << msg;
  // us-east-1 has an AZ without VPC origins: named AZs must leave it out.
  std::string east = EcsYaml("dev");
  east.replace(east.find("eu-west-3"), 9, "us-east-1");
  msg = Check(east, &ok);
  EXPECT_TRUE(ok) << msg;
  EXPECT_THAT(msg, ::testing::HasSubstr(
                       "warning: network.az_ids: CloudFront VPC origins do not support AZ use1-az3 of us-east-1"))
      << msg;
  east.replace(east.find("  nat: gateway\n"), 0, "  az_ids: [use1-az1, use1-az3]\n");
  msg = Check(east, &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(msg, ::testing::HasSubstr("error: network.az_ids: CloudFront VPC origins do not support AZ use1-az3"))
      << msg;
}

// edge: the VPC origin stays in the main stack (the load balancer's region) and its ID
// and the service's host cross to the distribution as parameters `up` fills; no origin
// secret anywhere (nothing outside the VPC reaches the internal load balancer).
TEST(EcsExpress, EdgeCrossesTheVpcOriginIdToTheDistribution) {
  App app = testing::SynthFromYaml(EcsYaml("dev"));
  const Stack* main = nullptr;
  const Stack* global = nullptr;
  for (const auto& s : app.stacks) {
    if (s.role == StackRole::kMain) main = &s;
    if (s.role == StackRole::kGlobal) global = &s;
  }
  ASSERT_TRUE(main && global);
  Json m = main->tmpl.ToJson(), g = global->tmpl.ToJson();
  EXPECT_EQ(Props(m, "VpcOrigin")["VpcOriginEndpointConfig"]["Arn"],
            GetAtt("ExpressService", "ECSManagedResourceArns.IngressPath.LoadBalancerArn"));
  EXPECT_EQ(Props(m, "VpcOrigin")["VpcOriginEndpointConfig"]["OriginProtocolPolicy"], "https-only");
  std::vector<std::string> outputs;
  for (const auto& in : global->inputs) outputs.push_back(in.output);
  std::sort(outputs.begin(), outputs.end());
  EXPECT_EQ(outputs, (std::vector<std::string>{"ServiceHost", "VpcOriginId"}));
  const Json& origin = Props(g, "Distribution")["DistributionConfig"]["Origins"][0];
  EXPECT_TRUE(origin.contains("VpcOriginConfig")) << origin;
  EXPECT_FALSE(origin.contains("CustomOriginConfig") || origin.contains("OriginCustomHeaders")) << origin;
  for (const Json* t : {&m, &g})
    for (const auto& [name, p] : (*t)["Parameters"].items())
      EXPECT_THAT(name, ::testing::Not(::testing::HasSubstr("OriginSecret"))) << name;
  EXPECT_TRUE(ResourcesOfType(m, "AWS::WAFv2::WebACLAssociation").empty());
}

}  // namespace
}  // namespace bp
