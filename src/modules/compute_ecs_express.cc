#include "modules/compute_ecs_express.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "modules/compute_image.h"
#include "modules/handler_permissions.h"
#include "modules/vpc_endpoints.h"
#include "naming/names.h"
#include "util/strings.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

// Src: reference/aws-facts.md 13.3 (DOC:aws-managed-policy/latest/reference/AmazonECSInfrastructureRoleforExpressGatewayServices.html;
// DOC:AmazonECS/latest/developerguide/express-service-getting-started.html). Lower-case "for".
constexpr const char* kInfrastructurePolicy =
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices";
// ECR pull and log writes for the tasks. Src: reference/aws-facts.md 13.3
// (DOC:AmazonECS/latest/developerguide/task_execution_IAM_role.html).
constexpr const char* kTaskExecutionPolicy = "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
// Express Mode's own defaults, set explicitly (the template says what runs).
// Src: reference/aws-facts.md 13.1 (ScalingTarget: AutoScalingMetric default AVERAGE_CPU, AutoScalingTargetValue default 60).
constexpr const char* kScalingMetric = "AVERAGE_CPU";
constexpr int kScalingTargetPercent = 60;
constexpr const char* kLogStreamPrefix = "app";

Json TaskTrustPolicy() { return ServiceTrustPolicy("ecs-tasks.amazonaws.com"); }

// "0.25 vCPU" -> 256 CPU units, "0.5 GB" -> 512 MiB; -1 when not of that shape.
int ParseScaled(const std::string& text, const std::string& suffix) {
  if (text.size() <= suffix.size() || text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0) return -1;
  std::string number = text.substr(0, text.size() - suffix.size());
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !(v > 0) || v > 1024) return -1;
  double scaled = v * 1024;
  if (scaled != std::floor(scaled)) return -1;
  return static_cast<int>(scaled);
}

// Fargate memory (MiB) per CPU size: from `min` to `max` in `step`.
// Src: reference/aws-facts.md 13.4 (LINT:extensions/aws_ecs_taskdefinition/fargate_cpu_memory.json;
// DOC:AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
// 8 and 16 vCPU with Express Mode: unverified (reference/aws-facts.md 13.4).
struct MemoryRange {
  int min, max, step;
};
const std::map<int, MemoryRange>& FargateSizes() {
  static const std::map<int, MemoryRange> kSizes = {
      {256, {512, 2048, 512}},  // 512, 1024, 2048 (1536 is not offered: checked below)
      {512, {1024, 4096, 1024}},     {1024, {2048, 8192, 1024}},    {2048, {4096, 16384, 1024}},
      {4096, {8192, 30720, 1024}},   {8192, {16384, 61440, 4096}},  {16384, {32768, 122880, 8192}},
  };
  return kSizes;
}

bool FargateOffers(int cpu, int memory) {
  auto it = FargateSizes().find(cpu);
  if (it == FargateSizes().end()) return false;
  const MemoryRange& r = it->second;
  if (cpu == 256) return memory == 512 || memory == 1024 || memory == 2048;
  return memory >= r.min && memory <= r.max && (memory - r.min) % r.step == 0;
}

std::string Gb(int mib) {
  std::string s = std::to_string(mib / 1024);
  if (mib % 1024 == 512) s = mib < 1024 ? "0.5" : s + ".5";
  return s + " GB";
}
std::string Vcpu(int units) {
  if (units == 256) return "0.25 vCPU";
  if (units == 512) return "0.5 vCPU";
  return std::to_string(units / 1024) + " vCPU";
}

