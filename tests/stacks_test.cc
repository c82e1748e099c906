// The stack model (app.h): main, global and account stacks, where they live, and how a
// Reference between them resolves; the manifest records dependencies and the parameters
// another stack's output fills.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "cfn/writer.h"
#include "deploy/assembly.h"
#include "platform_fixtures.h"
#include "stacks_fixtures.h"
#include "test_util.h"

namespace bp {
namespace {

using cfn::Json;
using fixtures::AssembleWithTestModule;
using fixtures::EnvSpec;

std::vector<const Stack*> OfRole(const App& app, StackRole role) {
  std::vector<const Stack*> out;
  for (const auto& s : app.stacks)
    if (s.role == role) out.push_back(&s);
  return out;
}

Json ManifestOf(const App& app) {
  for (const auto& f : BuildAssembly(app, cfn::Format::kJson))
    if (f.name == "manifest.json") return Json::parse(f.contents);
  ADD_FAILURE() << "no manifest.json";
  return Json::object();
}

bool ContainsKey(const Json& v, const std::string& key) {
  if (v.is_object()) {
    if (v.contains(key)) return true;
    for (const auto& [k, e] : v.items())
      if (ContainsKey(e, key)) return true;
  }
  if (v.is_array())
    for (const auto& e : v)
      if (ContainsKey(e, key)) return true;
  return false;
}

TEST(Stacks, EachBundledEnvironmentHasAMainStackInItsRegion) {
  auto configs = fixtures::BundledEnvironments();
  ASSERT_GE(configs.size(), 3u);
  App app;
  Diagnostics d;
  ASSERT_TRUE(Assemble(configs, &app, &d)) << d.FormatAll();
  for (const auto& c : configs) {
    EnvironmentStacks st = StacksOf(&app, c.env);
    ASSERT_NE(st.main, nullptr) << c.env;
    EXPECT_EQ(st.main->id, c.app.name + "-" + c.env);
    EXPECT_EQ(st.main->name, st.main->id);
    EXPECT_EQ(st.main->region, c.region) << c.env;
    EXPECT_GT(st.main->tmpl.resources().size(), 10u);
    // The global stack holds budgets and cost anomaly detection (prod turns them on) and
    // is not emitted without them; the account stack holds the GitHub OIDC provider every
    // bundled environment's deploy role trusts.
    bool cost_controls = c.features.cost_budget || c.features.cost_anomaly;
    EXPECT_EQ(st.global != nullptr, cost_controls) << c.env;
    if (cost_controls) {
      EXPECT_EQ(st.global->dependencies, std::vector<std::string>{st.main->id});
    }
    ASSERT_NE(st.account, nullptr) << c.env;
    EXPECT_EQ(st.account->name, "apprunner-blueprint-account");
  }
  size_t globals = std::count_if(configs.begin(), configs.end(),
                                [](const StackConfig& c) { return c.features.cost_budget || c.features.cost_anomaly; });
  EXPECT_GE(globals, 1u);
  EXPECT_EQ(app.stacks.size(), configs.size() + globals + 1);
  Json manifest = ManifestOf(app);
  for (const auto& c : configs)
    EXPECT_EQ(manifest["artifacts"][c.app.name + "-" + c.env]["environment"], "aws://unknown-account/" + c.region);
}

TEST(Stacks, BundledEnvironmentsShareOneAccountStack) {
  auto configs = fixtures::BundledEnvironments();
  App app = PlanStacks(configs);
  fixtures::AddTestModule(&app, configs);
  Diagnostics d;
  ASSERT_TRUE(FinishApp(&app, &d)) << d.FormatAll();
  auto accounts = OfRole(app, StackRole::kAccount);
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0]->envs.size(), configs.size());
  EXPECT_EQ(accounts[0]->tmpl.resources().size(), 1u);  // the singleton, once
  EXPECT_EQ(OfRole(app, StackRole::kGlobal).size(), configs.size());
}

