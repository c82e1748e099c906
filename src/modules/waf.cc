#include "modules/waf.h"

#include "naming/names.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;

namespace {

// Every rule and the web ACL itself report to CloudWatch and keep sampled requests.
// MetricName: 1-128 of [A-Za-z0-9_-], not "All" or "Default_Action". Src: reference/aws-facts.md 2
// (CFNREF:aws-properties-wafv2-webacl-visibilityconfig).
Json Visibility(const std::string& metric) {
  return Object({{"SampledRequestsEnabled", true},
                 {"CloudWatchMetricsEnabled", true},
                 {"MetricName", FitName(NameKind::kWafMetricName, metric)}});
}

}  // namespace

std::vector<std::string> ManagedRuleGroups(const WafConfig& waf) {
  // WCU: IP reputation 25, common 700, known bad inputs 200, SQL injection 200; with the
  // rate rule (2) well inside the 1,500 WCU a web ACL includes. Src: reference/aws-facts.md 4.1.
  std::vector<std::string> groups = {"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet",
                                     "AWSManagedRulesKnownBadInputsRuleSet"};
  if (waf.sql_injection) groups.push_back("AWSManagedRulesSQLiRuleSet");
  return groups;
}

namespace {

// Blocks a request unless `guard.header` equals one of the accepted values exactly (no
// transformation: the secret is compared byte for byte). Src: SCHEMA:aws-wafv2-webacl
// (NotStatement, OrStatement: 2 statements or more, ByteMatchStatement SingleHeader).
Json OriginGuardRule(const ModuleContext& ctx, const OriginGuard& guard) {
  Json matches = Json::array();
  for (const Json& value : guard.accepted)
    matches.push_back(
        Object({{"ByteMatchStatement",
                 Object({{"FieldToMatch", Object({{"SingleHeader", Object({{"Name", guard.header}})}})},
                         {"PositionalConstraint", "EXACTLY"},
                         {"SearchString", value},
                         {"TextTransformations", Json::array({Object({{"Priority", 0}, {"Type", "NONE"}})})}})}}));
  Json any = matches.size() == 1 ? matches[0] : Object({{"OrStatement", Object({{"Statements", matches}})}});
  return Object({{"Name", "origin-secret-required"},
                 {"Priority", 0},
                 {"Action", Object({{"Block", Json::object()}})},
                 {"Statement", Object({{"NotStatement", Object({{"Statement", any}})}})},
                 {"VisibilityConfig", Visibility(ctx.name_prefix + "-origin-secret-required")}});
}

}  // namespace

