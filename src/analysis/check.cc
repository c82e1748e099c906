#include "analysis/check.h"

#include "analysis/json_at.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <tuple>

namespace bp::analysis {

namespace {

using Json = cfn::Json;
constexpr auto kError = CheckSeverity::kError;

// Src for each rule: the AWS page in its `source`.
const std::vector<CheckRule> kRules = {
    // Works at all: evaluated on the templates (reachability.h) against what the config
    // means the platform to be.
    {"BP-REACH-ENTRY", kError, "A public service answers the internet",
     "with compute.ingress public and no CloudFront the service's own entry point is the way in; if nothing from "
     "the internet reaches it, nobody can use the app",
     "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html"},
    {"BP-REACH-ORIGIN", kError, "CloudFront reaches its origin",
     "with CloudFront in front, every request travels CloudFront -> origin; an origin it cannot reach serves only "
     "errors",
     "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html"},
    {"BP-REACH-EXPOSED", kError, "A service behind CloudFront or inside the VPC is not open to the internet",
     "with compute.ingress private or edge (or CloudFront in front) the service's own entry point must not answer "
     "the internet: that would bypass CloudFront, its WAF and its TLS settings",
     "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html"},
    {"BP-REACH-DATABASE", kError, "The service reaches its database",
     "the app cannot serve without its database: a route, the security groups on both sides and the platform's "
     "network settings must all admit PostgreSQL's port",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html"},
    {"BP-REACH-REGISTRY", kError, "The service pulls its image",
     "a service that cannot pull its image from ECR never starts: it needs a NAT, or the ECR and S3 endpoints, and "
     "a role that may pull",
     "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"},
    {"BP-REACH-SECRETS", kError, "The service reads its secrets",
     "the database password and the app's secrets reach the service from Secrets Manager at start; without a path "
     "and a role the service does not start",
     "https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html"},
    {"BP-REACH-LOGS", kError, "The service writes its logs",
     "logs are how a failing deploy or request is diagnosed; a service that cannot reach CloudWatch Logs fails to "
     "start on ECS and is blind on any platform",
     "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html"},
    // Security and reliability, read from the templates.
    {"BP-SEC-DB-ENCRYPTED", kError, "The database is encrypted at rest",
     "RDS encrypts storage, backups and snapshots only when the instance is created so; it cannot be turned on "
     "later without a copy and a restore",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html"},
    {"BP-REL-LOGS-EXPIRE", CheckSeverity::kWarning, "Every log group expires",
     "a log group without a retention keeps every event forever and is billed for it every month",
     "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html"},
    {"BP-REL-ALARM-ACTION", CheckSeverity::kWarning, "Every alarm tells someone",
     "an alarm without an action changes state where nobody looks",
     "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html"},
};

class EnvironmentCheck {
 public:
  EnvironmentCheck(const StackConfig& c, const std::vector<StackTemplate>& stacks, std::vector<Finding>* out)
      : c_(c), stacks_(stacks), out_(out) {}

  void Run() {
    for (const StackTemplate& s : stacks_)
      for (const auto& [id, r] : At(s.tmpl, "Resources").items())
        if (distribution_.empty() && At(r, "Type") == "AWS::CloudFront::Distribution") {
          distribution_stack_ = s.id;
          distribution_ = id;
        }
    Reachability();
    for (const StackTemplate& s : stacks_)
      for (const auto& [id, r] : At(s.tmpl, "Resources").items()) Resource(s.id, id, r);
  }

 private:
  void Add(const char* rule, const std::string& stack, const std::string& resource, std::string message,
           const std::string& key) {
    Finding f;
    f.rule = FindCheckRule(rule);
    if (!f.rule) throw std::logic_error(std::string("check: no rule ") + rule);
    f.env = c_.env;
    f.stack = stack;
    f.resource = resource;
    f.message = std::move(message);
    f.key = key;
    // A key the file does not write is decided by its default: no line to point at.
    f.where = !key.empty() && c_.IsSetInFile(key) ? c_.LocationOf(key) : Location{c_.file, 0, 0};
    if (f.where.file.empty()) f.where.file = c_.file;
    out_->push_back(std::move(f));
  }

  // The reachability report's reasons for one path ("service → database: ...").
  static std::string WhyOf(const ReachabilityReport& r, const std::string& path) {
    std::string out;
    for (const std::string& w : r.why)
      if (w.rfind(path + ": ", 0) == 0) out += (out.empty() ? "" : "; ") + w.substr(path.size() + 2);
    return out.empty() ? "no path" : out;
  }

  void Reachability() {
    const ReachabilityReport r = EvaluateReachability(stacks_);
    const std::string main = MainStackName();
    const bool fronted = c_.features.cloudfront;
    if (c_.app.ingress == Ingress::kPublic && !fronted && !r.internet_to_entry)
      Add("BP-REACH-ENTRY", main, "",
          "compute.ingress is public, but nothing from the internet reaches the service: " +
              WhyOf(r, "internet → entry"),
          "compute.ingress");
    if (fronted && !r.cloudfront_to_origin)
      Add("BP-REACH-ORIGIN", distribution_stack_, distribution_,
          "CloudFront is on, but it does not reach the service: " +
              (r.has_cloudfront ? WhyOf(r, "cloudfront → origin") : std::string("no distribution in the templates")),
          c_.IsSetInFile("features.cloudfront") ? "features.cloudfront" : "compute.ingress");
    if ((c_.app.ingress != Ingress::kPublic || fronted) && r.internet_to_entry)
      Add("BP-REACH-EXPOSED", main, "",
          std::string("the service's own entry point answers the internet although compute.ingress is ") +
              IngressName(c_.app.ingress) + (fronted ? " and CloudFront is in front" : ""),
          "compute.ingress");
    struct Need {
      const char* rule;
      bool ok;
      const char* path;
      const char* key;
    };
    for (const Need& n : {Need{"BP-REACH-DATABASE", r.service_to_database, "service → database", ""},
                          Need{"BP-REACH-REGISTRY", r.service_to_registry, "service → registry", "network.nat"},
                          Need{"BP-REACH-SECRETS", r.service_to_secrets, "service → secrets", "network.nat"},
                          Need{"BP-REACH-LOGS", r.service_to_logs, "service → logs", "network.nat"}})
      if (!n.ok) Add(n.rule, main, "", WhyOf(r, n.path), n.key);  // network.nat decides egress, written or not
  }

  // `stack` is the stack's artifact id, its CloudFormation name for an environment's stacks.
  void Resource(const std::string& stack, const std::string& id, const Json& r) {
    const Json& type = At(r, "Type");
    const Json& props = At(r, "Properties");
    if (type == "AWS::RDS::DBInstance") {
      // A cluster member, a read replica and a snapshot restore take their encryption
      // from the cluster or the source (Overview.Encryption.html); an intrinsic is decided
      // at deploy time. Only a literal that is not true is a finding.
      for (const char* inherits : {"DBClusterIdentifier", "SourceDBInstanceIdentifier", "DBSnapshotIdentifier"})
        if (!At(props, inherits).is_null()) return;
      const Json& encrypted = At(props, "StorageEncrypted");
      if (encrypted.is_object()) return;
      if (encrypted != true && encrypted != "true")
        Add("BP-SEC-DB-ENCRYPTED", stack, id, "StorageEncrypted is not true", "");
    } else if (type == "AWS::Logs::LogGroup") {
      if (At(props, "RetentionInDays").is_null()) Add("BP-REL-LOGS-EXPIRE", stack, id, "no RetentionInDays", "");
    } else if (type == "AWS::CloudWatch::Alarm" || type == "AWS::CloudWatch::CompositeAlarm") {
      const Json& enabled = At(props, "ActionsEnabled");
      if (enabled == false || enabled == "false") {
        Add("BP-REL-ALARM-ACTION", stack, id, "ActionsEnabled is false", "");
        return;
      }
      const Json& actions = At(props, "AlarmActions");
      if (actions.is_object()) return;  // an intrinsic: decided at deploy time
      if (!actions.is_array() || actions.empty()) Add("BP-REL-ALARM-ACTION", stack, id, "no AlarmActions", "");
    }
  }

  std::string MainStackName() const {
    for (const StackTemplate& s : stacks_)
      if (s.role == StackRole::kMain) return s.id;
    return "";
  }

  const StackConfig& c_;
  const std::vector<StackTemplate>& stacks_;
  std::vector<Finding>* out_;
  std::string distribution_stack_, distribution_;  // the first CloudFront distribution, if any
};

}  // namespace

const std::vector<CheckRule>& CheckRules() { return kRules; }

const CheckRule* FindCheckRule(const std::string& id) {
  for (const CheckRule& r : kRules)
    if (id == r.id) return &r;
  return nullptr;
}

std::vector<Finding> CheckEnvironment(const StackConfig& config, const std::vector<StackTemplate>& stacks) {
  std::vector<Finding> out;
  EnvironmentCheck(config, stacks, &out).Run();
  // In the rules' order, then by stack and resource: the same bytes for the same input.
  auto rank = [](const Finding& f) { return f.rule - kRules.data(); };
  std::stable_sort(out.begin(), out.end(), [&](const Finding& a, const Finding& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return std::tie(a.stack, a.resource) < std::tie(b.stack, b.resource);
  });
  return out;
}

std::vector<Finding> CheckApp(const App& app, const std::vector<StackConfig>& configs) {
  std::vector<Finding> out;
  for (const StackConfig& c : configs) {
    std::vector<Finding> env = CheckEnvironment(c, TemplatesOf(app, c.env));
    out.insert(out.end(), std::make_move_iterator(env.begin()), std::make_move_iterator(env.end()));
  }
  return out;
}

}  // namespace bp::analysis
