#include "modules/compute_apprunner.h"

#include <algorithm>
#include <map>

#include "cfn/custom_names.h"
#include "modules/handler_permissions.h"
#include "naming/names.h"
#include "util/strings.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

// Src: reference/aws-facts.md 1.3 (DOC:apprunner/latest/dg/security_iam_service-with-iam.html).
constexpr const char* kEcrAccessPolicy = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess";

Json HealthCheck(const HealthCheckConfig& hc, const std::string& placeholder_condition) {
  // Src: reference/aws-facts.md 1.3 (SCHEMA:aws-apprunner-service HealthCheckConfiguration).
  Json j = Object({{"Protocol", hc.protocol}});
  if (hc.protocol == "HTTP") j["Path"] = WhilePlaceholder(placeholder_condition, kPlaceholderHealthPath, hc.path);
  j["Interval"] = hc.interval_seconds;
  j["Timeout"] = hc.timeout_seconds;
  j["HealthyThreshold"] = hc.healthy_threshold;
  j["UnhealthyThreshold"] = hc.unhealthy_threshold;
  return j;
}

// `properties` with the type's name property first: `prefix` and a hash of the
// create-only properties, so a change that replaces the resource renames it. App Runner's
// auto scaling configuration, observability configuration and VPC connector are
// create-only as a whole and take a fixed name; under an unchanged name CloudFormation
// cannot replace them (docs/deploy.md, "Replacing a resource with a fixed name").
// Under a new name it creates the new one, moves the service to it (an in-place update
// of the service) and deletes the old one in its cleanup phase, when no service uses it
// any more: App Runner refuses to delete a configuration a service uses.
// Src: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html;
// https://docs.aws.amazon.com/apprunner/latest/api/API_DeleteAutoScalingConfiguration.html.
Json WithHashedName(const char* type, NameKind kind, const std::string& prefix, const Json& properties) {
  Json named{{std::string(cfn::CustomNameProperty(type)), FitName(kind, prefix, cfn::CreateOnlyHash(type, properties))}};
  named.update(properties);
  return named;
}

}  // namespace

