// Delivery acceptance tests (issue 12, GitHub Actions OIDC): the deploy role's trust
// policy names exactly the configured subjects, its permissions are scoped to this
// environment's repository, stack and service, every environment of an account trusts
// the one OIDC provider, and `blueprint workflow` writes valid YAML and never
// overwrites a file it did not write.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "deploy/workflow.h"
#include "modules/cicd.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;


std::string WithGithub(const std::string& profile, const std::string& github, const std::string& extra = "") {
  return StackYaml(profile, "gateway", "orders-api", "", "github:\n" + github + extra);
}

const Json& Role(const Json& t) { return t["Resources"]["GithubDeployRole"]; }

std::vector<std::string> SubjectsIn(const Json& statement, const char* op) {
  const Json& c = statement["Condition"];
  if (!c.contains(op) || !c[op].contains("token.actions.githubusercontent.com:sub")) return {};
  return c[op]["token.actions.githubusercontent.com:sub"].get<std::vector<std::string>>();
}

// Every trust statement: web identity from the GitHub provider, audience pinned to STS.
void ExpectGithubTrust(const Json& trust, const Json& provider_arn) {
  ASSERT_FALSE(trust["Statement"].empty());
  for (const auto& s : trust["Statement"]) {
    EXPECT_EQ(s["Effect"], "Allow");
    EXPECT_EQ(s["Action"], "sts:AssumeRoleWithWebIdentity");
    EXPECT_EQ(s["Principal"], Json({{"Federated", provider_arn}}));
    EXPECT_EQ(s["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
  }
}

const Json kAccountProvider = {
    {"Fn::Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"}};

TEST(Cicd, TrustNamesExactlyTheConfiguredBranches) {
  Json t = Synth(WithGithub("dev", "  org: acme\n  repo: orders-api\n  branches: [main, release/v2]\n"));
  const Json& trust = Role(t)["Properties"]["AssumeRolePolicyDocument"];
  ExpectGithubTrust(trust, kAccountProvider);
  ASSERT_EQ(trust["Statement"].size(), 1u);
  EXPECT_EQ(SubjectsIn(trust["Statement"][0], "StringEquals"),
            (std::vector<std::string>{"repo:acme/orders-api:ref:refs/heads/main",
                                      "repo:acme/orders-api:ref:refs/heads/release/v2"}));
  EXPECT_FALSE(trust["Statement"][0]["Condition"].contains("StringLike"));
  EXPECT_EQ(t["Outputs"]["DeployRoleArn"]["Value"], Json({{"Fn::GetAtt", Json::array({"GithubDeployRole", "Arn"})}}));
}

TEST(Cicd, JobInAGithubEnvironmentPresentsTheEnvironmentSubject) {
  // prod: no branch by default, so only the environment (with its approval) may deploy.
  Json t = Synth(WithGithub("prod", "  org: acme\n  repo: orders-api\n  environments: [production]\n"), "prod");
  const Json& trust = Role(t)["Properties"]["AssumeRolePolicyDocument"];
  ExpectGithubTrust(trust, kAccountProvider);
  ASSERT_EQ(trust["Statement"].size(), 1u);
  EXPECT_EQ(SubjectsIn(trust["Statement"][0], "StringEquals"),
            (std::vector<std::string>{"repo:acme/orders-api:environment:production"}));
}

// Issue 22: a job in a GitHub environment waits for the environment's reviewers; the
// profile's default branch (staging: main) must not open a second way in that skips them.
TEST(Cicd, AGithubEnvironmentReplacesTheProfileDefaultBranch) {
  Json t = Synth(WithGithub("staging", "  org: acme\n  repo: orders-api\n  environments: [staging]\n"), "staging");
  const Json& trust = Role(t)["Properties"]["AssumeRolePolicyDocument"];
  ASSERT_EQ(trust["Statement"].size(), 1u);
  EXPECT_EQ(SubjectsIn(trust["Statement"][0], "StringEquals"),
            (std::vector<std::string>{"repo:acme/orders-api:environment:staging"}));
  // `config get` says why the profile's [main] is not there.
  std::vector<ConfigValue> values;
  Diagnostics d;
  ASSERT_TRUE(ParseStackValues(WithGithub("staging", "  org: acme\n  repo: orders-api\n  environments: [staging]\n"),
                               "staging/stack.yaml", "staging", &values, &d))
      << d.FormatAll();
  bool seen = false;
  for (const auto& v : values)
    if (v.key == "github.branches") {
      seen = true;
      EXPECT_EQ(v.value, bp::Json::array());
      EXPECT_EQ(v.derived_from, "github.environments");
    }
  EXPECT_TRUE(seen);
  // Every bundled environment that names a GitHub environment trusts nothing else.
  for (const auto& c : testing::BundledEnvironmentsWith("  platform: apprunner\n")) {
    if (!c.github.environments.empty()) {
      EXPECT_TRUE(c.github.branches.empty()) << c.env;
    }
  }
}

TEST(Cicd, BranchesWrittenBesideEnvironmentsAreBothTrusted) {
  Json t = Synth(WithGithub("staging", "  org: acme\n  repo: orders-api\n  branches: [main]\n  environments: [staging]\n"),
                 "staging");
  EXPECT_EQ(SubjectsIn(Role(t)["Properties"]["AssumeRolePolicyDocument"]["Statement"][0], "StringEquals"),
            (std::vector<std::string>{"repo:acme/orders-api:ref:refs/heads/main",
                                      "repo:acme/orders-api:environment:staging"}));
}

TEST(Cicd, ImmutableSubjectsPinTheNumericIds) {
  Json t = Synth(WithGithub("dev", "  org: acme\n  repo: orders-api\n  owner_id: '123456'\n  repo_id: '456789'\n"
                                   "  branches: [main]\n  environments: [dev]\n"));
  EXPECT_EQ(SubjectsIn(Role(t)["Properties"]["AssumeRolePolicyDocument"]["Statement"][0], "StringEquals"),
            (std::vector<std::string>{"repo:acme@123456/orders-api@456789:ref:refs/heads/main",
                                      "repo:acme@123456/orders-api@456789:environment:dev"}));
}

TEST(Cicd, WrittenWildcardsStayInTheBranchAndUseStringLike) {
  Json t = Synth(WithGithub("dev", "  org: acme\n  repo: orders-api\n  branches: [main, 'release/*']\n"));
  const Json& statements = Role(t)["Properties"]["AssumeRolePolicyDocument"]["Statement"];
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(SubjectsIn(statements[0], "StringEquals"), (std::vector<std::string>{"repo:acme/orders-api:ref:refs/heads/main"}));
  EXPECT_EQ(SubjectsIn(statements[1], "StringLike"),
            (std::vector<std::string>{"repo:acme/orders-api:ref:refs/heads/release/*"}));
  EXPECT_TRUE(SubjectsIn(statements[1], "StringEquals").empty());
}

TEST(Cicd, ExistingProviderIsTrustedAndNoneIsCreated) {
  const std::string arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
  App app = testing::SynthFromYaml(WithGithub("dev", "  org: acme\n  repo: orders-api\n  oidc_provider_arn: " + arn + "\n"));
  ExpectGithubTrust(Role(MainTemplate(app))["Properties"]["AssumeRolePolicyDocument"], Json(arn));
  for (const auto& s : app.stacks)
    EXPECT_TRUE(ResourcesOfType(s.tmpl.ToJson(), "AWS::IAM::OIDCProvider").empty()) << s.name;
}

TEST(Cicd, NoGithubNoRole) {
  Json t = Synth(StackYaml("dev", "gateway"));
  EXPECT_FALSE(t["Resources"].contains("GithubDeployRole"));
  EXPECT_FALSE(t["Outputs"].contains("DeployRoleArn"));
}

// The permission policy, statement by statement: actions exactly as documented in
// docs/delivery.md, every resource scoped to this environment except the ECR login.
TEST(Cicd, DeployRoleIsScopedToThisEnvironment) {
  Json t = Synth(WithGithub("dev", "  org: acme\n  repo: orders-api\n"));
  const Json& policies = Role(t)["Properties"]["Policies"];
  ASSERT_EQ(policies.size(), 1u);
  std::map<std::string, Json> by_sid;
  for (const auto& s : policies[0]["PolicyDocument"]["Statement"]) {
    EXPECT_EQ(s["Effect"], "Allow");
    by_sid[s["Sid"].get<std::string>()] = s;
  }
  auto actions = [&](const std::string& sid) {
    const Json& a = by_sid[sid]["Action"];
    return a.is_string() ? std::set<std::string>{a.get<std::string>()} : a.get<std::set<std::string>>();
  };
  EXPECT_EQ(by_sid.size(), 7u);

  EXPECT_EQ(actions("EcrLogin"), std::set<std::string>{"ecr:GetAuthorizationToken"});
  EXPECT_EQ(by_sid["EcrLogin"]["Resource"], "*");  // the only action on *: not resource-scopable

  EXPECT_EQ(actions("EcrPushThisRepository"),
            (std::set<std::string>{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
                                   "ecr:DescribeImages", "ecr:InitiateLayerUpload", "ecr:PutImage",
                                   "ecr:UploadLayerPart"}));
  EXPECT_EQ(by_sid["EcrPushThisRepository"]["Resource"], Json({{"Fn::GetAtt", Json::array({"Repository", "Arn"})}}));

  const Json this_stack = {{"Ref", "AWS::StackId"}};
  EXPECT_EQ(actions("RolloutChangeSet"), std::set<std::string>{"cloudformation:CreateChangeSet"});
  EXPECT_EQ(by_sid["RolloutChangeSet"]["Resource"], this_stack);
  const Json& cond = by_sid["RolloutChangeSet"]["Condition"];
  EXPECT_EQ(cond["Null"]["cloudformation:RoleArn"], "true");  // no service role: the role's own rights bound it
  EXPECT_EQ(cond["Null"]["cloudformation:ImportResourceTypes"], "true");
  EXPECT_EQ(cond["Null"]["cloudformation:ResourceTypes"], "false");
  EXPECT_EQ(cond["ForAllValues:StringEquals"]["cloudformation:ResourceTypes"], Json::array({"AWS::AppRunner::Service"}));
  EXPECT_EQ(cond["StringLike"]["cloudformation:ChangeSetName"], "image-*");

  // Execute and delete only the workflow's own change sets (image-...), never the one an
  // operator is reviewing (`up` names its change sets blueprint-...).
  EXPECT_EQ(actions("RolloutRunOwnChangeSets"),
            (std::set<std::string>{"cloudformation:DeleteChangeSet", "cloudformation:DescribeChangeSet",
                                   "cloudformation:ExecuteChangeSet"}));
  EXPECT_EQ(by_sid["RolloutRunOwnChangeSets"]["Resource"], this_stack);
  EXPECT_EQ(by_sid["RolloutRunOwnChangeSets"]["Condition"],
            Json({{"StringLike", {{"cloudformation:ChangeSetName", "image-*"}}}}));
  EXPECT_EQ(actions("RolloutWatch"),
            (std::set<std::string>{"cloudformation:DescribeStackEvents", "cloudformation:DescribeStacks"}));
  EXPECT_EQ(by_sid["RolloutWatch"]["Resource"], this_stack);

  EXPECT_EQ(actions("RolloutAppRunnerService"),
            (std::set<std::string>{"apprunner:DescribeService", "apprunner:UpdateService"}));
  EXPECT_EQ(by_sid["RolloutAppRunnerService"]["Resource"], Json({{"Fn::GetAtt", Json::array({"Service", "ServiceArn"})}}));

  EXPECT_EQ(actions("RolloutPassServiceRoles"), std::set<std::string>{"iam:PassRole"});
  EXPECT_EQ(by_sid["RolloutPassServiceRoles"]["Resource"],
            Json::array({Json{{"Fn::GetAtt", Json::array({"ServiceAccessRole", "Arn"})}},
                         Json{{"Fn::GetAtt", Json::array({"ServiceInstanceRole", "Arn"})}}}));
  EXPECT_EQ(by_sid["RolloutPassServiceRoles"]["Condition"]["StringEquals"]["iam:PassedToService"],
            "apprunner.amazonaws.com");

  // Nothing account-wide: no wildcard action, and no resource is * but the ECR login.
  for (const auto& [sid, s] : by_sid) {
    for (const auto& a : actions(sid)) EXPECT_THAT(a, ::testing::Not(::testing::HasSubstr("*"))) << sid << ": " << a;
    if (sid != "EcrLogin") {
      EXPECT_NE(s["Resource"], "*") << sid;
    }
  }
  EXPECT_FALSE(Role(t)["Properties"].contains("ManagedPolicyArns"));
  EXPECT_FALSE(Role(t)["Properties"].contains("RoleName"));  // CloudFormation names it: no clash between environments
}

// Three environments in one account: the account stack holds the one provider (IAM
// allows one per URL per account), every main stack's role trusts its ARN and is
// deployed after it.
TEST(Cicd, ThreeEnvironmentsShareOneOidcProvider) {
  std::vector<StackConfig> configs;
  for (const char* env : {"dev", "staging", "prod"}) {
    std::string github = std::string("  org: acme\n  repo: orders-api\n  environments: [") + env + "]\n";
    StackConfig c;
    Diagnostics d;
    ASSERT_TRUE(ParseStackConfig(WithGithub(env, github),
                                 std::string(env) + "/stack.yaml", env, &c, &d))
        << d.FormatAll();
    configs.push_back(std::move(c));
  }
  App app;
  Diagnostics d;
  ASSERT_TRUE(Assemble(configs, &app, &d)) << d.FormatAll();
  std::string account_id;
  size_t providers = 0, roles = 0;
  for (const auto& s : app.stacks) {
    Json t = s.tmpl.ToJson();
    size_t here = ResourcesOfType(t, "AWS::IAM::OIDCProvider").size();
    providers += here;
    if (s.role == StackRole::kAccount) {
      EXPECT_EQ(here, 1u);
      account_id = s.id;
      EXPECT_TRUE(t["Outputs"].contains("GithubOidcProviderArn"));
    }
    if (s.role != StackRole::kMain) continue;
    ++roles;
    for (const auto& st : Role(t)["Properties"]["AssumeRolePolicyDocument"]["Statement"])
      EXPECT_EQ(st["Principal"]["Federated"], kAccountProvider) << s.name;
    EXPECT_NE(std::find(s.dependencies.begin(), s.dependencies.end(), account_id), s.dependencies.end()) << s.name;
  }
  EXPECT_EQ(providers, 1u);
  EXPECT_EQ(roles, 3u);
  EXPECT_FALSE(account_id.empty());
}

// An environment naming an existing provider cannot share an account with one that has
// the account stack create it: the second provider would fail.
TEST(Cicd, ExistingAndCreatedProviderInOneAccountIsRefused) {
  std::vector<StackConfig> configs;
  const std::string arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
  for (const auto& [env, extra] : {std::pair<std::string, std::string>{"dev", ""},
                                   std::pair<std::string, std::string>{"staging", "  oidc_provider_arn: " + arn + "\n"}}) {
    StackConfig c;
    Diagnostics d;
    ASSERT_TRUE(ParseStackConfig(WithGithub("dev", "  org: acme\n  repo: orders-api\n" + extra), env + "/stack.yaml",
                                 env, &c, &d))
        << d.FormatAll();
    configs.push_back(std::move(c));
  }
  App app;
  Diagnostics d;
  EXPECT_FALSE(Assemble(configs, &app, &d));
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("github.oidc_provider_arn")) << d.FormatAll();
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("(dev)")) << d.FormatAll();
}