TEST(Stacks, GlobalAndAccountStacksLiveInUsEast1) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", ""}});
  const Stack* global = app.Find("orders-api-dev-global");
  const Stack* account = app.Find(kAccountStackName);
  ASSERT_NE(global, nullptr);
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(global->role, StackRole::kGlobal);
  EXPECT_EQ(global->region, "us-east-1");
  EXPECT_EQ(account->region, "us-east-1");
  EXPECT_EQ(account->name, "apprunner-blueprint-account");
  EXPECT_EQ(app.Find("orders-api-dev")->region, "eu-west-3");
  // Other partitions have their own home region.
  EXPECT_EQ(GlobalRegion("cn-northwest-1"), "cn-north-1");
  EXPECT_EQ(GlobalRegion("us-gov-east-1"), "us-gov-west-1");
}

TEST(Stacks, TwoAccountsGiveTwoAccountStacksAndOneWhenShared) {
  App two = AssembleWithTestModule({{"dev", "eu-west-3", "111111111111"},
                                    {"staging", "eu-west-3", "111111111111"},
                                    {"prod", "eu-central-1", "222222222222"}});
  auto accounts = OfRole(two, StackRole::kAccount);
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0]->id, "apprunner-blueprint-account-111111111111");
  EXPECT_EQ(accounts[0]->account, "111111111111");
  EXPECT_EQ(accounts[0]->envs, (std::vector<std::string>{"dev", "staging"}));
  EXPECT_EQ(accounts[1]->id, "apprunner-blueprint-account-222222222222");
  EXPECT_EQ(accounts[1]->envs, (std::vector<std::string>{"prod"}));
  for (const auto* a : accounts) EXPECT_EQ(a->name, kAccountStackName);  // one name in every account
  EXPECT_EQ(two.Find("orders-api-prod")->dependencies,
            (std::vector<std::string>{"orders-api-prod-global", "apprunner-blueprint-account-222222222222"}));

  Json manifest = ManifestOf(two);
  EXPECT_EQ(manifest["artifacts"]["apprunner-blueprint-account-111111111111"]["environment"],
            "aws://111111111111/us-east-1");
  EXPECT_EQ(manifest["artifacts"]["apprunner-blueprint-account-222222222222"]["properties"]["stackName"],
            "apprunner-blueprint-account");
  EXPECT_EQ(manifest["artifacts"]["orders-api-prod"]["environment"], "aws://222222222222/eu-central-1");

  App one = AssembleWithTestModule({{"dev", "eu-west-3", "111111111111"}, {"prod", "eu-central-1", "111111111111"}});
  ASSERT_EQ(OfRole(one, StackRole::kAccount).size(), 1u);
}

TEST(Stacks, CrossRegionReferenceIsAParameterRecordedInTheManifest) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", "111111111111"}});
  const Stack* main = app.Find("orders-api-dev");
  const Stack* global = app.Find("orders-api-dev-global");
  ASSERT_TRUE(main && global);
  // The consumer gets a parameter; the producer publishes the output (no export).
  const std::string param = "OrdersApiDevGlobalAlertsTopicArn";
  ASSERT_NE(main->tmpl.parameters().Find(param), nullptr);
  EXPECT_EQ(main->tmpl.parameters().Find(param)->type, "String");
  EXPECT_EQ(main->tmpl.resources().Find("TopicArnParameter")->properties["Value"], cfn::Ref(param));
  const cfn::Output* out = global->tmpl.outputs().Find("AlertsTopicArn");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->value, cfn::Ref("AlertsTopic"));
  EXPECT_EQ(out->export_name, "");
  ASSERT_EQ(main->inputs.size(), 1u);
  EXPECT_EQ(main->inputs[0].parameter, param);
  EXPECT_EQ(main->inputs[0].producer, "orders-api-dev-global");
  EXPECT_EQ(main->inputs[0].output, "AlertsTopicArn");
  EXPECT_EQ(main->inputs[0].producer_region, "us-east-1");

  Json a = ManifestOf(app)["artifacts"]["orders-api-dev"];
  EXPECT_EQ(a["dependencies"], Json({"orders-api-dev-global", "apprunner-blueprint-account-111111111111"}));
  Json entries = a["metadata"]["/orders-api-dev"];
  Json expected = {{"type", "apprunner-blueprint:stack-input"},
                   {"data",
                    {{"parameter", param},
                     {"producer", "orders-api-dev-global"},
                     {"producerStackName", "orders-api-dev-global"},
                     {"output", "AlertsTopicArn"},
                     {"producerRegion", "us-east-1"},
                     {"producerAccount", "111111111111"}}}};
  EXPECT_NE(std::find(entries.begin(), entries.end(), expected), entries.end()) << entries.dump(2);
}

