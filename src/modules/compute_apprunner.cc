#include "modules/compute_apprunner.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "naming/names.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

constexpr const char* kImageParameter = "ImageUri";
constexpr const char* kPlaceholderCondition = "UsePlaceholderImage";
constexpr const char* kRuntimePolicyName = "runtime-access";

// Src: aws-facts 1.3 (DOC:apprunner/latest/dg/security_iam_service-with-iam.html).
constexpr const char* kEcrAccessPolicy = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess";
// X-Ray write access (PutTraceSegments, PutTelemetryRecords, sampling rules): the usual
// choice per aws-facts 1.3, which marks it unverified against the App Runner X-Ray page.
constexpr const char* kXrayWritePolicy = "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess";

// `placeholder` while the placeholder image runs, `own` otherwise; a plain value when
// both agree, so the template only branches where it must.
Json WhilePlaceholder(const Json& placeholder, const Json& own) {
  return placeholder == own ? own : cfn::If(kPlaceholderCondition, placeholder, own);
}

// Inserts {Name, Value} entries into `list`, keeping it sorted by Name.
void MergeNamed(const std::vector<std::pair<std::string, Json>>& items, const char* what, Json* list) {
  for (const auto& [name, value] : items) {
    for (const auto& e : *list)
      if (e["Name"] == name) {
        std::fprintf(stderr, "internal error: App Runner %s '%s' added twice\n", what, name.c_str());
        std::abort();
      }
    list->push_back(Json{{"Name", name}, {"Value", value}});
  }
  std::stable_sort(list->begin(), list->end(),
                   [](const Json& a, const Json& b) { return a["Name"].get<std::string>() < b["Name"].get<std::string>(); });
}

void AddImageParameter(cfn::Template* t) {
  cfn::Parameter p;
  p.description = "Private ECR image to run (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag> or @sha256:<digest>). "
                  "Empty runs the public placeholder " + std::string(kPlaceholderImage) + ".";
  p.default_value = "";
  // Src: aws-facts 1.3 (SCHEMA:aws-apprunner-service ImageIdentifier pattern, simplified to private ECR).
  p.allowed_pattern = "^$|^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$";
  p.constraint_description = "empty, or a private ECR image URI with a tag or digest";
  t->AddParameter(kImageParameter, p);
  t->AddCondition(kPlaceholderCondition, cfn::Equals(Ref(kImageParameter), ""));
}

Json HealthCheck(const HealthCheckConfig& hc) {
  // Src: aws-facts 1.3 (SCHEMA:aws-apprunner-service HealthCheckConfiguration).
  Json j{{"Protocol", hc.protocol}};
  if (hc.protocol == "HTTP") j["Path"] = WhilePlaceholder(kPlaceholderHealthPath, hc.path);
  j["Interval"] = hc.interval_seconds;
  j["Timeout"] = hc.timeout_seconds;
  j["HealthyThreshold"] = hc.healthy_threshold;
  j["UnhealthyThreshold"] = hc.unhealthy_threshold;
  return j;
}

}  // namespace

