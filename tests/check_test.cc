// blueprint check (issue 25, analysis/check.h): the bundled environments pass every rule
// on each platform and ingress; each rule fails on a template or config built to break
// it, naming the environment, stack, resource and stack.yaml key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>

#include "analysis/check.h"
#include "analysis/check_render.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using analysis::CheckEnvironment;
using analysis::Finding;
using analysis::StackTemplate;
using cfn::Json;
using ::testing::HasSubstr;

// Each bundled environment on `platform` with `ingress`: its config and its templates.
struct CheckedEnv {
  StackConfig config;
  std::vector<StackTemplate> stacks;
};
std::vector<CheckedEnv> BundledLayout(ComputePlatform platform, const std::string& ingress) {
  std::vector<CheckedEnv> out;
  for (const StackConfig& c : testing::BundledEnvironmentsWith(
           std::string("  platform: ") + ComputePlatformName(platform) + "\n  ingress: " + ingress + "\n")) {
    App app;
    Diagnostics d;
    EXPECT_TRUE(Assemble(c, &app, &d)) << d.FormatAll();
    out.push_back({c, analysis::TemplatesOf(app, c.env)});
  }
  EXPECT_EQ(out.size(), 3u);
  return out;
}

std::string Listed(const std::vector<Finding>& findings) {
  std::string s;
  for (const Finding& f : findings)
    s += std::string("\n  ") + f.rule->id + " " + f.stack + "/" + f.resource + ": " + f.message;
  return s;
}

// The findings of `rule` only.
std::vector<Finding> OfRule(const std::vector<Finding>& findings, const std::string& rule) {
  std::vector<Finding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
               [&](const Finding& f) { return f.rule->id == rule; });
  return out;
}

struct Layout {
  ComputePlatform platform;
  const char* ingress;
};
const Layout kLayouts[] = {{ComputePlatform::kAppRunner, "public"},
                           {ComputePlatform::kAppRunner, "edge"},
                           {ComputePlatform::kEcsExpress, "public"},
                           {ComputePlatform::kEcsExpress, "private"},
                           {ComputePlatform::kEcsExpress, "edge"}};

TEST(Check, EveryRuleHasAnIdASourceAndAReason) {
  std::set<std::string> ids;
  for (const auto& r : analysis::CheckRules()) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_THAT(std::string(r.id), ::testing::StartsWith("BP-"));
    EXPECT_THAT(std::string(r.source), ::testing::StartsWith("https://docs.aws.amazon.com/")) << r.id;
    EXPECT_GT(std::string(r.why).size(), 20u) << r.id;
    EXPECT_EQ(analysis::FindCheckRule(r.id), &r);
  }
  EXPECT_EQ(analysis::FindCheckRule("BP-NOPE"), nullptr);
}

TEST(Check, TheBundledEnvironmentsPassEveryRuleOnEachPlatformAndIngress) {
  for (const Layout& l : kLayouts)
    for (CheckedEnv& e : BundledLayout(l.platform, l.ingress)) {
      SCOPED_TRACE(e.config.env + " " + ComputePlatformName(l.platform) + " " + l.ingress);
      std::vector<Finding> findings = CheckEnvironment(e.config, e.stacks);
      EXPECT_TRUE(findings.empty()) << Listed(findings);
    }
}

// A public service whose VPC lost its internet gateway answers nobody.
TEST(Check, APublicEntryNothingReachesIsAnError) {
  CheckedEnv e = BundledLayout(ComputePlatform::kEcsExpress, "public").at(0);
  Json& t = fixtures::MainOf(e.stacks);
  t["Resources"].erase("InternetGatewayAttachment");
  std::vector<Finding> f = OfRule(CheckEnvironment(e.config, e.stacks), "BP-REACH-ENTRY");
  ASSERT_EQ(f.size(), 1u) << Listed(CheckEnvironment(e.config, e.stacks));
  EXPECT_EQ(f[0].key, "compute.ingress");
  EXPECT_EQ(f[0].env, e.config.env);
  EXPECT_EQ(f[0].where.file, e.config.file);
  EXPECT_THAT(f[0].message, HasSubstr("nothing from the internet reaches the service"));
}

