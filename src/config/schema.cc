#include "config/schema.h"

#include <set>

#include "util/strings.h"

namespace bp {

namespace {

using T = FieldType;
using C = FieldCheck;

// Helper to keep the table readable: same default for every profile.
std::array<std::string, 3> All(const std::string& v) { return {v, v, v}; }

// App Runner sizes. Src: SCHEMA:aws-apprunner-service (InstanceConfiguration patterns),
// DOC:apprunner/latest/api/API_InstanceConfiguration.html.
const std::vector<std::string> kCpus = {"0.25 vCPU", "0.5 vCPU", "1 vCPU", "2 vCPU", "4 vCPU"};
const std::vector<std::string> kMemories = {"0.5 GB", "1 GB",  "2 GB", "3 GB", "4 GB",
                                            "6 GB",   "8 GB",  "10 GB", "12 GB"};

std::vector<FieldSpec> BuildSchema() {
  // Defaults: {dev, staging, prod}. They mirror the original blueprint's per-stage
  // constants: small and cheap in dev, prod sized for steady traffic and protected.
  return {
      {"profile", T::kEnum, "Which column of the profile table supplies the defaults.", {}, {"dev", "staging", "prod"}, 0, 0, C::kNone, true},
      {"region", T::kString, "AWS region of the main stack (global resources go to us-east-1).", All("us-east-1"), {}, 0, 0, C::kRegion},

      {"app.name", T::kString, "Application name: lowercase letters, digits and single hyphens, letter first, 2 to 50 characters. Resource names derive from it.", {}, {}, 0, 0, C::kAppName, true},
      {"app.port", T::kInt, "Port the container listens on.", All("8080"), {}, 1, 65535},
      {"app.cpu", T::kEnum, "App Runner vCPU per instance.", {"0.25 vCPU", "0.25 vCPU", "0.5 vCPU"}, kCpus},
      {"app.memory", T::kEnum, "App Runner memory per instance; must pair with app.cpu (0.25 vCPU: 0.5 or 1 GB; 0.5: 1 GB; 1: 2-4 GB; 2: 4 or 6 GB; 4: 8-12 GB).", {"0.5 GB", "0.5 GB", "1 GB"}, kMemories},
      {"app.start_command", T::kString, "Overrides the image's entrypoint and command.", {}, {}},
      {"app.env", T::kStringMap, "Plain environment variables (NAME: value). Never put secrets here; use app.secrets.", {}, {}, 0, 0, C::kEnvVarName},
      {"app.secrets", T::kSecretMap, "Secrets the app reads as environment variables: NAME: {secure: ...} (written by `blueprint config set --secret`) or NAME: {arn: <Secrets Manager or SSM ARN>}.", {}, {}, 0, 0, C::kEnvVarName},
      {"app.tracing", T::kBool, "AWS X-Ray tracing through App Runner's observability configuration.", {"false", "false", "true"}, {}},
      {"app.health_check.protocol", T::kEnum, "Health check protocol.", All("HTTP"), {"HTTP", "TCP"}},
      {"app.health_check.path", T::kString, "HTTP health check path.", All("/"), {}, 0, 0, C::kHttpPath},
      {"app.health_check.interval", T::kInt, "Seconds between health checks.", All("10"), {}, 1, 20},
      {"app.health_check.timeout", T::kInt, "Seconds to wait for a health check answer.", All("5"), {}, 1, 20},
      {"app.health_check.healthy_threshold", T::kInt, "Successes before an instance counts as healthy.", All("1"), {}, 1, 20},
      {"app.health_check.unhealthy_threshold", T::kInt, "Failures before an instance counts as unhealthy.", All("5"), {}, 1, 20},
      {"app.scaling.min_size", T::kInt, "Instances always provisioned (App Runner: 1 to 25).", All("1"), {}, 1, 25},
      {"app.scaling.max_size", T::kInt, "Most instances (App Runner: 1 to 25, at least min_size).", {"2", "3", "5"}, {}, 1, 25},
      {"app.scaling.max_concurrency", T::kInt, "Concurrent requests per instance before scaling out (App Runner: 1 to 200).", {"10", "15", "25"}, {}, 1, 200},

      {"github.org", T::kString, "GitHub organisation or user that may deploy (OIDC). Empty: no deploy role.", {}, {}, 0, 0, C::kGithubOwner},
      {"github.repo", T::kString, "GitHub repository that may deploy.", {}, {}, 0, 0, C::kGithubRepo},
      // prod: no branch by default, so only jobs in a GitHub environment (approval) deploy.
      {"github.branches", T::kStringList, "Branches whose workflows may assume the deploy role (subject repo:ORG/REPO:ref:refs/heads/BRANCH). A job that names a GitHub environment presents the environment instead: list that under environments.", {"[main]", "[main]", ""}, {}, 0, 0, C::kGitRef},
      {"github.environments", T::kStringList, "GitHub environments whose jobs may assume the deploy role (subject repo:ORG/REPO:environment:NAME). `blueprint workflow` runs the deploy job in the first one.", {}, {}, 0, 0, C::kGitRef},
      {"github.owner_id", T::kString, "Numeric ID of the owner, with repo_id: for repositories that present immutable OIDC subjects (created or renamed since 2026-07-15), repo:ORG@OWNER_ID/REPO@REPO_ID:... (`gh api repos/ORG/REPO --jq .owner.id`).", {}, {}, 0, 0, C::kGithubId},
      {"github.repo_id", T::kString, "Numeric ID of the repository, with owner_id (`gh api repos/ORG/REPO --jq .id`).", {}, {}, 0, 0, C::kGithubId},
      {"github.oidc_provider_arn", T::kString, "An existing GitHub OIDC provider of the account (arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com): the deploy role trusts it and the account stack creates none.", {}, {}, 0, 0, C::kOidcProviderArn},

      {"network.cidr", T::kString, "VPC IPv4 block, /16 to /28; must hold 2 x az_count subnets of /28 or larger.", {"10.0.0.0/24", "10.1.0.0/24", "10.2.0.0/24"}, {}, 0, 0, C::kCidr},
      {"network.az_count", T::kInt, "Availability zones (2 to 6; RDS needs 2).", All("2"), {}, 2, 6},
      {"network.nat", T::kEnum, "Private subnet egress: gateway (one NAT gateway), gateway-per-az, instance (self-healing NAT instance, the fck-nat pattern) or none (no internet from the app).", {"instance", "instance", "gateway"}, {"gateway", "gateway-per-az", "instance", "none"}},
      {"network.nat_instance_type", T::kString, "EC2 instance type of the NAT instance (arm64 / Graviton).", All("t4g.nano"), {}, 0, 0, C::kInstanceType},

      {"database.instance_class", T::kString, "RDS instance class.", {"db.t4g.micro", "db.t4g.micro", "db.t4g.small"}, {}, 0, 0, C::kDbClass},
      {"database.allocated_storage", T::kInt, "Initial gp3 storage in GiB (20 to 65536).", {"20", "20", "50"}, {}, 20, 65536},
      {"database.max_allocated_storage", T::kInt, "Storage autoscaling ceiling in GiB (at least allocated_storage).", {"50", "100", "1000"}, {}, 20, 65536},
      {"database.engine_version", T::kString, "PostgreSQL version: 17 (RDS picks the default minor) or 17.x.", All("17"), {}, 0, 0, C::kEngineVersion},
      {"database.db_name", T::kString, "Name of the database created at launch.", All("app"), {}, 0, 0, C::kDbName},
      {"database.username", T::kString, "Master username (the password is managed by RDS in Secrets Manager).", All("dbadmin"), {}, 0, 0, C::kDbUsername},
      {"database.multi_az", T::kBool, "Standby in a second AZ.", {"false", "false", "true"}, {}},
      {"database.deletion_protection", T::kBool, "Refuse to delete the database.", {"false", "false", "true"}, {}},
      {"database.backup_retention_days", T::kInt, "Automated backup retention (0 to 35 days; 0 turns backups off).", {"1", "7", "14"}, {}, 0, 35},
      {"database.performance_insights", T::kBool, "Performance Insights with 7 days retention.", {"false", "false", "true"}, {}},
      {"database.monitoring_interval", T::kEnum, "Enhanced monitoring interval in seconds (0 = off).", {"0", "0", "60"}, {"0", "1", "5", "10", "15", "30", "60"}},
      {"database.max_connections", T::kInt, "PostgreSQL max_connections.", {"50", "100", "200"}, {}, 10, 5000},
      {"database.log_statement", T::kEnum, "Statements logged: all in dev, none in prod.", {"all", "ddl", "none"}, {"none", "ddl", "mod", "all"}},
      // Src: aws-facts 3.1 (SCHEMA:aws-rds-dbinstance PreferredBackupWindow, PreferredMaintenanceWindow).
      {"database.backup_window", T::kString, "Daily automated backup window, UTC (hh24:mi-hh24:mi, 30 minutes or more, not overlapping the maintenance window).", All("02:00-02:30"), {}, 0, 0, C::kBackupWindow},
      {"database.maintenance_window", T::kString, "Weekly maintenance window, UTC (ddd:hh24:mi-ddd:hh24:mi).", All("sun:03:00-sun:03:30"), {}, 0, 0, C::kMaintenanceWindow},
      {"database.log_min_duration_ms", T::kInt, "Log statements slower than this (ms; -1 = off).", All("1000"), {}, -1, 3600000},

      {"registry.untagged_expiry_days", T::kInt, "Days before untagged images expire.", {"7", "14", "30"}, {}, 1, 3650},
      {"registry.keep_tagged", T::kInt, "Newest tagged images kept.", {"5", "10", "20"}, {}, 1, 1000},
      {"registry.immutable_tags", T::kBool, "Refuse to overwrite an image tag.", {"false", "false", "true"}, {}},
      {"registry.empty_on_delete", T::kBool, "Delete the images with the stack.", {"true", "true", "false"}, {}},

      {"features.cloudfront", T::kBool, "CloudFront distribution in front of App Runner.", All("false"), {}},
      {"features.waf", T::kBool, "WAFv2 web ACL (managed rules and a per-IP rate limit).", {"false", "false", "true"}, {}},
      {"features.cost_budget", T::kBool, "Monthly AWS Budget on the environment's tag, alerting the alert emails.", All("false"), {}},
      {"features.cost_anomaly", T::kBool, "Cost anomaly detection subscription.", All("false"), {}},
      {"features.backup", T::kBool, "AWS Backup plan for the database.", {"false", "false", "true"}, {}},

      {"alerts.emails", T::kStringList, "Addresses subscribed to the alert topic.", {}, {}, 0, 0, C::kEmail},
      {"budget.monthly_usd", T::kNumber, "Monthly budget in USD.", {"50", "100", "500"}, {}, 1, 1000000},
      // Usage assumptions for `blueprint cost` (src/analysis/cost.h): every usage-based
      // cost line names the key it used.
      {"usage.requests_per_month", T::kNumber, "Requests the app serves per month (App Runner active time, WAF and CloudFront requests, X-Ray traces).", {"100000", "1000000", "10000000"}, {}, 0, 1e12},
      {"usage.request_duration_ms", T::kNumber, "Average request duration in milliseconds (App Runner active time).", All("100"), {}, 0, 3600000},
      {"usage.concurrent_requests", T::kNumber, "Requests an active instance serves at the same time, on average (App Runner active time).", {"1", "1", "2"}, {}, 1, 200},
      {"usage.egress_gb_per_month", T::kNumber, "GB the app sends to the internet per month (data transfer out).", {"1", "5", "50"}, {}, 0, 1e9},
      {"usage.nat_gb_per_month", T::kNumber, "GB through the NAT gateways per month (data processed).", {"1", "5", "20"}, {}, 0, 1e9},
      {"usage.log_gb_per_month", T::kNumber, "GB of application logs ingested into CloudWatch Logs per month.", {"0.5", "1", "5"}, {}, 0, 1e9},
      {"usage.db_storage_growth_gb", T::kNumber, "GB the database storage autoscaling adds above database.allocated_storage (capped at max_allocated_storage).", {"0", "0", "10"}, {}, 0, 65536},
      {"usage.backup_storage_gb", T::kNumber, "GB of database backup storage (automated backups and snapshots); billed beyond the free allowance equal to the provisioned storage.", {"20", "40", "100"}, {}, 0, 1e9},
      {"usage.image_storage_gb", T::kNumber, "GB of container images kept in the ECR repository.", {"1", "2", "5"}, {}, 0, 1e9},
      {"usage.trace_sample_rate", T::kNumber, "Fraction of requests X-Ray records when app.tracing is on (the default sampling rule keeps about 5%).", All("0.05"), {}, 0, 1},
      {"tags.cost_center", T::kString, "CostCenter tag on every resource.", {}, {}},
      {"tags.extra", T::kStringMap, "More tags on every resource (Key: value).", {}, {}, 0, 0, C::kTagKey},

      // Secrets at rest in this file (src/config/secrets.h). Written by the first
      // `blueprint config set --secret`; never edit them by hand.
      {"encryption.salt", T::kString, "Per-stack random salt (base64, 16 bytes) for deriving the key that encrypts app.secrets {secure} values.", {}, {}, 0, 0, C::kSalt},
      {"encryption.iterations", T::kInt, "PBKDF2-HMAC-SHA256 iterations for that key (OWASP 2023: 600,000 or more).", All("600000"), {}, 600000, 100000000},
      {"encryption.check", T::kString, "A fixed text encrypted with the key: tells a wrong passphrase from an altered value.", {}, {}, 0, 0, C::kSecureValue},

      {"guards.allow_no_waf", T::kString, "Reason for running a production-guarded stack without WAF.", {}, {}, 0, 0, C::kReason},
      {"guards.allow_single_az", T::kString, "Reason for a single-AZ database in a production-guarded stack.", {}, {}, 0, 0, C::kReason},
      {"guards.allow_no_deletion_protection", T::kString, "Reason for a production-guarded database without deletion protection.", {}, {}, 0, 0, C::kReason},
      {"guards.allow_no_backups", T::kString, "Reason for a production-guarded database with less than 7 days of backups or no AWS Backup plan.", {}, {}, 0, 0, C::kReason},
      {"guards.allow_no_alerts", T::kString, "Reason for a production-guarded stack without an alert email.", {}, {}, 0, 0, C::kReason},
  };
}

}  // namespace

const std::vector<FieldSpec>& ConfigSchema() {
  static const std::vector<FieldSpec> kSchema = BuildSchema();
  return kSchema;
}

const FieldSpec* FindField(const std::string& key) {
  for (const auto& f : ConfigSchema())
    if (f.key == key) return &f;
  return nullptr;
}

std::vector<std::string> KeysUnder(const std::string& prefix) {
  std::set<std::string> keys;
  std::string p = prefix.empty() ? "" : prefix + ".";
  for (const auto& f : ConfigSchema()) {
    if (!StartsWith(f.key, p)) continue;
    std::string rest = f.key.substr(p.size());
    keys.insert(rest.substr(0, rest.find('.')));
  }
  return {keys.begin(), keys.end()};
}

bool IsSection(const std::string& key) {
  for (const auto& f : ConfigSchema())
    if (StartsWith(f.key, key + ".")) return true;
  return false;
}

const std::vector<ProfileTraits>& Profiles() {
  static const std::vector<ProfileTraits> kProfiles = {
      {Profile::kDev, "dev", false},
      {Profile::kStaging, "staging", false},
      {Profile::kProd, "prod", true},
  };
  return kProfiles;
}

const ProfileTraits* FindProfile(const std::string& name) {
  for (const auto& p : Profiles())
    if (name == p.name) return &p;
  return nullptr;
}

const std::vector<GuardSpec>& Guards() {
  static const std::vector<GuardSpec> kGuards = {
      {"allow_no_waf", "WAF (features.waf)"},
      {"allow_single_az", "a Multi-AZ database (database.multi_az)"},
      {"allow_no_deletion_protection", "database deletion protection (database.deletion_protection)"},
      {"allow_no_backups", "database backups (database.backup_retention_days >= 7 and features.backup)"},
      {"allow_no_alerts", "an alert email (alerts.emails)"},
  };
  return kGuards;
}

namespace {

const char* TypeName(const FieldSpec& f) {
  switch (f.type) {
    case T::kString: return "string";
    case T::kInt: return "integer";
    case T::kNumber: return "number";
    case T::kBool: return "boolean";
    case T::kEnum: return "one of";
    case T::kStringList: return "list of strings";
    case T::kStringMap: return "map";
    case T::kSecretMap: return "map of secrets";
  }
  return "";
}

std::string Cell(const std::string& s) {
  if (s.empty()) return "-";
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return "`" + out + "`";
}

}  // namespace

std::string ConfigReferenceMarkdown() {
  std::string out =
      "# Config reference\n\n"
      "Generated by `blueprint docs config` from the table the parser uses "
      "(src/config/schema.cc); `make docs` rewrites this file and a test fails when it drifts.\n\n"
      "Every key is optional unless marked required; a key not written in `stack.yaml` takes the "
      "value of the stack's profile column.\n\n"
      "| key | type | dev | staging | prod | description |\n"
      "|---|---|---|---|---|---|\n";
  for (const auto& f : ConfigSchema()) {
    std::string type = TypeName(f);
    if (f.type == T::kEnum) type += " " + Join(f.allowed, ", ");
    if (f.min < f.max) {
      type += " (" + std::to_string(static_cast<long long>(f.min)) + " to " +
              std::to_string(static_cast<long long>(f.max)) + ")";
    }
    out += "| `" + f.key + "`" + (f.required ? " (required)" : "") + " | " + type + " | " +
           Cell(f.defaults[0]) + " | " + Cell(f.defaults[1]) + " | " + Cell(f.defaults[2]) + " | " +
           f.doc + " |\n";
  }
  out += "\n## Production guards\n\n"
         "A profile with production guards (prod) refuses a config that turns one of these off, "
         "unless `guards.<name>` gives a written reason:\n\n"
         "| guard | protects |\n|---|---|\n";
  for (const auto& g : Guards()) out += "| `" + g.guard + "` | " + g.what + " |\n";
  return out;
}

}  // namespace bp