ComputeOutputs AddAppRunnerCompute(const ModuleContext& ctx, const AppRunnerArgs& args, cfn::Template* t) {
  ComputeOutputs out;
  out.service_id = "Service";
  out.instance_role_id = "ServiceInstanceRole";
  out.service_name = FitName(NameKind::kAppRunnerService, ctx.name_prefix);
  AddImageParameter(t);

  // Deploy-time role: App Runner pulls private ECR images with it. Created even while the
  // placeholder runs, so switching to ECR does not race IAM propagation.
  t->AddResource("ServiceAccessRole", "AWS::IAM::Role",
                 Json{{"Description", "App Runner pulls " + ctx.name_prefix + " images from ECR"},
                      {"AssumeRolePolicyDocument", ServiceTrustPolicy("build.apprunner.amazonaws.com")},
                      {"ManagedPolicyArns", Json::array({cfn::Sub(kEcrAccessPolicy)})},
                      {"Tags", ctx.Tags()}});

  // Run-time role of the app's code; grows with RuntimeInputs.policy_statements.
  Json instance_role{{"Description", "Run-time role of the " + ctx.name_prefix + " App Runner service"},
                     {"AssumeRolePolicyDocument", ServiceTrustPolicy("tasks.apprunner.amazonaws.com")}};
  if (args.tracing) instance_role["ManagedPolicyArns"] = Json::array({cfn::Sub(kXrayWritePolicy)});
  instance_role["Tags"] = ctx.Tags();
  t->AddResource(out.instance_role_id, "AWS::IAM::Role", instance_role);
  out.instance_role_arn = GetAtt(out.instance_role_id, "Arn");

  // Src: aws-facts 1.4 (SCHEMA:aws-apprunner-autoscalingconfiguration); every property is
  // create-only, and reusing the name makes a new revision.
  t->AddResource("ServiceAutoScaling", "AWS::AppRunner::AutoScalingConfiguration",
                 Json{{"AutoScalingConfigurationName", FitName(NameKind::kAppRunnerAutoScaling, ctx.name_prefix)},
                      {"MinSize", args.scaling.min_size},
                      {"MaxSize", args.scaling.max_size},
                      {"MaxConcurrency", args.scaling.max_concurrency},
                      {"Tags", ctx.Tags()}});

  Json observability{{"ObservabilityEnabled", args.tracing}};
  if (args.tracing) {
    // Src: aws-facts 1.4 (SCHEMA:aws-apprunner-observabilityconfiguration).
    t->AddResource("ServiceObservability", "AWS::AppRunner::ObservabilityConfiguration",
                   Json{{"ObservabilityConfigurationName", FitName(NameKind::kAppRunnerObservability, ctx.name_prefix)},
                        {"TraceConfiguration", Json{{"Vendor", "AWSXRAY"}}},
                        {"Tags", ctx.Tags()}});
    observability["ObservabilityConfigurationArn"] = GetAtt("ServiceObservability", "ObservabilityConfigurationArn");
  }

  // The app's outbound traffic enters the VPC here (aws-facts 1.3, DOC:apprunner/latest/dg/network-vpc.html).
  // No ingress rules: App Runner's inbound requests do not pass through the connector.
  t->AddResource("ConnectorSecurityGroup", "AWS::EC2::SecurityGroup",
                 Json{{"GroupDescription", "App Runner VPC connector of " + ctx.name_prefix + ": egress only"},
                      {"VpcId", args.vpc_id},
                      {"SecurityGroupEgress",
                       Json::array({Json{{"IpProtocol", "-1"},
                                         {"CidrIp", "0.0.0.0/0"},
                                         {"Description", "App outbound traffic (database, NAT)"}}})},
                      {"Tags", ctx.TagsWithName(ctx.name_prefix + "-apprunner")}});
  out.connector_security_group_id = GetAtt("ConnectorSecurityGroup", "GroupId");
  Json subnets = Json::array();
  for (const auto& s : args.private_subnet_ids) subnets.push_back(s);
  t->AddResource("VpcConnector", "AWS::AppRunner::VpcConnector",
                 Json{{"VpcConnectorName", FitName(NameKind::kAppRunnerVpcConnector, ctx.name_prefix)},
                      {"Subnets", subnets},
                      {"SecurityGroups", Json::array({out.connector_security_group_id})},
                      {"Tags", ctx.Tags()}});

  Json image_config{{"Port", WhilePlaceholder(std::to_string(kPlaceholderPort), std::to_string(args.port))}};
  if (!args.start_command.empty())
    image_config["StartCommand"] = cfn::If(kPlaceholderCondition, cfn::pseudo::NoValue(), args.start_command);
  // AutoDeploymentsEnabled false: a deploy is a stack update with a new ImageUri.
  Json source{
      {"AutoDeploymentsEnabled", false},
      {"AuthenticationConfiguration",
       cfn::If(kPlaceholderCondition, cfn::pseudo::NoValue(), Json{{"AccessRoleArn", GetAtt("ServiceAccessRole", "Arn")}})},
      {"ImageRepository",
       Json{{"ImageIdentifier", cfn::If(kPlaceholderCondition, kPlaceholderImage, Ref(kImageParameter))},
            {"ImageRepositoryType", cfn::If(kPlaceholderCondition, "ECR_PUBLIC", "ECR")},
            {"ImageConfiguration", image_config}}}};

  // Src: aws-facts 1.3 (SCHEMA:aws-apprunner-service). ServiceName and Tags are create-only.
  t->AddResource(out.service_id, "AWS::AppRunner::Service",
                 Json{{"ServiceName", out.service_name},
                      {"SourceConfiguration", source},
                      {"InstanceConfiguration",
                       Json{{"Cpu", args.cpu}, {"Memory", args.memory}, {"InstanceRoleArn", out.instance_role_arn}}},
                      {"HealthCheckConfiguration", HealthCheck(args.health_check)},
                      {"NetworkConfiguration",
                       Json{{"EgressConfiguration",
                             Json{{"EgressType", "VPC"}, {"VpcConnectorArn", GetAtt("VpcConnector", "VpcConnectorArn")}}},
                            {"IngressConfiguration", Json{{"IsPubliclyAccessible", true}}},
                            {"IpAddressType", "IPV4"}}},
                      {"AutoScalingConfigurationArn", GetAtt("ServiceAutoScaling", "AutoScalingConfigurationArn")},
                      {"ObservabilityConfiguration", observability},
                      {"Tags", ctx.Tags()}});
  out.service_arn = GetAtt(out.service_id, "ServiceArn");
  // A new ImageUri changes only this service. CloudFormation's update handler calls
  // UpdateService and passes the service's roles; its read handler DescribeService.
  // Src: SCHEMA:aws-apprunner-service handlers.update/read.permissions.
  out.image_rollout.resource_types = {"AWS::AppRunner::Service"};
  out.image_rollout.statements = {
      Json{{"Sid", "RolloutAppRunnerService"},
           {"Effect", "Allow"},
           {"Action", Json::array({"apprunner:DescribeService", "apprunner:UpdateService"})},
           {"Resource", out.service_arn}},
      Json{{"Sid", "RolloutPassServiceRoles"},
           {"Effect", "Allow"},
           {"Action", "iam:PassRole"},
           {"Resource", Json::array({GetAtt("ServiceAccessRole", "Arn"), out.instance_role_arn})},
           // As in AWSAppRunnerFullAccess. Src: DOC:apprunner/latest/dg/security_iam_service-with-iam.html.
           {"Condition", Json{{"StringEquals", Json{{"iam:PassedToService", "apprunner.amazonaws.com"}}}}}}};
  // ServiceUrl is the host name only. aws-facts 1.3.
  out.service_url = cfn::Sub("https://${" + out.service_id + ".ServiceUrl}");
  ExtendAppRunnerRuntime(out, args.runtime, t);

  t->AddOutput("ServiceUrl", {out.service_url, "App Runner service URL", "", ""});
  t->AddOutput("ServiceArn", {out.service_arn, "App Runner service ARN", "", ""});
  t->AddOutput("ServiceName", {out.service_name, "App Runner service name", "", ""});
  return out;
}

