#include "analysis/check_rules.h"

#include <fnmatch.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "analysis/cost.h"
#include "analysis/json_at.h"
#include "modules/handler_permissions.h"
#include "util/strings.h"

namespace bp::analysis::check_rules {

using Json = cfn::Json;

void Reporter::Add(const char* rule, const std::string& stack, const std::string& resource, std::string message,
                   const std::string& key) {
  Finding f;
  f.rule = FindCheckRule(rule);
  if (!f.rule) throw std::logic_error(std::string("check: no rule ") + rule);
  f.env = c_.env;
  f.stack = stack;
  f.resource = resource;
  f.message = std::move(message);
  f.key = key;
  // A key the file does not write is decided by its default: no line to point at. A map
  // entry (app.env.NAME) has its own line.
  const bool written = !key.empty() && (c_.IsSetInFile(key) || c_.locations.count(key));
  f.where = written ? c_.LocationOf(key) : Location{c_.file, 0, 0};
  if (f.where.file.empty()) f.where.file = c_.file;
  out_->push_back(std::move(f));
}

namespace {

// A value CloudFormation takes as one item or a list of them, as a list.
std::vector<const Json*> Items(const Json& j) {
  std::vector<const Json*> out;
  if (j.is_array())
    for (const Json& e : j) out.push_back(&e);
  else if (!j.is_null())
    out.push_back(&j);
  return out;
}

// The logical ID a Ref or Fn::GetAtt names; "" for anything else.
std::string Target(const Json& j) {
  const Json& ref = At(j, "Ref");
  if (ref.is_string()) return ref.get<std::string>();
  const Json& att = At(j, "Fn::GetAtt");
  if (att.is_array() && !att.empty() && att[0].is_string()) return att[0].get<std::string>();
  return "";
}

bool IsTrue(const Json& j) { return j == true || j == "true"; }
bool IsFalse(const Json& j) { return j == false || j == "false"; }

// A finite number CloudFormation may hold as text ("443"); nullopt for an intrinsic or
// anything else.
std::optional<double> Number(const Json& j) {
  double d = 0;
  if (j.is_number()) {
    d = j.get<double>();
  } else if (j.is_string()) {
    const std::string& text = j.get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d) || std::fabs(d) > 1e12) return std::nullopt;
  return d;
}

// The text of a string, or of an Fn::Sub's string ("" otherwise).
std::string Text(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  const Json& sub = At(j, "Fn::Sub");
  if (sub.is_string()) return sub.get<std::string>();
  if (sub.is_array() && !sub.empty() && sub[0].is_string()) return sub[0].get<std::string>();
  return "";
}

// Actions without resource-level permissions: an Allow on them names Resource "*".
// Src: DOC:service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
// (GetAuthorizationToken: no resource types); list_amazonelasticcontainerservice.html
// (DescribeTaskDefinition: no resource types); list_awsxray.html (PutTraceSegments,
// PutTelemetryRecords, GetSamplingRules, GetSamplingTargets: no resource types).
const std::set<std::string> kActionsWithoutResources = {
    "ecr:GetAuthorizationToken", "ecs:DescribeTaskDefinition", "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",  "xray:GetSamplingRules",      "xray:GetSamplingTargets",
};

// AWS managed policies the blueprint attaches, each to the service role its documentation
// gives it to (policy name after ":iam::aws:policy/", trusted service principal).
// Src: DOC:AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html;
// DOC:AmazonECS/latest/developerguide/task_execution_IAM_role.html; reference/aws-facts.md
// 13.3 (AmazonECSInfrastructureRoleforExpressGatewayServices);
// DOC:aws-backup/latest/devguide/iam-service-roles.html;
// DOC:apprunner/latest/dg/security_iam_service-with-iam.html (access role, instance role
// with AWSXRayDaemonWriteAccess for tracing).
const std::multimap<std::string, std::string> kServiceRolePolicies = {
    {"service-role/AmazonRDSEnhancedMonitoringRole", "monitoring.rds.amazonaws.com"},
    {"service-role/AmazonECSTaskExecutionRolePolicy", "ecs-tasks.amazonaws.com"},
    {"service-role/AmazonECSInfrastructureRoleforExpressGatewayServices", "ecs.amazonaws.com"},
    {"service-role/AWSBackupServiceRolePolicyForBackup", "backup.amazonaws.com"},
    {"service-role/AWSBackupServiceRolePolicyForRestores", "backup.amazonaws.com"},
    {"service-role/AWSAppRunnerServicePolicyForECRAccess", "build.apprunner.amazonaws.com"},
    {"AWSXRayDaemonWriteAccess", "tasks.apprunner.amazonaws.com"},
};

// Service principals whose documentation asks for aws:SourceAccount or aws:SourceArn in
// the trust policy of the role they assume. Src: DOC:vpc/latest/userguide/flow-logs-iam-role.html;
// DOC:AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html (Protecting against the
// confused deputy problem).
const std::set<std::string> kDeputyServices = {"vpc-flow-logs.amazonaws.com", "monitoring.rds.amazonaws.com"};

// The newest Lambda runtime of each language the rule knows, and the runtimes it
// replaces. Src: DOC:lambda/latest/dg/lambda-runtimes.html (checked 2026-12: python3.14,
// nodejs24.x are the newest of their languages).
struct RuntimeLine {
  const char* prefix;
  const char* newest;
};
const RuntimeLine kRuntimes[] = {{"python3.", "python3.14"}, {"nodejs", "nodejs24.x"}};

// What the generated workflow's deploy job calls with the deploy role: the ECR login and
// push, then the change set on the stack (create, wait: describe, execute or delete,
// watch). Src: src/deploy/workflow.cc (the job's steps, aws-actions/amazon-ecr-login's
// GetAuthorizationToken); tests/workflow_replay_test.cc replays them against the role.
const char* const kWorkflowActions[] = {
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:DescribeImages",
    "cloudformation:DescribeStacks",
    "cloudformation:CreateChangeSet",
    "cloudformation:DescribeChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:DeleteChangeSet",
};

// CloudFront security policies from TLSv1.2_2021 on. Src:
// DOC:AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html.
const std::set<std::string> kCurrentTlsPolicies = {"TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"};

// Traffic from which flow logs are worth sending to S3 rather than CloudWatch Logs:
// our threshold (usage.egress_gb_per_month + usage.nat_gb_per_month), documented in
// docs/check.md.
constexpr double kHighTrafficGb = 1000;

class Rules {
 public:
  Rules(const StackConfig& c, const std::vector<StackTemplate>& stacks, Reporter& report)
      : c_(c), stacks_(stacks), report_(report) {}

