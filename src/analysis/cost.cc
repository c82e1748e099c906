#include "analysis/cost.h"

#include "analysis/json_at.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "cfn/references.h"
#include "pricing/prices.h"

namespace bp::analysis {

namespace {

using cfn::Json;

// One resource of the template being priced.
struct ResourceView {
  const std::string* id;
  const std::string* type;
  const Json* properties;
};

const Json kNull;

struct Pricer {
  std::string region;
  const UsageConfig& usage;
  std::vector<ResourceView> resources;
  double hours = Prices().hours_per_month;

  const ResourceView* Find(const std::string& id) const {
    for (const auto& r : resources)
      if (*r.id == id) return &r;
    return nullptr;
  }
  int CountOf(const std::string& type) const {
    int n = 0;
    for (const auto& r : resources) n += *r.type == type;
    return n;
  }
};

// A literal number (CloudFormation also accepts numbers written as strings).
bool NumberOf(const Json& v, double* out) {
  if (v.is_number()) {
    *out = v.get<double>();
    return true;
  }
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(d)) return false;
  *out = d;
  return true;
}

bool BoolOf(const Json& v, bool fallback) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return v.get<std::string>() == "true";
  return fallback;
}

std::string StringOf(const Json& v) { return v.is_string() ? v.get<std::string>() : ""; }

// The logical ID a {"Ref": X} or {"Fn::GetAtt": [X, ...]} points at (cfn/references.h).
std::string TargetOf(const Json& v) { return std::string(cfn::TargetOf(v)); }

using Assumptions = std::vector<std::pair<std::string, double>>;

void AddLine(const Pricer& p, ResourceCost* rc, std::string name, double quantity, std::string unit,
             const std::string& key, Assumptions assumptions = {}) {
  CostLine l;
  l.name = std::move(name);
  l.quantity = quantity;
  l.unit = std::move(unit);
  l.price_key = key;
  l.assumptions = std::move(assumptions);
  if (const Price* price = FindPrice(p.region, key)) {
    l.known = true;
    l.unit_usd = price->usd;
    l.monthly_usd = quantity * price->usd;
  } else {
    l.why_unknown = "no price for " + p.region + " in data/prices.json (" + key + ")";
  }
  rc->lines.push_back(std::move(l));
}

// A charge that exists but whose quantity the template does not fix.
void AddUnknown(ResourceCost* rc, std::string name, std::string why) {
  CostLine l;
  l.name = std::move(name);
  l.why_unknown = std::move(why);
  rc->lines.push_back(std::move(l));
}

