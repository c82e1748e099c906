// CloudFront (issue 12, features.cloudfront): the distribution in the environment's
// global stack (us-east-1) with the service host as its origin, the WAF moved to a
// CLOUDFRONT-scoped web ACL there, origin protection (the service's REGIONAL web ACL
// blocks requests without the secret origin header, a rule that exists only with
// CloudFront), and the custom domain (certificate in us-east-1 validated in the
// configured zone, aliases, A and AAAA records). Deploy-time values: deploy_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "config/loader.h"
#include "config/secrets.h"
#include "modules/cdn.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

const char* const kZone = "Z0123456789ABCDEFGHIJ";

std::string EdgeYaml(const std::string& profile, bool waf, bool cloudfront, const std::string& more = "",
                     const std::string& platform = "apprunner") {
  return StackYaml(profile, "gateway", "orders-api", "",
                   // ECS Express without CloudFront: the internet-facing layout (edge, its default, is CloudFront).
                   "compute:\n  platform: " + platform +
                       (platform == "ecs-express" && !cloudfront ? "\n  ingress: public" : "") +
                       "\nfeatures:\n  waf: " + (waf ? "true" : "false") +
                       "\n  cloudfront: " + (cloudfront ? "true" : "false") + "\n" + more +
                       (profile == "prod" && !waf ? "guards:\n  allow_no_waf: behind a corporate proxy\n" : ""));
}

const Stack* WithRole(const App& app, StackRole role) {
  for (const auto& s : app.stacks)
    if (s.role == role) return &s;
  return nullptr;
}

// The global stack's template; a test failure unless it exists, in us-east-1.
Json GlobalTemplate(const App& app) {
  const Stack* global = WithRole(app, StackRole::kGlobal);
  EXPECT_NE(global, nullptr);
  if (!global) return Json::object();
  EXPECT_EQ(global->region, "us-east-1");
  return global->tmpl.ToJson();
}

