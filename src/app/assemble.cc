#include "app/app.h"

#include "cfn/spec.h"
#include "cfn/writer.h"
#include "modules/app_secrets.h"
#include "modules/cicd.h"
#include "modules/compute_apprunner.h"
#include "modules/database.h"
#include "modules/networking.h"
#include "modules/registry.h"
#include "pricing/prices.h"

namespace bp {

namespace {

ModuleContext ContextFor(const StackConfig& c) {
  ModuleContext ctx;
  ctx.name_prefix = c.app.name + "-" + c.env;
  ctx.tags = {{"Project", c.app.name}, {"Environment", c.env}, {"ManagedBy", "apprunner-blueprint"}};
  if (!c.tags.cost_center.empty()) ctx.tags.emplace_back("CostCenter", c.tags.cost_center);
  for (const auto& kv : c.tags.extra) ctx.tags.push_back(kv);
  return ctx;
}

NatPrices NatPricesFor(const std::string& nat_instance_type) {
  NatPrices p;
  p.hours_per_month = Prices().hours_per_month;
  LookupPrice("nat_gateway_hour", &p.nat_gateway_hour);
  LookupPrice("public_ipv4_hour", &p.public_ipv4_hour);
  p.instance_price_known = Ec2HourlyPrice(nat_instance_type, &p.instance_hour);
  return p;
}

DatabaseArgs DatabaseArgsFor(const DatabaseConfig& d) {
  DatabaseArgs a;
  a.engine_version = d.engine_version;
  a.instance_class = d.instance_class;
  a.allocated_storage_gb = d.allocated_storage_gb;
  a.max_allocated_storage_gb = d.max_allocated_storage_gb;
  a.db_name = d.db_name;
  a.username = d.username;
  a.multi_az = d.multi_az;
  a.deletion_protection = d.deletion_protection;
  a.backup_retention_days = d.backup_retention_days;
  a.backup_window = d.backup_window;
  a.maintenance_window = d.maintenance_window;
  a.performance_insights = d.performance_insights;
  a.monitoring_interval_seconds = d.monitoring_interval_seconds;
  a.max_connections = d.max_connections;
  a.log_statement = d.log_statement;
  a.log_min_duration_ms = d.log_min_duration_ms;
  return a;
}

// The names the database gives the app may not also come from app.env or app.secrets.
bool CheckRuntimeNames(const StackConfig& c, const DatabaseOutputs& db, Diagnostics* diags) {
  bool ok = true;
  auto taken = [&](const std::string& name, const std::string& key) {
    for (const auto& list : {&db.app_env, &db.app_secrets})
      for (const auto& [n, v] : *list)
        if (n == name) {
          diags->Error(c.LocationOf(key), key + "." + name,
                       "'" + name + "' is set by the database module (DB_HOST, DB_PORT, DB_NAME, DB_USERNAME, "
                       "DB_PASSWORD); use another name");
          ok = false;
        }
  };
  for (const auto& [name, value] : c.app.env) taken(name, "app.env");
  for (const auto& s : c.app.secrets) taken(s.name, "app.secrets");
  return ok;
}

}  // namespace

bool Assemble(const StackConfig& c, App* app, Diagnostics* diags) {
  ModuleContext ctx = ContextFor(c);
  App out;
  out.env = c.env;

  Stack main;
  main.name = ctx.name_prefix;
  main.region = c.region;
  main.role = "main";
  main.tmpl.description = "apprunner-blueprint: " + c.app.name + " (" + c.env + ", profile " +
                          ProfileName(c.profile) + ")";

  NetworkArgs net{c.network.cidr, c.network.az_count, c.network.nat, c.network.nat_instance_type,
                  NatPricesFor(c.network.nat_instance_type)};
  NetworkOutputs network = AddNetworking(ctx, net, &main.tmpl);

  RegistryArgs registry{c.registry.untagged_expiry_days, c.registry.keep_tagged, c.registry.immutable_tags,
                        c.registry.empty_on_delete};
  RegistryOutputs repository = AddRegistry(ctx, registry, &main.tmpl);

  AppRunnerArgs compute;
  compute.port = c.app.port;
  compute.cpu = c.app.cpu;
  compute.memory = c.app.memory;
  compute.start_command = c.app.start_command;
  compute.health_check = c.app.health_check;
  compute.scaling = c.app.scaling;
  compute.tracing = c.app.tracing;
  compute.vpc_id = network.vpc_id;
  compute.private_subnet_ids = network.private_subnet_ids;
  for (const auto& [name, value] : c.app.env) compute.runtime.env.emplace_back(name, value);
  ComputeOutputs service = AddAppRunnerCompute(ctx, compute, &main.tmpl);

  DatabaseArgs db = DatabaseArgsFor(c.database);
  db.vpc_id = network.vpc_id;
  db.private_subnet_ids = network.private_subnet_ids;
  db.client_security_group_id = service.connector_security_group_id;
  DatabaseOutputs database = AddDatabase(ctx, db, &main.tmpl);
  if (!CheckRuntimeNames(c, database, diags)) return false;

  AppSecretsOutputs secrets = AddAppSecrets(ctx, AppSecretsArgs{c.app.secrets}, &main.tmpl);

  // The app reaches the database and its secrets through runtime variables and
  // secrets; the instance role may read exactly those secrets.
  RuntimeInputs runtime;
  runtime.env = database.app_env;
  runtime.secrets = database.app_secrets;
  runtime.secrets.insert(runtime.secrets.end(), secrets.app_secrets.begin(), secrets.app_secrets.end());
  runtime.policy_statements = database.app_policy_statements;
  runtime.policy_statements.insert(runtime.policy_statements.end(), secrets.app_policy_statements.begin(),
                                   secrets.app_policy_statements.end());
  ExtendAppRunnerRuntime(service, runtime, &main.tmpl);

  // GitHub Actions deploys: a role trusting the account's OIDC provider (the account
  // stack's, whose ARN is fixed by its URL, or the existing one the config names).
  if (!c.github.org.empty()) {
    DeployRoleArgs deploy;
    deploy.trust = {c.github.org, c.github.repo, c.github.owner_id, c.github.repo_id, c.github.branches,
                    c.github.environments};
    deploy.provider_arn = c.github.oidc_provider_arn.empty() ? GithubOidcProviderArnFor()
                                                             : cfn::Json(c.github.oidc_provider_arn);
    deploy.repository_arn = repository.repository_arn;
    deploy.rollout = service.image_rollout;
    AddDeployRole(ctx, deploy, &main.tmpl);
  }

  out.stacks.push_back(std::move(main));

  size_t before = diags->ErrorCount();
  ValidateApp(out, diags);
  if (diags->ErrorCount() > before) return false;
  *app = std::move(out);
  return true;
}

void ValidateApp(const App& app, Diagnostics* diags) {
  // CloudFormation quotas. Src: DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
  constexpr size_t kMaxResources = 500, kMaxOutputs = 200, kMaxParameters = 200;
  constexpr size_t kMaxTemplateBytesS3 = 1024 * 1024;
  for (const auto& s : app.stacks) {
    cfn::CheckReferences(s.name, s.tmpl, diags);
    cfn::CheckAgainstSpec(s.name, s.tmpl, diags);
    const auto& t = s.tmpl;
    if (t.resources().size() > kMaxResources)
      diags->Error({}, s.name, std::to_string(t.resources().size()) + " resources; CloudFormation allows 500 per stack");
    if (t.outputs().size() > kMaxOutputs)
      diags->Error({}, s.name, std::to_string(t.outputs().size()) + " outputs; CloudFormation allows 200");
    if (t.parameters().size() > kMaxParameters)
      diags->Error({}, s.name, std::to_string(t.parameters().size()) + " parameters; CloudFormation allows 200");
    if (t.description.size() > 1024)
      diags->Error({}, s.name, "template description over 1,024 bytes");
    size_t bytes = cfn::WriteJson(t.ToJson()).size();
    if (bytes > kMaxTemplateBytesS3)
      diags->Error({}, s.name, "template is " + std::to_string(bytes) + " bytes; CloudFormation accepts at most 1 MB (from S3)");
  }
}

}  // namespace bp