TEST(Cicd, ProviderResource) {
  cfn::Template t;
  ModuleContext ctx;
  ctx.name_prefix = "acct";
  GithubOidcProviderOutputs out = AddGithubOidcProvider(ctx, &t);
  Json j = t.ToJson();
  const Json& p = j["Resources"]["GithubOidcProvider"];
  EXPECT_EQ(p["Type"], "AWS::IAM::OIDCProvider");
  EXPECT_EQ(p["Properties"]["Url"], "https://token.actions.githubusercontent.com");
  EXPECT_EQ(p["Properties"]["ClientIdList"], Json::array({"sts.amazonaws.com"}));
  EXPECT_EQ(out.provider_arn, Json({{"Fn::GetAtt", Json::array({"GithubOidcProvider", "Arn"})}}));
}

TEST(Cicd, ConfigErrors) {
  struct Case {
    std::string github, key;
  } cases[] = {
      {"  org: acme\n  repo: orders-api\n  owner_id: '12'\n", "github.owner_id"},
      {"  org: acme\n  repo: orders-api\n  owner_id: abc\n  repo_id: '1'\n", "github.owner_id"},
      {"  org: acme\n  repo: orders-api\n  oidc_provider_arn: arn:aws:iam::123:oidc-provider/x\n", "github.oidc_provider_arn"},
      {"  repo_id: '7'\n  owner_id: '8'\n", "github.owner_id"},
      {"  org: acme\n  repo: '*'\n", "github.repo"},
  };
  for (const auto& c : cases) {
    StackConfig cfg;
    Diagnostics d;
    EXPECT_FALSE(ParseStackConfig(WithGithub("dev", c.github), "dev/stack.yaml", "dev", &cfg, &d)) << c.github;
    EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr(c.key)) << c.github << "\n" << d.FormatAll();
  }
  // prod without an environment: no branch is trusted by default, so nothing may deploy.
  StackConfig cfg;
  Diagnostics d;
  EXPECT_FALSE(ParseStackConfig(WithGithub("prod", "  org: acme\n  repo: orders-api\n"), "prod/stack.yaml",
                                "prod", &cfg, &d));
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("github.environments")) << d.FormatAll();
}