// App Runner sizes: "1 vCPU" / "1024" (CPU units), "2 GB" / "2048" (MB).
// Src: DOC:apprunner/latest/api/API_InstanceConfiguration.html
bool AppRunnerSize(const Json& v, const std::string& suffix, double* out) {
  double d = 0;
  if (NumberOf(v, &d)) {  // CPU units or MB
    *out = d / 1024;
    return true;
  }
  std::string s = StringOf(v);  // "0.25 vCPU", "2 GB"
  if (s.size() <= suffix.size() + 1 || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  if (!NumberOf(Json(s.substr(0, s.size() - suffix.size() - 1)), &d)) return false;
  *out = d;
  return true;
}

// Traces the service records: its requests times the sample rate.
void AddXrayLine(const Pricer& p, ResourceCost* rc) {
  AddLine(p, rc, "X-Ray traces recorded", p.usage.requests_per_month * p.usage.trace_sample_rate / 1e6, "million traces",
          "xray.traces_recorded_million",
          {{"usage.requests_per_month", p.usage.requests_per_month},
           {"usage.trace_sample_rate", p.usage.trace_sample_rate}});
}

void PriceAppRunnerService(const Pricer& p, const ResourceView& r, ResourceCost* rc) {
  const Json& props = *r.properties;
  const Json& instance = At(props, "InstanceConfiguration");
  double vcpu = 1, memory_gb = 2;  // App Runner's defaults when InstanceConfiguration is absent
  bool sized = (At(instance, "Cpu").is_null() || AppRunnerSize(At(instance, "Cpu"), "vCPU", &vcpu)) &&
               (At(instance, "Memory").is_null() || AppRunnerSize(At(instance, "Memory"), "GB", &memory_gb));
  // Provisioned instances: the auto scaling configuration's MinSize (App Runner's
  // default configuration provisions 1). Src: DOC:apprunner/latest/dg/manage-autoscaling.html
  double min_size = 1;
  const Json& asc = At(props, "AutoScalingConfigurationArn");
  bool min_known = true;
  if (!asc.is_null()) {
    const ResourceView* conf = p.Find(TargetOf(asc));
    min_known = conf && NumberOf(At(*conf->properties, "MinSize"), &min_size);
  }
  if (!sized || !min_known) {
    AddUnknown(rc, "Container instances", "size or provisioned instances set outside the template");
  } else {
    const UsageConfig& u = p.usage;
    // Active time: the request-seconds served, spread over the requests an instance
    // serves at once. Active instances bill vCPU and memory; provisioned instances
    // bill memory only while idle. Src: https://aws.amazon.com/apprunner/pricing/
    double active_hours = u.requests_per_month * (u.request_duration_ms / 1000.0) /
                          std::max(1.0, u.concurrent_requests) / 3600.0;
    double idle_hours = std::max(0.0, min_size * p.hours - active_hours);
    Assumptions traffic = {{"usage.requests_per_month", u.requests_per_month},
                           {"usage.request_duration_ms", u.request_duration_ms},
                           {"usage.concurrent_requests", u.concurrent_requests}};
    AddLine(p, rc, fmt::format("Provisioned memory, idle ({} x {:g} GB)", min_size, memory_gb), idle_hours * memory_gb,
            "GB-hours", "apprunner.provisioned_gb_hour", traffic);
    AddLine(p, rc, fmt::format("Active vCPU ({:g} vCPU)", vcpu), active_hours * vcpu, "vCPU-hours",
            "apprunner.active_vcpu_hour", traffic);
    AddLine(p, rc, fmt::format("Active memory ({:g} GB)", memory_gb), active_hours * memory_gb, "GB-hours",
            "apprunner.active_gb_hour", traffic);
  }
  if (BoolOf(At(At(props, "SourceConfiguration"), "AutoDeploymentsEnabled"), false))
    AddLine(p, rc, "Automatic deployments", 1, "app-months", "apprunner.automatic_deployment_month");
  AddLine(p, rc, "Data transfer out", p.usage.egress_gb_per_month, "GB", "ec2.data_transfer_out_gb",
          {{"usage.egress_gb_per_month", p.usage.egress_gb_per_month}});
  AddLine(p, rc, "Log ingestion (CloudWatch Logs)", p.usage.log_gb_per_month, "GB", "cloudwatch.logs_ingested_gb",
          {{"usage.log_gb_per_month", p.usage.log_gb_per_month}});
  const Json& obs = At(props, "ObservabilityConfiguration");
  if (BoolOf(At(obs, "ObservabilityEnabled"), false)) {
    const ResourceView* conf = p.Find(TargetOf(At(obs, "ObservabilityConfigurationArn")));
    if (conf && StringOf(At(At(*conf->properties, "TraceConfiguration"), "Vendor")) == "AWSXRAY") AddXrayLine(p, rc);
  }
}

void PriceDbInstance(const Pricer& p, const ResourceView& r, ResourceCost* rc) {
  const Json& props = *r.properties;
  std::string engine = StringOf(At(props, "Engine"));
  std::string cls = StringOf(At(props, "DBInstanceClass"));
  // Multi-AZ bills the standby's instance hours and storage too.
  // Src: DOC:AmazonRDS/latest/UserGuide/USER_OnDemandDBInstances.html (Multi-AZ DB instances)
  bool multi_az = BoolOf(At(props, "MultiAZ"), false);
  double copies = multi_az ? 2 : 1;
  std::string az = multi_az ? "Multi-AZ: primary and standby" : "Single-AZ";
  if (engine.empty() || cls.empty())
    AddUnknown(rc, "Instance hours", "engine or instance class set outside the template");
  else
    AddLine(p, rc, "Instance hours (" + cls + ", " + az + ")", copies * p.hours, "hours",
            "rds." + engine + "_instance_hour:" + cls);
  double allocated = 0;
  if (!NumberOf(At(props, "AllocatedStorage"), &allocated)) {
    AddUnknown(rc, "Storage", "allocated storage set outside the template");
    return;
  }
  std::string storage_type = StringOf(At(props, "StorageType"));
  if (storage_type.empty()) storage_type = "gp2";  // RDS's default. Src: SCHEMA:aws-rds-dbinstance StorageType
  std::string storage_key = "rds." + storage_type + "_gb_month";
  AddLine(p, rc, fmt::format("Storage ({}, {:g} GB{})", storage_type, allocated, multi_az ? " x 2" : ""),
          copies * allocated, "GB-months", storage_key);
  double grown = 0, max_allocated = 0;
  if (NumberOf(At(props, "MaxAllocatedStorage"), &max_allocated) && max_allocated > allocated) {
    grown = std::min(p.usage.db_storage_growth_gb, max_allocated - allocated);
    AddLine(p, rc, fmt::format("Storage growth (autoscaling{})", multi_az ? ", x 2" : ""), copies * grown,
            "GB-months", storage_key, {{"usage.db_storage_growth_gb", p.usage.db_storage_growth_gb}});
  }
  double retention = 1;  // RDS's default. Src: SCHEMA:aws-rds-dbinstance BackupRetentionPeriod
  NumberOf(At(props, "BackupRetentionPeriod"), &retention);
  if (retention > 0) {
    // Backup storage up to the provisioned storage is free. Src: https://aws.amazon.com/rds/postgresql/pricing/
    Assumptions a = {{"usage.backup_storage_gb", p.usage.backup_storage_gb}};
    if (grown > 0) a.emplace_back("usage.db_storage_growth_gb", p.usage.db_storage_growth_gb);
    AddLine(p, rc, "Backup storage beyond the free allowance",
            std::max(0.0, p.usage.backup_storage_gb - (allocated + grown)), "GB-months", "rds.backup_gb_month",
            std::move(a));
  }
  // Src: DOC:AmazonRDS/latest/UserGuide/rds-secrets-manager.html (the managed secret incurs Secrets Manager charges)
  if (BoolOf(At(props, "ManageMasterUserPassword"), false))
    AddLine(p, rc, "Master password secret (Secrets Manager)", 1, "secret-months", "secretsmanager.secret_month");
}

void PriceAutoScalingGroup(const Pricer& p, const ResourceView& r, ResourceCost* rc) {
  const Json& props = *r.properties;
  double count = 0;
  if (!NumberOf(At(props, "DesiredCapacity"), &count) && !NumberOf(At(props, "MinSize"), &count)) {
    AddUnknown(rc, "Instances", "capacity set outside the template");
    return;
  }
  const ResourceView* lt = p.Find(TargetOf(At(At(props, "LaunchTemplate"), "LaunchTemplateId")));
  const Json& data = lt ? At(*lt->properties, "LaunchTemplateData") : kNull;
  std::string type = StringOf(At(data, "InstanceType"));
  if (type.empty()) {
    AddUnknown(rc, "Instance hours", "instance type set outside the template");
  } else {
    AddLine(p, rc, "Instance hours (" + type + ")", count * p.hours, "hours", "ec2.instance_hour:" + type);
  }
  bool public_ip = false;
  for (const auto& ni : At(data, "NetworkInterfaces").is_array() ? At(data, "NetworkInterfaces") : Json::array())
    public_ip = public_ip || BoolOf(At(ni, "AssociatePublicIpAddress"), false);
  if (public_ip) AddLine(p, rc, "Public IPv4 address", count * p.hours, "hours", "vpc.public_ipv4_hour");
  // The root volume's size and type come from the AMI unless the template sets them.
  AddUnknown(rc, "Root volume (EBS)", "size and type come from the AMI; EBS is not in the price table");
}

void PriceNatGateway(const Pricer& p, const ResourceView&, ResourceCost* rc) {
  AddLine(p, rc, "NAT gateway hours", p.hours, "hours", "vpc.nat_gateway_hour");
  // The stack's NAT traffic is spread evenly over its gateways.
  int gateways = std::max(1, p.CountOf("AWS::EC2::NatGateway"));
  AddLine(p, rc, gateways > 1 ? fmt::format("Data processed (1/{} of the NAT traffic)", gateways) : "Data processed",
          p.usage.nat_gb_per_month / gateways, "GB", "vpc.nat_gateway_gb",
          {{"usage.nat_gb_per_month", p.usage.nat_gb_per_month}});
}

void PriceWebAcl(const Pricer& p, const ResourceView& r, ResourceCost* rc) {
  AddLine(p, rc, "Web ACL", 1, "ACL-months", "waf.web_acl_month");
  const Json& rules = At(*r.properties, "Rules");
  AddLine(p, rc, "Rules", rules.is_array() ? static_cast<double>(rules.size()) : 0, "rule-months", "waf.rule_month");
  AddLine(p, rc, "Requests inspected", p.usage.requests_per_month / 1e6, "million requests", "waf.requests_million",
          {{"usage.requests_per_month", p.usage.requests_per_month}});
}

void PriceAlarm(const Pricer& p, const ResourceView& r, ResourceCost* rc) {
  // Billed per metric the alarm evaluates; a period under 60 s is high resolution.
  // Src: https://aws.amazon.com/cloudwatch/pricing/
  const Json& props = *r.properties;
  double metrics = 1, period = 60;
  if (At(props, "Metrics").is_array()) {
    metrics = 0;
    for (const auto& m : At(props, "Metrics")) {
      if (!At(m, "MetricStat").is_null()) {
        metrics += 1;
        NumberOf(At(At(m, "MetricStat"), "Period"), &period);
      }
    }
  } else {
    NumberOf(At(props, "Period"), &period);
  }
  if (period < 60)
    AddLine(p, rc, "High-resolution alarm metrics", metrics, "alarm metrics",
            "cloudwatch.alarm_high_resolution_metric_month");
  else
    AddLine(p, rc, "Alarm metrics", metrics, "alarm metrics", "cloudwatch.alarm_metric_month");
}

// An Application Load Balancer's hours and capacity units. An LCU-hour covers 25 new
// connections a second or 1 GB processed in the hour (also 3,000 active connections a
// minute, 1,000 rule evaluations a second); the hour bills the largest dimension.
// Estimated from the usage assumptions, averaged over the month: every request a new
// connection (an upper bound for that dimension), the egress as the bytes processed;
// active connections and rule evaluations (one host rule per service, the first 10
// rules are free) are not estimated. Src: https://aws.amazon.com/elasticloadbalancing/pricing/
void AddAlbLines(const Pricer& p, ResourceCost* rc, std::string hours_name) {
  AddLine(p, rc, std::move(hours_name), p.hours, "hours", "elb.alb_hour");
  const UsageConfig& u = p.usage;
  double by_connections = u.requests_per_month / (p.hours * 3600) / 25;
  double by_bytes = u.egress_gb_per_month / p.hours;
  AddLine(p, rc, "Load balancer capacity units", std::max(by_connections, by_bytes) * p.hours, "LCU-hours",
          "elb.alb_lcu_hour",
          {{"usage.requests_per_month", u.requests_per_month}, {"usage.egress_gb_per_month", u.egress_gb_per_month}});
}

// True when the IAM role `role` (a Ref or GetAtt in this template) carries the X-Ray
// write policy, i.e. the tasks may record traces.
bool RoleWritesTraces(const Pricer& p, const Json& role) {
  const ResourceView* r = p.Find(TargetOf(role));
  return r && At(*r->properties, "ManagedPolicyArns").dump().find("AWSXRayDaemonWriteAccess") != std::string::npos;
}

// ECS Express Mode: Fargate tasks (Linux/x86, Express Mode's default task definition)
// running at the scaling target's minimum all month, and the Application Load Balancer
// Express Mode puts the service behind (created by ECS, not in the template). Express
// Mode itself has no charge. Src: reference/aws-facts.md 13.8 (EXPRESS:express-service-overview;
// https://aws.amazon.com/fargate/pricing/). Sizes: Cpu in CPU units, Memory in MiB,
// schema defaults "256" / "512"; ScalingTarget counts default to 1 (reference/aws-facts.md 13.1).
void PriceEcsExpressService(const Pricer& p, const ResourceView& r, ResourceCost* rc) {
  const Json& props = *r.properties;
  double cpu_units = 256, memory_mib = 512, min_tasks = 1, max_tasks = 1;
  const Json& scaling = At(props, "ScalingTarget");
  bool sized = (At(props, "Cpu").is_null() || NumberOf(At(props, "Cpu"), &cpu_units)) &&
               (At(props, "Memory").is_null() || NumberOf(At(props, "Memory"), &memory_mib)) &&
               (At(scaling, "MinTaskCount").is_null() || NumberOf(At(scaling, "MinTaskCount"), &min_tasks));
  NumberOf(At(scaling, "MaxTaskCount"), &max_tasks);
  if (!sized) {
    AddUnknown(rc, "Fargate tasks", "size or task count set outside the template");
  } else {
    // Tasks above the minimum run when average CPU passes the scaling target, which no
    // usage assumption models: the estimate is the always-on floor (docs/cost.md).
    double vcpu = cpu_units / 1024, gb = memory_mib / 1024;
    AddLine(p, rc,
            fmt::format("Task vCPU ({:g} x {:g} vCPU always on; scales to {:g} tasks)", min_tasks, vcpu,
                        std::max(min_tasks, max_tasks)),
            min_tasks * vcpu * p.hours, "vCPU-hours", "fargate.vcpu_hour");
    AddLine(p, rc, fmt::format("Task memory ({:g} x {:g} GB)", min_tasks, gb), min_tasks * gb * p.hours, "GB-hours",
            "fargate.gb_hour");
  }
  // Express Mode shares one ALB among up to 25 services of a VPC (reference/aws-facts.md 13.2); the
  // blueprint gives each environment its own VPC with one Express service, so this
  // service bears the whole load balancer.
  AddAlbLines(p, rc, "Load balancer hours (the VPC's Express ALB)");
  AddLine(p, rc, "Data transfer out", p.usage.egress_gb_per_month, "GB", "ec2.data_transfer_out_gb",
          {{"usage.egress_gb_per_month", p.usage.egress_gb_per_month}});
  if (RoleWritesTraces(p, At(props, "TaskRoleArn"))) AddXrayLine(p, rc);
}

// A log group the stack creates. The ECS Express service's group ingests the app's logs
// (usage.log_gb_per_month; App Runner's groups are created by App Runner and priced on
// its service). What other groups receive (WAF request logs) has no usage assumption.
void PriceLogGroup(const Pricer& p, const ResourceView& r, ResourceCost* rc) {
  for (const auto& other : p.resources) {
    if (*other.type != "AWS::ECS::ExpressGatewayService") continue;
    const Json& logs = At(At(*other.properties, "PrimaryContainer"), "AwsLogsConfiguration");
    if (TargetOf(At(logs, "LogGroup")) != *r.id) continue;
    AddLine(p, rc, "Log ingestion (CloudWatch Logs)", p.usage.log_gb_per_month, "GB", "cloudwatch.logs_ingested_gb",
            {{"usage.log_gb_per_month", p.usage.log_gb_per_month}});
    return;
  }
  AddUnknown(rc, "Log ingestion", "no usage.* assumption covers what this group receives");
}

// An interface endpoint bills every hour in each AZ it has an interface in, plus each GB
// it processes; a gateway endpoint (S3, DynamoDB) has no charge.
// Src: https://aws.amazon.com/privatelink/pricing/; https://aws.amazon.com/vpc/pricing/.
void PriceVpcEndpoint(const Pricer& p, const ResourceView& r, ResourceCost* rc) {
  const Json& props = *r.properties;
  if (StringOf(At(props, "VpcEndpointType")) == "Gateway") {
    rc->status = CostStatus::kFree;
    rc->note = "https://aws.amazon.com/vpc/pricing/ (gateway endpoints have no additional charge)";
    return;
  }
  const Json& subnets = At(props, "SubnetIds");
  if (!subnets.is_array()) {
    AddUnknown(rc, "Endpoint hours", "its subnets are set outside the template");
    return;
  }
  AddLine(p, rc, "Endpoint hours (" + std::to_string(subnets.size()) + " AZs)", subnets.size() * p.hours, "hours",
          "vpc.interface_endpoint_az_hour");
  AddUnknown(rc, "Data processed", "image pulls, log lines and secret reads; no usage.* assumption covers them");
}

using Rule = void (*)(const Pricer&, const ResourceView&, ResourceCost*);

const std::map<std::string, Rule>& Rules() {
  static const std::map<std::string, Rule> kRules = {
      {"AWS::AppRunner::Service", PriceAppRunnerService},
      {"AWS::RDS::DBInstance", PriceDbInstance},
      {"AWS::AutoScaling::AutoScalingGroup", PriceAutoScalingGroup},
      {"AWS::EC2::NatGateway", PriceNatGateway},
      {"AWS::EC2::EIP",
       [](const Pricer& p, const ResourceView&, ResourceCost* rc) {
         AddLine(p, rc, "Public IPv4 address", p.hours, "hours", "vpc.public_ipv4_hour");
       }},
      {"AWS::WAFv2::WebACL", PriceWebAcl},
      {"AWS::CloudWatch::Alarm", PriceAlarm},
      {"AWS::CloudWatch::Dashboard",
       [](const Pricer& p, const ResourceView&, ResourceCost* rc) {
         AddLine(p, rc, "Dashboard", 1, "dashboard-months", "cloudwatch.dashboard_month");
       }},
      {"AWS::SecretsManager::Secret",
       [](const Pricer& p, const ResourceView&, ResourceCost* rc) {
         AddLine(p, rc, "Secret", 1, "secret-months", "secretsmanager.secret_month");
       }},
      {"AWS::KMS::Key",
       [](const Pricer& p, const ResourceView&, ResourceCost* rc) {
         AddLine(p, rc, "Customer managed key", 1, "key-months", "kms.key_month");
       }},
      {"AWS::ECR::Repository",
       [](const Pricer& p, const ResourceView&, ResourceCost* rc) {
         AddLine(p, rc, "Image storage", p.usage.image_storage_gb, "GB-months", "ecr.storage_gb_month",
                 {{"usage.image_storage_gb", p.usage.image_storage_gb}});
       }},
      {"AWS::CloudFront::Distribution",
       [](const Pricer& p, const ResourceView&, ResourceCost* rc) {
         AddLine(p, rc, "Data transfer out", p.usage.egress_gb_per_month, "GB", "cloudfront.data_out_gb",
                 {{"usage.egress_gb_per_month", p.usage.egress_gb_per_month}});
         AddLine(p, rc, "HTTPS requests", p.usage.requests_per_month / 1e4, "10k requests",
                 "cloudfront.https_requests_10k", {{"usage.requests_per_month", p.usage.requests_per_month}});
       }},
      {"AWS::ECS::ExpressGatewayService", PriceEcsExpressService},
      {"AWS::EC2::VPCEndpoint", PriceVpcEndpoint},
      {"AWS::Logs::LogGroup", PriceLogGroup},
      // The log retention function runs a few times per deploy. Src: https://aws.amazon.com/lambda/pricing/
      {"AWS::Lambda::Function",
       [](const Pricer&, const ResourceView&, ResourceCost* rc) {
         AddUnknown(rc, "Requests and duration", "invoked on deploys only; Lambda prices are not in data/prices.json");
       }},
      // Flow logs are vended logs: billed per GB delivered to CloudWatch Logs, which depends
      // on the VPC's traffic. Src: https://aws.amazon.com/cloudwatch/pricing/ (Vended Logs).
      {"AWS::EC2::FlowLog",
       [](const Pricer&, const ResourceView&, ResourceCost* rc) {
         AddUnknown(rc, "Log ingestion (vended logs)",
                    "GB of flow records depend on the VPC's traffic; vended-log prices are not in data/prices.json");
       }},
  };
  return kRules;
}

void Total(ResourceCost* rc) {
  rc->monthly_usd = 0;
  rc->complete = rc->status != CostStatus::kNotPriced;
  for (const auto& l : rc->lines) {
    if (l.known) rc->monthly_usd += l.monthly_usd;
    else rc->complete = false;
  }
}

StackCost PriceResources(const std::string& name, const std::string& region, const UsageConfig& usage,
                std::vector<ResourceView> resources) {
  StackCost sc;
  sc.name = name;
  sc.region = region;
  Pricer p{region, usage, std::move(resources)};
  for (const auto& r : p.resources) {
    ResourceCost rc;
    rc.logical_id = *r.id;
    rc.type = *r.type;
    auto rule = Rules().find(rc.type);
    if (rule != Rules().end()) {
      rc.status = CostStatus::kPriced;
      rule->second(p, r, &rc);
    } else if (const std::string* source = FreeTypeSource(rc.type)) {
      rc.status = CostStatus::kFree;
      rc.note = *source;
    } else {
      rc.status = CostStatus::kNotPriced;
      rc.note = "no pricing rule for this resource type";
    }
    Total(&rc);
    sc.monthly_usd += rc.monthly_usd;
    if (rc.status == CostStatus::kNotPriced) sc.unknown += 1;
    for (const auto& l : rc.lines) sc.unknown += !l.known;
    sc.resources.push_back(std::move(rc));
  }
  return sc;
}

}  // namespace

