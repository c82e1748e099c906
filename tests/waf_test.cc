// WAF (issue 12, features.waf without CloudFront): a REGIONAL web ACL in the main stack,
// attached to the compute contract's WAF target, with the managed rule groups and the
// per-IP rate limit the config asks for, logging with the credentials headers redacted;
// off means no WAF resource at all, and the production guard holds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "config/loader.h"
#include "modules/waf.h"
#include "naming/names.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

std::string WithWaf(const std::string& profile, const std::string& features, const std::string& waf = "") {
  return StackYaml(profile, "gateway", "orders-api", "", "features:\n" + features + (waf.empty() ? "" : "waf:\n" + waf));
}

TEST(Waf, RegionalAclInTheMainStackGuardsTheService) {
  App app = testing::SynthFromYaml(WithWaf("prod", "  waf: true\n"), "prod");
  for (const auto& s : app.stacks) {
    Json t = s.tmpl.ToJson();
    if (s.role != StackRole::kMain) {
      EXPECT_TRUE(ResourcesOfType(t, "AWS::WAFv2::WebACL").empty()) << s.id;
      continue;
    }
    EXPECT_EQ(s.region, "eu-west-3");
    const Json& acl = OnlyOfType(t, "AWS::WAFv2::WebACL");
    EXPECT_EQ(acl["Properties"]["Scope"], "REGIONAL");
    EXPECT_EQ(acl["Properties"]["DefaultAction"], Json({{"Allow", Json::object()}}));
    const Json& association = OnlyOfType(t, "AWS::WAFv2::WebACLAssociation");
    EXPECT_EQ(association["Properties"]["WebACLArn"], Json({{"Fn::GetAtt", {"WebAcl", "Arn"}}}));
    // The service's ARN, the WAF target App Runner gives (modules/compute.h).
    EXPECT_EQ(association["Properties"]["ResourceArn"], Json({{"Fn::GetAtt", {"Service", "ServiceArn"}}}));
    EXPECT_TRUE(t["Outputs"].contains("WebAclArn"));
  }
}

TEST(Waf, RulesAreTheManagedGroupsAndTheConfiguredRateLimit) {
  for (bool sqli : {false, true}) {
    SCOPED_TRACE(sqli);
    Json t = Synth(WithWaf("dev", "  waf: true\n",
                           "  rate_limit: 750\n  sql_injection: " + std::string(sqli ? "true" : "false") + "\n"));
    const Json& props = OnlyOfType(t, "AWS::WAFv2::WebACL")["Properties"];
    ASSERT_TRUE(props["Rules"].is_array());
    std::set<int> priorities;
    std::vector<std::string> groups;
    for (const auto& rule : props["Rules"]) {
      EXPECT_TRUE(priorities.insert(rule["Priority"].get<int>()).second) << rule["Name"];
      const Json& v = rule["VisibilityConfig"];
      EXPECT_EQ(v["SampledRequestsEnabled"], true);
      EXPECT_EQ(v["CloudWatchMetricsEnabled"], true);
      EXPECT_EQ(CheckName(NameKind::kWafMetricName, v["MetricName"].get<std::string>()), "");
      const Json& st = rule["Statement"];
      if (st.contains("RateBasedStatement")) {
        EXPECT_EQ(st["RateBasedStatement"]["Limit"], 750);
        EXPECT_EQ(st["RateBasedStatement"]["AggregateKeyType"], "IP");
        EXPECT_EQ(st["RateBasedStatement"]["EvaluationWindowSec"], 300);
        EXPECT_EQ(rule["Action"], Json({{"Block", Json::object()}}));
        EXPECT_FALSE(rule.contains("OverrideAction"));
      } else {
        // A rule-group reference takes OverrideAction; Action there fails validation.
        ASSERT_TRUE(st.contains("ManagedRuleGroupStatement")) << rule.dump();
        EXPECT_EQ(st["ManagedRuleGroupStatement"]["VendorName"], "AWS");
        EXPECT_EQ(rule["OverrideAction"], Json({{"None", Json::object()}}));
        EXPECT_FALSE(rule.contains("Action"));
        groups.push_back(st["ManagedRuleGroupStatement"]["Name"]);
      }
    }
    std::vector<std::string> want = {"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet",
                                     "AWSManagedRulesKnownBadInputsRuleSet"};
    if (sqli) want.push_back("AWSManagedRulesSQLiRuleSet");
    EXPECT_EQ(groups, want);
    EXPECT_EQ(CheckName(NameKind::kWafWebAcl, props["Name"].get<std::string>()), "");
    EXPECT_EQ(CheckName(NameKind::kWafMetricName, props["VisibilityConfig"]["MetricName"].get<std::string>()), "");
  }
}

TEST(Waf, LogsToAnAwsWafLogsGroupWithoutCredentials) {
  Json t = Synth(WithWaf("dev", "  waf: true\n", "  log_retention_days: 14\n"));
  ASSERT_TRUE(t["Resources"].contains("WebAclLogGroup"));
  const Json& group = t["Resources"]["WebAclLogGroup"]["Properties"];
  EXPECT_EQ(group["LogGroupName"].get<std::string>().rfind("aws-waf-logs-", 0), 0u) << group.dump();
  EXPECT_EQ(group["RetentionInDays"], 14);
  const Json& logging = OnlyOfType(t, "AWS::WAFv2::LoggingConfiguration")["Properties"];
  EXPECT_EQ(logging["ResourceArn"], Json({{"Fn::GetAtt", {"WebAcl", "Arn"}}}));
  // The log group's ARN without the ":*" GetAtt Arn would add.
  EXPECT_EQ(logging["LogDestinationConfigs"],
            Json::array({{{"Fn::Sub", "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${WebAclLogGroup}"}}}));
  std::set<std::string> redacted;
  for (const auto& f : logging["RedactedFields"]) redacted.insert(f["SingleHeader"]["Name"]);
  EXPECT_EQ(redacted, (std::set<std::string>{"authorization", "cookie"}));
}

