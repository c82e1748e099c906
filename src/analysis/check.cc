#include "analysis/check.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <tuple>

#include "analysis/check_rules.h"
#include "analysis/json_at.h"
#include "util/strings.h"

namespace bp::analysis {

namespace {

constexpr auto kError = CheckSeverity::kError;
constexpr auto kWarning = CheckSeverity::kWarning;
constexpr auto kWorks = CheckFamily::kWorks;
constexpr auto kSecurity = CheckFamily::kSecurity;
constexpr auto kReliability = CheckFamily::kReliability;
constexpr auto kCost = CheckFamily::kCost;

// Src for each rule: the AWS page in its `source`.
const std::vector<CheckRule> kRules = {
    // Works at all: evaluated on the templates (reachability.h) against what the config
    // means the platform to be.
    {"BP-REACH-ENTRY", kError, kWorks, "A public service answers the internet",
     "with compute.ingress public and no CloudFront the service's own entry point is the way in; if nothing from "
     "the internet reaches it, nobody can use the app",
     "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html", true},
    {"BP-REACH-ORIGIN", kError, kWorks, "CloudFront reaches its origin",
     "with CloudFront in front, every request travels CloudFront -> origin; an origin it cannot reach serves only "
     "errors",
     "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html"},
    {"BP-REACH-EXPOSED", kError, kWorks, "A service behind CloudFront or inside the VPC is not open to the internet",
     "with compute.ingress private or edge (or CloudFront in front) the service's own entry point must not answer "
     "the internet: that would bypass CloudFront, its WAF and its TLS settings",
     "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html", true},
    {"BP-REACH-DATABASE", kError, kWorks, "The service reaches its database",
     "the app cannot serve without its database: a route, the security groups on both sides and the platform's "
     "network settings must all admit PostgreSQL's port",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html", true},
    {"BP-REACH-REGISTRY", kError, kWorks, "The service pulls its image",
     "a service that cannot pull its image from ECR never starts: it needs a NAT, or the ECR and S3 endpoints, and "
     "a role that may pull",
     "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html", true},
    {"BP-REACH-SECRETS", kError, kWorks, "The service reads its secrets",
     "the database password and the app's secrets reach the service from Secrets Manager at start; without a path "
     "and a role the service does not start",
     "https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html", true},
    {"BP-REACH-LOGS", kError, kWorks, "The service writes its logs",
     "logs are how a failing deploy or request is diagnosed; a service that cannot reach CloudWatch Logs fails to "
     "start on ECS and is blind on any platform",
     "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html", true},

    // Security, read from the templates (check_rules.cc) and app.env.
    {"BP-SEC-DB-ENCRYPTED", kError, kSecurity, "The database is encrypted at rest",
     "RDS encrypts storage, backups and snapshots only when the instance is created so; it cannot be turned on "
     "later without a copy and a restore",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html"},
    {"BP-SEC-DB-TLS", kError, kSecurity, "The database refuses unencrypted connections",
     "without rds.force_ssl PostgreSQL accepts a client that does not ask for TLS, and the password and data "
     "cross the network in clear",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html"},
    {"BP-SEC-DB-PUBLIC", kError, kSecurity, "The database has no public address",
     "a publicly accessible instance gets an address the internet can resolve and reach wherever a security "
     "group or route lets it; the app reaches it inside the VPC",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html"},
    {"BP-SEC-OPEN-INGRESS", kError, kSecurity, "No security group admits the internet beyond HTTP and HTTPS",
     "a rule from 0.0.0.0/0 or ::/0 on any other port (a database, SSH, every port) opens that resource to anyone; "
     "the internet comes in through the load balancer, App Runner or CloudFront",
     "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"},
    {"BP-SEC-EBS-ENCRYPTED", kError, kSecurity, "Instance volumes are encrypted at rest",
     "an EC2 volume is encrypted only when its mapping says so (or the account turned on encryption by default); "
     "a launch template without a mapping gives the root volume the image's setting, unencrypted for Amazon Linux",
     "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html"},
    {"BP-SEC-TOPIC-ENCRYPTED", kError, kSecurity, "SNS topics are encrypted at rest",
     "SNS stores messages unencrypted unless the topic names a KMS key; alert messages carry resource names and "
     "states",
     "https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html"},
    {"BP-SEC-TOPIC-TLS", kError, kSecurity, "SNS topics accept TLS only",
     "a topic policy that denies aws:SecureTransport false refuses publishers and subscribers that would send or "
     "fetch messages over plain HTTP",
     "https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html"},
    {"BP-SEC-QUEUE-ENCRYPTED", kError, kSecurity, "SQS queues are encrypted at rest",
     "a queue with SqsManagedSseEnabled false and no KMS key stores its messages unencrypted",
     "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html"},
    {"BP-SEC-QUEUE-TLS", kError, kSecurity, "SQS queues accept TLS only",
     "a queue policy that denies aws:SecureTransport false refuses requests over plain HTTP, which SQS otherwise "
     "accepts",
     "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html"},
    {"BP-SEC-EDGE-TLS", kError, kSecurity, "CloudFront speaks current TLS to viewers and HTTPS to its origin",
     "with a certificate of your own CloudFront lets you choose the oldest TLS it accepts (TLSv1.2_2021 or newer "
     "keeps out protocols with known weaknesses); viewers on plain HTTP are redirected, and the origin is reached "
     "over HTTPS",
     "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-"
     "protocols-ciphers.html"},
    {"BP-SEC-PLAINTEXT-SECRET", kWarning, kSecurity, "No secret sits in app.env",
     "app.env values are written into the template and the service definition in clear text, readable by anyone "
     "who can read either; a secret belongs in app.secrets (`blueprint config set --secret`)",
     "https://docs.aws.amazon.com/secretsmanager/latest/userguide/best-practices.html", true},
    {"BP-SEC-FLOW-LOGS", kWarning, kSecurity, "The VPC records its traffic",
     "flow logs are the record of who talked to what inside the VPC; without them an incident cannot be traced",
     "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"},
    {"BP-SEC-SECRET-ROTATION", kWarning, kSecurity, "Secrets are rotated",
     "a secret that never changes stays valid wherever it leaked; Secrets Manager can rotate it on a schedule",
     "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html"},
    {"BP-IAM-ACTION-WILDCARD", kError, kSecurity, "No policy allows every action",
     "an Allow of \"*\" or \"service:*\" grants every action the service has and every one it adds later; least "
     "privilege names the actions",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"},
    {"BP-IAM-RESOURCE-WILDCARD", kWarning, kSecurity, "Resource \"*\" only where AWS offers nothing narrower",
     "an Allow on every resource reaches resources of other apps in the account; only actions without "
     "resource-level permissions need it",
     "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-"
     "contextkeys.html"},
    {"BP-IAM-CONFUSED-DEPUTY", kWarning, kSecurity, "Service roles act only for this account's resources",
     "a role a service assumes without aws:SourceAccount or aws:SourceArn in its trust policy can be used by that "
     "service on behalf of another customer's resource (the confused deputy); the services named here document "
     "the condition",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"},
    {"BP-IAM-MANAGED-POLICY", kWarning, kSecurity, "AWS managed policies only on the service roles that need them",
     "an AWS managed policy grants what AWS decides, for every customer, and changes when AWS changes it; the "
     "blueprint attaches one only where the service documents it as the role's policy",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html"},

    // Reliability.
    {"BP-REL-DB-MULTI-AZ", kError, kReliability, "A production database survives the loss of an AZ",
     "the production profile promises a standby in a second AZ: without it an AZ outage or a host failure stops "
     "the app until RDS rebuilds the instance",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html"},
    {"BP-REL-DB-DELETION-PROTECTION", kError, kReliability, "A production database cannot be deleted by mistake",
     "with deletion protection RDS refuses to delete the instance, whatever a stack update or a console click asks",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html"},
    {"BP-REL-DB-BACKUPS", kError, kReliability, "A production database keeps a week of backups, and AWS Backup's",
     "the production profile promises point-in-time recovery for 7 days or more and a daily AWS Backup copy kept "
     "apart from the instance; fewer days lose what a late-found mistake destroyed",
     "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html"},
    {"BP-REL-NAT-PER-AZ", kWarning, kReliability, "Production egress survives the loss of an AZ",
     "with one NAT gateway the private subnets of every AZ send through one AZ: when it fails, the others lose "
     "their way out",
     "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html"},
    {"BP-REL-ROLLOUT-ROLE", kError, kReliability, "The deploy role may do what the image rollout does",
     "the generated workflow pushes the image and rolls it out with the GitHub deploy role's own credentials, and "
     "CloudFormation then calls the compute service's update handler with them; one action missing fails the "
     "rollout, or worse its rollback",
     "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html"},
    {"BP-REL-LOGS-EXPIRE", kWarning, kReliability, "Every log group expires",
     "a log group without a retention keeps every event forever and is billed for it every month",
     "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html"},
    {"BP-REL-ALARM-ACTION", kWarning, kReliability, "Every alarm tells someone",
     "an alarm without an action changes state where nobody looks",
     "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html"},
    {"BP-REL-LAMBDA-RUNTIME", kWarning, kReliability, "Functions run the newest runtime of their language",
     "Lambda deprecates each runtime on a published date, after which functions on it can no longer be created or "
     "updated; the newest runtime has the most time left",
     "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"},

    // Cost hygiene.
    {"BP-COST-NAT-PER-AZ", kWarning, kCost, "Non-production runs one NAT, not one per AZ",
     "each NAT gateway is billed by the hour whether traffic flows or not; outside production, one gateway or the "
     "NAT instances carry the same traffic for a fraction",
     "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-pricing.html", true},
    {"BP-COST-FLOW-LOGS", kWarning, kCost, "High-volume flow logs go to S3, not CloudWatch Logs",
     "flow logs are billed per GB ingested; at high traffic CloudWatch Logs ingestion costs several times the same "
     "records delivered to S3",
     "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html"},
    {"BP-COST-UNKNOWN", kWarning, kCost, "Every resource has a price",
     "a cost line without a price makes `blueprint cost` and the budget too low by an amount nobody sees",
     "https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/price-changes.html", true},
};

// The guards.<name> whose written reason acknowledges a rule's findings: the reason the
// config gave for turning that protection off (config/schema.h, Guard).
const char* GuardOf(const std::string& rule) {
  if (rule == "BP-REL-DB-MULTI-AZ") return "allow_single_az";
  if (rule == "BP-REL-DB-DELETION-PROTECTION") return "allow_no_deletion_protection";
  if (rule == "BP-REL-DB-BACKUPS") return "allow_no_backups";
  return nullptr;
}

const Acknowledgement* AcknowledgementFor(const StackConfig& c, const Finding& f) {
  const Acknowledgement* whole = nullptr;
  for (const Acknowledgement& a : c.checks.acknowledge) {
    if (a.rule != f.rule->id) continue;
    if (!a.resource.empty() && a.resource == f.resource) return &a;  // the most specific first
    if (a.resource.empty()) whole = &a;
  }
  return whole;
}

// The rule of the findings about the acknowledgements themselves; listed last.
const CheckRule kUnusedRule = {
    "BP-ACK-UNUSED",
    kWarning,
    CheckFamily::kConfig,
    "Every acknowledgement accepts a finding",
    "an acknowledgement whose finding is gone (fixed, or the resource renamed) would silently accept the next "
    "finding of that rule; the list should be as short as the platform needs",
    "docs/check.md#acknowledging-a-finding",
    true};

// Marks the findings an acknowledgement accepts; an acknowledgement that accepts none
// becomes a finding of its own, so the list stays as short as the platform needs.
void Acknowledge(const StackConfig& c, const std::string& today, std::vector<Finding>* findings) {
  std::vector<const Acknowledgement*> used;
  for (Finding& f : *findings) {
    if (const Acknowledgement* a = AcknowledgementFor(c, f)) {
      const std::string key = "checks.acknowledge." + a->Key();
      f.acknowledged_by = key;
      f.reason = a->reason;
      f.acknowledged_at = c.LocationOf(key);
      if (!a->expires.empty() && a->expires < today) f.expired = a->expires;
      used.push_back(a);
    } else if (const char* guard = GuardOf(f.rule->id); guard && c.guards.count(guard)) {
      f.acknowledged_by = std::string("guards.") + guard;
      f.reason = c.guards.at(guard);
      f.acknowledged_at = c.LocationOf(f.acknowledged_by);
    }
  }
  for (const Acknowledgement& a : c.checks.acknowledge) {
    if (std::find(used.begin(), used.end(), &a) != used.end()) continue;
    Finding f;
    f.rule = FindCheckRule(kUnusedRule.id);
    f.env = c.env;
    f.key = "checks.acknowledge." + a.Key();
    f.message = f.key + " accepts nothing: no finding of " + a.rule + (a.resource.empty() ? "" : " on " + a.resource) +
                " stands; remove it";
    f.where = c.LocationOf(f.key);
    findings->push_back(std::move(f));
  }
}

}  // namespace

CheckSeverity Finding::Severity() const { return expired.empty() ? rule->severity : CheckSeverity::kError; }

const char* CheckFamilyName(CheckFamily f) {
  switch (f) {
    case CheckFamily::kWorks:
      return "works";
    case CheckFamily::kSecurity:
      return "security";
    case CheckFamily::kReliability:
      return "reliability";
    case CheckFamily::kCost:
      return "cost";
    case CheckFamily::kConfig:
      return "config";
  }
  return "";
}

const std::vector<CheckRule>& CheckRules() {
  static const std::vector<CheckRule> kAll = [] {
    std::vector<CheckRule> all = kRules;
    all.push_back(kUnusedRule);
    return all;
  }();
  return kAll;
}

const CheckRule* FindCheckRule(const std::string& id) {
  for (const CheckRule& r : CheckRules())
    if (id == r.id) return &r;
  return nullptr;
}

std::vector<Finding> CheckEnvironment(const StackConfig& config, const std::vector<StackTemplate>& stacks,
                                      const std::string& today) {
  std::vector<Finding> out;
  check_rules::Reporter report(config, &out);
  check_rules::RunAll(config, stacks, report);
  Acknowledge(config, today, &out);
  // In the rules' order, then by stack and resource: the same bytes for the same input.
  const CheckRule* first = CheckRules().data();
  auto rank = [&](const Finding& f) { return f.rule - first; };
  std::stable_sort(out.begin(), out.end(), [&](const Finding& a, const Finding& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return std::tie(a.stack, a.resource, a.key) < std::tie(b.stack, b.resource, b.key);
  });
  return out;
}

std::vector<Finding> CheckApp(const App& app, const std::vector<StackConfig>& configs, const std::string& today) {
  std::vector<Finding> out;
  for (const StackConfig& c : configs) {
    std::vector<Finding> env = CheckEnvironment(c, TemplatesOf(app, c.env), today);
    out.insert(out.end(), std::make_move_iterator(env.begin()), std::make_move_iterator(env.end()));
  }
  return out;
}

void CheckAcknowledgements(const StackConfig& config, const std::vector<StackTemplate>& stacks, Diagnostics* diags) {
  for (const Acknowledgement& a : config.checks.acknowledge) {
    const std::string key = "checks.acknowledge." + a.Key();
    const CheckRule* rule = FindCheckRule(a.rule);
    if (!rule) {
      std::vector<std::string> ids;
      for (const CheckRule& r : CheckRules()) ids.push_back(r.id);
      diags->Error(config.LocationOf(key), key,
                   "no check rule '" + a.rule + "'" + DidYouMean(a.rule, ids) +
                       "; `blueprint check` prints the rule of each finding, docs/check.md lists them all");
      continue;
    }
    if (a.rule == kUnusedRule.id) {
      diags->Error(config.LocationOf(key), key,
                   std::string(rule->id) +
                       " is about the acknowledgements themselves: remove the entry it names "
                       "instead of acknowledging it");
      continue;
    }
    if (a.resource.empty()) continue;
    if (rule->whole_environment) {
      diags->Error(config.LocationOf(key), key,
                   std::string(rule->id) + " is about the environment as a whole, not one resource: write " + rule->id +
                       " alone");
      continue;
    }
    std::vector<std::string> ids;
    bool found = false;
    for (const StackTemplate& s : stacks)
      for (const auto& [id, r] : At(s.tmpl, "Resources").items()) {
        found = found || id == a.resource;
        ids.push_back(id);
      }
    if (!found)
      diags->Error(config.LocationOf(key), key,
                   "no resource '" + a.resource + "' in environment " + config.env + "'s stacks" +
                       DidYouMean(a.resource, ids) + "; name a logical ID as `blueprint check` prints it");
  }
}

size_t CheckErrors(const std::vector<Finding>& findings) {
  size_t n = 0;
  for (const Finding& f : findings) n += !f.Acknowledged() && f.Severity() == CheckSeverity::kError;
  return n;
}

}  // namespace bp::analysis