TEST(CloudFront, DistributionInTheGlobalStackWithTheServiceAsHttpsOrigin) {
  App app = testing::SynthFromYaml(EdgeYaml("dev", false, true));
  const Stack* main = WithRole(app, StackRole::kMain);
  const Stack* global = WithRole(app, StackRole::kGlobal);
  ASSERT_TRUE(main && global);
  EXPECT_EQ(global->region, "us-east-1");
  EXPECT_EQ(main->region, "eu-west-3");
  Json t = global->tmpl.ToJson();
  const Json& config = OnlyOfType(t, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"];
  ASSERT_EQ(config["Origins"].size(), 1u);
  const Json& origin = config["Origins"][0];
  // The service host crosses from the main stack as a parameter `up` fills (recorded
  // after the origin secret, which the config fills).
  ASSERT_EQ(global->inputs.size(), 2u);
  EXPECT_EQ(global->inputs[0].source, InputSource::kConfigSecret);
  const StackInput& host = global->inputs[1];
  EXPECT_EQ(host.source, InputSource::kStackOutput);
  EXPECT_EQ(host.producer, main->id);
  EXPECT_EQ(host.output, "ServiceHost");
  EXPECT_EQ(origin["DomainName"], Json({{"Ref", host.parameter}}));
  EXPECT_EQ(main->tmpl.ToJson()["Outputs"]["ServiceHost"]["Value"], Json({{"Fn::GetAtt", {"Service", "ServiceUrl"}}}));
  EXPECT_EQ(origin["CustomOriginConfig"]["OriginProtocolPolicy"], "https-only");
  EXPECT_EQ(origin["CustomOriginConfig"]["OriginSSLProtocols"], Json::array({"TLSv1.2"}));
  const Json& behavior = config["DefaultCacheBehavior"];
  EXPECT_EQ(behavior["ViewerProtocolPolicy"], "redirect-to-https");
  EXPECT_EQ(behavior["Compress"], true);
  EXPECT_EQ(behavior["TargetOriginId"], origin["Id"]);
  EXPECT_EQ(config["HttpVersion"], "http2and3");
  EXPECT_EQ(config["IPV6Enabled"], true);
  EXPECT_EQ(config["PriceClass"], "PriceClass_100");
  EXPECT_EQ(config["ViewerCertificate"], Json({{"CloudFrontDefaultCertificate", true}}));
  EXPECT_FALSE(config.contains("WebACLId"));  // features.waf off
  for (const char* output : {"DistributionId", "DistributionDomainName", "SiteUrl"})
    EXPECT_TRUE(t["Outputs"].contains(output)) << output;
  EXPECT_EQ(t["Outputs"]["SiteUrl"]["Value"], Json({{"Fn::Sub", "https://${Distribution.DomainName}"}}));
}

// App Runner and the ECS Express load balancer route by Host: the viewer's Host must not
// reach them. AllViewer (216adef6-...) forwards it; AllViewerExceptHostHeader does not.
TEST(CloudFront, OriginRequestPolicyIsTheOneWithoutHost) {
  for (const char* platform : {"apprunner", "ecs-express"}) {
    SCOPED_TRACE(platform);
    App app = testing::SynthFromYaml(EdgeYaml("dev", false, true, "", platform));
    Json t = WithRole(app, StackRole::kGlobal)->tmpl.ToJson();
    const Json& behavior =
        OnlyOfType(t, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]["DefaultCacheBehavior"];
    EXPECT_EQ(behavior["OriginRequestPolicyId"], "b689b0a8-53d0-40ab-baf2-68738e2966ac");
    EXPECT_NE(behavior["OriginRequestPolicyId"], "216adef6-5c7f-47e4-b989-5492eafa07d3");
    EXPECT_FALSE(behavior.contains("ForwardedValues"));
  }
}

TEST(CloudFront, CachePolicyAndPriceClassFollowTheConfig) {
  Json t = WithRole(testing::SynthFromYaml(EdgeYaml("dev", false, true)), StackRole::kGlobal)->tmpl.ToJson();
  EXPECT_EQ(OnlyOfType(t, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
                                                                                            ["CachePolicyId"],
            kCachePolicyCachingDisabled);
  App app = testing::SynthFromYaml(
      EdgeYaml("dev", false, true, "cloudfront:\n  cache_policy: caching-optimized\n  price_class: PriceClass_200\n"));
  t = WithRole(app, StackRole::kGlobal)->tmpl.ToJson();
  const Json& config = OnlyOfType(t, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"];
  EXPECT_EQ(config["DefaultCacheBehavior"]["CachePolicyId"], kCachePolicyCachingOptimized);
  EXPECT_EQ(config["PriceClass"], "PriceClass_200");
  // prod's default: every edge location.
  t = WithRole(testing::SynthFromYaml(EdgeYaml("prod", true, true), "prod"), StackRole::kGlobal)->tmpl.ToJson();
  EXPECT_EQ(OnlyOfType(t, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]["PriceClass"],
            "PriceClass_All");
}

TEST(CloudFront, WafBecomesCloudFrontScopedInTheGlobalStack) {
  App app = testing::SynthFromYaml(EdgeYaml("prod", true, true), "prod");
  const Stack* global = WithRole(app, StackRole::kGlobal);
  const Stack* main = WithRole(app, StackRole::kMain);
  ASSERT_TRUE(main && global);
  ASSERT_EQ(global->region, "us-east-1");
  Json g = global->tmpl.ToJson();
  const Json& edge_acl = OnlyOfType(g, "AWS::WAFv2::WebACL");
  EXPECT_EQ(edge_acl["Properties"]["Scope"], "CLOUDFRONT");
  // Inspection (rate limit, managed groups) happens there, on the viewers' requests.
  EXPECT_GE(edge_acl["Properties"]["Rules"].size(), 4u);
  const Json& config = OnlyOfType(g, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"];
  EXPECT_EQ(config["WebACLId"], Json({{"Fn::GetAtt", {"EdgeWebAcl", "Arn"}}}));
  EXPECT_TRUE(ResourcesOfType(g, "AWS::WAFv2::WebACLAssociation").empty());  // none exists for CloudFront
  // Its log group differs from the service web ACL's.
  EXPECT_EQ(OnlyOfType(g, "AWS::Logs::LogGroup")["Properties"]["LogGroupName"], "aws-waf-logs-orders-api-prod-edge");

  // The service keeps a REGIONAL web ACL, with the origin guard only.
  Json m = main->tmpl.ToJson();
  const Json& service_acl = OnlyOfType(m, "AWS::WAFv2::WebACL")["Properties"];
  EXPECT_EQ(service_acl["Scope"], "REGIONAL");
  ASSERT_EQ(service_acl["Rules"].size(), 1u);
  EXPECT_EQ(service_acl["Rules"][0]["Name"], "origin-secret-required");
  EXPECT_EQ(OnlyOfType(m, "AWS::WAFv2::WebACLAssociation")["Properties"]["ResourceArn"],
            Json({{"Fn::GetAtt", {"Service", "ServiceArn"}}}));
}

// Direct requests to the service's own URL are blocked unless they carry the secret
// CloudFront sends; both the current and the previous value pass (a rotation).
TEST(CloudFront, ServiceBlocksRequestsWithoutTheOriginSecret) {
  for (bool waf : {false, true}) {
    SCOPED_TRACE(waf);
    App app = testing::SynthFromYaml(EdgeYaml("dev", waf, true));
    Json m = WithRole(app, StackRole::kMain)->tmpl.ToJson();
    Json g = WithRole(app, StackRole::kGlobal)->tmpl.ToJson();
    ModuleContext ctx;
    ctx.name_prefix = "orders-api-dev";
    OriginSecretParameters names = OriginSecretParameterNames(ctx);
    EXPECT_EQ(names.current, "OrdersApiDevOriginSecret");
    const Json& rule = OnlyOfType(m, "AWS::WAFv2::WebACL")["Properties"]["Rules"][0];
    EXPECT_EQ(rule["Action"], Json({{"Block", Json::object()}}));
    const Json& any = rule["Statement"]["NotStatement"]["Statement"]["OrStatement"]["Statements"];
    ASSERT_EQ(any.size(), 2u) << rule.dump();
    std::set<Json> accepted;
    for (const auto& st : any) {
      const Json& match = st["ByteMatchStatement"];
      EXPECT_EQ(match["FieldToMatch"], Json({{"SingleHeader", {{"Name", kOriginSecretHeader}}}}));
      EXPECT_EQ(match["PositionalConstraint"], "EXACTLY");
      accepted.insert(match["SearchString"]);
    }
    EXPECT_EQ(accepted, (std::set<Json>{Json{{"Ref", names.current}}, Json{{"Ref", names.previous}}}));
    for (const auto& name : {names.current, names.previous}) EXPECT_EQ(m["Parameters"][name]["NoEcho"], true) << name;
    // CloudFront sends the current value, from the global stack's own NoEcho parameter.
    const Json& origin = OnlyOfType(g, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]["Origins"][0];
    EXPECT_EQ(origin["OriginCustomHeaders"],
              Json::array({{{"HeaderName", kOriginSecretHeader}, {"HeaderValue", {{"Ref", names.current}}}}}));
    EXPECT_EQ(g["Parameters"][names.current]["NoEcho"], true);
    EXPECT_FALSE(g["Parameters"].contains(names.previous));
    // With logging (features.waf), the secret header is redacted from the logs.
    if (waf) {
      std::set<std::string> redacted;
      for (const auto& f : OnlyOfType(m, "AWS::WAFv2::LoggingConfiguration")["Properties"]["RedactedFields"])
        redacted.insert(f["SingleHeader"]["Name"]);
      EXPECT_TRUE(redacted.count(kOriginSecretHeader));
    } else {
      EXPECT_TRUE(ResourcesOfType(m, "AWS::WAFv2::LoggingConfiguration").empty());
    }
  }
}

TEST(CloudFront, OriginGuardExistsOnlyWithCloudFront) {
  for (bool waf : {false, true}) {
    SCOPED_TRACE(waf);
    App app = testing::SynthFromYaml(EdgeYaml("dev", waf, false));
    EXPECT_EQ(WithRole(app, StackRole::kGlobal), nullptr);
    Json m = WithRole(app, StackRole::kMain)->tmpl.ToJson();
    std::string text = m.dump();
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("origin-secret-required")));
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(kOriginSecretHeader)));
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("OriginSecret")));
    EXPECT_TRUE(ResourcesOfType(m, "AWS::CloudFront::Distribution").empty());
  }
}