void ExtendAppRunnerRuntime(const ComputeOutputs& compute, const RuntimeInputs& extra, cfn::Template* t) {
  cfn::Resource* service = t->resources().Find(compute.service_id);
  cfn::Resource* role = t->resources().Find(compute.instance_role_id);
  if (!service || !role) {
    std::fprintf(stderr, "internal error: ExtendAppRunnerRuntime before AddAppRunnerCompute\n");
    std::abort();
  }
  Json& image_config = service->properties["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"];
  for (const auto& [key, items, what] :
       {std::tuple{"RuntimeEnvironmentVariables", &extra.env, "variable"},
        std::tuple{"RuntimeEnvironmentSecrets", &extra.secrets, "secret"}}) {
    if (items->empty()) continue;
    Json list = image_config.value(key, Json::array());
    MergeNamed(*items, what, &list);
    image_config[key] = list;
  }
  if (extra.policy_statements.empty()) return;
  Json& policies = role->properties["Policies"];
  if (policies.is_null()) policies = Json::array({Json{{"PolicyName", kRuntimePolicyName},
                                                        {"PolicyDocument", Json{{"Version", "2012-10-17"},
                                                                                {"Statement", Json::array()}}}}});
  for (const auto& s : extra.policy_statements) policies[0]["PolicyDocument"]["Statement"].push_back(s);
}

}  // namespace bp