TEST(Stacks, SameRegionReferenceIsAParameterToo) {
  // dev in us-east-1: its global stack is in the same account and region. Parameters,
  // not exports: an imported export cannot change (docs/architecture.md).
  App app = AssembleWithTestModule({{"dev", "us-east-1", ""}});
  const Stack* main = app.Find("orders-api-dev");
  ASSERT_EQ(main->inputs.size(), 1u);
  EXPECT_EQ(main->inputs[0].producer_region, "us-east-1");
  EXPECT_EQ(main->tmpl.resources().Find("TopicArnParameter")->properties["Value"],
            cfn::Ref("OrdersApiDevGlobalAlertsTopicArn"));
  for (const auto& s : app.stacks) {
    EXPECT_FALSE(ContainsKey(s.tmpl.ToJson(), "Fn::ImportValue")) << s.id;
    for (const auto& [name, o] : s.tmpl.outputs().entries()) EXPECT_EQ(o.export_name, "") << s.id << " " << name;
  }
}

TEST(Stacks, AccountWideValueNeedsOnlyTheOrder) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", ""}});
  const Stack* main = app.Find("orders-api-dev");
  // The OIDC provider's ARN is deterministic: no parameter, only the dependency.
  EXPECT_EQ(main->tmpl.resources().Find("OidcArnParameter")->properties["Value"], cfn::Sub(fixtures::kOidcArn));
  EXPECT_EQ(main->tmpl.parameters().Find("ApprunnerBlueprintAccountGitHubOidcProviderArn"), nullptr);
  EXPECT_NE(std::find(main->dependencies.begin(), main->dependencies.end(), kAccountStackName),
            main->dependencies.end());
  // The producer publishes the value as an output all the same.
  EXPECT_NE(app.Find(kAccountStackName)->tmpl.outputs().Find("GitHubOidcProviderArn"), nullptr);
}

TEST(Stacks, ReferenceInsideOneStackIsPlainRefOrGetAtt) {
  auto configs = fixtures::ConfigsFor({{"dev", "eu-west-3", ""}});
  App app = PlanStacks(configs);
  EnvironmentStacks st = StacksOf(&app, "dev");
  st.main->tmpl.AddResource("Topic", "AWS::SNS::Topic");
  Reference topic = Publish(*st.main, "TopicArn", cfn::Ref("Topic"));
  st.main->tmpl.AddResource("P", "AWS::SSM::Parameter", Json{{"Type", "String"}, {"Value", topic.ToJson()}});
  Diagnostics d;
  ASSERT_TRUE(FinishApp(&app, &d)) << d.FormatAll();
  const Stack* main = app.Find("orders-api-dev");
  EXPECT_EQ(main->tmpl.resources().Find("P")->properties["Value"], cfn::Ref("Topic"));
  EXPECT_TRUE(main->dependencies.empty());
  EXPECT_TRUE(main->inputs.empty());
  EXPECT_TRUE(main->tmpl.outputs().empty());
  EXPECT_EQ(app.stacks.size(), 1u);  // empty global and account stacks are dropped
}

