// StackConfig: the typed, immutable value one environment's stack.yaml becomes
// after the profile's defaults are applied and every check has passed. Modules never
// see YAML or environment names; they get switches from here.
#pragma once
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "util/diag.h"

namespace bp {

enum class Profile { kDev, kStaging, kProd };
enum class NatMode { kGateway, kGatewayPerAz, kInstance, kNone };
// compute.platform: which compute module builds the app (modules/compute.h).
enum class ComputePlatform { kAppRunner, kEcsExpress };
// compute.ingress: where requests enter (docs/compute.md, "Ingress layouts"):
//   public  the service's own entry point answers the internet;
//   private reachable only inside the VPC (a VPN, peering);
//   edge    CloudFront is the one entry point, the service answers it alone.
enum class Ingress { kPublic, kPrivate, kEdge };

// The name stack.yaml writes for each value of an enum: the one table the parser, the
// schema's allowed values (the reference) and the messages read.
template <typename E>
struct EnumName {
  E value;
  const char* name;
};
inline constexpr EnumName<NatMode> kNatModeNames[] = {
    {NatMode::kGateway, "gateway"}, {NatMode::kGatewayPerAz, "gateway-per-az"},
    {NatMode::kInstance, "instance"}, {NatMode::kNone, "none"}};
inline constexpr EnumName<ComputePlatform> kComputePlatformNames[] = {
    {ComputePlatform::kAppRunner, "apprunner"}, {ComputePlatform::kEcsExpress, "ecs-express"}};
inline constexpr EnumName<Ingress> kIngressNames[] = {
    {Ingress::kPublic, "public"}, {Ingress::kPrivate, "private"}, {Ingress::kEdge, "edge"}};

template <typename E, size_t N>
const char* NameIn(const EnumName<E> (&table)[N], E value) {
  for (const auto& row : table)
    if (row.value == value) return row.name;
  return "";
}
template <typename E, size_t N>
std::vector<std::string> NamesIn(const EnumName<E> (&table)[N]) {
  std::vector<std::string> names;
  for (const auto& row : table) names.push_back(row.name);
  return names;
}

const char* ProfileName(Profile p);  // the profile table's name (config/schema.h Profiles())
inline const char* NatModeName(NatMode m) { return NameIn(kNatModeNames, m); }
inline const char* ComputePlatformName(ComputePlatform p) { return NameIn(kComputePlatformNames, p); }
inline const char* IngressName(Ingress i) { return NameIn(kIngressNames, i); }

// Whether CloudFront reaches the service through a VPC origin (ECS Express Mode's
// internal load balancer, compute.ingress edge) instead of at the service's own address
// with the secret origin header (docs/edge.md). The one predicate: the loader's edge
// checks, the origin-secret keys' schema facet and the ECS Express module follow it.
constexpr bool UsesVpcOrigin(ComputePlatform platform, Ingress ingress) {
  return platform == ComputePlatform::kEcsExpress && ingress == Ingress::kEdge;
}

struct HealthCheckConfig {
  std::string protocol;  // HTTP | TCP
  std::string path;
  int interval_seconds = 0;
  int timeout_seconds = 0;
  int healthy_threshold = 0;
  int unhealthy_threshold = 0;

  bool operator==(const HealthCheckConfig&) const = default;
};

struct ScalingConfig {
  int min_size = 0;
  int max_size = 0;
  int max_concurrency = 0;

  bool operator==(const ScalingConfig&) const = default;
};

// checks.acknowledge: a finding of `blueprint check` the team decided to accept, with
// its reason (docs/check.md). The rule ids and logical IDs are checked against the
// rules and the assembled templates by the command line (analysis/check.h), which the
// config layer does not see.
struct Acknowledgement {
  std::string rule;      // "BP-SEC-FLOW-LOGS"
  std::string resource;  // a logical ID; "" = every resource of the environment
  std::string reason;
  std::string expires;  // "YYYY-MM-DD", the last day it holds; "" = never

  std::string Key() const { return resource.empty() ? rule : rule + "/" + resource; }
  bool operator==(const Acknowledgement&) const = default;
};

struct ChecksConfig {
  std::vector<Acknowledgement> acknowledge;  // sorted by Key()