TEST(CloudFront, CustomDomainCertificateInUsEast1ValidatedInTheZone) {
  App app = testing::SynthFromYaml(EdgeYaml(
      "dev", true, true, std::string("domain:\n  name: www.orders.example\n  hosted_zone_id: ") + kZone + "\n"));
  Json g = GlobalTemplate(app);
  const Json& cert = OnlyOfType(g, "AWS::CertificateManager::Certificate")["Properties"];
  EXPECT_EQ(cert["DomainName"], "www.orders.example");
  EXPECT_EQ(cert["ValidationMethod"], "DNS");
  EXPECT_EQ(cert["DomainValidationOptions"],
            Json::array({{{"DomainName", "www.orders.example"}, {"HostedZoneId", kZone}}}));
  const Json& config = OnlyOfType(g, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"];
  EXPECT_EQ(config["Aliases"], Json::array({"www.orders.example"}));
  EXPECT_EQ(config["ViewerCertificate"], Json({{"AcmCertificateArn", {{"Ref", "Certificate"}}},
                                               {"SslSupportMethod", "sni-only"},
                                               {"MinimumProtocolVersion", "TLSv1.2_2021"}}));
  std::set<std::string> types;
  for (const auto& id : ResourcesOfType(g, "AWS::Route53::RecordSet")) {
    const Json& r = g["Resources"][id]["Properties"];
    types.insert(r["Type"]);
    EXPECT_EQ(r["HostedZoneId"], kZone);
    EXPECT_EQ(r["Name"], "www.orders.example");
    EXPECT_EQ(r["AliasTarget"], Json({{"DNSName", {{"Fn::GetAtt", {"Distribution", "DomainName"}}}},
                                      {"HostedZoneId", "Z2FDTNDATAQYW2"},
                                      {"EvaluateTargetHealth", false}}));
  }
  EXPECT_EQ(types, (std::set<std::string>{"A", "AAAA"}));
  EXPECT_EQ(g["Outputs"]["SiteUrl"]["Value"], "https://www.orders.example");
  // Nothing of the domain in the main stack.
  EXPECT_THAT(WithRole(app, StackRole::kMain)->tmpl.ToJson().dump(),
              ::testing::Not(::testing::HasSubstr("www.orders.example")));
}

TEST(CloudFront, DomainWithoutCloudFrontIsRefusedWithWhyAndWhatToDo) {
  for (const char* platform : {"apprunner", "ecs-express"}) {
    SCOPED_TRACE(platform);
    std::string out;
    std::string yaml = EdgeYaml("dev", false, false,
                                std::string("domain:\n  name: www.orders.example\n  hosted_zone_id: ") + kZone + "\n",
                                platform);
    EXPECT_FALSE(Check(yaml, &out));
    EXPECT_THAT(out, ::testing::HasSubstr("dev/stack.yaml:")) << out;
    EXPECT_THAT(out, ::testing::HasSubstr("domain.name")) << out;
    EXPECT_THAT(out, ::testing::HasSubstr("features.cloudfront: true")) << out;
    EXPECT_THAT(out, ::testing::HasSubstr(std::string(platform) == "apprunner" ? "no CloudFormation resource"
                                                                               : "load balancer"))
        << out;
  }
  std::string out;
  EXPECT_FALSE(Check(EdgeYaml("dev", false, true, "domain:\n  name: www.orders.example\n"), &out));
  EXPECT_THAT(out, ::testing::HasSubstr("domain.name and domain.hosted_zone_id go together")) << out;
  EXPECT_FALSE(Check(EdgeYaml("dev", false, true, "domain:\n  name: www.orders.example\n  hosted_zone_id: zone1\n"), &out));
  EXPECT_THAT(out, ::testing::HasSubstr("hosted zone ID")) << out;
  EXPECT_FALSE(Check(EdgeYaml("dev", false, true, std::string("domain:\n  name: '*.orders.example'\n  hosted_zone_id: ") +
                                                      kZone + "\n"),
                     &out));
  EXPECT_THAT(out, ::testing::HasSubstr("not a domain name")) << out;
}

TEST(CloudFront, KeysSayWhenTheyDoNothingAndTheSecretIsAskedFor) {
  std::string out;
  ASSERT_TRUE(Check(EdgeYaml("dev", false, false, "cloudfront:\n  price_class: PriceClass_All\n"), &out)) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("cloudfront.price_class: has no effect unless features.cloudfront is true"))
      << out;
  ASSERT_TRUE(Check(EdgeYaml("dev", false, true), &out)) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("cloudfront.origin_secret: not set")) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("--secret cloudfront.origin_secret")) << out;
  // A plain value is refused: the secret is stored encrypted only.
  EXPECT_FALSE(Check(EdgeYaml("dev", false, true, "cloudfront:\n  origin_secret: my-plain-secret\n"), &out));
  EXPECT_THAT(out, ::testing::HasSubstr("config set --secret")) << out;
}