  void Run() {
    Reachability();
    for (const StackTemplate& s : stacks_) {
      Index(s);
      for (const auto& [id, r] : At(s.tmpl, "Resources").items()) Resource(s, id, r);
    }
    Environment();
    PlainTextSecrets();
    UnknownPrices();
  }

 private:
  void Add(const char* rule, const std::string& stack, const std::string& resource, std::string message,
           const std::string& key = "") {
    report_.Add(rule, stack, resource, std::move(message), key);
  }

  // What the per-resource rules look up across a template: TLS-only policies by what they
  // protect, rotation schedules, flow logs, backup selections; and, for the environment,
  // the NAT gateways and the flow logs that go to CloudWatch Logs.
  void Index(const StackTemplate& s) {
    tls_only_.clear();
    rotated_.clear();
    logged_vpcs_.clear();
    backed_up_.clear();
    for (const auto& [id, r] : At(s.tmpl, "Resources").items()) {
      const Json& type = At(r, "Type");
      const Json& props = At(r, "Properties");
      if (type == "AWS::SQS::QueuePolicy" || type == "AWS::SNS::TopicPolicy") {
        // Queues: every request; topics: publishing (subscribers are reached by SNS).
        const bool queue = type == "AWS::SQS::QueuePolicy";
        if (!DeniesPlainTransport(At(props, "PolicyDocument"), queue ? "sqs" : "sns", queue ? "sqs:*" : "sns:Publish"))
          continue;
        for (const Json* q : Items(At(props, queue ? "Queues" : "Topics"))) tls_only_.insert(Target(*q));
      } else if (type == "AWS::SecretsManager::RotationSchedule") {
        rotated_.insert(Target(At(props, "SecretId")));
      } else if (type == "AWS::EC2::FlowLog") {
        logged_vpcs_.insert(Target(At(props, "ResourceId")));
        const Json& dest = At(props, "LogDestinationType");
        if (dest.is_null() || dest == "cloud-watch-logs") flow_logs_to_cloudwatch_.push_back({s.id, id});
      } else if (type == "AWS::EC2::NatGateway") {
        nat_gateways_.push_back({s.id, id});
      } else if (type == "AWS::Backup::BackupSelection") {
        for (const Json* r : Items(At(At(props, "BackupSelection"), "Resources"))) backed_up_.insert(Target(*r));
      }
    }
  }