TEST(Stacks, AccountWideValueAcrossAccountsIsAParameter) {
  // A stack in another account cannot compute the producer's ARN from its own account.
  auto configs = fixtures::ConfigsFor({{"dev", "eu-west-3", "111111111111"}, {"prod", "eu-west-3", "222222222222"}});
  App app = PlanStacks(configs);
  fixtures::AddTestModule(&app, configs, false, false);
  Stack* account = app.Find("apprunner-blueprint-account-111111111111");  // the module put the provider there
  Reference oidc = Publish(*account, "GitHubOidcProviderArn", cfn::GetAtt("GitHubOidcProvider", "Arn"),
                           cfn::Sub(fixtures::kOidcArn));
  app.Find("orders-api-prod")
      ->tmpl.AddResource("P", "AWS::SSM::Parameter", Json{{"Type", "String"}, {"Value", oidc.ToJson()}});
  Diagnostics d;
  ASSERT_TRUE(FinishApp(&app, &d)) << d.FormatAll();
  const Stack* prod = app.Find("orders-api-prod");
  ASSERT_EQ(prod->inputs.size(), 1u);
  EXPECT_EQ(prod->inputs[0].producer_account, "111111111111");
  EXPECT_EQ(prod->tmpl.resources().Find("P")->properties["Value"],
            cfn::Ref("ApprunnerBlueprintAccount111111111111GitHubOidcProviderArn"));
}

TEST(Stacks, ReferenceCycleIsAnErrorNamingTheStacks) {
  auto configs = fixtures::ConfigsFor({{"dev", "eu-west-3", ""}});
  App app = PlanStacks(configs);
  EnvironmentStacks st = StacksOf(&app, "dev");
  st.main->tmpl.AddResource("Topic", "AWS::SNS::Topic");
  st.global->tmpl.AddResource("GlobalTopic", "AWS::SNS::Topic");
  Reference a = Publish(*st.main, "TopicArn", cfn::Ref("Topic"));
  Reference b = Publish(*st.global, "GlobalTopicArn", cfn::Ref("GlobalTopic"));
  st.global->tmpl.AddResource("P", "AWS::SSM::Parameter", Json{{"Type", "String"}, {"Value", a.ToJson()}});
  st.main->tmpl.AddResource("P", "AWS::SSM::Parameter", Json{{"Type", "String"}, {"Value", b.ToJson()}});
  Diagnostics d;
  EXPECT_FALSE(FinishApp(&app, &d));
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("cycle (orders-api-dev -> orders-api-dev-global -> orders-api-dev)"))
      << d.FormatAll();
}

TEST(Stacks, SynthNeverRewritesAStacksRegion) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", ""}, {"prod", "ap-southeast-2", ""}});
  EXPECT_EQ(app.Find("orders-api-dev")->region, "eu-west-3");
  EXPECT_EQ(app.Find("orders-api-prod")->region, "ap-southeast-2");
  Json manifest = ManifestOf(app);
  EXPECT_EQ(manifest["artifacts"]["orders-api-prod"]["environment"], "aws://unknown-account/ap-southeast-2");
  EXPECT_EQ(manifest["artifacts"]["orders-api-prod-global"]["environment"], "aws://unknown-account/us-east-1");
}

TEST(Stacks, AssemblyIsDeterministic) {
  auto files = [] {
    return BuildAssembly(AssembleWithTestModule({{"dev", "eu-west-3", "111111111111"}, {"prod", "us-east-1", ""}}),
                         cfn::Format::kJson);
  };
  auto a = files(), b = files();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].contents, b[i].contents) << a[i].name;
  }
}