// Issue 13: requests and error rates of the distribution, where CloudFront publishes
// them (us-east-1, dimensions DistributionId and Region=Global).
TEST(CloudFront, EdgeDashboardReadsTheDistributionsMetricsInUsEast1) {
  App app = testing::SynthFromYaml(EdgeYaml("dev", false, true));
  Json g = GlobalTemplate(app);
  const Json& dashboard = OnlyOfType(g, "AWS::CloudWatch::Dashboard")["Properties"];
  EXPECT_EQ(dashboard["DashboardName"], "orders-api-dev-edge");
  const Json& sub = dashboard["DashboardBody"]["Fn::Sub"];
  // The values known at deploy time enter as Fn::Sub variables: the distribution and the alarm.
  std::string distribution, alarm;
  for (const auto& [name, value] : sub[1].items()) {
    if (value == Json({{"Ref", "Distribution"}})) distribution = "${" + name + "}";
    if (value == Json({{"Fn::GetAtt", {"Edge5xxRateAlarm", "Arn"}}})) alarm = "${" + name + "}";
  }
  ASSERT_EQ(sub[1].size(), 2u) << sub[1];
  ASSERT_FALSE(distribution.empty() || alarm.empty()) << sub[1];
  std::set<std::string> metrics;
  const Json body = Json::parse(sub[0].get<std::string>());
  // The alarm's state above the graphs, as on the main dashboard.
  ASSERT_EQ(body["widgets"][0]["type"], "alarm");
  EXPECT_EQ(body["widgets"][0]["properties"]["alarms"], Json::array({alarm}));
  for (const auto& w : body["widgets"]) {
    if (w["type"] == "alarm") continue;
    EXPECT_EQ(w["properties"]["region"], "${AWS::Region}");
    for (const auto& m : w["properties"]["metrics"]) {
      EXPECT_EQ(m[0], "AWS/CloudFront");
      EXPECT_EQ(Json::array({m[2], m[3], m[4], m[5]}), Json::array({"DistributionId", distribution, "Region", "Global"}));
      metrics.insert(m[1].get<std::string>());
    }
  }
  EXPECT_EQ(metrics, (std::set<std::string>{"Requests", "4xxErrorRate", "5xxErrorRate", "TotalErrorRate", "BytesDownloaded"}));
  EXPECT_TRUE(g["Outputs"].contains("EdgeDashboardUrl"));
}

