#include "config/schema.h"

#include <algorithm>
#include <map>
#include <set>

#include "naming/aws_tables.h"
#include "util/strings.h"

namespace bp {

namespace {

using T = FieldType;
using C = FieldCheck;

using Json = bp::Json;
using SC = StackConfig;

// Helper to keep the table readable: same default for every profile.
std::array<std::string, 3> All(const std::string& v) { return {v, v, v}; }


// Keys that change no template on purpose (FieldSpec::no_template_effect).
const std::string kDeployTimeOnly =
    "deploy time only: derives the key that decrypts app.secrets {secure} values, which reach the "
    "stack as NoEcho parameters, never as template text";
const std::string kValidationOnly =
    "validation only: the written reason that lets a production-guarded stack turn a protection off";
const std::string kOriginSecretDeployTime =
    "deploy time only: `up` decrypts it into the NoEcho origin-secret parameters of the main and global "
    "stacks; the template never holds it";
const std::string kCheckOnly =
    "check and up only: accepts a finding of `blueprint check`, which reads the templates and changes none";
const std::string kCostOnly = "cost estimate only: an assumption `blueprint cost` prices usage with";

// Adding a facet to a row (config/schema.h).
FieldSpec With(FieldSpec f, Needs needs) {
  f.needs.push_back(std::move(needs));
  return f;
}
FieldSpec With(FieldSpec f, OnePlatform platform) {
  f.platform = std::move(platform);
  return f;
}
FieldSpec With(FieldSpec f, DefaultWhen when) {
  f.default_when.push_back(std::move(when));
  return f;
}
FieldSpec With(FieldSpec f, Guard guard) {
  f.guard = std::move(guard);
  return f;
}

const Needs kWithWaf = {{{"features.waf", {"true"}}}};
const Needs kWithCloudFront = {{{"features.cloudfront", {"true"}}}};
// The origin secret guards the service's own address; a VPC origin has none
// (docs/edge.md). Written from UsesVpcOrigin: the platforms on which no ingress uses
// one, or the ingresses no platform reaches through one (apprunner; public, private).
// The union is the predicate's "no" exactly when its "yes" is one platform and ingress
// pair, as it is (tests/config_schema_test.cc checks every pair).
Needs WithoutVpcOrigin() {
  KeyIs platforms{"compute.platform"}, ingresses{"compute.ingress"};
  for (const auto& p : kComputePlatformNames)
    if (std::none_of(std::begin(kIngressNames), std::end(kIngressNames),
                     [&](const auto& i) { return UsesVpcOrigin(p.value, i.value); }))
      platforms.values.push_back(p.name);
  for (const auto& i : kIngressNames)
    if (std::none_of(std::begin(kComputePlatformNames), std::end(kComputePlatformNames),
                     [&](const auto& p) { return UsesVpcOrigin(p.value, i.value); }))
      ingresses.values.push_back(i.name);
  return {{platforms, ingresses},
          "with compute.ingress edge on ecs-express CloudFront reaches the internal load balancer through a VPC "
          "origin, which nothing else can reach; remove it"};
}
const Needs kWithOriginSecretOrigin = WithoutVpcOrigin();
const Needs kWithGithubRepo = {{{"github.org"}}, "set github.org and github.repo, or remove it", true};
const std::string kBackupsGuarded = "database backups (7 days or more and an AWS Backup plan)";

// The retention periods CloudWatch Logs accepts, for every *.log_retention_days key.
// Src: data/cfn-spec.json AWS::Logs::LogGroup RetentionInDays (allowed values).
const std::vector<std::string> kLogRetentionDays = {"1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400", "545", "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653"};

// Reading a parsed value (JSON as ParseValue produced it) into a StackConfig field.
void Read(const Json& v, std::string* out) { *out = v.get<std::string>(); }
void Read(const Json& v, int* out) {
  // kEnum rows over numbers (database.monitoring_interval) hold the number as text.
  *out = v.is_string() ? std::stoi(v.get<std::string>()) : v.get<int>();
}
void Read(const Json& v, double* out) { *out = v.get<double>(); }
void Read(const Json& v, bool* out) { *out = v.get<bool>(); }
void Read(const Json& v, std::vector<std::string>* out) { *out = v.get<std::vector<std::string>>(); }
void Read(const Json& v, std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  for (const auto& [name, value] : v.items()) out->emplace_back(name, value.get<std::string>());
}
void Read(const Json& v, std::vector<Acknowledgement>* out) {
  out->clear();
  for (const auto& [key, a] : v.items()) {
    const size_t slash = key.find('/');
    out->push_back({key.substr(0, slash), slash == std::string::npos ? "" : key.substr(slash + 1),
                    a.value("reason", ""), a.value("expires", "")});
  }
}
void Read(const Json& v, std::vector<AppSecret>* out) {
  out->clear();
  for (const auto& [name, s] : v.items()) out->push_back({name, s.value("secure", ""), s.value("arn", "")});
}
// An enum's value by the name stack.yaml writes (the parser admitted only its names).
template <typename E, size_t N>
void ReadEnum(const Json& v, const EnumName<E> (&table)[N], E* out) {
  const std::string name = v.get<std::string>();
  for (const auto& row : table)
    if (name == row.name) *out = row.value;
}
void Read(const Json& v, ComputePlatform* out) { ReadEnum(v, kComputePlatformNames, out); }
void Read(const Json& v, Ingress* out) { ReadEnum(v, kIngressNames, out); }
void Read(const Json& v, NatMode* out) { ReadEnum(v, kNatModeNames, out); }

std::vector<std::string> ProfileNames() {
  std::vector<std::string> names;
  for (const auto& p : Profiles()) names.push_back(p.name);
  return names;
}

// The binding of a row: the member path from StackConfig to the field
// (F<&SC::app, &AppConfig::port> fills config->app.port).
template <auto... Members>
void F(const FieldSpec&, const Json& value, StackConfig* config) {
  Read(value, &((*config) .* ... .* Members));
}

void BindProfile(const FieldSpec&, const Json& value, StackConfig* config) {
  const ProfileTraits* p = FindProfile(value.get<std::string>());
  config->profile = p->profile;
  config->production_guards = p->production_guards;
}

// guards.<name> -> config->guards[<name>]
void BindGuard(const FieldSpec& spec, const Json& value, StackConfig* config) {
  config->guards[spec.key.substr(spec.key.find('.') + 1)] = value.get<std::string>();
}

std::vector<FieldSpec> Rows() {
  // Defaults: {dev, staging, prod}. They mirror the original blueprint's per-stage
  // constants: small and cheap in dev, prod sized for steady traffic and protected.
  return {
      {"profile", BindProfile, T::kEnum, "Which column of the profile table supplies the defaults.", {}, ProfileNames(), 0, 0, C::kNone, true},
      {"region", F<&SC::region>, T::kString, "AWS region of the main stack (global resources go to us-east-1).", All("us-east-1"), {}, 0, 0, C::kRegion},
      {"account", F<&SC::account>, T::kString, "AWS account ID (12 digits) the environment deploys into. Environments naming the same account (or all, when none names one) share one account stack; the manifest's environment becomes aws://ACCOUNT/REGION. Empty: aws://unknown-account/REGION.", {}, {}, 0, 0, C::kAwsAccountId},

      {"app.name", F<&SC::app, &AppConfig::name>, T::kString, "Application name: lowercase letters, digits and single hyphens, letter first, 2 to 50 characters. Resource names derive from it.", {}, {}, 0, 0, C::kAppName, true},
      // App Runner stays the bundled environments' platform; ecs-express is for accounts App
      // Runner no longer admits (closed to new customers on 2026-04-30, reference/aws-facts.md 13).
      {"compute.platform", F<&SC::app, &AppConfig::platform>, T::kEnum, "Compute platform that runs the app: apprunner (AWS App Runner, for accounts that already use it; closed to new customers since 2026-04-30) or ecs-express (Amazon ECS Express Mode on Fargate behind an Application Load Balancer; see docs/compute.md).", All("apprunner"), NamesIn(kComputePlatformNames)},
      // No profile default: the platform decides, through the DefaultWhen facets.
      With(With({"compute.ingress", F<&SC::app, &AppConfig::ingress>, T::kEnum, "Where requests enter. public: the service's own address answers the internet (App Runner; on ecs-express the service and its load balancer run in the public subnets). private: reachable only inside the VPC (a VPN, peering; ecs-express only: an internal load balancer). edge: CloudFront is the one entry point and turns features.cloudfront on (ecs-express: an internal load balancer that CloudFront reaches through a VPC origin; App Runner: the service answers only requests carrying CloudFront's origin secret). See docs/compute.md, Ingress layouts.", {}, NamesIn(kIngressNames)},
                DefaultWhen{{{"compute.platform", {"apprunner"}}}, "public"}),
           DefaultWhen{{{"compute.platform", {"ecs-express"}}}, "edge", "ECS Express Mode's tasks stay private and still serve the internet"}),
      {"app.port", F<&SC::app, &AppConfig::port>, T::kInt, "Port the container listens on.", All("8080"), {}, 1, 65535},
      {"app.cpu", F<&SC::app, &AppConfig::cpu>, T::kString, "vCPU per instance, as the compute platform offers it (App Runner: 0.25 vCPU, 0.5 vCPU, 1 vCPU, 2 vCPU or 4 vCPU; ecs-express (Fargate): also 8 vCPU and 16 vCPU).", {"0.25 vCPU", "0.25 vCPU", "0.5 vCPU"}, {}},
      {"app.memory", F<&SC::app, &AppConfig::memory>, T::kString, "Memory per instance; must pair with app.cpu (App Runner: 0.25 vCPU: 0.5 or 1 GB; 0.5: 1 GB; 1: 2-4 GB; 2: 4 or 6 GB; 4: 8-12 GB. ecs-express (Fargate): 0.25 vCPU: 0.5, 1 or 2 GB; 0.5: 1-4 GB; 1: 2-8 GB; 2: 4-16 GB; 4: 8-30 GB, in 1 GB steps; 8: 16-60 GB in 4 GB steps; 16: 32-120 GB in 8 GB steps).", {"0.5 GB", "0.5 GB", "1 GB"}, {}},
      {"app.start_command", F<&SC::app, &AppConfig::start_command>, T::kString, "Overrides the image's entrypoint and command.", {}, {}},
      {"app.env", F<&SC::app, &AppConfig::env>, T::kStringMap, "Plain environment variables (NAME: value). Never put secrets here; use app.secrets.", {}, {}, 0, 0, C::kEnvVarName},
      {"app.secrets", F<&SC::app, &AppConfig::secrets>, T::kSecretMap, "Secrets the app reads as environment variables: NAME: {secure: ...} (written by `blueprint config set --secret`) or NAME: {arn: <Secrets Manager or SSM ARN>}.", {}, {}, 0, 0, C::kEnvVarName},
      {"app.log_retention_days", F<&SC::app, &AppConfig::log_retention_days>, T::kEnum, "Days the app's logs are kept: ecs-express's log group; on App Runner the service and application log groups App Runner creates, whose retention a custom resource sets after the service exists (docs/operations.md). Also the retention of that custom resource's own log.", {"7", "30", "90"}, kLogRetentionDays},
      With({"app.tracing", F<&SC::app, &AppConfig::tracing>, T::kBool, "AWS X-Ray tracing: App Runner's observability configuration (X-Ray).", {"false", "false", "true"}, {}}, OnePlatform{ComputePlatform::kAppRunner, "Express Mode runs one container, so no X-Ray collector runs beside the app and tracing would record nothing (an app can still export OpenTelemetry traces itself)", true}),
      {"app.health_check.protocol", F<&SC::app, &AppConfig::health_check, &HealthCheckConfig::protocol>, T::kEnum, "Health check protocol (App Runner; ecs-express checks HTTP only).", All("HTTP"), {"HTTP", "TCP"}},
      With({"app.health_check.path", F<&SC::app, &AppConfig::health_check, &HealthCheckConfig::path>, T::kString, "HTTP health check path.", All("/"), {}, 0, 0, C::kHttpPath}, Needs{{{"app.health_check.protocol", {"HTTP"}}}}),
      With({"app.health_check.interval", F<&SC::app, &AppConfig::health_check, &HealthCheckConfig::interval_seconds>, T::kInt, "Seconds between health checks.", All("10"), {}, 1, 20}, OnePlatform{ComputePlatform::kAppRunner, "the load balancer checks every 30 s"}),
      With({"app.health_check.timeout", F<&SC::app, &AppConfig::health_check, &HealthCheckConfig::timeout_seconds>, T::kInt, "Seconds to wait for a health check answer.", All("5"), {}, 1, 20}, OnePlatform{ComputePlatform::kAppRunner, "the load balancer waits 5 s"}),
      With({"app.health_check.healthy_threshold", F<&SC::app, &AppConfig::health_check, &HealthCheckConfig::healthy_threshold>, T::kInt, "Successes before an instance counts as healthy.", All("1"), {}, 1, 20}, OnePlatform{ComputePlatform::kAppRunner, "the load balancer needs 5 successes"}),
      With({"app.health_check.unhealthy_threshold", F<&SC::app, &AppConfig::health_check, &HealthCheckConfig::unhealthy_threshold>, T::kInt, "Failures before an instance counts as unhealthy.", All("5"), {}, 1, 20}, OnePlatform{ComputePlatform::kAppRunner, "the load balancer needs 2 failures"}),
      {"app.scaling.min_size", F<&SC::app, &AppConfig::scaling, &ScalingConfig::min_size>, T::kInt, "Instances always provisioned (App Runner: 1 to 25; ecs-express: tasks, at least 1).", All("1"), {}, 1, 1000},
      {"app.scaling.max_size", F<&SC::app, &AppConfig::scaling, &ScalingConfig::max_size>, T::kInt, "Most instances, at least min_size (App Runner: 1 to 25; ecs-express: tasks).", {"2", "3", "5"}, {}, 1, 1000},
      With({"app.scaling.max_concurrency", F<&SC::app, &AppConfig::scaling, &ScalingConfig::max_concurrency>, T::kInt, "Concurrent requests per instance before scaling out (App Runner: 1 to 200).", {"10", "15", "25"}, {}, 1, 1000}, OnePlatform{ComputePlatform::kAppRunner, "it scales on average CPU at 60%"}),

      {"github.org", F<&SC::github, &GithubConfig::org>, T::kString, "GitHub organisation or user that may deploy (OIDC). Empty: no deploy role.", {}, {}, 0, 0, C::kGithubOwner},
      {"github.repo", F<&SC::github, &GithubConfig::repo>, T::kString, "GitHub repository that may deploy.", {}, {}, 0, 0, C::kGithubRepo},
      // prod: no branch by default, so only jobs in a GitHub environment (approval) deploy.
      {"github.branches", F<&SC::github, &GithubConfig::branches>, T::kStringList, "Branches whose workflows may assume the deploy role (subject repo:ORG/REPO:ref:refs/heads/BRANCH). A job that names a GitHub environment presents the environment instead: list that under environments. With environments set and this key not written, the profile's default is dropped: the environment (its reviewers) is the only way in.", {"[main]", "[main]", ""}, {}, 0, 0, C::kGitRef},
      {"github.environments", F<&SC::github, &GithubConfig::environments>, T::kStringList, "GitHub environments whose jobs may assume the deploy role (subject repo:ORG/REPO:environment:NAME). `blueprint workflow` runs the deploy job in the first one.", {}, {}, 0, 0, C::kGitRef},
      With({"github.owner_id", F<&SC::github, &GithubConfig::owner_id>, T::kString, "Numeric ID of the owner, with repo_id: for repositories that present immutable OIDC subjects (created or renamed since 2026-07-15), repo:ORG@OWNER_ID/REPO@REPO_ID:... (`gh api repos/ORG/REPO --jq .owner.id`).", {}, {}, 0, 0, C::kGithubId}, kWithGithubRepo),
      With({"github.repo_id", F<&SC::github, &GithubConfig::repo_id>, T::kString, "Numeric ID of the repository, with owner_id (`gh api repos/ORG/REPO --jq .id`).", {}, {}, 0, 0, C::kGithubId}, kWithGithubRepo),
      With({"github.oidc_provider_arn", F<&SC::github, &GithubConfig::oidc_provider_arn>, T::kString, "An existing GitHub OIDC provider of the account (arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com): the deploy role trusts it and the account stack creates none.", {}, {}, 0, 0, C::kOidcProviderArn}, kWithGithubRepo),

      {"network.cidr", F<&SC::network, &NetworkConfig::cidr>, T::kString, "VPC IPv4 block, /16 to /28; must hold 2 x max_az_count subnet slots of /28 or larger.", {"10.0.0.0/24", "10.1.0.0/24", "10.2.0.0/24"}, {}, 0, 0, C::kCidr},
      {"network.az_count", F<&SC::network, &NetworkConfig::az_count>, T::kInt, "Availability zones (2 to 6; RDS needs 2; at most the region's AZs and network.max_az_count). With network.az_ids, the number of IDs listed.", All("2"), {}, 2, 6},
      // 2 keeps the layout of stacks deployed before the slots existed (naming/cidr.h).
      {"network.max_az_count", F<&SC::network, &NetworkConfig::max_az_count>, T::kInt, "AZs the subnet layout reserves room for: az_count can grow up to it without moving any subnet's CIDR (the VPC is split into 2 x max_az_count slots, rounded up to a power of two). Equal to az_count, the layout is the one of a stack without reserved slots; any other change moves every subnet, which EC2 refuses on a deployed stack: choose it before the first deploy.", All("2"), {}, 2, 6},
      {"network.az_ids", F<&SC::network, &NetworkConfig::az_ids>, T::kStringList, "Availability Zone IDs to use, in order (e.g. [euw3-az1, euw3-az2]); empty: the first az_count AZs of the region in the account's order. IDs name the same physical AZ in every account; use them to avoid AZs that cannot host App Runner VPC connector subnets. Choose before the first deploy: changing them replaces the subnets.", {}, {}, 0, 0, C::kAzId},
      With({"network.nat", F<&SC::network, &NetworkConfig::nat>, T::kEnum, "Private subnet egress: gateway (one NAT gateway), gateway-per-az (one per AZ: egress survives the loss of an AZ), instance (self-healing NAT instance per AZ, the fck-nat pattern) or none (no internet from the private subnets).", {"instance", "instance", "gateway-per-az"}, NamesIn(kNatModeNames)},
           DefaultWhen{{{"compute.platform", {"ecs-express"}}, {"compute.ingress", {"public"}}}, "none", "no NAT is on any path: the tasks use VPC endpoints, and nothing else of the blueprint in the private subnets calls out"}),
      With({"network.nat_instance_type", F<&SC::network, &NetworkConfig::nat_instance_type>, T::kString, "EC2 instance type of the NAT instance (arm64 / Graviton).", All("t4g.nano"), {}, 0, 0, C::kInstanceType}, Needs{{{"network.nat", {"instance"}}}}),
      // Src: DOC:vpc/latest/userguide/flow-logs-cwl.html (flow logs to CloudWatch Logs).
      {"network.flow_logs", F<&SC::network, &NetworkConfig::flow_logs>, T::kBool, "VPC flow logs: every accepted and rejected flow of the VPC's network interfaces, to a CloudWatch Logs group (output FlowLogGroupName) kept network.flow_logs_retention_days. Billed per GB ingested (vended logs).", {"false", "false", "true"}, {}},
      With({"network.flow_logs_retention_days", F<&SC::network, &NetworkConfig::flow_logs_retention_days>, T::kEnum, "Days the flow log group keeps records.", {"7", "30", "90"}, kLogRetentionDays}, Needs{{{"network.flow_logs", {"true"}}}}),

      {"database.instance_class", F<&SC::database, &DatabaseConfig::instance_class>, T::kString, "RDS instance class.", {"db.t4g.micro", "db.t4g.micro", "db.t4g.small"}, {}, 0, 0, C::kDbClass},
      {"database.allocated_storage", F<&SC::database, &DatabaseConfig::allocated_storage_gb>, T::kInt, "Initial gp3 storage in GiB (20 to 65536).", {"20", "20", "50"}, {}, 20, 65536},
      {"database.max_allocated_storage", F<&SC::database, &DatabaseConfig::max_allocated_storage_gb>, T::kInt, "Storage autoscaling ceiling in GiB (at least allocated_storage).", {"50", "100", "1000"}, {}, 20, 65536},
      {"database.engine_version", F<&SC::database, &DatabaseConfig::engine_version>, T::kString, "PostgreSQL version: 17 (RDS picks the default minor) or 17.x.", All("17"), {}, 0, 0, C::kEngineVersion},
      {"database.db_name", F<&SC::database, &DatabaseConfig::db_name>, T::kString, "Name of the database created at launch.", All("app"), {}, 0, 0, C::kDbName},
      {"database.username", F<&SC::database, &DatabaseConfig::username>, T::kString, "Master username (CloudFormation generates the password into a Secrets Manager secret that is not rotated; docs/database.md).", All("dbadmin"), {}, 0, 0, C::kDbUsername},
      With({"database.multi_az", F<&SC::database, &DatabaseConfig::multi_az>, T::kBool, "Standby in a second AZ.", {"false", "false", "true"}, {}}, Guard{"allow_single_az", "a Multi-AZ database"}),
      With({"database.deletion_protection", F<&SC::database, &DatabaseConfig::deletion_protection>, T::kBool, "Refuse to delete the database.", {"false", "false", "true"}, {}}, Guard{"allow_no_deletion_protection", "database deletion protection"}),
      With({"database.backup_retention_days", F<&SC::database, &DatabaseConfig::backup_retention_days>, T::kInt, "Automated backup retention (0 to 35 days; 0 turns backups off).", {"1", "7", "14"}, {}, 0, 35}, Guard{"allow_no_backups", kBackupsGuarded, 7}),
      {"database.performance_insights", F<&SC::database, &DatabaseConfig::performance_insights>, T::kBool, "Performance Insights with 7 days retention.", {"false", "false", "true"}, {}},
      {"database.monitoring_interval", F<&SC::database, &DatabaseConfig::monitoring_interval_seconds>, T::kEnum, "Enhanced monitoring interval in seconds (0 = off).", {"0", "0", "60"}, {"0", "1", "5", "10", "15", "30", "60"}},
      {"database.max_connections", F<&SC::database, &DatabaseConfig::max_connections>, T::kInt, "PostgreSQL max_connections.", {"50", "100", "200"}, {}, 10, 5000},
      {"database.log_statement", F<&SC::database, &DatabaseConfig::log_statement>, T::kEnum, "Statements PostgreSQL logs whatever their duration: none, ddl (CREATE, ALTER, DROP; ALTER ROLE ... PASSWORD included, in clear), mod (ddl plus INSERT, UPDATE, DELETE...) or all. mod and all write the statements' values, literals and bind parameters alike, to CloudWatch Logs: use them for a debugging session, not as a standing setting.", {"ddl", "ddl", "none"}, {"none", "ddl", "mod", "all"}},
      // Src: reference/aws-facts.md 3.1 (SCHEMA:aws-rds-dbinstance PreferredBackupWindow, PreferredMaintenanceWindow).
      {"database.backup_window", F<&SC::database, &DatabaseConfig::backup_window>, T::kString, "Daily automated backup window, UTC (hh24:mi-hh24:mi, 30 minutes or more, not overlapping the maintenance window).", All("02:00-02:30"), {}, 0, 0, C::kBackupWindow},
      {"database.maintenance_window", F<&SC::database, &DatabaseConfig::maintenance_window>, T::kString, "Weekly maintenance window, UTC (ddd:hh24:mi-ddd:hh24:mi).", All("sun:03:00-sun:03:30"), {}, 0, 0, C::kMaintenanceWindow},
      // Src: CFNREF:aws-resource-rds-dbinstance (EngineLifecycleSupport), reference/aws-facts.md 15.
      {"database.engine_lifecycle_support", F<&SC::database, &DatabaseConfig::engine_lifecycle_support>, T::kEnum, "RDS Extended Support when PostgreSQL 17's standard support ends: open-source-rds-extended-support keeps the major version and bills Extended Support; open-source-rds-extended-support-disabled bills nothing and RDS upgrades the major version.", {"open-source-rds-extended-support-disabled", "open-source-rds-extended-support-disabled", "open-source-rds-extended-support"}, {"open-source-rds-extended-support", "open-source-rds-extended-support-disabled"}},
      {"database.log_retention_days", F<&SC::database, &DatabaseConfig::log_retention_days>, T::kEnum, "Days the PostgreSQL and upgrade logs RDS exports to CloudWatch Logs are kept (set by a custom resource on the groups RDS creates; docs/operations.md).", {"7", "30", "90"}, kLogRetentionDays},
      {"database.log_min_duration_ms", F<&SC::database, &DatabaseConfig::log_min_duration_ms>, T::kInt, "Log statements slower than this (ms; -1 = off).", All("1000"), {}, -1, 3600000},

      {"registry.untagged_expiry_days", F<&SC::registry, &RegistryConfig::untagged_expiry_days>, T::kInt, "Days before untagged images expire.", {"7", "14", "30"}, {}, 1, 3650},
      {"registry.keep_tagged", F<&SC::registry, &RegistryConfig::keep_tagged>, T::kInt, "Newest tagged images kept.", {"5", "10", "20"}, {}, 1, 1000},
      {"registry.immutable_tags", F<&SC::registry, &RegistryConfig::immutable_tags>, T::kBool, "Refuse to overwrite an image tag.", {"false", "false", "true"}, {}},
      {"registry.empty_on_delete", F<&SC::registry, &RegistryConfig::empty_on_delete>, T::kBool, "Delete the images with the stack.", {"true", "true", "false"}, {}},

      {"features.cloudfront", F<&SC::features, &FeaturesConfig::cloudfront>, T::kBool, "CloudFront distribution in front of the service (the environment's global stack, us-east-1): HTTPS only, HTTP/2 and 3, IPv6, compression; with features.waf its web ACL is CLOUDFRONT-scoped there. The service itself then answers CloudFront alone: through its secret origin header (cloudfront.origin_secret; docs/edge.md), or on ecs-express with compute.ingress edge through a VPC origin to an internal load balancer. On with compute.ingress edge.", All("false"), {}},
      // Src: reference/aws-facts.md 5.1 (SCHEMA:aws-cloudfront-distribution PriceClass).
      With({"cloudfront.price_class", F<&SC::cloudfront, &CloudFrontConfig::price_class>, T::kEnum, "Which edge locations serve viewers: PriceClass_100 (North America, Europe, Israel), PriceClass_200 (adds Asia, Middle East, Africa), PriceClass_All (every location, highest price).", {"PriceClass_100", "PriceClass_100", "PriceClass_All"}, {"PriceClass_100", "PriceClass_200", "PriceClass_All"}}, kWithCloudFront),
      With({"cloudfront.cache_policy", F<&SC::cloudfront, &CloudFrontConfig::cache_policy>, T::kEnum, "The managed cache policy of the default behaviour: caching-disabled (every request reaches the app: dynamic apps) or caching-optimized (CloudFront caches per the app's Cache-Control, ignoring cookies and query strings in the cache key: static content only).", All("caching-disabled"), {"caching-disabled", "caching-optimized"}}, kWithCloudFront),
      With(With({"cloudfront.origin_secret", F<&SC::cloudfront, &CloudFrontConfig::origin_secret>, T::kString, "The secret origin header's value, encrypted (`openssl rand -hex 32 | blueprint config set --stack ENV --secret cloudfront.origin_secret`): CloudFront sends it, the service's web ACL blocks requests without it. `up` passes it to both stacks as a NoEcho parameter.", {}, {}, 0, 0, C::kSecureValue, false, kOriginSecretDeployTime}, kWithCloudFront), kWithOriginSecretOrigin),
      With(With({"cloudfront.origin_secret_previous", F<&SC::cloudfront, &CloudFrontConfig::origin_secret_previous>, T::kString, "During a rotation, the value cloudfront.origin_secret replaces (encrypted, set with --secret): the service accepts both until it is removed (docs/edge.md, rotation).", {}, {}, 0, 0, C::kSecureValue, false, kOriginSecretDeployTime}, kWithCloudFront), kWithOriginSecretOrigin),
      {"domain.name", F<&SC::domain, &DomainConfig::name>, T::kString, "Custom domain of the distribution (www.example.com): an ACM certificate in us-east-1 validated by DNS in domain.hosted_zone_id, the distribution's alias and viewer certificate, Route 53 A and AAAA alias records. Needs features.cloudfront.", {}, {}, 0, 0, C::kDomainName},
      {"domain.hosted_zone_id", F<&SC::domain, &DomainConfig::hosted_zone_id>, T::kString, "The public Route 53 hosted zone that holds domain.name (Z...): where the certificate is validated and the alias records go.", {}, {}, 0, 0, C::kHostedZoneId},
      With({"features.waf", F<&SC::features, &FeaturesConfig::waf>, T::kBool, "WAFv2 web ACL in front of the app: AWS managed rule groups (IP reputation, common rule set, known bad inputs, optionally SQL injection) and a per-IP rate limit, logged to CloudWatch Logs (docs/edge.md).", {"false", "false", "true"}, {}}, Guard{"allow_no_waf", "WAF"}),
      // Src: reference/aws-facts.md 4.1 (SCHEMA RateBasedStatement: Limit 10 to 2,000,000,000).
      With({"waf.rate_limit", F<&SC::waf, &WafConfig::rate_limit>, T::kInt, "Requests one IP address may send in 5 minutes before the web ACL blocks it (10 to 2,000,000,000).", {"1000", "2000", "2000"}, {}, 10, 2000000000}, kWithWaf),
      With({"waf.sql_injection", F<&SC::waf, &WafConfig::sql_injection>, T::kBool, "Add the AWS SQL injection rule group (AWSManagedRulesSQLiRuleSet, 200 WCU).", {"false", "true", "true"}, {}}, kWithWaf),
      // Src: https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
      // (SizeRestrictions_BODY: bodies over 8 KB); what stays uninspected: docs/edge.md.
      With({"waf.large_bodies", F<&SC::waf, &WafConfig::large_bodies>, T::kBool, "For an API that takes request bodies over 8 KB: the common rule set's SizeRestrictions_BODY rule counts such requests instead of blocking them. WAF still inspects only the first 16 KB of a body (8 KB behind a load balancer), so what lies beyond is checked by no rule (docs/edge.md).", All("false"), {}}, kWithWaf),
      With({"waf.log_retention_days", F<&SC::waf, &WafConfig::log_retention_days>, T::kEnum, "Days the WAF log group keeps request logs.", {"7", "30", "90"}, kLogRetentionDays}, kWithWaf),
      {"features.cost_budget", F<&SC::features, &FeaturesConfig::cost_budget>, T::kBool, "Monthly AWS Budget (us-east-1, the environment's global stack) filtered on the Environment cost allocation tag: alerts at 80% actual and 100% forecast spend of budget.monthly_usd to alerts.emails and the alert topic. Activate the Environment tag for cost allocation in Billing (docs/operations.md).", All("false"), {}},
      {"features.cost_anomaly", F<&SC::features, &FeaturesConfig::cost_anomaly>, T::kBool, "Cost anomaly detection (us-east-1, the environment's global stack): a monitor scoped to the Environment tag and a daily email subscription to alerts.emails for anomalies of 10% of budget.monthly_usd or more.", All("false"), {}},
      With({"features.backup", F<&SC::features, &FeaturesConfig::backup>, T::kBool, "AWS Backup for the database: a vault, a daily plan keeping backup.retention_days, a selection of the DB instance.", {"false", "false", "true"}, {}}, Guard{"allow_no_backups", kBackupsGuarded}),
      With({"backup.retention_days", F<&SC::backup, &BackupConfig::retention_days>, T::kInt, "Days AWS Backup keeps each daily database backup.", {"7", "14", "35"}, {}, 1, 36500}, Needs{{{"features.backup", {"true"}}}}),

      With({"alerts.emails", F<&SC::alert_emails>, T::kStringList, "Addresses subscribed to the alert topic (each must confirm the email SNS sends; with features.cloudfront also to the edge alert topic in us-east-1), and the recipients of budget and cost anomaly emails.", {}, {}, 0, 0, C::kEmail}, Guard{"allow_no_alerts", "an alert email"}),
      With({"alerts.dead_letter_queue", F<&SC::alerts, &AlertsConfig::dead_letter_queue>, T::kBool, "Encrypted SQS dead-letter queue keeping alert messages SNS could not deliver to a subscription.", {"false", "false", "true"}, {}}, Needs{{{"alerts.emails"}}, "the queue keeps what subscriptions could not receive"}),
      {"alerts.http_5xx_count", F<&SC::alerts, &AlertsConfig::http_5xx_count>, T::kInt, "Alarm when the service answers this many 5xx or more in 5 minutes.", {"20", "10", "5"}, {}, 1, 1000000},
      {"alerts.error_rate_percent", F<&SC::alerts, &AlertsConfig::error_rate_percent>, T::kNumber, "Alarm when 5xx answers exceed this share of requests (5-minute periods, 2 of 3): the service's, and with features.cloudfront CloudFront's.", {"10", "5", "2"}, {}, 0.1, 100},
      {"alerts.latency_p95_ms", F<&SC::alerts, &AlertsConfig::latency_p95_ms>, T::kInt, "Alarm when the p95 request latency exceeds this (ms; 5-minute periods, 2 of 3).", {"3000", "2000", "1000"}, {}, 10, 120000},
      {"alerts.db_cpu_percent", F<&SC::alerts, &AlertsConfig::db_cpu_percent>, T::kInt, "Alarm when database CPU exceeds this (average over 5 minutes, 3 periods).", {"90", "85", "80"}, {}, 1, 100},
      {"alerts.db_free_storage_percent", F<&SC::alerts, &AlertsConfig::db_free_storage_percent>, T::kInt, "Alarm when free database storage falls below this share of database.allocated_storage.", {"10", "15", "20"}, {}, 1, 99},
      {"alerts.db_connections_percent", F<&SC::alerts, &AlertsConfig::db_connections_percent>, T::kInt, "Alarm when database connections exceed this share of database.max_connections.", {"90", "85", "80"}, {}, 1, 100},
      With({"budget.monthly_usd", F<&SC::budget_monthly_usd>, T::kNumber, "Monthly budget in USD: the AWS Budget's limit with features.cost_budget, the base of the anomaly threshold with features.cost_anomaly; `validate` also warns when the `blueprint cost` estimate exceeds it.", {"50", "100", "500"}, {}, 1, 1000000}, Needs{{{"features.cost_budget", {"true"}}, {"features.cost_anomaly", {"true"}}}, "on the templates; only `validate` reads it then, comparing the cost estimate with it"}),
      // Usage assumptions for `blueprint cost` (src/analysis/cost.h): every usage-based
      // cost line names the key it used.
      {"usage.requests_per_month", F<&SC::usage, &UsageConfig::requests_per_month>, T::kNumber, "Requests the app serves per month (App Runner active time, WAF and CloudFront requests, X-Ray traces).", {"100000", "1000000", "10000000"}, {}, 0, 1e12, C::kNone, false, kCostOnly},
      {"usage.request_duration_ms", F<&SC::usage, &UsageConfig::request_duration_ms>, T::kNumber, "Average request duration in milliseconds (App Runner active time).", All("100"), {}, 0, 3600000, C::kNone, false, kCostOnly},
      {"usage.concurrent_requests", F<&SC::usage, &UsageConfig::concurrent_requests>, T::kNumber, "Requests an active instance serves at the same time, on average (App Runner active time).", {"1", "1", "2"}, {}, 1, 200, C::kNone, false, kCostOnly},
      {"usage.egress_gb_per_month", F<&SC::usage, &UsageConfig::egress_gb_per_month>, T::kNumber, "GB the app sends to the internet per month (data transfer out).", {"1", "5", "50"}, {}, 0, 1e9, C::kNone, false, kCostOnly},
      {"usage.nat_gb_per_month", F<&SC::usage, &UsageConfig::nat_gb_per_month>, T::kNumber, "GB through the NAT gateways per month (data processed).", {"1", "5", "20"}, {}, 0, 1e9, C::kNone, false, kCostOnly},
      {"usage.log_gb_per_month", F<&SC::usage, &UsageConfig::log_gb_per_month>, T::kNumber, "GB of application logs ingested into CloudWatch Logs per month.", {"0.5", "1", "5"}, {}, 0, 1e9, C::kNone, false, kCostOnly},
      {"usage.db_storage_growth_gb", F<&SC::usage, &UsageConfig::db_storage_growth_gb>, T::kNumber, "GB the database storage autoscaling adds above database.allocated_storage (capped at max_allocated_storage).", {"0", "0", "10"}, {}, 0, 65536, C::kNone, false, kCostOnly},
      {"usage.backup_storage_gb", F<&SC::usage, &UsageConfig::backup_storage_gb>, T::kNumber, "GB of database backup storage (automated backups and snapshots); billed beyond the free allowance equal to the provisioned storage.", {"20", "40", "100"}, {}, 0, 1e9, C::kNone, false, kCostOnly},
      {"usage.image_storage_gb", F<&SC::usage, &UsageConfig::image_storage_gb>, T::kNumber, "GB of container images kept in the ECR repository.", {"1", "2", "5"}, {}, 0, 1e9, C::kNone, false, kCostOnly},
      {"usage.trace_sample_rate", F<&SC::usage, &UsageConfig::trace_sample_rate>, T::kNumber, "Fraction of requests X-Ray records when app.tracing is on (the default sampling rule keeps about 5%).", All("0.05"), {}, 0, 1, C::kNone, false, kCostOnly},
      {"tags.cost_center", F<&SC::tags, &TagsConfig::cost_center>, T::kString, "CostCenter tag on every resource.", {}, {}},
      {"tags.extra", F<&SC::tags, &TagsConfig::extra>, T::kStringMap, "More tags on every resource (Key: value).", {}, {}, 0, 0, C::kTagKey},

      // Secrets at rest in this file (src/config/secrets.h). Written by the first
      // `blueprint config set --secret`; never edit them by hand.
      {"encryption.salt", F<&SC::encryption, &EncryptionConfig::salt>, T::kString, "Per-stack random salt (base64, 16 bytes) for deriving the key that encrypts app.secrets {secure} values.", {}, {}, 0, 0, C::kSalt, false, kDeployTimeOnly},
      {"encryption.iterations", F<&SC::encryption, &EncryptionConfig::iterations>, T::kInt, "PBKDF2-HMAC-SHA256 iterations for that key: at least 600,000 (OWASP 2023), at most 2,000,000 because every command that decrypts a secret derives the key once and more iterations only make each such command slower (about 1 s per million).", All("600000"), {}, 600000, 2000000, C::kNone, false, kDeployTimeOnly},
      {"encryption.check", F<&SC::encryption, &EncryptionConfig::check>, T::kString, "A fixed text encrypted with the key: tells a wrong passphrase from an altered value.", {}, {}, 0, 0, C::kSecureValue, false, kDeployTimeOnly},

      {"checks.acknowledge", F<&SC::checks, &ChecksConfig::acknowledge>, T::kAckMap, "Findings of `blueprint check` accepted on purpose: RULE_ID (the whole environment) or RULE_ID/LogicalId (one resource) mapped to the reason, in words a reviewer can disagree with, or to {reason: ..., expires: YYYY-MM-DD}; after that day the finding is an error again. `check` lists them apart with their reasons; an unknown rule or resource is refused. See docs/check.md.", {}, {}, 0, 0, C::kCheckRuleKey, false, kCheckOnly},
  };
}

// The guards the Guard facets of `rows` name, in the order of the first key each guards,
// with the rows whose keys turn each off (in `rows`' order). The one grouping both the
// guards.<name> rows and Guards() come from.
std::vector<GuardSpec> GroupByGuard(const std::vector<FieldSpec>& rows) {
  std::vector<GuardSpec> guards;
  for (const auto& f : rows) {
    if (!f.guard) continue;
    auto it = std::find_if(guards.begin(), guards.end(), [&](const GuardSpec& g) { return g.guard == f.guard->name; });
    if (it == guards.end()) it = guards.insert(guards.end(), GuardSpec{f.guard->name, f.guard->what, {}});
    it->keys.push_back(&f);
  }
  return guards;
}

// The rows above, then one guards.<name> row per guard: the reason that lets a
// production-guarded stack turn that protection off.
std::vector<FieldSpec> BuildSchema() {
  std::vector<FieldSpec> rows = Rows();
  std::vector<FieldSpec> reasons;
  for (const GuardSpec& g : GroupByGuard(rows)) {
    std::vector<std::string> off;
    for (const FieldSpec* f : g.keys) off.push_back(f->key + " " + DescribeGuardOff(*f));
    reasons.push_back({"guards." + g.guard, BindGuard, T::kString,
                       "Reason for turning off " + g.what + " in a production-guarded stack (" + Join(off, " or ") + ").",
                       {}, {}, 0, 0, C::kReason, false, kValidationOnly});
  }
  rows.insert(rows.end(), reasons.begin(), reasons.end());
  return rows;
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
  const std::string prefix = key + ".";
  for (const auto& f : ConfigSchema())
    if (StartsWith(f.key, prefix)) return true;
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
  static const std::vector<GuardSpec> kGuards = GroupByGuard(ConfigSchema());
  return kGuards;
}

std::string DescribeNeeds(const Needs& needs) {
  std::vector<std::string> any;
  for (const KeyIs& k : needs.any)
    any.push_back(k.key + (k.values.empty() ? " is set" : " is " + JoinOr(k.values)));
  return Join(any, " or ");
}

std::string DescribeDefaultWhen(const DefaultWhen& d) {
  std::vector<std::string> all;
  for (const KeyIs& k : d.all) all.push_back(k.key + " is " + JoinOr(k.values));
  return Join(all, " and ");
}

std::string DescribeGuardOff(const FieldSpec& f) {
  switch (f.type) {
    case T::kBool: return "false";
    case T::kStringList: return "empty";
    default: return "below " + std::to_string(f.guard ? f.guard->at_least : 0);
  }
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
    case T::kAckMap: return "map of acknowledgements";
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
      "The facet columns say when a key has an effect (the loader warns about a key written where it has "
      "none, or refuses it where the cell says so): **platform**, the one compute platform it "
      "configures; **needs**, what must hold for it to change anything; **guard**, the production "
      "guard whose written reason a prod stack needs to turn it off (see below).\n\n"
      "| key | type | dev | staging | prod | platform | needs | guard | description |\n"
      "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& f : ConfigSchema()) {
    std::string type = TypeName(f);
    if (f.type == T::kEnum) type += " " + Join(f.allowed, ", ");
    if (f.check == C::kRegion) {
      std::vector<std::string> regions;
      for (const auto& r : SupportedRegions()) regions.push_back(r.name);
      type += ", a region where App Runner runs: " + Join(regions, ", ");
    }
    if (f.min < f.max) {
      type += " (" + std::to_string(static_cast<long long>(f.min)) + " to " +
              std::to_string(static_cast<long long>(f.max)) + ")";
    }
    std::string doc = f.doc;
    if (!f.no_template_effect.empty()) doc += " No template change: " + f.no_template_effect + ".";
    std::string platform = "-";
    if (f.platform) {
      std::vector<std::string> others;
      for (const auto& p : kComputePlatformNames)
        if (p.value != f.platform->platform) others.push_back(p.name);
      platform = std::string(ComputePlatformName(f.platform->platform)) + " (" + JoinOr(others) +
                 (f.platform->refuse ? " refuses it: " : " warns: ") + f.platform->elsewhere + ")";
    }
    std::vector<std::string> needs;
    for (const Needs& n : f.needs) needs.push_back(DescribeNeeds(n) + (n.refuse ? " (refused without)" : ""));
    std::string guard = f.guard ? "`" + f.guard->name + "` when " + DescribeGuardOff(f) : "-";
    // A profile's default, then what another key makes it instead (why: in the description).
    std::string when;
    for (const DefaultWhen& d : f.default_when) {
      when += "; " + Cell(d.value) + " when " + DescribeDefaultWhen(d);
      if (!d.why.empty()) doc += " Default " + d.value + " when " + DescribeDefaultWhen(d) + ": " + d.why + ".";
    }
    auto defaults = [&](int column) {
      const std::string& own = f.defaults[column];
      return own.empty() && !when.empty() ? when.substr(2) : Cell(own) + when;
    };
    out += "| `" + f.key + "`" + (f.required ? " (required)" : "") + " | " + type + " | " + defaults(0) + " | " +
           defaults(1) + " | " + defaults(2) + " | " + platform + " | " +
           (needs.empty() ? "-" : Join(needs, "; and ")) + " | " + guard + " | " + doc + " |\n";
  }
  out += "\n## Production guards\n\n"
         "A profile with production guards (prod) refuses a config that turns one of these off, "
         "unless `guards.<name>` gives a written reason:\n\n"
         "| guard | protects | turned off by |\n|---|---|---|\n";
  for (const auto& g : Guards()) {
    std::vector<std::string> off;
    for (const FieldSpec* f : g.keys) off.push_back("`" + f->key + "` " + DescribeGuardOff(*f));
    out += "| `" + g.guard + "` | " + g.what + " | " + Join(off, " or ") + " |\n";
  }
  return out;
}

}  // namespace bp