// Two environments can reach one physical name: prod's edge resources are named
// orders-api-prod-edge-*, and so are the main resources of an environment called
// prod-edge. AWS keeps one per name (dashboards: one per account), so the assembly
// refuses it, unless the environments live in different accounts.
TEST(Stacks, TwoEnvironmentsNamingOneResourceAreRefused) {
  auto parse = [](const std::string& yaml, const std::string& env) {
    StackConfig c;
    Diagnostics d;
    EXPECT_TRUE(ParseStackConfig(yaml, env + "/stack.yaml", env, &c, &d)) << d.FormatAll();
    return c;
  };
  auto configs = [&](const std::string& prod_account, const std::string& edge_account) {
    std::string prod = fixtures::StackYaml("prod", "gateway", "orders-api", "", "features:\n  cloudfront: true\n");
    std::string edge = fixtures::StackYaml("dev", "gateway");
    edge.replace(edge.find("region: eu-west-3"), 17, "region: us-east-1");
    return std::vector<StackConfig>{parse(prod_account + prod, "prod"), parse(edge_account + edge, "prod-edge")};
  };
  App app;
  Diagnostics d;
  EXPECT_FALSE(Assemble(configs("", ""), &app, &d));
  std::string errors = d.FormatAll();
  EXPECT_THAT(errors,
              ::testing::HasSubstr(
                  "error: orders-api-prod-edge: AWS::CloudWatch::Dashboard 'orders-api-prod-edge' (Dashboard) has "
                  "the name of EdgeDashboard in stack orders-api-prod-global, in the same account: AWS keeps one "
                  "per name. Rename one of the environments (or give them different `account:`)"))
      << errors;
  EXPECT_THAT(errors,
              ::testing::HasSubstr(
                  "AWS::SNS::Topic 'orders-api-prod-edge-alerts' (AlertsTopic) has the name of EdgeAlertsTopic in "
                  "stack orders-api-prod-global, in the same account and region"))
      << errors;
  Diagnostics apart;
  EXPECT_TRUE(Assemble(configs("account: '111111111111'\n", "account: '222222222222'\n"), &app, &apart))
      << apart.FormatAll();
}

TEST(StacksConfig, AccountMustBeTwelveDigits) {
  for (const char* bad : {"12345", "1234567890123", "12345678901a", "arn:aws:iam::123456789012:root"}) {
    std::string yaml = std::string("profile: dev\nregion: eu-west-3\naccount: '") + bad +
                       "'\napp:\n  name: orders-api\n  port: 8080\n";
    StackConfig c;
    Diagnostics d;
    EXPECT_FALSE(ParseStackConfig(yaml, "dev/stack.yaml", "dev", &c, &d)) << bad;
    EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("dev/stack.yaml:3")) << d.FormatAll();
    EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("is not an AWS account ID: exactly 12 digits")) << d.FormatAll();
  }
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(ParseStackConfig("profile: dev\nregion: eu-west-3\naccount: 012345678901\napp:\n  name: orders-api\n"
                               "  port: 8080\n",
                               "dev/stack.yaml", "dev", &c, &d))
      << d.FormatAll();
  EXPECT_EQ(c.account, "012345678901");  // leading zero kept
}

// Issue 22: the bundled environments deploy with a plain `up`, on both platforms: every
// template fits CloudFormation's inline limit (over it, `up` needs --s3-bucket). The NAT
// boot script ships without its comments and indentation for this.
TEST(Stacks, BundledEnvironmentsFitTheInlineTemplateLimitOnBothPlatforms) {
  for (const char* platform : {"apprunner", "ecs-express"}) {
    App app;
    Diagnostics d;
    ASSERT_TRUE(Assemble(testing::BundledEnvironmentsWith(std::string("  platform: ") + platform + "\n"), &app, &d))
        << d.FormatAll();
    for (const auto& s : app.stacks)
      EXPECT_LE(cfn::WriteCompactJson(s.tmpl.ToJson()).size(), cfn::kMaxInlineTemplateBytes) << platform << " " << s.name;
  }
}

}  // namespace
}  // namespace bp