// CloudFront VPC origins are offered in every Region the tool accepts (App Runner's,
// naming/aws_tables.cc), but in four of them not in one AZ each. Src: docs/facts/ingress.md
// section 1 (the "Supported AWS Regions for VPC origins" table of
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html).
void CheckVpcOriginZones(const StackConfig& c, Diagnostics* d) {
  static const std::map<std::string, std::string> kExcludedAz = {
      {"us-east-1", "use1-az3"}, {"us-west-1", "usw1-az2"}, {"ap-northeast-1", "apne1-az3"}, {"ca-central-1", "cac1-az3"}};
  auto excluded = kExcludedAz.find(c.region);
  if (excluded == kExcludedAz.end()) return;
  const auto& ids = c.network.az_ids;
  if (ids.empty())
    d->Warn(c.LocationOf("region"), "network.az_ids",
            "CloudFront VPC origins do not support AZ " + excluded->second + " of " + c.region +
                ", and AZ names map to different AZs in each account; name the AZs with network.az_ids (without " +
                excluded->second + ") so the load balancer never lands there");
  else if (std::find(ids.begin(), ids.end(), excluded->second) != ids.end())
    d->Error(c.LocationOf("network.az_ids"), "network.az_ids",
             "CloudFront VPC origins do not support AZ " + excluded->second + " of " + c.region +
                 " (compute.ingress edge); name other AZs");
}

}  // namespace

bool FargateTaskSize(const std::string& cpu, const std::string& memory, std::string* cpu_units, std::string* memory_mib) {
  int c = ParseScaled(cpu, " vCPU"), m = ParseScaled(memory, " GB");
  if (c < 0 || m < 0 || !FargateOffers(c, m)) return false;
  *cpu_units = std::to_string(c);
  *memory_mib = std::to_string(m);
  return true;
}