WebAclOutputs AddWebAcl(const ModuleContext& ctx, const WebAclArgs& args, cfn::Template* t) {
  WebAclOutputs out;
  out.name = FitName(NameKind::kWafWebAcl, ctx.name_prefix);
  const std::string acl = ctx.Id("WebAcl");

  Json rules = Json::array();
  int priority = 0;
  if (args.origin_guard) {
    rules.push_back(OriginGuardRule(ctx, *args.origin_guard));
    priority = 1;
  }
  if (args.inspect) {
    // The per-IP rate limit, cheapest first. Limit is per 5-minute window
    // (EvaluationWindowSec 300), at least 10. Src: reference/aws-facts.md 4.1 (SCHEMA RateBasedStatement).
    rules.push_back(Object({{"Name", "rate-limit-per-ip"},
                            {"Priority", priority++},
                            {"Action", Object({{"Block", Json::object()}})},
                            {"Statement", Object({{"RateBasedStatement", Object({{"Limit", args.waf.rate_limit},
                                                                                 {"EvaluationWindowSec", 300},
                                                                                 {"AggregateKeyType", "IP"}})}})},
                            {"VisibilityConfig", Visibility(ctx.name_prefix + "-rate-limit-per-ip")}}));
    // Managed groups keep their own actions: OverrideAction None (a rule-group rule takes
    // OverrideAction, never Action). Src: reference/aws-facts.md 4.1 (SCHEMA Rule, OverrideAction).
    for (const std::string& group : ManagedRuleGroups(args.waf)) {
      Json statement = Object({{"VendorName", "AWS"}, {"Name", group}});
      // waf.large_bodies: the common rule set's SizeRestrictions_BODY (blocks bodies over
      // 8 KB) counts instead, the group's other rules keep their actions.
      // Src: https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html;
      // data/cfn-spec.json AWS::WAFv2::WebACL.ManagedRuleGroupStatement RuleActionOverrides
      // ({Name, ActionToUse: RuleAction}).
      if (group == "AWSManagedRulesCommonRuleSet" && args.waf.large_bodies)
        statement["RuleActionOverrides"] = Json::array(
            {Object({{"Name", "SizeRestrictions_BODY"}, {"ActionToUse", Object({{"Count", Json::object()}})}})});
      rules.push_back(Object({{"Name", group},
                              {"Priority", priority++},
                              {"OverrideAction", Object({{"None", Json::object()}})},
                              {"Statement", Object({{"ManagedRuleGroupStatement", statement}})},
                              {"VisibilityConfig", Visibility(ctx.name_prefix + "-" + group)}}));
    }
  }
  std::string description = args.inspect ? "Managed rule groups and a per-IP rate limit for " + ctx.name_prefix
                                         : "Only requests through CloudFront reach " + ctx.name_prefix;
  // Name and Scope are create-only. Src: reference/aws-facts.md 4.1 (SCHEMA:aws-wafv2-webacl).
  t->AddResource(acl, "AWS::WAFv2::WebACL",
                 Object({{"Name", out.name},
                         {"Scope", args.scope == WafScope::kRegional ? "REGIONAL" : "CLOUDFRONT"},
                         {"Description", description},
                         {"DefaultAction", Object({{"Allow", Json::object()}})},
                         {"Rules", rules},
                         {"VisibilityConfig", Visibility(ctx.name_prefix + "-web-acl")},
                         {"Tags", ctx.Tags()}}));
  out.arn = GetAtt(acl, "Arn");
  t->AddOutput(ctx.Id("WebAclArn"), {out.arn, "WAFv2 web ACL ARN", "", ""});
  if (!args.logging) return out;

  // Logging: the destination's name must start with "aws-waf-logs-" (WAF refuses others
  // with "The ARN isn't valid"), and the ARN is the log group's without the ":*" that
  // GetAtt Arn appends. Src: DOC:waf/latest/developerguide/logging-cw-logs.html;
  // CFNREF:aws-resource-wafv2-loggingconfiguration. WAF adds the log group's resource
  // policy itself when the logging configuration is created.
  out.log_group = FitName(NameKind::kLogGroup, "aws-waf-logs-" + ctx.name_prefix);
  const std::string log_group = ctx.Id("WebAclLogGroup");
  t->AddResource(
      log_group, "AWS::Logs::LogGroup",
      Object(
          {{"LogGroupName", out.log_group}, {"RetentionInDays", args.waf.log_retention_days}, {"Tags", ctx.Tags()}}));
  // The credentials a request carries, and the origin secret, stay out of the logs.
  // Src: SCHEMA (AWS::WAFv2::LoggingConfiguration.FieldToMatch SingleHeader).
  Json redacted = Json::array({Object({{"SingleHeader", Object({{"Name", "authorization"}})}}),
                               Object({{"SingleHeader", Object({{"Name", "cookie"}})}})});
  if (args.origin_guard) redacted.push_back(Object({{"SingleHeader", Object({{"Name", args.origin_guard->header}})}}));
  t->AddResource(
      ctx.Id("WebAclLogging"), "AWS::WAFv2::LoggingConfiguration",
      Object({{"ResourceArn", out.arn},
              {"LogDestinationConfigs",
               Json::array({cfn::Sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${" +
                                     log_group + "}")})},
              {"RedactedFields", redacted}}));
  return out;
}

void AssociateWebAcl(const ModuleContext& ctx, const Json& web_acl_arn, const Json& resource_arn, cfn::Template* t) {
  // Both properties are create-only; the ACL must be REGIONAL and in the resource's
  // region. Src: reference/aws-facts.md 4.2 (SCHEMA:aws-wafv2-webaclassociation; DOC:apprunner/latest/dg/waf.html).
  t->AddResource(ctx.Id("WebAclAssociation"), "AWS::WAFv2::WebACLAssociation",
                 Object({{"ResourceArn", resource_arn}, {"WebACLArn", web_acl_arn}}));
}

}  // namespace bp