TEST(Waf, OffMeansNoWafResourceAndWafKeysSaySo) {
  std::string out;
  ASSERT_TRUE(Check(WithWaf("dev", "  waf: false\n", "  rate_limit: 500\n  log_retention_days: 14\n"), &out)) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("waf.log_retention_days: has no effect unless features.waf is true")) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("waf.rate_limit: has no effect unless features.waf is true")) << out;
  Json t = Synth(WithWaf("dev", "  waf: false\n"));
  for (const auto& [id, r] : t["Resources"].items())
    EXPECT_NE(r["Type"].get<std::string>().rfind("AWS::WAFv2::", 0), 0u) << id;
}

TEST(Waf, ProductionWithoutWafNeedsAWrittenReason) {
  std::string out;
  EXPECT_FALSE(Check(WithWaf("prod", "  waf: false\n"), &out, "prod"));
  EXPECT_THAT(out, ::testing::HasSubstr("features.waf")) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("allow_no_waf")) << out;
  EXPECT_TRUE(Check(WithWaf("prod", "  waf: false\n") + "guards:\n  allow_no_waf: an internal tool behind a VPN\n", &out,
                    "prod"))
      << out;
}

// The override on the common rule set's statement in the web ACL of `t` named `acl`, and
// that no other group carries one.
Json BodySizeOverrides(const Json& t) {
  Json overrides;
  const Json& props = OnlyOfType(t, "AWS::WAFv2::WebACL")["Properties"];
  for (const auto& rule : props["Rules"]) {
    if (!rule["Statement"].contains("ManagedRuleGroupStatement")) continue;
    const Json& group = rule["Statement"]["ManagedRuleGroupStatement"];
    EXPECT_EQ(rule["OverrideAction"], Json({{"None", Json::object()}})) << rule["Name"];
    if (group["Name"] == "AWSManagedRulesCommonRuleSet") overrides = group.value("RuleActionOverrides", Json());
    else EXPECT_FALSE(group.contains("RuleActionOverrides")) << group["Name"];
  }
  return overrides;
}

const Json kCountBodySize = Json::array(
    {Json{{"Name", "SizeRestrictions_BODY"}, {"ActionToUse", Json{{"Count", Json::object()}}}}});

// Issue 22: an API that takes bodies over 8 KB sets waf.large_bodies; the common rule
// set's body-size rule then counts, every other rule keeps its action.
TEST(Waf, LargeBodiesCountTheCommonRuleSetsBodySizeRule) {
  EXPECT_TRUE(BodySizeOverrides(Synth(WithWaf("dev", "  waf: true\n"))).is_null());
  EXPECT_EQ(BodySizeOverrides(Synth(WithWaf("dev", "  waf: true\n", "  large_bodies: true\n"))), kCountBodySize);
  // Behind a load balancer too (ECS Express Mode's public layout: the REGIONAL ACL on it).
  Json ecs = Synth(WithWaf("dev", "  waf: true\n", "  large_bodies: true\n") +
                   "compute:\n  platform: ecs-express\n  ingress: public\n");
  EXPECT_EQ(BodySizeOverrides(ecs), kCountBodySize);
}

// With CloudFront the CLOUDFRONT-scoped web ACL (global stack) is the one that inspects.
TEST(Waf, LargeBodiesReachTheCloudFrontScopedAcl) {
  for (const char* platform : {"apprunner", "ecs-express"}) {
    SCOPED_TRACE(platform);
    App app = testing::SynthFromYaml(WithWaf("dev", "  waf: true\n  cloudfront: true\n", "  large_bodies: true\n") +
                                     "compute:\n  platform: " + platform + "\n");
    bool cloudfront_acl = false;
    for (const auto& s : app.stacks) {
      Json t = s.tmpl.ToJson();
      for (const auto& id : ResourcesOfType(t, "AWS::WAFv2::WebACL")) {
        const Json& props = t["Resources"][id]["Properties"];
        if (props["Scope"] != "CLOUDFRONT") continue;  // the origin guard on App Runner inspects nothing
        cloudfront_acl = true;
        EXPECT_EQ(BodySizeOverrides(t), kCountBodySize) << s.id;
      }
    }
    EXPECT_TRUE(cloudfront_acl);
  }
}

TEST(Waf, LargeBodiesWithoutWafSayItHasNoEffect) {
  std::string out;
  ASSERT_TRUE(Check(WithWaf("dev", "  waf: false\n", "  large_bodies: true\n"), &out)) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("waf.large_bodies: has no effect unless features.waf is true")) << out;
}

TEST(Waf, RateLimitBelowTheAwsMinimumIsRefused) {
  std::string out;
  EXPECT_FALSE(Check(WithWaf("dev", "  waf: true\n", "  rate_limit: 9\n"), &out));
  EXPECT_THAT(out, ::testing::HasSubstr("waf.rate_limit")) << out;
}

}  // namespace
}  // namespace bp