// ---- the workflow ----

WorkflowStage Stage(const std::string& env, const std::string& environment) {
  WorkflowStage st;
  st.env = env;
  st.stack_name = "orders-api-" + env;
  st.region = "eu-west-3";
  st.repository_name = "orders-api-" + env;
  st.role_arn = "arn:aws:iam::123456789012:role/orders-api-" + env + "-GithubDeployRole-ABC";
  st.github_environment = environment;
  st.rollout_resource_types = {"AWS::AppRunner::Service"};
  st.image_parameter = "ImageUri";  // the stack's image input, as `workflow` reads it
  return st;
}

WorkflowSpec Spec() {
  WorkflowSpec s;
  s.command = "blueprint workflow";
  s.name = "Deploy orders-api";
  s.trigger_branch = "main";
  s.stages = {Stage("dev", ""), Stage("prod", "production")};
  return s;
}

std::vector<std::string> Uses(const YAML::Node& job) {
  std::vector<std::string> uses;
  for (const auto& step : job["steps"])
    if (step["uses"]) uses.push_back(step["uses"].as<std::string>());
  return uses;
}

std::string RunOf(const YAML::Node& job, const std::string& id) {
  for (const auto& step : job["steps"])
    if (step["id"] && step["id"].as<std::string>() == id) return step["run"].as<std::string>();
  return "";
}