// CloudFront's metrics are in us-east-1, and an alarm notifies a topic of its own
// region: the global stack alarms on the distribution's 5xx rate and has its own
// encrypted alert topic with the environment's addresses.
TEST(CloudFront, FiveHundredsAtTheEdgeAlarmToAnAlertTopicInUsEast1) {
  App app = testing::SynthFromYaml(EdgeYaml("prod", true, true), "prod");
  Json g = GlobalTemplate(app);
  const Json& alarm = OnlyOfType(g, "AWS::CloudWatch::Alarm")["Properties"];
  EXPECT_EQ(alarm["AlarmName"], "orders-api-prod-edge-5xx-rate");
  EXPECT_EQ(alarm["Namespace"], "AWS/CloudFront");
  EXPECT_EQ(alarm["MetricName"], "5xxErrorRate");
  EXPECT_EQ(alarm["Statistic"], "Average");
  EXPECT_EQ(alarm["Dimensions"], Json::parse(R"([{"Name": "DistributionId", "Value": {"Ref": "Distribution"}},
                                                 {"Name": "Region", "Value": "Global"}])"));
  EXPECT_EQ(alarm["Threshold"], 2);  // prod's alerts.error_rate_percent
  EXPECT_EQ(alarm["TreatMissingData"], "notBreaching");
  EXPECT_EQ(alarm["AlarmActions"], Json::array({{{"Ref", "EdgeAlertsTopic"}}}));
  EXPECT_EQ(alarm["OKActions"], alarm["AlarmActions"]);
  // The topic: encrypted with a key CloudWatch may use, the prod addresses subscribed,
  // prod's dead-letter queue, its ARN an output.
  const Json& topic = OnlyOfType(g, "AWS::SNS::Topic")["Properties"];
  EXPECT_EQ(topic["TopicName"], "orders-api-prod-edge-alerts");
  EXPECT_EQ(topic["KmsMasterKeyId"], Json({{"Fn::GetAtt", {"EdgeAlertsKey", "Arn"}}}));
  bool cloudwatch = false;
  for (const auto& st : g["Resources"]["EdgeAlertsKey"]["Properties"]["KeyPolicy"]["Statement"])
    cloudwatch |= st["Principal"].contains("Service") && st["Principal"]["Service"].dump().find("cloudwatch.amazonaws.com") != std::string::npos;
  EXPECT_TRUE(cloudwatch);
  // Alarms only: the budget and anomaly alerts go to the main stack's topic.
  std::string policies = g["Resources"]["EdgeAlertsKey"].dump() + g["Resources"]["EdgeAlertsTopicPolicy"].dump();
  EXPECT_THAT(policies, ::testing::Not(::testing::HasSubstr("budgets.amazonaws.com")));
  EXPECT_THAT(policies, ::testing::Not(::testing::HasSubstr("costalerts.amazonaws.com")));
  auto subscriptions = ResourcesOfType(g, "AWS::SNS::Subscription");
  ASSERT_EQ(subscriptions.size(), 1u);
  EXPECT_EQ(g["Resources"][subscriptions[0]]["Properties"]["Endpoint"], "oncall@acme.example");
  EXPECT_EQ(ResourcesOfType(g, "AWS::SQS::Queue").size(), 1u);
  EXPECT_TRUE(g["Outputs"].contains("EdgeAlertTopicArn"));
  // Without CloudFront the environment has one alert topic, the main stack's.
  App off = testing::SynthFromYaml(EdgeYaml("prod", true, false), "prod");
  std::vector<std::string> topics;
  for (const auto& s : off.stacks)
    for (const auto& id : ResourcesOfType(s.tmpl.ToJson(), "AWS::SNS::Topic")) topics.push_back(s.id + "/" + id);
  EXPECT_EQ(topics, std::vector<std::string>{"orders-api-prod/AlertsTopic"});
}

TEST(CloudFront, OriginSecretValues) {
  EXPECT_EQ(CheckOriginSecretValue(std::string(64, 'a')), "");
  EXPECT_NE(CheckOriginSecretValue("short"), "");
  EXPECT_NE(CheckOriginSecretValue(std::string(201, 'a')), "");
  EXPECT_NE(CheckOriginSecretValue(std::string(40, 'a') + " " + std::string(40, 'b')), "");
}

}  // namespace
}  // namespace bp