ComputeOutputs AddEcsExpressCompute(const ModuleContext& ctx, const AppConfig& args, const ComputeInputs& in,
                                    cfn::Template* t) {
  ComputeOutputs out;
  // Not "Service" (App Runner's): CloudFormation refuses an update that changes a
  // resource's type under one logical ID ("Update of resource type is not permitted",
  // github.com/aws/aws-sam-cli/issues/6786), so moving an environment between platforms
  // needs distinct IDs (docs/migration.md).
  const std::string service_id = ctx.Id("ExpressService"), cluster = ctx.Id("Cluster"), log_group = ctx.Id("ServiceLogGroup"),
                    infra_role = ctx.Id("ServiceInfrastructureRole"), execution_role = ctx.Id("TaskExecutionRole"),
                    task_role = ctx.Id("TaskRole");
  out.service_name = FitName(NameKind::kEcsExpressService, ctx.name_prefix);
  const ImageParameter image = AddImageParameter(ctx, t);
  const std::string& placeholder = image.placeholder_condition;
  const std::string& image_parameter = image.parameter;
  std::string cpu, memory;
  if (!FargateTaskSize(args.cpu, args.memory, &cpu, &memory)) {
    // CheckEcsExpressConfig refuses such a config before any module runs.
    std::fprintf(stderr, "internal error: Fargate does not offer %s with %s\n", args.cpu.c_str(), args.memory.c_str());
    std::abort();
  }

  // Our own cluster rather than the account's "default" (reference/aws-facts.md 13.1: Cluster is
  // create-only; Express creates "default" when none is named). Src: SCHEMA:aws-ecs-cluster.
  t->AddResource(cluster, "AWS::ECS::Cluster",
                 Object({{"ClusterName", FitName(NameKind::kEcsCluster, ctx.name_prefix)},
                         {"CapacityProviders", Json::array({"FARGATE"})},
                         {"Tags", ctx.Tags()}}));

  // Express Mode does not set a retention on the group it would create, so the stack
  // owns the group and passes it in (reference/aws-facts.md 13.2). Src: SCHEMA:aws-logs-loggroup.
  t->AddResource(log_group, "AWS::Logs::LogGroup",
                 Object({{"LogGroupName", FitName(NameKind::kLogGroup, "/ecs/" + ctx.name_prefix)},
                         {"RetentionInDays", args.log_retention_days},
                         {"Tags", ctx.Tags()}}));

  // Used by ECS alone to create, update and delete the load balancer, security groups,
  // certificate, scaling and alarm it manages (reference/aws-facts.md 13.3).
  t->AddResource(
      infra_role, "AWS::IAM::Role",
      Object({{"Description", "ECS Express Mode manages the load balancer and scaling of " + ctx.name_prefix},
              {"AssumeRolePolicyDocument", ServiceTrustPolicy("ecs.amazonaws.com")},
              {"ManagedPolicyArns", Json::array({cfn::Sub(kInfrastructurePolicy)})},
              {"Tags", ctx.Tags()}}));

  // Task start: pulls the image, writes the logs and reads the runtime secrets to inject
  // them (reference/aws-facts.md 13.3: the execution role reads each secret; the runtime statements
  // are exactly those reads).
  Json execution =
      Object({{"Description", "ECS starts the " + ctx.name_prefix + " tasks: image pull, logs, runtime secrets"},
              {"AssumeRolePolicyDocument", TaskTrustPolicy()},
              {"ManagedPolicyArns", Json::array({cfn::Sub(kTaskExecutionPolicy)})}});
  if (Json policies = RuntimeAccessPolicies(in.runtime); !policies.is_null()) execution["Policies"] = policies;
  execution["Tags"] = ctx.Tags();
  t->AddResource(execution_role, "AWS::IAM::Role", execution);

  // The role the app's code runs with: the runtime statements too (the contract's
  // app role; the app can re-read a secret RDS rotated, reference/aws-facts.md 13.3).
  Json task = Object({{"Description", "Run-time role of the " + ctx.name_prefix + " ECS tasks"},
                      {"AssumeRolePolicyDocument", TaskTrustPolicy()}});
  if (Json policies = RuntimeAccessPolicies(in.runtime); !policies.is_null()) task["Policies"] = policies;
  task["Tags"] = ctx.Tags();
  t->AddResource(task_role, "AWS::IAM::Role", task);
  out.app_role_arn = GetAtt(task_role, "Arn");

  // Src: reference/aws-facts.md 13.1 (SCHEMA:aws-ecs-expressgatewayservice ExpressGatewayContainer):
  // ContainerPort integer; Environment [{Name, Value}]; Secrets [{Name, ValueFrom}] with a
  // Secrets Manager ARN or "<arn>:<jsonKey>::"; Command a list (App Runner's StartCommand is
  // one string: run it with the image's shell).
  Json container = Object({{"Image", cfn::If(placeholder, kPlaceholderImage, Ref(image_parameter))},
                           {"ContainerPort", WhilePlaceholder(placeholder, kPlaceholderPort, args.port)}});
  if (!args.start_command.empty())
    container["Command"] = cfn::If(placeholder, cfn::pseudo::NoValue(), Json::array({"/bin/sh", "-c", args.start_command}));
  if (!in.runtime.env.empty()) container["Environment"] = SortedNamed(in.runtime.env, "variable");
  if (!in.runtime.secrets.empty()) container["Secrets"] = SortedNamed(in.runtime.secrets, "secret", "ValueFrom");
  container["AwsLogsConfiguration"] = Object({{"LogGroup", Ref(log_group)}, {"LogStreamPrefix", kLogStreamPrefix}});

  // Where the tasks and Express's load balancer run (compute.ingress): Express Mode puts
  // both in the subnets it is given and makes the load balancer internet-facing in public
  // subnets, internal in private ones (docs/facts/ingress.md, section 4).
  const bool public_entry = args.ingress == Ingress::kPublic;
  const std::vector<Json>& task_subnets = public_entry ? in.network.public_subnet_ids : in.network.private_subnet_ids;
  Json subnets = Json::array();
  for (const auto& s : task_subnets) subnets.push_back(s);
  std::vector<std::string> before_tasks;
  // The tasks pull their image, write logs and read secrets at start. From private
  // subnets they go through the NAT; in public subnets Express Mode may start them without
  // a public address (reported by AWS's own .NET Aspire integration), and without a NAT
  // private subnets have no way out: VPC endpoints then, created before the service.
  if (public_entry || !in.network.private_egress) {
    VpcEndpointsArgs endpoints{in.network.vpc_id, task_subnets,
                               public_entry ? std::vector<std::string>{in.network.public_route_table}
                                            : in.network.private_route_tables,
                               in.security_group_id, FargateInterfaceEndpointServices()};
    before_tasks = AddVpcEndpoints(ctx, endpoints, t).ids;
  }
  // Created before its subnets route to the internet gateway, the service fails ("mixed
  // subnet type", docs/facts/ingress.md section 4); in private subnets its first tasks
  // need the route to the NAT.
  const std::vector<std::string>& routing = public_entry ? in.network.public_routing : in.network.private_routing;
  before_tasks.insert(before_tasks.end(), routing.begin(), routing.end());

  // Src: reference/aws-facts.md 13.1, 13.2. Cpu and Memory are strings; the health check is HTTP on
  // the container port with this path.
  auto& service = t->AddResource(
      service_id, "AWS::ECS::ExpressGatewayService",
      Object({{"ServiceName", out.service_name},
              {"Cluster", Ref(cluster)},
              {"InfrastructureRoleArn", GetAtt(infra_role, "Arn")},
              {"ExecutionRoleArn", GetAtt(execution_role, "Arn")},
              {"TaskRoleArn", out.app_role_arn},
              {"Cpu", cpu},
              {"Memory", memory},
              {"HealthCheckPath", WhilePlaceholder(placeholder, kPlaceholderHealthPath, args.health_check.path)},
              {"PrimaryContainer", container},
              {"NetworkConfiguration",
               Object({{"Subnets", subnets}, {"SecurityGroups", Json::array({in.security_group_id})}})},
              {"ScalingTarget", Object({{"MinTaskCount", args.scaling.min_size},
                                        {"MaxTaskCount", args.scaling.max_size},
                                        {"AutoScalingMetric", kScalingMetric},
                                        {"AutoScalingTargetValue", kScalingTargetPercent}})},
              // Tags are create-only and the name is fixed (reference/aws-facts.md 13.1, tagUpdatable
              // false): only the tags that change with the name, as on App Runner.
              {"Tags", ctx.FixedTags()}}));
  service.depends_on = before_tasks;
  out.service_arn = Ref(service_id);  // Ref = ServiceArn (reference/aws-facts.md 13.1)
  // The load balancer Express Mode put the service behind: what a REGIONAL web ACL
  // attaches to. Src: reference/aws-facts.md 13.6 (SCHEMA:aws-wafv2-webaclassociation; the ALB is shared
  // by up to 25 Express services of the VPC, so the ACL guards all of them).
  const Json load_balancer_arn = GetAtt(service_id, "ECSManagedResourceArns.IngressPath.LoadBalancerArn");
  out.waf_target_arn = load_balancer_arn;
  // Behind CloudFront (edge) the internal load balancer is a VPC origin: CloudFront
  // reaches it from inside the VPC, nothing else outside does (docs/facts/ingress.md).
  if (UsesVpcOrigin(ComputePlatform::kEcsExpress, args.ingress)) out.vpc_origin_arn = load_balancer_arn;
  out.service_host = GetAtt(service_id, "Endpoint");  // bare host; reference/aws-facts.md 13.1 (unverified: no scheme)
  out.service_url = cfn::Sub("https://${" + service_id + ".Endpoint}");

  // A new ImageUri changes only this service: the deploy role gets what CloudFormation's
  // handler of AWS::ECS::ExpressGatewayService calls on update and read
  // (modules/handler_permissions.cc), each action scoped as far as the service
  // authorization reference allows (DOC:service-authorization/latest/reference/list_amazonelasticcontainerservice.html):
  // the Express and service actions take the service; DescribeServiceDeployments and
  // DescribeServiceRevisions the service and its service-deployment / service-revision
  // (both resource types required); RegisterTaskDefinition a task-definition (Express
  // picks the family, so this account and region's); DescribeTaskDefinition no resource
  // type (*); PassRole of the execution and task roles to ecs-tasks.amazonaws.com and of
  // the infrastructure role to ecs.amazonaws.com (the values UpdateExpressGatewayService
  // passes, same page). ecs:TagResource is not in the update handler; kept from reference/aws-facts.md 13.1.
  auto service_child = [&](const std::string& kind) {
    return cfn::Sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:" + kind + "/${" + cluster + "}/" +
                    out.service_name + "/*");
  };
  out.image_rollout.image_parameter = image_parameter;
  out.image_rollout.resource_types = {"AWS::ECS::ExpressGatewayService"};
  out.image_rollout.statements = RolloutStatements(
      "AWS::ECS::ExpressGatewayService",
      {{"RolloutEcsExpressService", out.service_arn, nullptr, {"ecs:TagResource"}},
       {"RolloutEcsServiceDeployments",
        Json::array({out.service_arn, service_child("service-deployment"), service_child("service-revision")})},
       {"RolloutEcsTaskDefinitions",
        cfn::Sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/*")},
       {"RolloutEcsReadTaskDefinition", "*"},
       {"RolloutPassTaskRoles", Json::array({GetAtt(execution_role, "Arn"), out.app_role_arn}),
        Object({{"StringEquals", Object({{"iam:PassedToService", "ecs-tasks.amazonaws.com"}})}})},
       {"RolloutPassInfrastructureRole", GetAtt(infra_role, "Arn"),
        Object({{"StringEquals", Object({{"iam:PassedToService", "ecs.amazonaws.com"}})}})}},
      {{"ecs:UpdateExpressGatewayService", {"RolloutEcsExpressService"}},
       {"ecs:DescribeExpressGatewayService", {"RolloutEcsExpressService"}},
       {"ecs:DescribeServices", {"RolloutEcsExpressService"}},
       {"ecs:ListServiceDeployments", {"RolloutEcsExpressService"}},
       {"ecs:DescribeServiceDeployments", {"RolloutEcsServiceDeployments"}},
       {"ecs:DescribeServiceRevisions", {"RolloutEcsServiceDeployments"}},
       {"ecs:RegisterTaskDefinition", {"RolloutEcsTaskDefinitions"}},
       {"ecs:DescribeTaskDefinition", {"RolloutEcsReadTaskDefinition"}},
       {"iam:PassRole", {"RolloutPassTaskRoles", "RolloutPassInfrastructureRole"}}});

  // Src: reference/aws-facts.md 13.7 (DOC:AmazonECS/latest/developerguide/available-metrics.html;
  // DOC:elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
  out.metrics.metric_namespace = "AWS/ECS";
  out.metrics.dimensions = {{"ClusterName", Ref(cluster)}, {"ServiceName", out.service_name}};
  out.metrics.cpu_utilization = "CPUUtilization";
  out.metrics.memory_utilization = "MemoryUtilization";
  // Traffic through the load balancer Express put the service behind, read for the load
  // balancer as a whole (LoadBalancer = app/<name>/<id>): RequestCount,
  // HTTPCode_Target_4XX/5XX_Count and TargetResponseTime are published for LoadBalancer
  // alone (DOC:elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html),
  // so alarms keep reading the traffic whichever of the service's target groups a canary
  // deployment leaves it on. That load balancer is shared by the Express services of one
  // VPC (reference/aws-facts.md 13.2); the blueprint's VPC holds this one service, so the load balancer's
  // traffic is the service's. HealthyHostCount exists only per target group (same page):
  // dashboards sum it over every target group of the load balancer; no alarm reads it.
  out.metrics.traffic_namespace = "AWS/ApplicationELB";
  out.metrics.traffic_dimensions = {{"LoadBalancer", cfn::Select(1, cfn::Split("loadbalancer/", load_balancer_arn))}};
  out.metrics.active_instances_per = "TargetGroup";
  out.metrics.requests = "RequestCount";
  out.metrics.http_4xx = "HTTPCode_Target_4XX_Count";
  out.metrics.http_5xx = "HTTPCode_Target_5XX_Count";
  out.metrics.latency = "TargetResponseTime";
  out.metrics.latency_unit = "Seconds";
  out.metrics.active_instances = "HealthyHostCount";

  AddServiceOutputs(ctx, out, "ECS Express Mode", t,
                    args.ingress == Ingress::kPublic    ? ""
                    : args.ingress == Ingress::kPrivate ? " (internal load balancer: answers only inside the VPC)"
                                                        : " (internal load balancer: CloudFront's VPC origin; use SiteUrl)");
  t->AddOutput(ctx.Id("LoadBalancerArn"), {load_balancer_arn, "Load balancer Express Mode put the service behind (shared)", "", ""});
  return out;
}

void CheckEcsExpressConfig(const StackConfig& c, Diagnostics* d) {
  std::string cpu_units, memory_mib;
  if (!FargateTaskSize(c.app.cpu, c.app.memory, &cpu_units, &memory_mib)) {
    int cpu = ParseScaled(c.app.cpu, " vCPU");
    auto it = FargateSizes().find(cpu);
    if (it == FargateSizes().end()) {
      std::vector<std::string> cpus;
      for (const auto& [units, range] : FargateSizes()) cpus.push_back(Vcpu(units));
      d->Error(c.LocationOf("app.cpu"), "app.cpu",
               "Fargate (compute.platform: ecs-express) does not offer '" + c.app.cpu + "'" + DidYouMean(c.app.cpu, cpus) +
                   "; use " + JoinOr(cpus));
    } else {
      const MemoryRange& r = it->second;
      std::string allowed = cpu == 256 ? "0.5 GB, 1 GB or 2 GB"
                                       : Gb(r.min) + " to " + Gb(r.max) + " in steps of " + Gb(r.step);
      std::string key = c.IsSetInFile("app.memory") ? "app.memory" : "app.cpu";
      d->Error(c.LocationOf(key), key,
               "Fargate (compute.platform: ecs-express) does not offer " + c.app.cpu + " with " + c.app.memory +
                   "; with " + c.app.cpu + " use " + allowed);
    }
  }
  // No scale to zero is documented: MinTaskCount is the desired count (reference/aws-facts.md 13.4).
  if (c.app.scaling.min_size < 1)
    d->Error(c.LocationOf("app.scaling.min_size"), "app.scaling.min_size", "ECS Express Mode runs at least 1 task");
  // Express Mode checks health over HTTP on the container port (reference/aws-facts.md 13.4).
  if (c.app.health_check.protocol != "HTTP")
    d->Error(c.LocationOf("app.health_check.protocol"), "app.health_check.protocol",
             "ECS Express Mode checks health over HTTP only (GET app.health_check.path on app.port); use HTTP");
  // App Runner's keys written here (app.tracing: Express Mode runs one container, so no
  // trace collector beside the app) are warned about or refused by their schema rows'
  // OnePlatform facets (config/schema.cc, config/loader.cc CheckFacets).
  if (c.app.ingress == Ingress::kEdge) CheckVpcOriginZones(c, d);
  // What each layout means for who reaches the app, and for the app's own way out.
  if (c.app.ingress == Ingress::kPublic)
    d->Warn(c.LocationOf("compute.ingress"), "compute.ingress",
            "public: the tasks run in the public subnets beside an internet-facing load balancer and reach ECR, "
            "CloudWatch Logs and Secrets Manager through VPC endpoints; Express Mode may give them no public "
            "address, and then they have no other way to the internet (third-party APIs, and the first deploy's "
            "placeholder image on ECR Public, which endpoints do not serve). Use edge (the default) when the app "
            "calls the internet");
  else if (c.app.ingress == Ingress::kPrivate)
    d->Warn(c.LocationOf("compute.ingress"), "compute.ingress",
            "private: the load balancer is internal, so the service answers only inside the VPC (a VPN, peering); "
            "nothing on the internet reaches it");
  if (c.network.nat == NatMode::kNone && c.app.ingress != Ingress::kPublic)
    d->Warn(c.LocationOf("network.nat"), "network.nat",
            "none: the tasks reach ECR, CloudWatch Logs and Secrets Manager through VPC endpoints (priced by "
            "`blueprint cost`) and nothing else outside the VPC");
}

}  // namespace bp