// Issue 22: one build per commit, and that image promoted through the environments.
TEST(CicdWorkflow, BuildsOnceAndPromotesOneDigestInOrder) {
  std::string text = DeployWorkflowYaml(Spec());
  EXPECT_EQ(text.rfind(kWorkflowMarker, 0), 0u);
  YAML::Node w = YAML::Load(text);
  EXPECT_EQ(w["on"]["push"]["branches"][0].as<std::string>(), "main");
  // The workflow itself reads the repository only; the OIDC token is the deploy jobs'.
  EXPECT_EQ(w["permissions"].size(), 1u);
  EXPECT_EQ(w["permissions"]["contents"].as<std::string>(), "read");
  std::vector<std::string> jobs;
  for (const auto& j : w["jobs"]) jobs.push_back(j.first.as<std::string>());
  EXPECT_EQ(jobs, (std::vector<std::string>{"check", "build", "deploy-dev", "deploy-prod"}));
  // A pull request is checked, never built or deployed (the deploy jobs need the build).
  EXPECT_EQ(w["jobs"]["build"]["if"].as<std::string>(), "github.event_name != 'pull_request'");

  YAML::Node build = w["jobs"]["build"];
  EXPECT_FALSE(build["permissions"]);  // no id-token: the build never touches AWS
  EXPECT_FALSE(build["environment"]);
  EXPECT_EQ(Uses(build), (std::vector<std::string>{"actions/checkout@v7", "actions/upload-artifact@v7"}));
  EXPECT_EQ(build["outputs"]["digest"].as<std::string>(), "${{ steps.image.outputs.digest }}");
  std::string b = RunOf(build, "image");
  EXPECT_THAT(b, ::testing::HasSubstr("--provenance=false"));  // one manifest, no attestation index
  EXPECT_THAT(b, ::testing::HasSubstr("type=oci,dest=image.tar"));
  EXPECT_THAT(b, ::testing::HasSubstr("skopeo manifest-digest"));
  EXPECT_THAT(b, ::testing::Not(::testing::HasSubstr("aws ")));

  // Each environment after the previous one, the image fetched, never rebuilt.
  EXPECT_EQ(w["jobs"]["deploy-dev"]["needs"].as<std::vector<std::string>>(), (std::vector<std::string>{"build"}));
  EXPECT_EQ(w["jobs"]["deploy-prod"]["needs"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"build", "deploy-dev"}));
  EXPECT_FALSE(w["jobs"]["deploy-dev"]["environment"]);
  EXPECT_EQ(w["jobs"]["deploy-prod"]["environment"].as<std::string>(), "production");
  for (const char* id : {"deploy-dev", "deploy-prod"}) {
    YAML::Node job = w["jobs"][id];
    EXPECT_EQ(job["permissions"]["id-token"].as<std::string>(), "write") << id;
    EXPECT_EQ(job["permissions"].size(), 2u) << id;
    EXPECT_EQ(Uses(job), (std::vector<std::string>{"actions/download-artifact@v7",
                                                   "aws-actions/configure-aws-credentials@v6",
                                                   "aws-actions/amazon-ecr-login@v2"}))
        << id;
    EXPECT_EQ(job["env"]["IMAGE_DIGEST"].as<std::string>(), "${{ needs.build.outputs.digest }}");
    EXPECT_EQ(job["concurrency"]["group"].as<std::string>(), std::string("deploy-orders-api-") + (id + 7));
    std::string push = RunOf(job, "image");
    EXPECT_THAT(push, ::testing::Not(::testing::HasSubstr("docker build"))) << id;
    EXPECT_THAT(push, ::testing::HasSubstr("skopeo copy --preserve-digests oci-archive:image.tar")) << id;
    EXPECT_THAT(push, ::testing::HasSubstr("\"$digest\" != \"$IMAGE_DIGEST\"")) << id;
    EXPECT_THAT(push, ::testing::HasSubstr("uri=$REGISTRY/$ECR_REPOSITORY@$IMAGE_DIGEST")) << id;  // by digest
  }
  EXPECT_EQ(w["jobs"]["deploy-prod"]["steps"][1]["with"]["role-to-assume"].as<std::string>(),
            Stage("prod", "").role_arn);
  std::string deploy = w["jobs"]["deploy-prod"]["steps"][4]["run"].as<std::string>();
  EXPECT_THAT(deploy, ::testing::HasSubstr("--use-previous-template"));
  EXPECT_THAT(deploy, ::testing::HasSubstr("--resource-types $ROLLOUT_RESOURCE_TYPES"));
  EXPECT_THAT(deploy, ::testing::HasSubstr("UsePreviousValue=true"));
  EXPECT_THAT(deploy, ::testing::HasSubstr("change_set=\"image-"));
  EXPECT_THAT(deploy, ::testing::Not(::testing::HasSubstr("--role-arn")));
  EXPECT_THAT(deploy, ::testing::Not(::testing::HasSubstr("--template-body")));
}