StackCost CostTemplate(const std::string& name, const std::string& region, const Json& tmpl,
                       const UsageConfig& usage) {
  std::vector<ResourceView> views;
  if (tmpl.is_object() && tmpl.contains("Resources") && tmpl["Resources"].is_object()) {
    for (const auto& [id, r] : tmpl["Resources"].items()) {
      if (!r.is_object() || !r.contains("Type") || !r["Type"].is_string()) continue;
      const Json& props = r.contains("Properties") ? r["Properties"] : kNull;
      views.push_back({&id, &r["Type"].get_ref<const std::string&>(), &props});
    }
  }
  return PriceResources(name, region, usage, std::move(views));
}

StackCost CostStack(const Stack& stack, const UsageConfig& usage) {
  std::vector<ResourceView> views;
  for (const auto& [id, r] : stack.tmpl.resources().entries()) views.push_back({&id, &r.type, &r.properties});
  return PriceResources(stack.name, stack.region, usage, std::move(views));
}

EnvCost CostApp(const App& app, const std::string& env, const UsageConfig& usage) {
  EnvCost e;
  e.env = env;
  for (const auto& s : app.stacks) {
    // A shared account stack is no one environment's. Compared in place: a vector built per
    // stack, for each of N environments, made `cost` grow faster than N.
    if (s.envs.size() != 1 || s.envs.front() != env) continue;
    e.stacks.push_back(CostStack(s, usage));
    e.monthly_usd += e.stacks.back().monthly_usd;
    e.unknown += e.stacks.back().unknown;
  }
  return e;
}