  // A Deny, for everyone, of `action` (or every action of the service) on requests not
  // over TLS: Condition Bool aws:SecureTransport false.
  static bool DeniesPlainTransport(const Json& doc, const std::string& service, const std::string& action) {
    for (const Json* st : Items(At(doc, "Statement"))) {
      if (At(*st, "Effect") != "Deny") continue;
      const Json& principal = At(*st, "Principal");
      if (!(principal == "*" || At(principal, "AWS") == "*")) continue;
      bool covers = false;
      for (const Json* a : Items(At(*st, "Action")))
        covers = covers || *a == "*" || *a == service + ":*" || *a == action;
      if (!covers) continue;
      for (const Json* v : Items(At(At(At(*st, "Condition"), "Bool"), "aws:SecureTransport")))
        if (IsFalse(*v)) return true;
    }
    return false;
  }

  // --- works at all -------------------------------------------------------------------

  // The reachability report's reasons for one path ("service → database: ...").
  static std::string WhyOf(const ReachabilityReport& r, const std::string& path) {
    std::string out;
    for (const std::string& w : r.why)
      if (w.rfind(path + ": ", 0) == 0) out += (out.empty() ? "" : "; ") + w.substr(path.size() + 2);
    return out.empty() ? "no path" : out;
  }

  void Reachability() {
    std::string distribution_stack, distribution;
    for (const StackTemplate& s : stacks_)
      for (const auto& [id, r] : At(s.tmpl, "Resources").items())
        if (distribution.empty() && At(r, "Type") == "AWS::CloudFront::Distribution") {
          distribution_stack = s.id;
          distribution = id;
        }
    const ReachabilityReport r = EvaluateReachability(stacks_);
    const std::string main = MainStackName();
    const bool fronted = c_.features.cloudfront;
    if (c_.app.ingress == Ingress::kPublic && !fronted && !r.internet_to_entry)
      Add("BP-REACH-ENTRY", main, "",
          "compute.ingress is public, but nothing from the internet reaches the service: " +
              WhyOf(r, "internet → entry"),
          "compute.ingress");
    if (fronted && !r.cloudfront_to_origin)
      Add("BP-REACH-ORIGIN", distribution_stack, distribution,
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

  // --- one resource at a time ---------------------------------------------------------

  void Resource(const StackTemplate& s, const std::string& id, const Json& r) {
    const Json& type = At(r, "Type");
    const Json& props = At(r, "Properties");
    if (type == "AWS::RDS::DBInstance")
      Database(s, id, props);
    else if (type == "AWS::EC2::SecurityGroup") {
      for (const Json* rule : Items(At(props, "SecurityGroupIngress"))) OpenIngress(s.id, id, *rule);
    } else if (type == "AWS::EC2::SecurityGroupIngress")
      OpenIngress(s.id, id, props);
    else if (type == "AWS::EC2::LaunchTemplate")
      Volumes(s.id, id, At(At(props, "LaunchTemplateData"), "BlockDeviceMappings"), true);
    else if (type == "AWS::EC2::Instance")
      Volumes(s.id, id, At(props, "BlockDeviceMappings"), At(props, "LaunchTemplate").is_null());
    else if (type == "AWS::EC2::Volume") {
      if (!IsTrue(At(props, "Encrypted")) && !At(props, "Encrypted").is_object())
        Add("BP-SEC-EBS-ENCRYPTED", s.id, id, "Encrypted is not true");
    } else if (type == "AWS::SNS::Topic") {
      if (At(props, "KmsMasterKeyId").is_null()) Add("BP-SEC-TOPIC-ENCRYPTED", s.id, id, "no KmsMasterKeyId");
      if (!tls_only_.count(id))
        Add("BP-SEC-TOPIC-TLS", s.id, id, "no topic policy denies requests with aws:SecureTransport false");
    } else if (type == "AWS::SQS::Queue") {
      if (IsFalse(At(props, "SqsManagedSseEnabled")) && At(props, "KmsMasterKeyId").is_null())
        Add("BP-SEC-QUEUE-ENCRYPTED", s.id, id, "SqsManagedSseEnabled is false and no KmsMasterKeyId is set");
      if (!tls_only_.count(id))
        Add("BP-SEC-QUEUE-TLS", s.id, id, "no queue policy denies requests with aws:SecureTransport false");
    } else if (type == "AWS::CloudFront::Distribution")
      Distribution(s.id, id, At(props, "DistributionConfig"));
    else if (type == "AWS::CloudFront::VpcOrigin") {
      const Json& policy = At(At(props, "VpcOriginEndpointConfig"), "OriginProtocolPolicy");
      if (policy.is_string() && policy != "https-only")
        Add("BP-SEC-EDGE-TLS", s.id, id,
            "the VPC origin's OriginProtocolPolicy is " + policy.get<std::string>() + ", not https-only");
    } else if (type == "AWS::IAM::Role")
      Role(s.id, id, props);
    else if (type == "AWS::IAM::Policy" || type == "AWS::IAM::ManagedPolicy")
      Policy(s.id, id, At(props, "PolicyDocument"));
    else if (type == "AWS::SecretsManager::Secret") {
      if (!rotated_.count(id)) Add("BP-SEC-SECRET-ROTATION", s.id, id, "no rotation schedule");
    } else if (type == "AWS::EC2::VPC") {
      if (!logged_vpcs_.count(id))
        Add("BP-SEC-FLOW-LOGS", s.id, id, "no flow log records this VPC", "network.flow_logs");
    } else if (type == "AWS::Logs::LogGroup") {
      if (At(props, "RetentionInDays").is_null()) Add("BP-REL-LOGS-EXPIRE", s.id, id, "no RetentionInDays");
    } else if (type == "AWS::CloudWatch::Alarm" || type == "AWS::CloudWatch::CompositeAlarm")
      Alarm(s.id, id, props);
    else if (type == "AWS::Lambda::Function")
      Runtime(s.id, id, At(props, "Runtime"));
  }

  void Database(const StackTemplate& s, const std::string& id, const Json& props) {
    // A cluster member, a read replica and a snapshot restore take their encryption
    // from the cluster or the source (Overview.Encryption.html); an intrinsic is decided
    // at deploy time. Only a literal that is not true is a finding.
    bool inherits = false;
    for (const char* from : {"DBClusterIdentifier", "SourceDBInstanceIdentifier", "DBSnapshotIdentifier"})
      inherits = inherits || !At(props, from).is_null();
    const Json& encrypted = At(props, "StorageEncrypted");
    if (!inherits && !encrypted.is_object() && !IsTrue(encrypted))
      Add("BP-SEC-DB-ENCRYPTED", s.id, id, "StorageEncrypted is not true");
    if (IsTrue(At(props, "PubliclyAccessible"))) Add("BP-SEC-DB-PUBLIC", s.id, id, "PubliclyAccessible is true");
    DatabaseTls(s, id, props);
    if (!c_.production_guards) return;
    // The protections the production profile promises (config/schema.cc Guard facets);
    // a guards.<name> reason acknowledges the finding (check.cc).
    if (!IsTrue(At(props, "MultiAZ")) && !At(props, "MultiAZ").is_object())
      Add("BP-REL-DB-MULTI-AZ", s.id, id, "MultiAZ is not true", "database.multi_az");
    if (!IsTrue(At(props, "DeletionProtection")) && !At(props, "DeletionProtection").is_object())
      Add("BP-REL-DB-DELETION-PROTECTION", s.id, id, "DeletionProtection is not true", "database.deletion_protection");
    const Json& days = At(props, "BackupRetentionPeriod");
    // RDS keeps 1 day when the property is absent (SCHEMA:aws-rds-dbinstance).
    const std::optional<double> kept = days.is_null() ? std::optional<double>(1) : Number(days);
    if (kept && *kept < 7)
      Add("BP-REL-DB-BACKUPS", s.id, id, "BackupRetentionPeriod is " + FormatNumber(*kept) + " days, fewer than 7",
          "database.backup_retention_days");
    if (!backed_up_.count(id)) Add("BP-REL-DB-BACKUPS", s.id, id, "no AWS Backup plan selects it", "features.backup");
  }

  static std::string FormatNumber(double d) {
    return d == std::floor(d) ? std::to_string(static_cast<long long>(d)) : std::to_string(d);
  }

  // rds.force_ssl: 1 by default from PostgreSQL 15 on, 0 before; a parameter group of
  // the template may set it either way. Src:
  // DOC:AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.Requiring.html.
  void DatabaseTls(const StackTemplate& s, const std::string& id, const Json& props) {
    const Json& engine = At(props, "Engine");
    if (!engine.is_string() || ToLower(engine.get<std::string>()) != "postgres") return;
    // Without a version RDS picks its default (17 today); an intrinsic decides at deploy time.
    const std::optional<double> version = Number(At(props, "EngineVersion"));
    const Json& group_name = At(props, "DBParameterGroupName");
    const std::string group = Target(group_name);
    if (!group_name.is_null() && group.empty()) return;  // a group of the account's: not ours to read
    bool forced = !version || *version >= 15;
    std::string where = "the default parameter group";
    if (!group.empty()) {
      where = "parameter group " + group;
      const Json& value =
          At(At(At(At(At(s.tmpl, "Resources"), group.c_str()), "Properties"), "Parameters"), "rds.force_ssl");
      if (value.is_object()) return;
      if (!value.is_null()) forced = value == "1" || value == 1;
    }
    if (!forced) Add("BP-SEC-DB-TLS", s.id, id, where + " leaves rds.force_ssl at 0");
  }

  void OpenIngress(const std::string& stack, const std::string& id, const Json& rule) {
    const bool v4 = At(rule, "CidrIp") == "0.0.0.0/0";
    if (!v4 && At(rule, "CidrIpv6") != "::/0") return;
    const Json& p = At(rule, "IpProtocol");
    const std::string protocol = p.is_string() ? ToLower(p.get<std::string>())
                                 : Number(p)   ? FormatNumber(*Number(p))
                                               : std::string("?");
    const std::optional<double> from = Number(At(rule, "FromPort")), to = Number(At(rule, "ToPort"));
    const bool tcp = protocol == "tcp" || protocol == "6";
    if (tcp && from && to && *from == *to && (*from == 80 || *from == 443)) return;
    std::string what = protocol == "-1"                                ? "every protocol and port"
                       : !tcp && protocol != "udp" && protocol != "17" ? "protocol " + protocol
                       : from && to && *from == *to                    ? protocol + " port " + FormatNumber(*from)
                       : from && to ? protocol + " ports " + FormatNumber(*from) + "-" + FormatNumber(*to)
                                    : protocol + " ports";
    Add("BP-SEC-OPEN-INGRESS", stack, id, "admits " + std::string(v4 ? "0.0.0.0/0" : "::/0") + " on " + what);
  }

  // Block device mappings of a launch template or instance; `root_from_image`: without
  // a mapping of the root device the root volume takes the image's setting.
  void Volumes(const std::string& stack, const std::string& id, const Json& mappings, bool root_from_image) {
    bool root = false;
    for (const Json* m : Items(mappings)) {
      const Json& device = At(*m, "DeviceName");
      if (!m->is_object() || At(*m, "DeviceName").is_null()) {
        root = true;  // an intrinsic: decided at deploy time
        continue;
      }
      // The root device of Amazon Linux (/dev/xvda) and of most other images (/dev/sda1).
      // Src: DOC:AWSEC2/latest/UserGuide/device_naming.html.
      root = root || device == "/dev/xvda" || device == "/dev/sda1" || device.is_object();
      const Json& ebs = At(*m, "Ebs");
      if (ebs.is_null()) continue;  // NoDevice, an instance store
      const Json& enc = At(ebs, "Encrypted");
      if (!IsTrue(enc) && !enc.is_object() && At(ebs, "SnapshotId").is_null())
        Add("BP-SEC-EBS-ENCRYPTED", stack, id,
            "the volume at " + (device.is_string() ? device.get<std::string>() : std::string("?")) +
                " is not encrypted (Ebs.Encrypted is not true)");
    }
    if (!root && root_from_image)
      Add("BP-SEC-EBS-ENCRYPTED", stack, id,
          "no mapping of the root device (/dev/xvda or /dev/sda1): the root volume takes the image's encryption, "
          "none for Amazon Linux, unless the account encrypts new volumes by default");
  }

  void Distribution(const std::string& stack, const std::string& id, const Json& config) {
    const Json& cert = At(config, "ViewerCertificate");
    if (!At(cert, "AcmCertificateArn").is_null() || !At(cert, "IamCertificateId").is_null()) {
      const Json& min = At(cert, "MinimumProtocolVersion");
      if (!min.is_object() && !(min.is_string() && kCurrentTlsPolicies.count(min.get<std::string>())))
        Add("BP-SEC-EDGE-TLS", stack, id,
            "MinimumProtocolVersion is " + (min.is_string() ? min.get<std::string>() : std::string("not set")) +
                ", older than TLSv1.2_2021");
    }
    std::vector<const Json*> behaviors = {&At(config, "DefaultCacheBehavior")};
    for (const Json* b : Items(At(config, "CacheBehaviors"))) behaviors.push_back(b);
    for (const Json* b : behaviors)
      if (At(*b, "ViewerProtocolPolicy") == "allow-all")
        Add("BP-SEC-EDGE-TLS", stack, id,
            "a cache behavior" +
                (At(*b, "PathPattern").is_string() ? " (" + At(*b, "PathPattern").get<std::string>() + ")"
                                                   : std::string()) +
                " serves plain HTTP (ViewerProtocolPolicy allow-all)");
    for (const Json* o : Items(At(config, "Origins"))) {
      const Json& policy = At(At(*o, "CustomOriginConfig"), "OriginProtocolPolicy");
      if (policy.is_string() && policy != "https-only")
        Add("BP-SEC-EDGE-TLS", stack, id,
            "origin " + (At(*o, "Id").is_string() ? At(*o, "Id").get<std::string>() : std::string("?")) +
                " is reached with OriginProtocolPolicy " + policy.get<std::string>() + ", not https-only");
    }
  }

  void Role(const std::string& stack, const std::string& id, const Json& props) {
    for (const Json* p : Items(At(props, "Policies"))) Policy(stack, id, At(*p, "PolicyDocument"));
    for (const Json* st : Items(At(At(props, "AssumeRolePolicyDocument"), "Statement")))
      if (Text(At(At(*st, "Principal"), "Federated")).find("token.actions.githubusercontent.com") !=
          std::string::npos) {
        deploy_roles_.push_back({stack, id});
        break;
      }
    std::set<std::string> services;
    for (const Json* st : Items(At(At(props, "AssumeRolePolicyDocument"), "Statement")))
      for (const Json* svc : Items(At(At(*st, "Principal"), "Service"))) {
        if (!svc->is_string()) continue;
        services.insert(svc->get<std::string>());
        if (!kDeputyServices.count(svc->get<std::string>()) || At(*st, "Effect") != "Allow") continue;
        bool scoped = false;
        for (const auto& [op, keys] : At(*st, "Condition").items())
          for (const char* key : {"aws:SourceAccount", "aws:SourceArn"}) scoped = scoped || !At(keys, key).is_null();
        if (!scoped)
          Add("BP-IAM-CONFUSED-DEPUTY", stack, id,
              "the trust policy lets " + svc->get<std::string>() +
                  " assume the role with no aws:SourceAccount or "
                  "aws:SourceArn condition");
      }
    for (const Json* arn : Items(At(props, "ManagedPolicyArns"))) {
      const std::string text = Text(*arn);
      const size_t at = text.find(":iam::aws:policy/");
      if (at == std::string::npos) continue;  // the account's own policy
      const std::string name = text.substr(at + 17);
      bool documented = false;
      auto [lo, hi] = kServiceRolePolicies.equal_range(name);
      for (auto it = lo; it != hi; ++it) documented = documented || services.count(it->second);
      if (!documented)
        Add("BP-IAM-MANAGED-POLICY", stack, id,
            "AWS managed policy " + name + " on a role trusted by " +
                (services.empty() ? std::string("no service") : Join({services.begin(), services.end()}, ", ")) +
                "; no AWS page gives that role this policy");
    }
  }

  void Policy(const std::string& stack, const std::string& id, const Json& doc) {
    for (const Json* st : Items(At(doc, "Statement"))) {
      if (At(*st, "Effect") != "Allow") continue;
      if (!At(*st, "NotAction").is_null()) {
        Add("BP-IAM-ACTION-WILDCARD", stack, id, "an Allow with NotAction grants every action it does not name");
        continue;
      }
      std::vector<std::string> actions;
      for (const Json* a : Items(At(*st, "Action")))
        if (a->is_string()) actions.push_back(a->get<std::string>());
      for (const std::string& a : actions)
        if (a == "*" || (a.size() > 2 && a.compare(a.size() - 2, 2, ":*") == 0))
          Add("BP-IAM-ACTION-WILDCARD", stack, id, "allows \"" + a + "\"");
      bool every_resource = !At(*st, "NotResource").is_null();  // all but what it names
      for (const Json* r : Items(At(*st, "Resource"))) every_resource = every_resource || *r == "*";
      if (!every_resource) continue;
      std::vector<std::string> narrowable;
      for (const std::string& a : actions)
        if (!kActionsWithoutResources.count(a)) narrowable.push_back(a);
      if (!narrowable.empty())
        Add("BP-IAM-RESOURCE-WILDCARD", stack, id,
            (At(*st, "NotResource").is_null() ? "Resource \"*\"" : "NotResource") + std::string(" for ") +
                Join(narrowable, ", ") + ", which can name their resources");
    }
  }

  void Alarm(const std::string& stack, const std::string& id, const Json& props) {
    if (IsFalse(At(props, "ActionsEnabled"))) {
      Add("BP-REL-ALARM-ACTION", stack, id, "ActionsEnabled is false");
      return;
    }
    const Json& actions = At(props, "AlarmActions");
    if (actions.is_object()) return;  // an intrinsic: decided at deploy time
    if (!actions.is_array() || actions.empty()) Add("BP-REL-ALARM-ACTION", stack, id, "no AlarmActions");
  }

  void Runtime(const std::string& stack, const std::string& id, const Json& runtime) {
    if (!runtime.is_string()) return;
    const std::string r = runtime.get<std::string>();
    for (const RuntimeLine& line : kRuntimes)
      if (StartsWith(r, line.prefix) && r != line.newest)
        Add("BP-REL-LAMBDA-RUNTIME", stack, id, "runs " + r + "; the newest is " + line.newest);
  }

  // --- the environment as a whole ----------------------------------------------------

  // Every action the image rollout calls with a GitHub deploy role, allowed by one of its
  // inline policies' Allow statements (resources and conditions are the workflow replay
  // test's to check): the workflow's own calls, and the update and read handlers of each
  // compute resource type in the role's stack.
  void RolloutRoles() {
    for (const auto& [stack, id] : deploy_roles_) {
      const Json* tmpl = nullptr;
      for (const StackTemplate& s : stacks_)
        if (s.id == stack) tmpl = &s.tmpl;
      const Json& resources = At(*tmpl, "Resources");
      std::vector<std::string> allowed;
      for (const Json* p : Items(At(At(At(resources, id.c_str()), "Properties"), "Policies")))
        for (const Json* st : Items(At(At(*p, "PolicyDocument"), "Statement")))
          if (At(*st, "Effect") == "Allow")
            for (const Json* a : Items(At(*st, "Action")))
              if (a->is_string()) allowed.push_back(a->get<std::string>());
      std::vector<std::string> needed(std::begin(kWorkflowActions), std::end(kWorkflowActions));
      std::set<std::string> types;
      for (const auto& [rid, r] : resources.items())
        if (At(r, "Type").is_string() && HasHandlerPermissions(At(r, "Type").get<std::string>()))
          types.insert(At(r, "Type").get<std::string>());
      for (const std::string& type : types)
        for (const std::string& a : RolloutHandlerActions(type)) needed.push_back(a);
      std::vector<std::string> missing;
      for (const std::string& a : needed) {
        // IAM matches actions case-insensitively, with * and ? wildcards.
        const bool ok = std::any_of(allowed.begin(), allowed.end(), [&](const std::string& pattern) {
          return fnmatch(ToLower(pattern).c_str(), ToLower(a).c_str(), 0) == 0;
        });
        if (!ok && std::find(missing.begin(), missing.end(), a) == missing.end()) missing.push_back(a);
      }
      if (!missing.empty())
        Add("BP-REL-ROLLOUT-ROLE", stack, id,
            "the image rollout calls " + Join(missing, ", ") + ", which no statement of the role allows",
            "github.repo");
    }
  }

  void Environment() {
    RolloutRoles();
    const int azs = c_.network.az_count;
    if (c_.production_guards && !nat_gateways_.empty() && nat_gateways_.size() < static_cast<size_t>(azs))
      Add("BP-REL-NAT-PER-AZ", nat_gateways_[0].first, nat_gateways_[0].second,
          std::to_string(nat_gateways_.size()) + " NAT gateway(s) serve the private subnets of " + std::to_string(azs) +
              " AZs",
          "network.nat");
    if (!c_.production_guards && nat_gateways_.size() > 1)
      Add("BP-COST-NAT-PER-AZ", nat_gateways_[0].first, "",
          std::to_string(nat_gateways_.size()) +
              " NAT gateways, each billed by the hour, in an environment without "
              "production guards",
          "network.nat");
    const double traffic = c_.usage.egress_gb_per_month + c_.usage.nat_gb_per_month;
    if (traffic >= kHighTrafficGb)
      for (const auto& [stack, id] : flow_logs_to_cloudwatch_)
        Add("BP-COST-FLOW-LOGS", stack, id,
            "flow logs go to CloudWatch Logs while usage says " + FormatNumber(traffic) +
                " GB a month leave the VPC (egress and NAT)",
            "network.flow_logs");
  }

  // Names and values that look like credentials, in app.env. The value is never printed.
  void PlainTextSecrets() {
    static const char* const kSecretWords[] = {"PASSWORD", "PASSWD",      "SECRET",     "TOKEN",     "API_KEY",
                                               "APIKEY",   "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL"};
    for (const auto& [name, value] : c_.app.env) {
      if (value.empty()) continue;
      std::string why;
      std::string upper = name;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      for (const char* w : kSecretWords)
        if (why.empty() && upper.find(w) != std::string::npos) why = "its name contains " + std::string(w);
      if (why.empty() && HasUrlCredentials(value)) why = "its value is a URL with a user and password";
      if (why.empty() && LooksRandom(value)) why = "its value looks like a key or token (long, random characters)";
      if (!why.empty())
        Add("BP-SEC-PLAINTEXT-SECRET", "", "",
            "app.env." + name + " may hold a secret (" + why + "); move it: blueprint config set --stack " + c_.env +
                " --secret app.secrets." + name + ", then blueprint config rm --stack " + c_.env + " app.env." + name,
            "app.env." + name);
    }
  }

  // scheme://user:password@host
  static bool HasUrlCredentials(const std::string& v) {
    const size_t scheme = v.find("://");
    if (scheme == std::string::npos) return false;
    const size_t end = v.find_first_of("/?#", scheme + 3);
    const std::string authority = v.substr(scheme + 3, end == std::string::npos ? std::string::npos : end - scheme - 3);
    const size_t at = authority.rfind('@');
    return at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos;
  }

  // 20 or more characters without spaces, at least three kinds (lower, upper, digit,
  // symbol) and about 4 bits of entropy a character: what generated keys and tokens look
  // like, and words, paths and numbers do not.
  static bool LooksRandom(const std::string& v) {
    if (v.size() < 20 || v.find(' ') != std::string::npos) return false;
    if (v.find("://") != std::string::npos || v.front() == '/') return false;
    bool lower = false, upper = false, digit = false, symbol = false;
    std::map<char, int> counts;
    for (char ch : v) {
      lower |= ch >= 'a' && ch <= 'z';
      upper |= ch >= 'A' && ch <= 'Z';
      digit |= ch >= '0' && ch <= '9';
      symbol |= !std::isalnum(static_cast<unsigned char>(ch));
      ++counts[ch];
    }
    double entropy = 0;
    for (const auto& [ch, n] : counts) {
      const double p = static_cast<double>(n) / v.size();
      entropy -= p * std::log2(p);
    }
    return lower + upper + digit + symbol >= 3 && entropy >= 4.0;
  }

  // Cost lines without a price, one finding per environment.
  void UnknownPrices() {
    std::vector<std::string> unknown;
    for (const StackTemplate& s : stacks_) {
      const StackCost cost = CostTemplate(s.id, s.region, s.tmpl, c_.usage);
      for (const ResourceCost& r : cost.resources) {
        if (r.status == CostStatus::kNotPriced) unknown.push_back(r.logical_id + " (" + r.type + ", not priced)");
        for (const CostLine& l : r.lines)
          if (!l.known) unknown.push_back(r.logical_id + " (" + l.name + ")");
      }
    }
    if (unknown.empty()) return;
    Add("BP-COST-UNKNOWN", "", "",
        std::to_string(unknown.size()) + " cost line(s) without a price: " + Join(unknown, ", ") +
            "; `blueprint cost --stack " + c_.env + "` says why");
  }

  std::string MainStackName() const {
    for (const StackTemplate& s : stacks_)
      if (s.role == StackRole::kMain) return s.id;
    return "";
  }

  const StackConfig& c_;
  const std::vector<StackTemplate>& stacks_;
  Reporter& report_;
  // Per template (Index), by logical ID.
  std::set<std::string> tls_only_, rotated_, logged_vpcs_, backed_up_;
  // Across the environment: (stack, logical ID).
  std::vector<std::pair<std::string, std::string>> nat_gateways_, flow_logs_to_cloudwatch_, deploy_roles_;
};

}  // namespace

void RunAll(const StackConfig& config, const std::vector<StackTemplate>& stacks, Reporter& report) {
  Rules(config, stacks, report).Run();
}

}  // namespace bp::analysis::check_rules
