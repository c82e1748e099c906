#include "app/app.h"
#include "app/checks.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "cfn/custom_names.h"
#include "cfn/spec.h"
#include "cfn/writer.h"
#include "modules/alerts.h"
#include "modules/app_secrets.h"
#include "modules/backup.h"
#include "modules/cdn.h"
#include "modules/cicd.h"
#include "modules/compute.h"
#include "modules/cost_controls.h"
#include "modules/database.h"
#include "modules/flow_logs.h"
#include "modules/log_retention.h"
#include "modules/monitoring.h"
#include "modules/networking.h"
#include "modules/registry.h"
#include "modules/waf.h"
#include "util/strings.h"

namespace bp {

ModuleContext ContextFor(const StackConfig& c) {
  ModuleContext ctx;
  ctx.name_prefix = c.app.name + "-" + c.env;
  ctx.fixed_tags = {{"Project", c.app.name}, {"Environment", c.env}, {"ManagedBy", "apprunner-blueprint"}};
  ctx.tags = ctx.fixed_tags;
  if (!c.tags.cost_center.empty()) ctx.tags.emplace_back("CostCenter", c.tags.cost_center);
  for (const auto& kv : c.tags.extra) ctx.tags.push_back(kv);
  return ctx;
}

namespace {

// The names the database gives the app may not also come from app.env or app.secrets.
bool CheckRuntimeNames(const StackConfig& c, const DatabaseOutputs& db, Diagnostics* diags) {
  bool ok = true;
  auto taken = [&](const std::string& name, const std::string& key) {
    for (const auto& list : {&db.runtime.env, &db.runtime.secrets})
      for (const auto& [n, v] : *list)
        if (n == name) {
          diags->Error(c.LocationOf(key + "." + name), key + "." + name,
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

// What the main stack gives the environment's other stacks.
struct MainValues {
  AlertsOutputs alerts;
  cfn::Json service_host;    // the compute contract's bare host: CloudFront's origin
  cfn::Json vpc_origin_arn;  // the compute contract's VPC origin target, or null
  std::string internet_gateway_attachment;  // what a VPC origin requires (logical ID)
  // The main stack's deploy-time inputs its modules added (app.h StackInput), in the
  // order the modules ran, and what a rollout through its deploy role needs.
  std::vector<StackInput> inputs;
  ImageDelivery delivery;
  std::vector<PreflightCheck> preflight;  // the compute platform's (modules/common.h)
};

// The encrypted config value each origin secret parameter is filled from: the current
// value, and for the previous one the value a rotation replaces, or the current value
// again when none is set (one secret accepted).
void RecordOriginSecretInputs(const StackConfig& c, const OriginSecretParameters& added, std::vector<StackInput>* inputs) {
  inputs->push_back(InputFromConfigSecret(added.current, "cloudfront.origin_secret"));
  if (!added.previous.empty())
    inputs->push_back(InputFromConfigSecret(added.previous, c.cloudfront.origin_secret_previous.empty()
                                                                ? "cloudfront.origin_secret"
                                                                : "cloudfront.origin_secret_previous"));
}

// The main stack's modules, in the order the compute contract fixes
// (modules/compute.h): the alert topic (everything else reports to it), network, the
// app's security group, the modules that feed the app, then compute with every runtime
// input known, then what watches them. Returns false on a config error.
bool ComposeMainStack(const StackConfig& c, const AccountValues& account, const ModuleContext& ctx, cfn::Template* t,
                      MainValues* out, Diagnostics* diags) {
  size_t errors_before = diags->ErrorCount();
  CheckComputeConfig(c, diags);
  CheckOperationsConfig(c, diags);
  if (diags->ErrorCount() > errors_before) return false;
  AlertsOutputs alerts = AddAlerts(ctx, AlertsArgs{c.alert_emails, c.alerts.dead_letter_queue}, t);
  out->alerts = alerts;
  NetworkOutputs network = AddNetworking(ctx, c.network, t, alerts.topic_arn);
  for (const SsmParameterInput& in : network.deploy_inputs)
    out->inputs.push_back(InputFromSsm(in.parameter, in.ssm_parameter));
  if (c.network.flow_logs) AddFlowLogs(ctx, FlowLogsArgs{network.vpc_id, c.network.flow_logs_retention_days}, t);
  RegistryOutputs repository = AddRegistry(ctx, c.registry, t);
  AppSecurityGroupOutputs app_sg = AddAppSecurityGroup(ctx, network.vpc_id, t);

  DatabaseOutputs database =
      AddDatabase(ctx, c.database, DatabaseInputs{network.vpc_id, network.private_subnet_ids, app_sg.security_group_id}, t);
  if (!CheckRuntimeNames(c, database, diags)) return false;
  AppSecretsOutputs secrets = AddAppSecrets(ctx, AppSecretsArgs{c.app.secrets}, t);
  for (const auto& [name, parameter] : secrets.parameters)
    out->inputs.push_back(InputFromConfigSecret(parameter, "app.secrets." + name));

  ComputeInputs compute{network, app_sg.security_group_id, {}};
  for (const auto& [name, value] : c.app.env) compute.runtime.env.emplace_back(name, value);
  compute.runtime.Add(database.runtime);
  compute.runtime.Add(secrets.runtime);
  ComputeOutputs service = AddCompute(ctx, c.app, compute, t);
  out->inputs.push_back(InputFromImage(service.image_rollout.image_parameter));
  out->preflight = service.preflight;
  out->service_host = service.service_host;
  out->vpc_origin_arn = service.vpc_origin_arn;
  out->internet_gateway_attachment = network.internet_gateway_attachment;
  // The log groups AWS services create themselves expire too (modules/log_retention.h).
  AddLogRetention(ctx,
                  LogRetentionArgs{{{"Service", service.created_log_groups, c.app.log_retention_days},
                                    {"Db", database.log_groups, c.database.log_retention_days}},
                                   c.app.log_retention_days},
                  t);

  // The web ACL guards the service where it answers: REGIONAL, in the service's region,
  // attached to the platform's WAF target (modules/waf.h). Behind CloudFront the service
  // answers CloudFront alone: its web ACL blocks every request without the origin secret
  // (current or, during a rotation, previous value), and the inspection (features.waf)
  // moves to the CLOUDFRONT-scoped web ACL of the global stack.
  // Behind a CloudFront VPC origin (compute.ingress edge on an internal entry point)
  // nothing outside the VPC reaches the service, so there is nothing for a guard to block.
  const bool vpc_origin = !service.vpc_origin_arn.is_null();
  if ((c.features.cloudfront && !vpc_origin) || (c.features.waf && !c.features.cloudfront)) {
    WebAclArgs acl{WafScope::kRegional, c.waf};
    if (c.features.cloudfront) {
      acl.inspect = false;
      OriginSecretParameters secret = AddOriginSecretParameters(ctx, true, t);
      RecordOriginSecretInputs(c, secret, &out->inputs);
      acl.origin_guard = OriginGuard{kOriginSecretHeader, secret.Refs()};
      acl.logging = c.features.waf;
    }
    AssociateWebAcl(ctx, AddWebAcl(ctx, acl, t).arn, service.waf_target_arn, t);
  }
  MonitoringArgs monitoring{service.metrics, database.instance_id, c.database.allocated_storage_gb,
                            c.database.max_connections, network.nat_gateway_ids, network.nat_instance_groups,
                            c.alerts, alerts.topic_arn};
  AddMonitoring(ctx, monitoring, t);
  if (c.features.backup)
    AddBackup(ctx, BackupArgs{cfn::GetAtt(database.instance_id, "DBInstanceArn"), c.backup.retention_days}, t);

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
    AddDeployRole(ctx, deploy, t);
    out->delivery = ImageDelivery{repository.repository_name, service.image_rollout.resource_types};
  }
  return true;
}


// The account stack's content: account singletons, defined the same whatever the app or
// environments (the stack has one name for every app of this tool, see app.h).
AccountValues ComposeAccount(const std::vector<const StackConfig*>& configs, Stack* account) {
  AccountValues values;
  std::vector<std::string> sharers;
  for (const StackConfig* c : configs)
    if (!c->github.org.empty() && c->github.oidc_provider_arn.empty()) sharers.push_back(c->env);
  if (!sharers.empty()) {
    // One provider per URL per account (reference/aws-facts.md 6.1), whichever environments use it.
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

// CloudFront in the global stack (us-east-1), with what AWS accepts only there: the
// viewer certificate and the CLOUDFRONT-scoped web ACL. The distribution is global, so
// it could live anywhere; here the certificate and the web ACL are plain same-stack
// references, and the one value crossing regions is the service host from the main
// stack (a parameter `up` fills). The origin secret reaches both stacks as NoEcho
// parameters (modules/cdn.h).
void ComposeEdge(const StackConfig& c, const ModuleContext& ctx, Stack& main, const MainValues& service,
                 Stack* global_stack) {
  cfn::Template* global = &global_stack->tmpl;
  DistributionArgs cdn;
  cdn.origin_host = Publish(main, "ServiceHost", service.service_host).ToJson();
  if (service.vpc_origin_arn.is_null()) {
    OriginSecretParameters secret = AddOriginSecretParameters(ctx, false, global);
    RecordOriginSecretInputs(c, secret, &global_stack->inputs);
    cdn.origin_secret = cfn::Ref(secret.current);
  } else {
    // In the load balancer's region: its handler looks the load balancer up there
    // (docs/facts/ingress.md, section 3); the distribution reads its ID.
    cdn.vpc_origin_id =
        Publish(main, "VpcOriginId",
                AddVpcOrigin(ctx, service.vpc_origin_arn, service.internet_gateway_attachment, &main.tmpl))
            .ToJson();
  }
  if (c.features.waf) {
    // Its own instance: names and log group differ from the service's REGIONAL web ACL
    // even when the main stack is in us-east-1 too.
    cdn.web_acl_arn = AddWebAcl(ctx.Instance("edge"), WebAclArgs{WafScope::kCloudFront, c.waf}, global).arn;
  }
  cdn.price_class = c.cloudfront.price_class;
  cdn.cache_policy = c.cloudfront.cache_policy;
  if (!c.domain.name.empty()) {
    cdn.domain = c.domain.name;
    cdn.certificate_arn = AddCertificate(ctx, c.domain.name, c.domain.hosted_zone_id, global);
  }
  DistributionOutputs distribution = AddDistribution(ctx, cdn, global);
  // CloudFront's metrics, so the alarms on them, are in us-east-1, and an alarm notifies a
  // topic of its own region only: the global stack has its own alert topic, encrypted
  // and subscribed like the main one, for alarms only (docs/edge.md).
  AlertsOutputs edge_alerts =
      AddAlerts(ctx.Instance("edge"), AlertsArgs{c.alert_emails, c.alerts.dead_letter_queue, false}, global);
  AddEdgeMonitoring(ctx, EdgeMonitoringArgs{distribution.id, c.alerts, edge_alerts.topic_arn}, global);
  if (!c.domain.name.empty())
    AddAliasRecords(ctx, c.domain.name, c.domain.hosted_zone_id, distribution.domain_name, global);
}

// The composition of one environment: the modules and how their outputs feed each
// other. Everything the workload needs goes to `stacks.main`; what AWS offers only in
// us-east-1 goes to `stacks.global`; account singletons come from ComposeAccount(). A
// value crossing stacks travels as a Reference (app.h).
bool ComposeEnvironment(const StackConfig& c, const AccountValues& account, const EnvironmentStacks& stacks,
                        Diagnostics* diags) {
  ModuleContext ctx = ContextFor(c);
  Stack& main = *stacks.main;

  MainValues values;
  if (!ComposeMainStack(c, account, ctx, &main.tmpl, &values, diags)) return false;
  // Before the parameters other stacks' outputs fill (FinishApp adds those).
  main.inputs = values.inputs;
  main.delivery = values.delivery;
  main.preflight = values.preflight;
  const AlertsOutputs& alerts = values.alerts;

  // Budgets and Cost Anomaly Detection: us-east-1 only (AWS::CE::*, reference/aws-facts.md 8.2; Budgets
  // is served from there, 8.1), so the global stack; the alert topic's ARN crosses regions
  // as a parameter `up` fills (app.h Reference).
  if (c.features.cost_budget || c.features.cost_anomaly) {
    CostControlsArgs cost;
    cost.budget = c.features.cost_budget;
    cost.anomaly = c.features.cost_anomaly;
    cost.environment_tag = c.env;
    cost.monthly_usd = c.budget_monthly_usd;
    cost.emails = c.alert_emails;
    if (c.features.cost_budget) cost.topic_arn = Publish(main, "AlertTopicArn", alerts.topic_arn).ToJson();
    AddCostControls(ctx, cost, &stacks.global->tmpl);
  }
  if (c.features.cloudfront) ComposeEdge(c, ctx, main, values, stacks.global);
  return true;
}

}  // namespace

// The outer structure: every environment's stacks and one account stack per account,
// composed, then references resolved and everything checked (stacks.cc).
bool Assemble(const std::vector<StackConfig>& configs, App* app, Diagnostics* diags) {
  App out = PlanStacks(configs);
  if (!CheckStackLayout(configs, out, diags)) return false;
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
  size_t errors_before = diags->ErrorCount();
  CheckAwsLimits(configs, out, diags);
  if (diags->ErrorCount() > errors_before) return false;
  *app = std::move(out);
  return true;
}

bool Assemble(const StackConfig& config, App* app, Diagnostics* diags) {
  return Assemble(std::vector<StackConfig>{config}, app, diags);
}

namespace {

// AWS keeps one resource per name in an account and region (IAM roles and CloudWatch
// dashboards, whose ARNs hold no region, one per account): two stacks naming the same
// one would fail to create it, or the second would take it over. Two environments can
// reach the same name: prod's edge resources are named `<app>-prod-edge-...`, an
// environment called `prod-edge` names its own so. Stack names count too (per region).
// Src: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html;
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
// (dashboard ARN arn:${Partition}:cloudwatch::${Account}:dashboard/${DashboardName}).
void CheckPhysicalNamesAreUnique(const App& app, Diagnostics* diags) {
  struct Owner {
    std::string stack, what;
  };
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Owner> owners;
  auto claim = [&](const Stack& s, const std::string& type, const std::string& name, const std::string& what) {
    bool account_wide = StartsWith(type, "AWS::IAM::") || type == "AWS::CloudWatch::Dashboard";
    auto [it, fresh] = owners.emplace(std::make_tuple(s.account, account_wide ? "" : s.region, type, name), Owner{s.id, what});
    if (fresh) return;
    diags->Error({}, s.id,
                 type + " '" + name + "' (" + what + ") has the name of " + it->second.what + " in stack " +
                     it->second.stack + ", in the same account" + (account_wide ? "" : " and region") +
                     ": AWS keeps one per name. Rename one of the environments (or give them different `account:`)");
  };
  for (const auto& s : app.stacks) {
    claim(s, "AWS::CloudFormation::Stack", s.name, "the stack");
    for (const auto& [id, r] : s.tmpl.resources().entries())
      if (const cfn::Json* name = cfn::CustomName(r.type, r.properties); name && name->is_string())
        claim(s, r.type, name->get<std::string>(), id);
  }
}

}  // namespace

void ValidateApp(const App& app, Diagnostics* diags) {
  CheckPhysicalNamesAreUnique(app, diags);
  // CloudFormation quotas. Src: DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
  constexpr size_t kMaxResources = 500, kMaxOutputs = 200, kMaxParameters = 200;
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
    // Counted on the bytes `up` sends: compact JSON.
    size_t bytes = cfn::TemplateCompactJsonSize(t);
    if (bytes > cfn::kMaxS3TemplateBytes)
      diags->Error({}, s.id, "template is " + std::to_string(bytes) + " bytes; CloudFormation accepts at most 1 MB (from S3)");
    else if (bytes > cfn::kMaxInlineTemplateBytes)
      diags->Warn({}, s.id, "template is " + std::to_string(bytes) +
                                  " bytes; over CloudFormation's 51,200-byte inline limit, so `up` and `preview "
                                  "--remote` need --s3-bucket BUCKET to upload it first");
  }
}

}  // namespace bp