std::vector<ResourceDelta> CostDeltas(const StackCost& before, const StackCost& after) {
  std::vector<ResourceDelta> out;
  std::map<std::string, size_t> at;
  for (const auto& r : after.resources) {
    at[r.logical_id] = out.size();
    out.push_back({r.logical_id, r.type, nullptr, &r});
  }
  for (const auto& r : before.resources) {
    auto it = at.find(r.logical_id);
    if (it == at.end()) out.push_back({r.logical_id, r.type, &r, nullptr});
    else out[it->second].before = &r;
  }
  // Only what changes the bill: priced resources whose amount or completeness moved.
  std::vector<ResourceDelta> changed;
  for (const auto& d : out) {
    bool priced = (d.before && d.before->status != CostStatus::kFree) || (d.after && d.after->status != CostStatus::kFree);
    double b = d.before ? d.before->monthly_usd : 0, a = d.after ? d.after->monthly_usd : 0;
    bool bc = !d.before || d.before->complete, ac = !d.after || d.after->complete;
    if (priced && (std::fabs(a - b) >= 0.005 || bc != ac || !d.before || !d.after)) changed.push_back(d);
  }
  std::sort(changed.begin(), changed.end(), [](const ResourceDelta& x, const ResourceDelta& y) { return x.id < y.id; });
  return changed;
}

}  // namespace bp::analysis