// CloudFront with a custom origin on the internal load balancer's name reaches nothing.
TEST(Check, AnOriginCloudFrontCannotReachIsAnError) {
  CheckedEnv e = BundledLayout(ComputePlatform::kEcsExpress, "edge").at(1);
  for (auto& s : e.stacks) {
    if (s.role != StackRole::kGlobal) continue;
    Json& origin = s.tmpl["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0];
    origin.erase("VpcOriginConfig");
    origin["CustomOriginConfig"] = Json{{"OriginProtocolPolicy", "https-only"}, {"HTTPSPort", 443}};
  }
  std::vector<Finding> f = OfRule(CheckEnvironment(e.config, e.stacks), "BP-REACH-ORIGIN");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0].message, HasSubstr("is internal"));
  EXPECT_EQ(f[0].key, "compute.ingress");
  EXPECT_EQ(f[0].resource, "Distribution");
  EXPECT_THAT(f[0].stack, ::testing::EndsWith("-global"));
  EXPECT_GT(f[0].where.line, 0) << "the layout writes compute.ingress: the finding points at its line";
}

// A config that means the service to be private, with templates whose entry faces the
// internet (here: the public layout's), is an exposure.
TEST(Check, AServiceMeantToBePrivateThatFacesTheInternetIsAnError) {
  CheckedEnv meant = BundledLayout(ComputePlatform::kEcsExpress, "private").at(0);
  CheckedEnv built = BundledLayout(ComputePlatform::kEcsExpress, "public").at(0);
  std::vector<Finding> f = OfRule(CheckEnvironment(meant.config, built.stacks), "BP-REACH-EXPOSED");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0].message, HasSubstr("although compute.ingress is private"));
  EXPECT_TRUE(OfRule(CheckEnvironment(meant.config, meant.stacks), "BP-REACH-EXPOSED").empty());
}

TEST(Check, ADatabaseGroupThatAdmitsNothingFromTheServiceIsAnError) {
  CheckedEnv e = BundledLayout(ComputePlatform::kAppRunner, "public").at(2);
  Json& t = fixtures::MainOf(e.stacks);
  for (const std::string& id : fixtures::ResourcesOfType(t, "AWS::EC2::SecurityGroupIngress")) t["Resources"].erase(id);
  std::vector<Finding> f = OfRule(CheckEnvironment(e.config, e.stacks), "BP-REACH-DATABASE");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0].message, HasSubstr("admit nothing on TCP 5432 from AppSecurityGroup"));
}

// Private subnets without a NAT route or VPC endpoints: the tasks reach no AWS service.
TEST(Check, APrivateServiceWithoutNatOrEndpointsIsAnErrorPerService) {
  CheckedEnv e = BundledLayout(ComputePlatform::kEcsExpress, "private").at(0);
  Json& t = fixtures::MainOf(e.stacks);
  for (const std::string& id : fixtures::ResourcesOfType(t, "AWS::EC2::Route"))
    if (!t["Resources"][id]["Properties"].contains("GatewayId")) t["Resources"].erase(id);
  std::vector<Finding> all = CheckEnvironment(e.config, e.stacks);
  for (const char* rule : {"BP-REACH-REGISTRY", "BP-REACH-SECRETS", "BP-REACH-LOGS"}) {
    std::vector<Finding> f = OfRule(all, rule);
    ASSERT_EQ(f.size(), 1u) << rule << Listed(all);
    EXPECT_THAT(f[0].message, HasSubstr("no 0.0.0.0/0 route (no NAT)")) << rule;
    EXPECT_EQ(f[0].key, "network.nat") << rule;
    // The key's line when the file writes it; none when its default decides.
    EXPECT_EQ(f[0].where.line > 0, e.config.IsSetInFile("network.nat")) << rule;
  }
  EXPECT_TRUE(OfRule(all, "BP-REACH-DATABASE").empty()) << Listed(all);
}