// The run steps are bash (GitHub's default shell on ubuntu runners): they must parse.
TEST(CicdWorkflow, RunStepsAreValidBash) {
  YAML::Node w = YAML::Load(DeployWorkflowYaml(Spec()));
  testing::TempDir dir;
  int scripts = 0;
  for (const auto& job : w["jobs"])
    for (const auto& step : job.second["steps"]) {
      if (!step["run"]) continue;
      std::string file = dir.Write("step" + std::to_string(scripts++) + ".sh", step["run"].as<std::string>());
      EXPECT_EQ(std::system(("bash -n '" + file + "'").c_str()), 0) << step["run"].as<std::string>();
    }
  EXPECT_EQ(scripts, 7);  // check: build the tool, run it; build; push and roll out in each of two environments
}

// Issue 25: a pull request to the trigger branch runs `blueprint check` and uploads its
// SARIF to code scanning, with the permissions that needs and no AWS access; the tool is
// built from the source the repository variables name, and their absence fails the job.
TEST(CicdWorkflow, APullRequestIsCheckedAndItsFindingsGoToCodeScanning) {
  WorkflowSpec spec = Spec();
  spec.check_selection = "--stack dev";
  spec.environments_dir = "infra/it's environments";
  YAML::Node w = YAML::Load(DeployWorkflowYaml(spec));
  EXPECT_EQ(w["on"]["pull_request"]["branches"][0].as<std::string>(), "main");
  YAML::Node check = w["jobs"]["check"];
  EXPECT_EQ(check["if"].as<std::string>(), "github.event_name == 'pull_request'");
  EXPECT_FALSE(check["needs"]);
  EXPECT_EQ(check["permissions"]["security-events"].as<std::string>(), "write");
  EXPECT_EQ(check["permissions"]["contents"].as<std::string>(), "read");
  EXPECT_FALSE(check["permissions"]["id-token"]);  // no AWS: check runs offline
  EXPECT_EQ(Uses(check), (std::vector<std::string>{"actions/checkout@v7", "github/codeql-action/upload-sarif@v4"}));
  const YAML::Node& steps = check["steps"];
  std::string build = steps[1]["run"].as<std::string>();
  EXPECT_THAT(build, ::testing::HasSubstr("set the repository variables BLUEPRINT_GIT_URL and BLUEPRINT_GIT_REF"));
  EXPECT_THAT(build, ::testing::HasSubstr("--target blueprint"));
  EXPECT_THAT(build, ::testing::HasSubstr("-DBLUEPRINT_TESTS=OFF"));
  std::string run = steps[2]["run"].as<std::string>();
  EXPECT_THAT(run, ::testing::HasSubstr(
                       "blueprint check --stack dev --environments 'infra/it'\\''s environments' --format sarif > "
                       "blueprint-check.sarif"));
  EXPECT_THAT(run, ::testing::HasSubstr("exit $status"));
  EXPECT_EQ(steps[3]["if"].as<std::string>(), "${{ !cancelled() }}");  // uploaded when check fails too
  EXPECT_EQ(steps[3]["with"]["sarif_file"].as<std::string>(), "blueprint-check.sarif");
  // The quoting holds: bash reads the directory back as one word.
  testing::TempDir dir;
  std::string script = dir.Write(
      "words.sh", "set -- 'infra/it'\\''s environments'; [ \"$#\" = 1 ] && [ \"$1\" = \"infra/it's environments\" ]");
  EXPECT_EQ(std::system(("bash '" + script + "'").c_str()), 0);
}

