// Assemblies for the stack-model tests: environments in chosen regions and accounts,
// and a small test-only module that puts resources into the account and global stacks
// (no real module does yet) and hands their values to the main stack as References.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/app.h"
#include "config/loader.h"

namespace bp::fixtures {

struct EnvSpec {
  std::string env, region, account;  // account "" = not given
};

inline StackConfig ConfigFor(const EnvSpec& e) {
  std::string yaml = "profile: dev\nregion: " + e.region + "\n" + (e.account.empty() ? "" : "account: '" + e.account + "'\n") +
                     "app:\n  name: orders-api\n  port: 8080\nnetwork:\n  cidr: 10.0.0.0/22\n  nat: none\n";
  StackConfig c;
  Diagnostics d;
  EXPECT_TRUE(ParseStackConfig(yaml, e.env + "/stack.yaml", e.env, &c, &d)) << d.FormatAll();
  return c;
}

inline std::vector<StackConfig> ConfigsFor(const std::vector<EnvSpec>& envs) {
  std::vector<StackConfig> out;
  for (const auto& e : envs) out.push_back(ConfigFor(e));
  return out;
}

inline const char* const kOidcArn =
    "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com";

// The test-only module: the GitHub OIDC provider in the account stack (once per account),
// an SNS topic in every global stack, and in every main stack an SSM parameter per value.
// Each value reaches the main stack as a Reference.
inline void AddTestModule(App* app, const std::vector<StackConfig>& configs, bool use_global = true,
                          bool use_account = true) {
  for (auto& s : app->stacks)
    if (s.role == StackRole::kAccount)
      s.tmpl.AddResource("GitHubOidcProvider", "AWS::IAM::OIDCProvider",
                         cfn::Json{{"Url", "https://token.actions.githubusercontent.com"},
                                   {"ClientIdList", {"sts.amazonaws.com"}}});
  for (const auto& c : configs) {
    EnvironmentStacks st = StacksOf(app, c.env);
    st.global->tmpl.AddResource("AlertsTopic", "AWS::SNS::Topic");
    if (use_global) {
      Reference topic = Publish(*st.global, "AlertsTopicArn", cfn::Ref("AlertsTopic"));
      st.main->tmpl.AddResource("TopicArnParameter", "AWS::SSM::Parameter",
                                cfn::Json{{"Type", "String"}, {"Value", topic.ToJson()}});
    }
    if (use_account) {
      Reference oidc = Publish(*st.account, "GitHubOidcProviderArn", cfn::GetAtt("GitHubOidcProvider", "Arn"),
                               cfn::Sub(kOidcArn));
      st.main->tmpl.AddResource("OidcArnParameter", "AWS::SSM::Parameter",
                                cfn::Json{{"Type", "String"}, {"Value", oidc.ToJson()}});
    }
  }
}

// PlanStacks + the test module + FinishApp; fails the test on error.
inline App AssembleWithTestModule(const std::vector<EnvSpec>& envs) {
  auto configs = ConfigsFor(envs);
  App app = PlanStacks(configs);
  AddTestModule(&app, configs);
  Diagnostics d;
  EXPECT_TRUE(FinishApp(&app, &d)) << d.FormatAll();
  return app;
}

}  // namespace bp::fixtures