  bool operator==(const ChecksConfig&) const = default;
};

// A secret the app reads at run time; exactly one of the fields is set.
struct AppSecret {
  std::string name;          // environment variable name
  std::string secure_value;  // "v1:..." ciphertext written by `config set --secret`
  std::string arn;           // existing Secrets Manager secret or SSM parameter ARN

  bool operator==(const AppSecret&) const = default;
};

struct AppConfig {
  std::string name;
  int port = 0;
  std::string cpu;     // "0.25 vCPU" ...
  std::string memory;  // "0.5 GB" ...
  std::string start_command;
  std::vector<std::pair<std::string, std::string>> env;  // sorted by name
  std::vector<AppSecret> secrets;                         // sorted by name
  HealthCheckConfig health_check;
  ScalingConfig scaling;
  bool tracing = false;
  // compute.platform (kept with the app's settings: AddCompute receives AppConfig).
  ComputePlatform platform = ComputePlatform::kAppRunner;
  // compute.ingress; when the file does not set it, the platform's default (public on
  // App Runner, edge on ECS Express Mode).
  Ingress ingress = Ingress::kPublic;
  int log_retention_days = 0;  // app.log_retention_days (the platform's log groups)

  bool operator==(const AppConfig&) const = default;
};

struct GithubConfig {
  std::string org;   // empty: no deploy role
  std::string repo;
  std::vector<std::string> branches;
  std::vector<std::string> environments;
  std::string owner_id;  // numeric; with repo_id: immutable OIDC subjects
  std::string repo_id;
  std::string oidc_provider_arn;  // existing provider: none is created

  bool operator==(const GithubConfig&) const = default;
};

struct NetworkConfig {
  std::string cidr;
  int az_count = 0;
  int max_az_count = 0;             // subnet slots reserved so az_count can grow in place
  std::vector<std::string> az_ids;  // explicit AZ IDs (euw3-az1 ...); empty: Fn::GetAZs order
  NatMode nat = NatMode::kGateway;
  std::string nat_instance_type;
  bool flow_logs = false;            // network.flow_logs
  int flow_logs_retention_days = 0;  // network.flow_logs_retention_days

  bool operator==(const NetworkConfig&) const = default;
};

struct DatabaseConfig {
  std::string instance_class;
  int allocated_storage_gb = 0;
  int max_allocated_storage_gb = 0;
  std::string engine_version;
  std::string db_name;
  std::string username;
  bool multi_az = false;
  bool deletion_protection = false;
  int backup_retention_days = 0;
  bool performance_insights = false;
  int monitoring_interval_seconds = 0;
  int max_connections = 0;
  std::string backup_window;       // hh24:mi-hh24:mi UTC
  std::string maintenance_window;  // ddd:hh24:mi-ddd:hh24:mi UTC
  std::string log_statement;  // none | ddl | mod | all
  std::string engine_lifecycle_support;  // open-source-rds-extended-support[-disabled]
  int log_min_duration_ms = 0;
  int log_retention_days = 0;  // the exported PostgreSQL and upgrade logs

  bool operator==(const DatabaseConfig&) const = default;
};

struct RegistryConfig {
  int untagged_expiry_days = 0;
  int keep_tagged = 0;
  bool immutable_tags = false;
  bool empty_on_delete = false;

  bool operator==(const RegistryConfig&) const = default;
};

struct FeaturesConfig {
  bool cloudfront = false;
  bool waf = false;
  bool cost_budget = false;
  bool cost_anomaly = false;
  bool backup = false;  // AWS Backup plan for the database

  bool operator==(const FeaturesConfig&) const = default;
};

// The web ACL when features.waf is on (waf.*; modules/waf.h).
// No member defaults: the profile table (config/schema.cc) gives every value.
struct WafConfig {
  int rate_limit = 0;          // requests per IP per 5 minutes before blocking
  bool sql_injection = false;  // add AWSManagedRulesSQLiRuleSet
  bool large_bodies = false;   // the common rule set's body-size rule counts instead of blocking
  int log_retention_days = 0;  // the WAF log group's retention

  bool operator==(const WafConfig&) const = default;
};

// The CloudFront distribution when features.cloudfront is on (cloudfront.*; modules/cdn.h).
// No member defaults: the profile table (config/schema.cc) gives every value.
struct CloudFrontConfig {
  std::string price_class;   // PriceClass_100 | PriceClass_200 | PriceClass_All
  std::string cache_policy;  // caching-disabled | caching-optimized
  // The origin header's value, encrypted like app.secrets ("v1:..."; key path
  // "cloudfront.origin_secret"): deploy time only, a NoEcho parameter of both stacks.
  std::string origin_secret;
  // The value it replaces during a rotation: the service accepts both until it is removed.
  std::string origin_secret_previous;