// The command end to end: bundled-like environments, a recorded DeployRoleArn.
class WorkflowCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("environments/prod/stack.yaml",
               "profile: prod\nregion: eu-west-3\napp:\n  name: orders-api\n"
               "github:\n  org: acme\n  repo: orders-api\n  environments: [production]\n"
               "alerts:\n  emails: [oncall@acme.example]\n");
    dir_.Write("environments/dev/stack.yaml",
               "profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n"
               "github:\n  org: acme\n  repo: orders-api\n  branches: [develop]\n");
  }
  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), "workflow");
    return testing::RunBlueprint(args, dir_.path());
  }
  testing::TempDir dir_;
};

TEST_F(WorkflowCommand, WritesTheWorkflowFromTheRecordedRole) {
  dir_.Write(".blueprint/unknown-account/eu-west-3/orders-api-prod/outputs.json",  // beside environments/
             "{\"DeployRoleArn\": \"arn:aws:iam::123456789012:role/orders-api-prod-GithubDeployRole-X1\"}\n");
  auto r = Run({"--stack", "prod"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text = testing::ReadFileOrDie(dir_.path() + "/.github/workflows/deploy-orders-api-prod.yml");
  YAML::Node w = YAML::Load(text);
  EXPECT_EQ(w["jobs"]["deploy-prod"]["environment"].as<std::string>(), "production");
  EXPECT_EQ(w["jobs"]["deploy-prod"]["env"]["ECR_REPOSITORY"].as<std::string>(), "orders-api-prod");
  EXPECT_EQ(w["jobs"]["deploy-prod"]["steps"][1]["with"]["role-to-assume"].as<std::string>(),
            "arn:aws:iam::123456789012:role/orders-api-prod-GithubDeployRole-X1");
  EXPECT_FALSE(w["jobs"]["deploy-dev"]);  // --stack prod: prod alone
  // The GitHub settings the trust relies on.
  EXPECT_THAT(r.out, ::testing::HasSubstr("Required reviewers")) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("Deployment branches and tags: Selected branches, 'main' only")) << r.out;
  // Same input, same bytes; its own file is overwritten.
  ASSERT_EQ(Run({"--stack", "prod"}).exit_code, 0);
  EXPECT_EQ(testing::ReadFileOrDie(dir_.path() + "/.github/workflows/deploy-orders-api-prod.yml"), text);
}

TEST_F(WorkflowCommand, NeverOverwritesAFileItDidNotWrite) {
  const std::string mine = "name: my own deploy\non: push\n";
  dir_.Write(".github/workflows/deploy-orders-api-dev.yml", mine);
  auto r = Run({"--stack", "dev", "--role-arn", "arn:aws:iam::123456789012:role/deploy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("refusing to overwrite")) << r.err;
  EXPECT_EQ(testing::ReadFileOrDie(dir_.path() + "/.github/workflows/deploy-orders-api-dev.yml"), mine);
}

TEST_F(WorkflowCommand, UserErrors) {
  // No recorded role and none given.
  auto r = Run({"--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("blueprint up --stack dev")) << r.err;
  // A branch the role does not trust (dev trusts develop, not main).
  r = Run({"--stack", "dev", "--branch", "main", "--role-arn", "arn:aws:iam::123456789012:role/deploy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("develop")) << r.err;
  // Not a role ARN.
  r = Run({"--stack", "dev", "--role-arn", "arn:aws:s3:::bucket"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(testing::ListFiles(dir_.path() + "/.github").empty());
}

TEST_F(WorkflowCommand, DefaultsToTheFirstTrustedBranch) {
  auto r = Run({"--stack", "dev", "--role-arn", "arn:aws:iam::123456789012:role/deploy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  YAML::Node w = YAML::LoadFile(dir_.path() + "/.github/workflows/deploy-orders-api-dev.yml");
  EXPECT_EQ(w["on"]["push"]["branches"][0].as<std::string>(), "develop");
  EXPECT_FALSE(w["jobs"]["deploy-dev"]["environment"]);
  EXPECT_THAT(r.out,
              ::testing::HasSubstr("dev: no GitHub environment; the role trusts any workflow run on branch develop"))
      << r.out;
}

// Without --stack: one workflow for the app, dev then prod, from the recorded roles; an
// earlier per-environment workflow is named (it would deploy dev a second time).
TEST_F(WorkflowCommand, OneWorkflowPromotesThroughEveryEnvironment) {
  dir_.Write(".blueprint/unknown-account/eu-west-3/orders-api-prod/outputs.json",
             "{\"DeployRoleArn\": \"arn:aws:iam::123456789012:role/orders-api-prod-GithubDeployRole-X1\"}\n");
  auto r = Run({});
  EXPECT_EQ(r.exit_code, 2);  // dev is not deployed yet
  EXPECT_THAT(r.err, ::testing::HasSubstr("no DeployRoleArn recorded for dev")) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("`blueprint up --stack dev`")) << r.err;
  EXPECT_TRUE(testing::ListFiles(dir_.path() + "/.github").empty());

  dir_.Write(".blueprint/unknown-account/eu-west-3/orders-api-dev/outputs.json",
             "{\"DeployRoleArn\": \"arn:aws:iam::123456789012:role/orders-api-dev-GithubDeployRole-X2\"}\n");
  ASSERT_EQ(Run({"--stack", "dev"}).exit_code, 0);  // the older, per-environment workflow
  r = Run({"--branch", "develop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  YAML::Node w = YAML::LoadFile(dir_.path() + "/.github/workflows/deploy-orders-api.yml");
  std::vector<std::string> jobs;
  for (const auto& j : w["jobs"]) jobs.push_back(j.first.as<std::string>());
  EXPECT_EQ(jobs, (std::vector<std::string>{"check", "build", "deploy-dev", "deploy-prod"}));
  // A pull request is checked, never built or deployed (the deploy jobs need the build).
  EXPECT_EQ(w["jobs"]["build"]["if"].as<std::string>(), "github.event_name != 'pull_request'");
  EXPECT_EQ(w["jobs"]["deploy-dev"]["steps"][1]["with"]["role-to-assume"].as<std::string>(),
            "arn:aws:iam::123456789012:role/orders-api-dev-GithubDeployRole-X2");
  EXPECT_THAT(r.out, ::testing::HasSubstr("deploys dev -> prod")) << r.out;
  EXPECT_THAT(r.out,
              ::testing::HasSubstr(
                  "deploy-orders-api-dev.yml (written earlier by `blueprint workflow --stack dev`) also deploys dev"))
      << r.out;
  // One role ARN cannot serve two environments.
  r = Run({"--role-arn", "arn:aws:iam::123456789012:role/deploy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("--stack ENV")) << r.err;
}

}  // namespace
}  // namespace bp