ComputeOutputs AddAppRunnerCompute(const ModuleContext& ctx, const AppConfig& args, const ComputeInputs& in,
                                   cfn::Template* t) {
  ComputeOutputs out;
  const std::string service_id = ctx.Id("Service"), access_role = ctx.Id("ServiceAccessRole"),
                    instance_role = ctx.Id("ServiceInstanceRole"), autoscaling = ctx.Id("ServiceAutoScaling"),
                    observability_id = ctx.Id("ServiceObservability"), connector = ctx.Id("VpcConnector");
  out.service_name = FitName(NameKind::kAppRunnerService, ctx.name_prefix);
  const ImageParameter image = AddImageParameter(ctx, t);
  const std::string& placeholder = image.placeholder_condition;
  const std::string& image_parameter = image.parameter;

  // Deploy-time role: App Runner pulls private ECR images with it. Created even while the
  // placeholder runs, so switching to ECR does not race IAM propagation.
  t->AddResource(access_role, "AWS::IAM::Role",
                 Object({{"Description", "App Runner pulls " + ctx.name_prefix + " images from ECR"},
                         {"AssumeRolePolicyDocument", ServiceTrustPolicy("build.apprunner.amazonaws.com")},
                         {"ManagedPolicyArns", Json::array({cfn::Sub(kEcrAccessPolicy)})},
                         {"Tags", ctx.Tags()}}));

  // Run-time role of the app's code, with the statements the runtime inputs need.
  Json role = Object({{"Description", "Run-time role of the " + ctx.name_prefix + " App Runner service"},
                      {"AssumeRolePolicyDocument", ServiceTrustPolicy("tasks.apprunner.amazonaws.com")}});
  if (args.tracing) role["ManagedPolicyArns"] = Json::array({cfn::Sub(kXrayWritePolicy)});
  if (Json policies = RuntimeAccessPolicies(in.runtime); !policies.is_null()) role["Policies"] = policies;
  role["Tags"] = ctx.Tags();
  t->AddResource(instance_role, "AWS::IAM::Role", role);
  out.app_role_arn = GetAtt(instance_role, "Arn");

  // Src: reference/aws-facts.md 1.4 (SCHEMA:aws-apprunner-autoscalingconfiguration); every property is
  // create-only: a scaling change is a new configuration under a new name (WithHashedName).
  // App Runner's four resource types take Tags as create-only (reference/aws-facts.md 15, tagUpdatable
  // false; data/cfn-spec.json "replaces": "always") and carry fixed names: they get only
  // the tags that change with the name (ctx.FixedTags), so editing tags.cost_center or
  // tags.extra never replaces them.
  t->AddResource(
      autoscaling, "AWS::AppRunner::AutoScalingConfiguration",
      WithHashedName("AWS::AppRunner::AutoScalingConfiguration", NameKind::kAppRunnerAutoScaling, ctx.name_prefix,
                     Object({{"MinSize", args.scaling.min_size},
                             {"MaxSize", args.scaling.max_size},
                             {"MaxConcurrency", args.scaling.max_concurrency},
                             {"Tags", ctx.FixedTags()}})));

  Json observability = Object({{"ObservabilityEnabled", args.tracing}});
  if (args.tracing) {
    // Src: reference/aws-facts.md 1.4 (SCHEMA:aws-apprunner-observabilityconfiguration).
    t->AddResource(
        observability_id, "AWS::AppRunner::ObservabilityConfiguration",
        WithHashedName("AWS::AppRunner::ObservabilityConfiguration", NameKind::kAppRunnerObservability, ctx.name_prefix,
                       Object({{"TraceConfiguration", Object({{"Vendor", "AWSXRAY"}})}, {"Tags", ctx.FixedTags()}})));
    observability["ObservabilityConfigurationArn"] = GetAtt(observability_id, "ObservabilityConfigurationArn");
  }

  // The app's outbound traffic enters the VPC here, with the app's security group
  // (reference/aws-facts.md 1.3, DOC:apprunner/latest/dg/network-vpc.html). Subnets and SecurityGroups
  // are create-only: one more AZ (one more subnet) is a new connector under a new name.
  Json subnets = Json::array();
  for (const auto& s : in.network.private_subnet_ids) subnets.push_back(s);
  t->AddResource(connector, "AWS::AppRunner::VpcConnector",
                 WithHashedName("AWS::AppRunner::VpcConnector", NameKind::kAppRunnerVpcConnector, ctx.name_prefix,
                                Object({{"Subnets", subnets},
                                        {"SecurityGroups", Json::array({in.security_group_id})},
                                        {"Tags", ctx.FixedTags()}})));

  Json image_config =
      Object({{"Port", WhilePlaceholder(placeholder, std::to_string(kPlaceholderPort), std::to_string(args.port))}});
  if (!in.runtime.env.empty()) image_config["RuntimeEnvironmentVariables"] = SortedNamed(in.runtime.env, "variable");
  if (!in.runtime.secrets.empty()) image_config["RuntimeEnvironmentSecrets"] = SortedNamed(in.runtime.secrets, "secret");
  if (!args.start_command.empty())
    image_config["StartCommand"] = cfn::If(placeholder, cfn::pseudo::NoValue(), args.start_command);
  // AutoDeploymentsEnabled false: a deploy is a stack update with a new ImageUri.
  Json source{
      {"AutoDeploymentsEnabled", false},
      {"AuthenticationConfiguration",
       cfn::If(placeholder, cfn::pseudo::NoValue(), Object({{"AccessRoleArn", GetAtt(access_role, "Arn")}}))},
      {"ImageRepository", Object({{"ImageIdentifier", cfn::If(placeholder, kPlaceholderImage, Ref(image_parameter))},
                                  {"ImageRepositoryType", cfn::If(placeholder, "ECR_PUBLIC", "ECR")},
                                  {"ImageConfiguration", image_config}})}};

  // Src: reference/aws-facts.md 1.3 (SCHEMA:aws-apprunner-service). ServiceName and Tags are create-only.
  t->AddResource(
      service_id, "AWS::AppRunner::Service",
      Object({{"ServiceName", out.service_name},
              {"SourceConfiguration", source},
              {"InstanceConfiguration",
               Object({{"Cpu", args.cpu}, {"Memory", args.memory}, {"InstanceRoleArn", out.app_role_arn}})},
              {"HealthCheckConfiguration", HealthCheck(args.health_check, placeholder)},
              {"NetworkConfiguration",
               Object({{"EgressConfiguration",
                        Object({{"EgressType", "VPC"}, {"VpcConnectorArn", GetAtt(connector, "VpcConnectorArn")}})},
                       {"IngressConfiguration", Object({{"IsPubliclyAccessible", true}})},
                       {"IpAddressType", "IPV4"}})},
              {"AutoScalingConfigurationArn", GetAtt(autoscaling, "AutoScalingConfigurationArn")},
              {"ObservabilityConfiguration", observability},
              {"Tags", ctx.FixedTags()}}));
  out.service_arn = GetAtt(service_id, "ServiceArn");
  // A regional web ACL attaches to the service ARN. Src: reference/aws-facts.md 4.2
  // (SCHEMA:aws-wafv2-webaclassociation; DOC:apprunner/latest/dg/waf.html).
  out.waf_target_arn = out.service_arn;
  // A new ImageUri changes only this service: the deploy role gets what CloudFormation's
  // handler of AWS::AppRunner::Service calls on update and read (UpdateService, PassRole;
  // DescribeService: modules/handler_permissions.cc), on this service (both take the
  // service resource type: DOC:service-authorization/latest/reference/list_awsapprunner.html)
  // and passing its two roles to App Runner (condition as in AWSAppRunnerFullAccess.
  // Src: DOC:apprunner/latest/dg/security_iam_service-with-iam.html).
  out.image_rollout.image_parameter = image_parameter;
  out.image_rollout.resource_types = {"AWS::AppRunner::Service"};
  out.image_rollout.statements =
      RolloutStatements("AWS::AppRunner::Service",
                        {{"RolloutAppRunnerService", out.service_arn},
                         {"RolloutPassServiceRoles", Json::array({GetAtt(access_role, "Arn"), out.app_role_arn}),
                          Object({{"StringEquals", Object({{"iam:PassedToService", "apprunner.amazonaws.com"}})}})}},
                        {{"apprunner:UpdateService", {"RolloutAppRunnerService"}},
                         {"apprunner:DescribeService", {"RolloutAppRunnerService"}},
                         {"iam:PassRole", {"RolloutPassServiceRoles"}}});
  // ServiceUrl is the host name only. reference/aws-facts.md 1.3.
  out.service_host = GetAtt(service_id, "ServiceUrl");
  out.service_url = cfn::Sub("https://${" + service_id + ".ServiceUrl}");

  // Src: DOC:apprunner/latest/dg/monitor-cw.html (namespace AWS/AppRunner and the metric
  // names); dimensions ServiceName and ServiceID: reference/aws-facts.md 7.1.
  out.metrics.metric_namespace = "AWS/AppRunner";
  out.metrics.dimensions = {{"ServiceName", out.service_name}, {"ServiceID", GetAtt(service_id, "ServiceId")}};
  out.metrics.traffic_namespace = out.metrics.metric_namespace;
  out.metrics.traffic_dimensions = out.metrics.dimensions;
  out.metrics.latency_unit = "Milliseconds";
  out.metrics.requests = "Requests";
  out.metrics.http_2xx = "2xxStatusResponses";
  out.metrics.http_4xx = "4xxStatusResponses";
  out.metrics.http_5xx = "5xxStatusResponses";
  out.metrics.latency = "RequestLatency";
  out.metrics.active_instances = "ActiveInstances";
  out.metrics.cpu_utilization = "CPUUtilization";
  out.metrics.memory_utilization = "MemoryUtilization";

  // App Runner writes the service's event log and the app's stdout/stderr to groups it
  // creates and names after the service ID; they never expire unless told to.
  // Src: DOC:apprunner/latest/dg/monitor-cwl.html; reference/aws-facts.md 7.2.
  for (const char* kind : {"service", "application"})
    out.created_log_groups.push_back("/aws/apprunner/" + out.service_name + "/${" + service_id + ".ServiceId}/" + kind);

  // App Runner closed to new customers on 2026-04-30; accounts that used it before keep
  // full use (https://docs.aws.amazon.com/apprunner/latest/dg/apprunner-availability-change.html,
  // reference/aws-facts.md 0). `apprunner list-services` (read-only, AWS CLI v1 and v2
  // alike) answers an admitted account with a list, empty when it runs no service yet.
  // AWS documents no error code for the refusal (none found in its docs or public
  // issues, 2026-11-30): the driver keys on App Runner answering with an error, and
  // quotes the answer.
  const std::string way_out = std::string("set `compute.platform: ") + ComputePlatformName(ComputePlatform::kEcsExpress) +
                              "` in its stack.yaml (docs/migration.md)";
  out.preflight.push_back(PreflightCheck{
      "AWS::AppRunner::Service", "apprunner", "list-services", "App Runner admits this AWS account",
      "App Runner does not admit this AWS account",
      "App Runner closed to new customers on 2026-04-30; run this environment on Amazon ECS Express Mode instead: " +
          way_out + ".",
      "App Runner refused to create the service with an access error that IAM did not raise: if App Runner no "
      "longer admits this AWS account (closed to new customers on 2026-04-30), " + way_out});

  AddServiceOutputs(ctx, out, "App Runner", t);
  return out;
}