TEST(Check, TemplateRulesNameTheResource) {
  CheckedEnv e = BundledLayout(ComputePlatform::kAppRunner, "public").at(0);
  Json& t = fixtures::MainOf(e.stacks);
  t["Resources"]["Db"]["Properties"]["StorageEncrypted"] = false;
  std::string group = fixtures::ResourcesOfType(t, "AWS::Logs::LogGroup").at(0);
  t["Resources"][group]["Properties"].erase("RetentionInDays");
  std::string alarm = fixtures::ResourcesOfType(t, "AWS::CloudWatch::Alarm").at(0);
  t["Resources"][alarm]["Properties"].erase("AlarmActions");
  std::vector<Finding> all = CheckEnvironment(e.config, e.stacks);
  ASSERT_EQ(all.size(), 3u) << Listed(all);
  EXPECT_EQ(std::string(all[0].rule->id) + " " + all[0].resource, "BP-SEC-DB-ENCRYPTED Db");
  EXPECT_EQ(std::string(all[1].rule->id) + " " + all[1].resource, "BP-REL-LOGS-EXPIRE " + group);
  EXPECT_EQ(std::string(all[2].rule->id) + " " + all[2].resource, "BP-REL-ALARM-ACTION " + alarm);
  EXPECT_EQ(analysis::CheckErrors(all), 1u);  // the other two are warnings
  std::string text = analysis::CheckText(all, {e.config.env});
  EXPECT_THAT(text, HasSubstr("error BP-SEC-DB-ENCRYPTED " + all[0].stack + "/Db: StorageEncrypted is not true"));
  EXPECT_THAT(text, HasSubstr("1 error(s), 2 warning(s) in 1 environment(s)"));
  Json j = analysis::CheckJson(all, {e.config.env});
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["findings"][0]["rule"], "BP-SEC-DB-ENCRYPTED");
  EXPECT_EQ(j["findings"][0]["source"],
            "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html");
}

// What an add-on or override may write and still be encrypted or alerting: no finding;
// a disabled alarm is one.
TEST(Check, TemplateRulesReadWhatAwsReads) {
  CheckedEnv e = BundledLayout(ComputePlatform::kAppRunner, "public").at(0);
  Json& t = fixtures::MainOf(e.stacks);
  Json& db = t["Resources"]["Db"]["Properties"];
  db["StorageEncrypted"] = "true";
  EXPECT_TRUE(CheckEnvironment(e.config, e.stacks).empty());
  db["StorageEncrypted"] = cfn::If("Encrypt", true, false);
  EXPECT_TRUE(CheckEnvironment(e.config, e.stacks).empty());
  db["StorageEncrypted"] = false;
  db["SourceDBInstanceIdentifier"] = "orders-primary";  // a replica inherits its source's
  EXPECT_TRUE(CheckEnvironment(e.config, e.stacks).empty());
  db.erase("SourceDBInstanceIdentifier");
  EXPECT_EQ(OfRule(CheckEnvironment(e.config, e.stacks), "BP-SEC-DB-ENCRYPTED").size(), 1u);
  db["StorageEncrypted"] = true;

  std::string alarm = fixtures::ResourcesOfType(t, "AWS::CloudWatch::Alarm").at(0);
  t["Resources"][alarm]["Properties"]["ActionsEnabled"] = false;
  std::vector<Finding> f = OfRule(CheckEnvironment(e.config, e.stacks), "BP-REL-ALARM-ACTION");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "ActionsEnabled is false");
}

TEST(Check, TheCommandPassesTheBundledEnvironmentsAndSpeaksJson) {
  auto r = testing::RunBlueprint({"check", "--all", "--environments", testing::SourceDir() + "/environments"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 error(s), 0 warning(s) in 3 environment(s)"));
  r = testing::RunBlueprint(
      {"check", "--stack", "prod", "--format", "json", "--environments", testing::SourceDir() + "/environments"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["environments"], Json::array({"prod"}));
  EXPECT_TRUE(j["findings"].empty());
  r = testing::RunBlueprint({"check", "--format", "sarif"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  // A stack id checks the environments that stack serves, each whole: the global stack
  // alone has no service, the main stack alone no distribution.
  for (const char* stack : {"orders-api-prod-global", "orders-api-prod", "apprunner-blueprint-account"}) {
    r = testing::RunBlueprint({"check", "--stack", stack, "--environments", testing::SourceDir() + "/environments"});
    EXPECT_EQ(r.exit_code, 0) << stack << "\n" << r.out << r.err;
  }
  r = testing::RunBlueprint(
      {"check", "--stack", "orders-api-prod-global", "--environments", testing::SourceDir() + "/environments"});
  EXPECT_THAT(r.out, HasSubstr("0 error(s), 0 warning(s) in 1 environment(s)"));
}

}  // namespace
}  // namespace bp
