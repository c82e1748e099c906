#include "app.h"

#include <algorithm>
#include <map>
#include <optional>

#include "cfn/spec.h"
#include "cfn/writer.h"
#include "modules/app_secrets.h"
#include "modules/cicd.h"
#include "modules/compute_apprunner.h"
#include "modules/database.h"
#include "modules/networking.h"
#include "modules/registry.h"
#include "pricing/prices.h"
#include "util/strings.h"

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

// What the account stack offers the environments that share it (References to its
// values).
struct AccountValues {
  // The GitHub OIDC provider, when an environment deploys from GitHub without naming an
  // existing provider; and those environments, for messages.
  std::optional<Reference> github_oidc_provider;
  std::string github_oidc_sharers;
};

// The account stack's content: account singletons, defined the same whatever the app or
// environments (the stack has one name for every app of this tool, see app.h).
AccountValues ComposeAccount(const std::vector<const StackConfig*>& configs, Stack* account) {
  AccountValues values;
  std::vector<std::string> sharers;
  for (const StackConfig* c : configs)
    if (!c->github.org.empty() && c->github.oidc_provider_arn.empty()) sharers.push_back(c->env);
  if (!sharers.empty()) {
    // One provider per URL per account (aws-facts 6.1), whichever environments use it.
    ModuleContext ctx;
    ctx.name_prefix = account->name;
    ctx.tags = {{"ManagedBy", "apprunner-blueprint"}};
    GithubOidcProviderOutputs oidc = AddGithubOidcProvider(ctx, &account->tmpl);
    values.github_oidc_provider =
        Publish(*account, "GithubOidcProviderArn", oidc.provider_arn, GithubOidcProviderArnFor());
    values.github_oidc_sharers = Join(sharers, ", ");
  }
  return values;
}

// The composition of one environment: the modules and how their outputs feed each
// other. Everything the workload needs goes to `stacks.main`; what AWS offers only in
// us-east-1 goes to `stacks.global`; account singletons come from ComposeAccount(). A
// value crossing stacks travels as a Reference (app.h).
bool ComposeEnvironment(const StackConfig& c, const AccountValues& account, const EnvironmentStacks& stacks,
                        Diagnostics* diags) {
  ModuleContext ctx = ContextFor(c);
  Stack& main = *stacks.main;

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

  // GitHub Actions deploys: a role trusting the account stack's OIDC provider (its ARN is
  // fixed by its URL: only the deployment order links the stacks) or the existing one the
  // config names.
  if (!c.github.org.empty()) {
    DeployRoleArgs deploy;
    deploy.trust = {c.github.org, c.github.repo, c.github.owner_id, c.github.repo_id, c.github.branches,
                    c.github.environments};
    if (!c.github.oidc_provider_arn.empty()) {
      if (account.github_oidc_provider) {
        diags->Error(c.LocationOf("github.oidc_provider_arn"), "github.oidc_provider_arn",
                     "another environment deployed to this account (" + account.github_oidc_sharers +
                         ") has the account stack create the GitHub OIDC provider, and IAM allows one per "
                         "account; set github.oidc_provider_arn in all of them or in none");
        return false;
      }
      deploy.provider_arn = c.github.oidc_provider_arn;
    } else {
      deploy.provider_arn = account.github_oidc_provider->ToJson();
    }
    deploy.repository_arn = repository.repository_arn;
    deploy.rollout = service.image_rollout;
    AddDeployRole(ctx, deploy, &main.tmpl);
  }
  return true;
}

}  // namespace

// The outer structure: every environment's stacks and one account stack per account,
// composed, then references resolved and everything checked (stacks.cc).
bool Assemble(const std::vector<StackConfig>& configs, App* app, Diagnostics* diags) {
  App out = PlanStacks(configs);
  bool ok = true;
  std::map<const Stack*, AccountValues> accounts;
  for (auto& s : out.stacks) {
    if (s.role != StackRole::kAccount) continue;
    std::vector<const StackConfig*> sharers;
    for (const auto& c : configs)
      if (std::find(s.envs.begin(), s.envs.end(), c.env) != s.envs.end()) sharers.push_back(&c);
    accounts[&s] = ComposeAccount(sharers, &s);
  }
  for (const auto& c : configs) {
    EnvironmentStacks stacks = StacksOf(&out, c.env);
    ok = ComposeEnvironment(c, accounts[stacks.account], stacks, diags) && ok;
  }
  if (!ok || !FinishApp(&out, diags)) return false;
  *app = std::move(out);
  return true;
}

bool Assemble(const StackConfig& config, App* app, Diagnostics* diags) {
  return Assemble(std::vector<StackConfig>{config}, app, diags);
}

void ValidateApp(const App& app, Diagnostics* diags) {
  // CloudFormation quotas. Src: DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
  constexpr size_t kMaxResources = 500, kMaxOutputs = 200, kMaxParameters = 200;
  constexpr size_t kMaxTemplateBytesS3 = 1024 * 1024;
  for (const auto& s : app.stacks) {
    cfn::CheckReferences(s.id, s.tmpl, diags);
    cfn::CheckAgainstSpec(s.id, s.tmpl, diags);
    const auto& t = s.tmpl;
    if (t.resources().size() > kMaxResources)
      diags->Error({}, s.id, std::to_string(t.resources().size()) + " resources; CloudFormation allows 500 per stack");
    if (t.outputs().size() > kMaxOutputs)
      diags->Error({}, s.id, std::to_string(t.outputs().size()) + " outputs; CloudFormation allows 200");
    if (t.parameters().size() > kMaxParameters)
      diags->Error({}, s.id, std::to_string(t.parameters().size()) + " parameters; CloudFormation allows 200");
    if (t.description.size() > 1024)
      diags->Error({}, s.id, "template description over 1,024 bytes");
    size_t bytes = cfn::WriteJson(t.ToJson()).size();
    if (bytes > kMaxTemplateBytesS3)
      diags->Error({}, s.id, "template is " + std::to_string(bytes) + " bytes; CloudFormation accepts at most 1 MB (from S3)");
  }
}

}  // namespace bp