namespace {

// Valid App Runner cpu -> memory pairs. Src: CDK:@aws-cdk/aws-apprunner-alpha lib/service.ts;
// DOC:apprunner/latest/api/API_InstanceConfiguration.html (reference/aws-facts.md 1.3).
const std::map<std::string, std::vector<std::string>>& CpuMemoryPairs() {
  static const std::map<std::string, std::vector<std::string>> kPairs = {
      {"0.25 vCPU", {"0.5 GB", "1 GB"}},
      {"0.5 vCPU", {"1 GB"}},
      {"1 vCPU", {"2 GB", "3 GB", "4 GB"}},
      {"2 vCPU", {"4 GB", "6 GB"}},
      {"4 vCPU", {"8 GB", "10 GB", "12 GB"}},
  };
  return kPairs;
}

}  // namespace

void CheckAppRunnerConfig(const StackConfig& c, Diagnostics* d) {
  const auto& pairs = CpuMemoryPairs();
  auto cpu = pairs.find(c.app.cpu);
  if (cpu == pairs.end()) {
    std::vector<std::string> cpus;
    for (const auto& [name, mems] : pairs) cpus.push_back(name);
    d->Error(c.LocationOf("app.cpu"), "app.cpu",
             "App Runner does not offer '" + c.app.cpu + "'" + DidYouMean(c.app.cpu, cpus) + "; use " + JoinOr(cpus));
  } else if (std::find(cpu->second.begin(), cpu->second.end(), c.app.memory) == cpu->second.end()) {
    std::string key = c.IsSetInFile("app.memory") ? "app.memory" : "app.cpu";
    d->Error(c.LocationOf(key), key,
             "App Runner does not offer " + c.app.cpu + " with " + c.app.memory + "; with " + c.app.cpu + " use " +
                 JoinOr(cpu->second));
  }
  // Src: reference/aws-facts.md 1.4 (SCHEMA:aws-apprunner-autoscalingconfiguration MinSize, MaxSize 1-25;
  // MaxConcurrency 1-200).
  struct Limit {
    const char* key;
    int value, min, max;
  };
  for (const Limit& l : {Limit{"app.scaling.min_size", c.app.scaling.min_size, 1, 25},
                         Limit{"app.scaling.max_size", c.app.scaling.max_size, 1, 25},
                         Limit{"app.scaling.max_concurrency", c.app.scaling.max_concurrency, 1, 200}})
    if (l.value < l.min || l.value > l.max)
      d->Error(c.LocationOf(l.key), l.key,
               std::to_string(l.value) + " is out of App Runner's range; allowed from " + std::to_string(l.min) +
                   " to " + std::to_string(l.max));
  // Src: DOC:apprunner/latest/api/API_ImageConfiguration.html (RuntimeEnvironmentVariables:
  // keys with the prefix AWSAPPRUNNER are reserved for system use and aren't valid).
  auto reserved = [&](const std::string& name, const std::string& key) {
    if (StartsWith(name, "AWSAPPRUNNER"))
      d->Error(c.LocationOf(key + "." + name), key + "." + name,
               "App Runner reserves names starting with AWSAPPRUNNER; choose another name");
  };
  for (const auto& [name, value] : c.app.env) reserved(name, "app.env");
  for (const auto& s : c.app.secrets) reserved(s.name, "app.secrets");
  if (c.network.nat == NatMode::kNone)
    d->Warn(c.LocationOf("network.nat"), "network.nat",
            "nat is none: App Runner sends all of the app's outbound traffic through the VPC "
            "connector, so the app reaches nothing outside the VPC (no third-party APIs, no AWS "
            "APIs without VPC endpoints)");
  // A private App Runner service needs a VPC interface endpoint and an
  // AWS::AppRunner::VpcIngressConnection (DOC:apprunner/latest/dg/network-pl.html), which
  // the blueprint does not build: refused rather than a public service called private.
  if (c.app.ingress == Ingress::kPrivate)
    d->Error(c.LocationOf("compute.ingress"), "compute.ingress",
             "a private App Runner service (a VPC ingress connection) is not built by the blueprint; use public, "
             "edge (CloudFront in front), or compute.platform: ecs-express for a service only the VPC reaches");
}

}  // namespace bp