  bool operator==(const CloudFrontConfig&) const = default;
};

// A custom domain for the distribution (domain.*).
struct DomainConfig {
  std::string name;            // www.example.com; empty: the distribution's own name only
  std::string hosted_zone_id;  // the public Route 53 zone that holds `name`

  bool operator==(const DomainConfig&) const = default;
};

// Alarm thresholds and alert delivery (alerts.*); the addresses are StackConfig::alert_emails.
struct AlertsConfig {
  bool dead_letter_queue = false;   // SQS dead-letter queue for the topic's subscriptions
  int http_5xx_count = 0;           // 5xx answers per 5 minutes
  double error_rate_percent = 0;    // 5xx share of requests per 5 minutes
  int latency_p95_ms = 0;           // p95 request latency
  int db_cpu_percent = 0;
  int db_free_storage_percent = 0;  // of database.allocated_storage
  int db_connections_percent = 0;   // of database.max_connections

  bool operator==(const AlertsConfig&) const = default;
};

// AWS Backup plan (backup.*, with features.backup).
struct BackupConfig {
  int retention_days = 0;

  bool operator==(const BackupConfig&) const = default;
};

// Assumptions `blueprint cost` prices usage-based charges with (usage.*).
struct UsageConfig {
  double requests_per_month = 0;
  double request_duration_ms = 0;
  double concurrent_requests = 1;
  double egress_gb_per_month = 0;
  double nat_gb_per_month = 0;
  double log_gb_per_month = 0;
  double db_storage_growth_gb = 0;
  double backup_storage_gb = 0;
  double image_storage_gb = 0;
  double trace_sample_rate = 0;
  bool operator==(const UsageConfig&) const = default;
};

struct TagsConfig {
  std::string cost_center;
  std::vector<std::pair<std::string, std::string>> extra;  // sorted by key

  bool operator==(const TagsConfig&) const = default;
};

// How app.secrets {secure} values are encrypted (src/config/secrets.h). Empty salt:
// no secret has been written yet.
struct EncryptionConfig {
  std::string salt;    // base64
  int iterations = 0;  // PBKDF2-HMAC-SHA256
  std::string check;   // "v1:..." of a fixed text, to recognise a wrong passphrase

  bool operator==(const EncryptionConfig&) const = default;
};

struct StackConfig {
  std::string env;   // the environment's directory name: dev, staging, prod, ...
  std::string file;  // path of its stack.yaml, for messages
  Profile profile = Profile::kDev;
  bool production_guards = false;  // from the profile table
  std::string region;
  std::string account;  // 12-digit AWS account ID, "" when not given
  AppConfig app;
  GithubConfig github;
  NetworkConfig network;
  DatabaseConfig database;
  RegistryConfig registry;
  FeaturesConfig features;
  WafConfig waf;
  CloudFrontConfig cloudfront;
  DomainConfig domain;
  std::vector<std::string> alert_emails;
  AlertsConfig alerts;
  BackupConfig backup;
  double budget_monthly_usd = 0;
  UsageConfig usage;
  TagsConfig tags;
  EncryptionConfig encryption;
  std::map<std::string, std::string> guards;  // guard name -> written reason
  ChecksConfig checks;

  // Where each key's value came from (stack.yaml line, or the profile), so checks
  // after parsing can still point at a line.
  std::map<std::string, Location> locations;
  std::set<std::string> set_in_file;  // keys stack.yaml writes; the rest came from the profile
  // Keys whose value follows from another key rather than from the profile column
  // (compute.ingress from compute.platform, features.cloudfront from compute.ingress, ...),
  // for `config get/list`: the value as the file would write it ("edge", "true") and what
  // decided it ("compute.platform ecs-express").
  struct Derived {
    std::string value;
    std::string from;
    bool operator==(const Derived&) const = default;
  };
  std::map<std::string, Derived> derived;
  Location LocationOf(const std::string& key) const;
  bool IsSetInFile(const std::string& key) const { return set_in_file.count(key) != 0; }

  bool operator==(const StackConfig&) const = default;
};

}  // namespace bp
