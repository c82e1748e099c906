// blueprint check (issue 25, analysis/check.h): the bundled environments pass every rule
// on each platform and ingress, with their acknowledged findings; each rule fails on a
// template or config built to break it, naming the environment, stack, resource and
// stack.yaml key; acknowledgements accept, expire, and are refused when they name
// nothing; `up` of a guarded environment stops on an unacknowledged error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>

#include "analysis/check.h"
#include "analysis/check_render.h"
#include "fake_aws.h"
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

CheckedEnv LayoutEnv(ComputePlatform platform, const std::string& ingress, const std::string& env) {
  for (CheckedEnv& e : BundledLayout(platform, ingress))
    if (e.config.env == env) return std::move(e);
  ADD_FAILURE() << "no environment " << env;
  return {};
}

// The day the tests check on: before the bundled acknowledgements expire (2027-06-30).
const std::string kCheckDay = kTestToday;

std::vector<Finding> Check(const CheckedEnv& e, const std::string& today = kCheckDay) {
  return CheckEnvironment(e.config, e.stacks, today);
}

// The findings no acknowledgement accepts.
std::vector<Finding> Standing(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
               [](const Finding& f) { return !f.Acknowledged(); });
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
    // An AWS page; the rule about the acknowledgements themselves cites the tool's own.
    EXPECT_THAT(std::string(r.source),
                ::testing::StartsWith(r.family == analysis::CheckFamily::kConfig ? "docs/check.md#"
                                                                                 : "https://docs.aws.amazon.com/"))
        << r.id;
    EXPECT_GT(std::string(r.why).size(), 20u) << r.id;
    EXPECT_EQ(analysis::FindCheckRule(r.id), &r);
  }
  EXPECT_EQ(analysis::FindCheckRule("BP-NOPE"), nullptr);
}

TEST(Check, TheBundledEnvironmentsPassEveryRuleOnEachPlatformAndIngress) {
  for (const Layout& l : kLayouts)
    for (CheckedEnv& e : BundledLayout(l.platform, l.ingress)) {
      SCOPED_TRACE(e.config.env + " " + ComputePlatformName(l.platform) + " " + l.ingress);
      std::vector<Finding> findings = Check(e);
      EXPECT_TRUE(Standing(findings).empty()) << Listed(Standing(findings));
    }
}

// What the bundled environments acknowledge, as they are: a short list, each entry with
// its reason, every one accepting a finding.
TEST(Check, TheBundledEnvironmentsAcknowledgeAShortListOfDecisions) {
  std::set<std::string> accepted;
  for (CheckedEnv& e : BundledLayout(ComputePlatform::kAppRunner, "public"))
    for (const Finding& f : Check(e)) {
      EXPECT_TRUE(f.Acknowledged()) << f.rule->id << " " << f.message;
      EXPECT_GE(f.reason.size(), 40u) << f.rule->id;
      accepted.insert(e.config.env + " " + f.rule->id + (f.resource.empty() ? "" : "/" + f.resource));
    }
  EXPECT_EQ(accepted, (std::set<std::string>{"dev BP-SEC-FLOW-LOGS/Vpc", "dev BP-SEC-SECRET-ROTATION/DbCredentials",
                                             "dev BP-COST-UNKNOWN", "staging BP-SEC-FLOW-LOGS/Vpc",
                                             "staging BP-SEC-SECRET-ROTATION/DbCredentials", "staging BP-COST-UNKNOWN",
                                             "prod BP-SEC-SECRET-ROTATION/DbCredentials", "prod BP-COST-UNKNOWN"}));
}

// A public service whose VPC lost its internet gateway answers nobody.
TEST(Check, APublicEntryNothingReachesIsAnError) {
  CheckedEnv e = BundledLayout(ComputePlatform::kEcsExpress, "public").at(0);
  Json& t = fixtures::MainOf(e.stacks);
  t["Resources"].erase("InternetGatewayAttachment");
  std::vector<Finding> f = OfRule(Check(e), "BP-REACH-ENTRY");
  ASSERT_EQ(f.size(), 1u) << Listed(Check(e));
  EXPECT_EQ(f[0].key, "compute.ingress");
  EXPECT_EQ(f[0].env, e.config.env);
  EXPECT_EQ(f[0].where.file, e.config.file);
  EXPECT_THAT(f[0].message, HasSubstr("nothing from the internet reaches the service"));
}

// A service meant to be public (compute.ingress public) whose templates put it in the
// private subnets behind an internal load balancer (the private layout's): nobody reaches it.
TEST(Check, AnInternalEntryMeantToBePublicIsAnError) {
  CheckedEnv meant = LayoutEnv(ComputePlatform::kEcsExpress, "public", "prod");
  CheckedEnv built = LayoutEnv(ComputePlatform::kEcsExpress, "private", "prod");
  std::vector<Finding> f = OfRule(CheckEnvironment(meant.config, built.stacks, kCheckDay), "BP-REACH-ENTRY");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0].message, HasSubstr("compute.ingress is public, but nothing from the internet reaches the service"));
  EXPECT_TRUE(OfRule(Check(meant), "BP-REACH-ENTRY").empty());
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
  std::vector<Finding> f = OfRule(Check(e), "BP-REACH-ORIGIN");
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
  std::vector<Finding> f = OfRule(CheckEnvironment(meant.config, built.stacks, kCheckDay), "BP-REACH-EXPOSED");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0].message, HasSubstr("although compute.ingress is private"));
  EXPECT_TRUE(OfRule(Check(meant), "BP-REACH-EXPOSED").empty());
}

TEST(Check, ADatabaseGroupThatAdmitsNothingFromTheServiceIsAnError) {
  CheckedEnv e = BundledLayout(ComputePlatform::kAppRunner, "public").at(2);
  Json& t = fixtures::MainOf(e.stacks);
  for (const std::string& id : fixtures::ResourcesOfType(t, "AWS::EC2::SecurityGroupIngress")) t["Resources"].erase(id);
  std::vector<Finding> f = OfRule(Check(e), "BP-REACH-DATABASE");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0].message, HasSubstr("admit nothing on TCP 5432 from AppSecurityGroup"));
}

// Private subnets without a NAT route or VPC endpoints: the tasks reach no AWS service.
TEST(Check, APrivateServiceWithoutNatOrEndpointsIsAnErrorPerService) {
  CheckedEnv e = BundledLayout(ComputePlatform::kEcsExpress, "private").at(0);
  Json& t = fixtures::MainOf(e.stacks);
  for (const std::string& id : fixtures::ResourcesOfType(t, "AWS::EC2::Route"))
    if (!t["Resources"][id]["Properties"].contains("GatewayId")) t["Resources"].erase(id);
  std::vector<Finding> all = Check(e);
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
  std::vector<Finding> all = Standing(Check(e));
  ASSERT_EQ(all.size(), 3u) << Listed(all);
  EXPECT_EQ(std::string(all[0].rule->id) + " " + all[0].resource, "BP-SEC-DB-ENCRYPTED Db");
  EXPECT_EQ(std::string(all[1].rule->id) + " " + all[1].resource, "BP-REL-LOGS-EXPIRE " + group);
  EXPECT_EQ(std::string(all[2].rule->id) + " " + all[2].resource, "BP-REL-ALARM-ACTION " + alarm);
  EXPECT_EQ(analysis::CheckErrors(all), 1u);  // the other two are warnings
  std::string text = analysis::CheckText(all, {e.config.env});
  EXPECT_THAT(text, HasSubstr("error BP-SEC-DB-ENCRYPTED " + all[0].stack + "/Db: StorageEncrypted is not true"));
  EXPECT_THAT(text, HasSubstr("1 error(s), 2 warning(s), 0 acknowledged in 1 environment(s)"));
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
  EXPECT_TRUE(Standing(Check(e)).empty());
  db["StorageEncrypted"] = cfn::If("Encrypt", true, false);
  EXPECT_TRUE(Standing(Check(e)).empty());
  db["StorageEncrypted"] = false;
  db["SourceDBInstanceIdentifier"] = "orders-primary";  // a replica inherits its source's
  EXPECT_TRUE(Standing(Check(e)).empty());
  db.erase("SourceDBInstanceIdentifier");
  EXPECT_EQ(OfRule(Check(e), "BP-SEC-DB-ENCRYPTED").size(), 1u);
  db["StorageEncrypted"] = true;

  std::string alarm = fixtures::ResourcesOfType(t, "AWS::CloudWatch::Alarm").at(0);
  t["Resources"][alarm]["Properties"]["ActionsEnabled"] = false;
  std::vector<Finding> f = OfRule(Check(e), "BP-REL-ALARM-ACTION");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "ActionsEnabled is false");
}

TEST(Check, TheCommandPassesTheBundledEnvironmentsAndSpeaksJson) {
  auto r = testing::RunBlueprint({"check", "--all", "--environments", testing::SourceDir() + "/environments"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 error(s), 0 warning(s), 8 acknowledged in 3 environment(s)"));
  r = testing::RunBlueprint(
      {"check", "--stack", "prod", "--format", "json", "--environments", testing::SourceDir() + "/environments"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["environments"], Json::array({"prod"}));
  EXPECT_EQ(j["acknowledged"], 2);
  for (const Json& f : j["findings"]) {
    EXPECT_EQ(f["acknowledged"], true) << f.dump();
    EXPECT_THAT(f["acknowledgement"]["by"].get<std::string>(), ::testing::StartsWith("checks.acknowledge.BP-"));
  }
  r = testing::RunBlueprint({"check", "--format", "xml"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  // A stack id checks the environments that stack serves, each whole: the global stack
  // alone has no service, the main stack alone no distribution.
  for (const char* stack : {"orders-api-prod-global", "orders-api-prod", "apprunner-blueprint-account"}) {
    r = testing::RunBlueprint({"check", "--stack", stack, "--environments", testing::SourceDir() + "/environments"});
    EXPECT_EQ(r.exit_code, 0) << stack << "\n" << r.out << r.err;
  }
  r = testing::RunBlueprint(
      {"check", "--stack", "orders-api-prod-global", "--environments", testing::SourceDir() + "/environments"});
  EXPECT_THAT(r.out, HasSubstr("0 error(s), 0 warning(s), 2 acknowledged in 1 environment(s)"));
}

// --- every rule: a fixture that breaks it, and the bundled environments that pass it ---

// `c` assembled again: a config fixture.
void Reassemble(CheckedEnv& e) {
  App app;
  Diagnostics d;
  EXPECT_TRUE(Assemble(e.config, &app, &d)) << d.FormatAll();
  e.stacks = analysis::TemplatesOf(app, e.config.env);
}

Json& GlobalOf(std::vector<StackTemplate>& stacks) {
  for (auto& s : stacks)
    if (s.role == StackRole::kGlobal) return s.tmpl;
  ADD_FAILURE() << "no global stack";
  return stacks.at(0).tmpl;
}

// The Deny statements of a resource policy, removed.
void DropDenies(Json& policy_resource) {
  Json& statements = policy_resource["Properties"]["PolicyDocument"]["Statement"];
  Json kept = Json::array();
  for (const Json& st : statements)
    if (st["Effect"] != "Deny") kept.push_back(st);
  statements = kept;
}

Json& DeployPolicy(Json& t) {
  return t["Resources"]["GithubDeployRole"]["Properties"]["Policies"][0]["PolicyDocument"];
}

struct RuleBreak {
  const char* rule;
  const char* env;
  ComputePlatform platform;
  const char* ingress;
  void (*mutate)(CheckedEnv&);
  const char* resource;  // the finding's resource ("" for the environment)
};

Json& Db(CheckedEnv& e) { return fixtures::MainOf(e.stacks)["Resources"]["Db"]["Properties"]; }

const RuleBreak kRuleBreaks[] = {
    {"BP-SEC-DB-ENCRYPTED", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { Db(e)["StorageEncrypted"] = false; }, "Db"},
    {"BP-SEC-DB-TLS", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       fixtures::MainOf(e.stacks)["Resources"]["DbParameterGroup"]["Properties"]["Parameters"]["rds.force_ssl"] = "0";
     },
     "Db"},
    {"BP-SEC-DB-PUBLIC", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { Db(e)["PubliclyAccessible"] = true; }, "Db"},
    {"BP-SEC-OPEN-INGRESS", "prod", ComputePlatform::kEcsExpress, "public",
     [](CheckedEnv& e) {
       fixtures::MainOf(e.stacks)["Resources"]["DbSecurityGroup"]["Properties"]["SecurityGroupIngress"] =
           Json::array({{{"IpProtocol", "tcp"}, {"FromPort", 5432}, {"ToPort", 5432}, {"CidrIp", "0.0.0.0/0"}}});
     },
     "DbSecurityGroup"},
    {"BP-SEC-EBS-ENCRYPTED", "dev", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       fixtures::MainOf(e.stacks)["Resources"]["NatLaunchTemplate"]["Properties"]["LaunchTemplateData"].erase(
           "BlockDeviceMappings");
     },
     "NatLaunchTemplate"},
    {"BP-SEC-TOPIC-ENCRYPTED", "staging", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       fixtures::MainOf(e.stacks)["Resources"]["AlertsTopic"]["Properties"].erase("KmsMasterKeyId");
     },
     "AlertsTopic"},
    {"BP-SEC-TOPIC-TLS", "staging", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { DropDenies(fixtures::MainOf(e.stacks)["Resources"]["AlertsTopicPolicy"]); }, "AlertsTopic"},
    {"BP-SEC-QUEUE-ENCRYPTED", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       Json& q = fixtures::MainOf(e.stacks)["Resources"]["AlertsDeadLetterQueue"]["Properties"];
       q.erase("KmsMasterKeyId");
       q["SqsManagedSseEnabled"] = false;
     },
     "AlertsDeadLetterQueue"},
    {"BP-SEC-QUEUE-TLS", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { DropDenies(fixtures::MainOf(e.stacks)["Resources"]["AlertsDeadLetterQueuePolicy"]); },
     "AlertsDeadLetterQueue"},
    {"BP-SEC-EDGE-TLS", "prod", ComputePlatform::kEcsExpress, "edge",
     [](CheckedEnv& e) {
       GlobalOf(e.stacks)["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
                         ["ViewerProtocolPolicy"] = "allow-all";
     },
     "Distribution"},
    {"BP-SEC-PLAINTEXT-SECRET", "dev", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { e.config.app.env.emplace_back("PAYMENTS_URL", "https://orders:hunter22@pay.example/v1"); },
     ""},
    {"BP-SEC-FLOW-LOGS", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       Json& t = fixtures::MainOf(e.stacks);
       for (const std::string& id : fixtures::ResourcesOfType(t, "AWS::EC2::FlowLog")) t["Resources"].erase(id);
     },
     "Vpc"},
    {"BP-SEC-SECRET-ROTATION", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { e.config.checks.acknowledge.clear(); }, "DbCredentials"},
    {"BP-IAM-ACTION-WILDCARD", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       DeployPolicy(fixtures::MainOf(e.stacks))["Statement"].push_back(
           {{"Effect", "Allow"}, {"Action", "s3:*"}, {"Resource", "arn:aws:s3:::orders-assets/*"}});
     },
     "GithubDeployRole"},
    {"BP-IAM-RESOURCE-WILDCARD", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       DeployPolicy(fixtures::MainOf(e.stacks))["Statement"].push_back(
           {{"Effect", "Allow"},
            {"Action", Json::array({"ecr:GetAuthorizationToken", "s3:GetObject"})},
            {"Resource", "*"}});
     },
     "GithubDeployRole"},
    {"BP-IAM-CONFUSED-DEPUTY", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       fixtures::MainOf(
           e.stacks)["Resources"]["DbMonitoringRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
           .erase("Condition");
     },
     "DbMonitoringRole"},
    {"BP-IAM-MANAGED-POLICY", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       fixtures::MainOf(e.stacks)["Resources"]["ServiceInstanceRole"]["Properties"]["ManagedPolicyArns"].push_back(
           cfn::Sub("arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"));
     },
     "ServiceInstanceRole"},
    {"BP-REL-DB-MULTI-AZ", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { Db(e)["MultiAZ"] = false; }, "Db"},
    {"BP-REL-DB-DELETION-PROTECTION", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { Db(e).erase("DeletionProtection"); }, "Db"},
    {"BP-REL-DB-BACKUPS", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { Db(e)["BackupRetentionPeriod"] = "1"; }, "Db"},
    {"BP-REL-DB-BACKUPS", "prod", ComputePlatform::kEcsExpress, "public",
     [](CheckedEnv& e) { fixtures::MainOf(e.stacks)["Resources"].erase("BackupSelection"); }, "Db"},
    {"BP-REL-NAT-PER-AZ", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       e.config.network.nat = NatMode::kGateway;
       Reassemble(e);
     },
     "NatGateway1"},
    {"BP-REL-ROLLOUT-ROLE", "prod", ComputePlatform::kEcsExpress, "edge",
     [](CheckedEnv& e) {
       // The statements that grant the Express service's update handler what it calls.
       Json& statements = DeployPolicy(fixtures::MainOf(e.stacks))["Statement"];
       Json kept = Json::array();
       for (const Json& st : statements)
         if (st.dump().find("ecs:UpdateExpressGatewayService") == std::string::npos) kept.push_back(st);
       ASSERT_LT(kept.size(), statements.size());
       statements = kept;
     },
     "GithubDeployRole"},
    {"BP-REL-LOGS-EXPIRE", "dev", ComputePlatform::kEcsExpress, "edge",
     [](CheckedEnv& e) {
       fixtures::MainOf(e.stacks)["Resources"]["ServiceLogGroup"]["Properties"].erase("RetentionInDays");
     },
     "ServiceLogGroup"},
    {"BP-REL-ALARM-ACTION", "staging", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       Json& t = fixtures::MainOf(e.stacks);
       t["Resources"][fixtures::ResourcesOfType(t, "AWS::CloudWatch::Alarm").at(0)]["Properties"]["AlarmActions"] =
           Json::array();
     },
     nullptr},
    {"BP-REL-LAMBDA-RUNTIME", "dev", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       fixtures::MainOf(e.stacks)["Resources"]["LogRetentionFunction"]["Properties"]["Runtime"] = "python3.12";
     },
     "LogRetentionFunction"},
    {"BP-COST-NAT-PER-AZ", "staging", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       e.config.network.nat = NatMode::kGatewayPerAz;
       Reassemble(e);
     },
     ""},
    {"BP-COST-FLOW-LOGS", "prod", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { e.config.usage.egress_gb_per_month = 2000; }, "FlowLog"},
    {"BP-COST-UNKNOWN", "dev", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) { e.config.checks.acknowledge.clear(); }, ""},
    {"BP-ACK-UNUSED", "dev", ComputePlatform::kAppRunner, "public",
     [](CheckedEnv& e) {
       e.config.checks.acknowledge.push_back(
           {"BP-SEC-DB-PUBLIC", "Db", "a public demo database the sales team shows customers", ""});
     },
     ""},
};

// The BP-REACH-* rules have the dedicated tests above (a fixture for each of the four
// the issue names, and one per path).
const std::set<std::string> kReachRules = {"BP-REACH-ENTRY",    "BP-REACH-ORIGIN",   "BP-REACH-EXPOSED",
                                           "BP-REACH-DATABASE", "BP-REACH-REGISTRY", "BP-REACH-SECRETS",
                                           "BP-REACH-LOGS"};

TEST(Check, EveryRuleHasAFixtureThatBreaksIt) {
  std::set<std::string> covered = kReachRules;
  for (const RuleBreak& b : kRuleBreaks) covered.insert(b.rule);
  for (const auto& r : analysis::CheckRules()) EXPECT_TRUE(covered.count(r.id)) << r.id << " has no failing fixture";
}

TEST(Check, EachRuleFailsOnItsFixtureAndPassesWithout) {
  for (const RuleBreak& b : kRuleBreaks) {
    SCOPED_TRACE(std::string(b.rule) + " on " + b.env);
    CheckedEnv e = LayoutEnv(b.platform, b.ingress, b.env);
    const std::vector<Finding> bundled = Check(e);
    EXPECT_TRUE(OfRule(Standing(bundled), b.rule).empty()) << "passes as bundled";
    std::set<std::string> accepted;  // what the environment acknowledges as bundled
    for (const Finding& x : bundled) accepted.insert(std::string(x.rule->id) + "/" + x.resource);
    b.mutate(e);
    std::vector<Finding> all = Check(e);
    std::vector<Finding> f = OfRule(Standing(all), b.rule);
    ASSERT_FALSE(f.empty()) << Listed(all);
    if (b.resource) EXPECT_EQ(f[0].resource, b.resource) << f[0].message;
    EXPECT_EQ(f[0].env, b.env);
    EXPECT_FALSE(f[0].message.empty());
    // Nothing else broke: another standing finding is one the environment acknowledged
    // before the fixture took its acknowledgements away.
    for (const Finding& other : Standing(all))
      if (other.rule->id != std::string(b.rule))
        EXPECT_TRUE(accepted.count(std::string(other.rule->id) + "/" + other.resource))
            << other.rule->id << ": " << other.message;
  }
}

// A secret-looking app.env entry points at its own line and says how to move it; the
// value never appears in the message.
TEST(Check, APlainTextSecretPointsAtItsLineAndNeverPrintsTheValue) {
  CheckedEnv e = LayoutEnv(ComputePlatform::kAppRunner, "public", "dev");
  e.config.app.env.emplace_back("STRIPE_SECRET", "rk_live_51Hx9QeLkd82JfPq0Zt7Vb3Ns");
  e.config.app.env.emplace_back("SIGNING_SEED", "Qm9vZ2xlLXN0eWxlLXRva2VuLXZhbHVlLTEyMzQ1Ng9x");
  e.config.app.env.emplace_back("GREETING", "hello from the orders service");
  std::vector<Finding> f = OfRule(Check(e), "BP-SEC-PLAINTEXT-SECRET");
  ASSERT_EQ(f.size(), 2u) << Listed(f);
  std::set<std::string> keys = {f[0].key, f[1].key};
  EXPECT_EQ(keys, (std::set<std::string>{"app.env.STRIPE_SECRET", "app.env.SIGNING_SEED"}));
  for (const Finding& x : f) {
    EXPECT_THAT(x.message, HasSubstr("blueprint config set --stack dev --secret app.secrets."));
    EXPECT_THAT(x.message, ::testing::Not(HasSubstr("rk_live")));
    EXPECT_THAT(x.message, ::testing::Not(HasSubstr("Qm9v")));
  }
  // Written in the file, the entry is pointed at by its line.
  testing::TempDir dir;
  std::string yaml = testing::ReadFileOrDie(kEnvironments + "/dev/stack.yaml");
  yaml.replace(yaml.find("    LOG_LEVEL: debug\n"), 0,
               "    DATABASE_URL: postgres://app:s3cretpw@db.internal:5432/app\n");
  dir.Write("environments/dev/stack.yaml", yaml);
  testing::CommandResult r =
      testing::RunBlueprint({"check", "--stack", "dev", "--environments", dir.path() + "/environments"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("decided at " + dir.path() + "/environments/dev/stack.yaml:11 (app.env.DATABASE_URL)"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("s3cretpw")));
  // LOG_LEVEL: debug, as bundled, is no secret.
  EXPECT_TRUE(
      OfRule(Check(LayoutEnv(ComputePlatform::kAppRunner, "public", "dev")), "BP-SEC-PLAINTEXT-SECRET").empty());
}

// --- acknowledgements -------------------------------------------------------------------

TEST(Check, AnAcknowledgementOfOneResourceAcceptsThatResourceOnly) {
  CheckedEnv e = LayoutEnv(ComputePlatform::kAppRunner, "public", "prod");
  Json& t = fixtures::MainOf(e.stacks);
  std::vector<std::string> groups = fixtures::ResourcesOfType(t, "AWS::Logs::LogGroup");
  ASSERT_GE(groups.size(), 2u);
  for (const std::string& g : groups) t["Resources"][g]["Properties"].erase("RetentionInDays");
  e.config.checks.acknowledge.push_back(
      {"BP-REL-LOGS-EXPIRE", groups[0], "kept forever on purpose for the yearly audit trail", ""});
  std::vector<Finding> f = OfRule(Check(e), "BP-REL-LOGS-EXPIRE");
  ASSERT_EQ(f.size(), groups.size());
  for (const Finding& x : f) {
    EXPECT_EQ(x.Acknowledged(), x.resource == groups[0]) << x.resource;
    if (x.Acknowledged()) {
      EXPECT_EQ(x.acknowledged_by, "checks.acknowledge.BP-REL-LOGS-EXPIRE/" + groups[0]);
      EXPECT_EQ(x.reason, "kept forever on purpose for the yearly audit trail");
    }
  }
  std::string text = analysis::CheckText(Check(e), {"prod"});
  EXPECT_THAT(text, HasSubstr("acknowledged:\n    BP-SEC-SECRET-ROTATION"));
  EXPECT_THAT(text, HasSubstr("reason: kept forever on purpose for the yearly audit trail (checks.acknowledge."));
}

// After its expiry day the acknowledgement no longer holds: the finding stands, as an
// error whatever the rule's severity, and says when it expired.
TEST(Check, AnExpiredAcknowledgementIsAnErrorAgain) {
  CheckedEnv e = LayoutEnv(ComputePlatform::kAppRunner, "public", "staging");
  std::vector<Finding> on_the_day = Check(e, "2027-06-30");
  EXPECT_EQ(analysis::CheckErrors(on_the_day), 0u) << Listed(Standing(on_the_day));
  std::vector<Finding> after = Check(e, "2027-07-01");
  std::vector<Finding> f = OfRule(after, "BP-COST-UNKNOWN");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].Acknowledged());
  EXPECT_EQ(f[0].expired, "2027-06-30");
  EXPECT_EQ(f[0].Severity(), analysis::CheckSeverity::kError);
  EXPECT_EQ(analysis::CheckErrors(after), 1u);
  EXPECT_THAT(analysis::CheckText(after, {"staging"}),
              HasSubstr("error BP-COST-UNKNOWN environment staging: 9 cost line(s) without a price"));
  EXPECT_THAT(analysis::CheckText(after, {"staging"}), HasSubstr("its acknowledgement expired after 2027-06-30"));
}

// The production profile's protections turned off with a reason under guards: that
// reason is the acknowledgement, no second one is needed.
TEST(Check, AGuardsReasonAcknowledgesTheProtectionItTurnsOff) {
  CheckedEnv e = LayoutEnv(ComputePlatform::kAppRunner, "public", "prod");
  e.config.database.multi_az = false;
  e.config.guards["allow_single_az"] = "the orders database is rebuilt from events in minutes";
  Reassemble(e);
  std::vector<Finding> f = OfRule(Check(e), "BP-REL-DB-MULTI-AZ");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].Acknowledged());
  EXPECT_EQ(f[0].acknowledged_by, "guards.allow_single_az");
  EXPECT_EQ(f[0].reason, "the orders database is rebuilt from events in minutes");
  e.config.guards.clear();
  EXPECT_FALSE(OfRule(Check(e), "BP-REL-DB-MULTI-AZ").at(0).Acknowledged());
}

class CheckAcknowledgeCli : public testing::ScratchEnvironments {
 protected:
  testing::CommandResult Run(const std::vector<std::string>& args) const {
    return testing::RunBlueprint(args, dir_.path());
  }
  void Acknowledge(const std::string& env, const std::string& entry) const {
    std::string text = Read(env);
    const std::string head = "  acknowledge:\n";
    text.insert(text.find(head) + head.size(), "    " + entry + "\n");
    Replace(env, text);
  }
};

// Every command refuses an acknowledgement that would accept nothing: an unknown rule
// (did you mean), a logical ID no stack has, a reason that is no reason, a date that is
// no date. Each error names the file and line.
TEST_F(CheckAcknowledgeCli, WhatAcceptsNothingIsRefusedWithItsLine) {
  const std::string original = Read("dev");
  struct Case {
    const char* entry;
    const char* says;
  };
  for (const Case& c :
       {Case{"BP-SEC-FLOW-LOG: \"dev holds nothing anyone would trace\"", "did you mean 'BP-SEC-FLOW-LOGS'"},
        Case{"BP-REL-LOGS-EXPIRE/NoSuchGroup: \"kept on purpose for the audit\"", "no resource 'NoSuchGroup'"},
        Case{"BP-REL-LOGS-EXPIRE: todo", "at least three words"},
        Case{"BP-REL-LOGS-EXPIRE: {reason: \"kept on purpose for audit\", expires: 2027-13-01}",
             "is not a date written YYYY-MM-DD"},
        Case{"bp-rel: \"lowercase is not a rule id\"", "is not RULE_ID or RULE_ID/LogicalId"}}) {
    SCOPED_TRACE(c.entry);
    Replace("dev", original);
    Acknowledge("dev", c.entry);
    for (const char* command : {"validate", "check", "synth"}) {
      testing::CommandResult r = Run({command, "--stack", "dev"});
      EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.out << r.err;
      EXPECT_THAT(r.err, HasSubstr(c.says)) << command;
      EXPECT_THAT(r.err, HasSubstr("dev/stack.yaml:24:")) << command;
    }
  }
}

// `config set` writes an acknowledgement checked as every command checks it: a rule that
// does not exist leaves the file as it was; {reason, expires} is written as YAML.
TEST_F(CheckAcknowledgeCli, ConfigSetWritesOnlyWhatChecksAccept) {
  const std::string before = Read("dev");
  testing::CommandResult r =
      Run({"config", "set", "--stack", "dev", "checks.acknowledge.BP-REL-LOG-EXPIRE", "kept for the yearly audit"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("did you mean 'BP-REL-LOGS-EXPIRE'"));
  EXPECT_EQ(Read("dev"), before);
  r = Run({"config", "set", "--stack", "dev", "checks.acknowledge.BP-REL-LOGS-EXPIRE",
           "{reason: \"kept for the yearly audit trail\", expires: 2027-01-31}"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(Read("dev"), HasSubstr("expires: 2027-01-31"));
  // Nothing of that rule stands in dev: the entry accepts nothing, and check says so.
  r = Run({"check", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(
      r.out, HasSubstr("warning BP-ACK-UNUSED environment dev: checks.acknowledge.BP-REL-LOGS-EXPIRE accepts nothing"));
}

TEST_F(CheckAcknowledgeCli, AnExpiredAcknowledgementFailsCheckWithItsOwnStatus) {
  setenv("BLUEPRINT_TODAY", "2027-07-01", 1);
  testing::CommandResult r = Run({"check", "--stack", "staging"});
  testing::CommandResult bad_day = (setenv("BLUEPRINT_TODAY", "2027-02-30", 1), Run({"check", "--stack", "staging"}));
  setenv("BLUEPRINT_TODAY", kTestToday, 1);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("its acknowledgement expired after 2027-06-30"));
  EXPECT_THAT(r.out, HasSubstr("1 error(s), 0 warning(s), 2 acknowledged in 1 environment(s)"));
  EXPECT_EQ(bad_day.exit_code, 2);
  EXPECT_THAT(bad_day.err, HasSubstr("BLUEPRINT_TODAY"));
}

// `up` of an environment with production guards stops on an unacknowledged error before
// any call to AWS; the finding is printed.
class CheckGate : public FakeAwsTest {};  // FakeAwsTest's tests live in deploy_test.cc

// `up` of an environment with production guards stops on an unacknowledged error before
// any call to AWS, printing the findings: here prod's acknowledgement has expired, which
// makes its finding an error again.
TEST_F(CheckGate, UpOfAGuardedEnvironmentStopsOnAnUnacknowledgedCheckError) {
  UseScenario("create");
  testing::TempDir scratch;
  for (const char* env : {"dev", "staging", "prod"})
    scratch.Write(std::string("environments/") + env + "/stack.yaml",
                  testing::ReadFileOrDie(kEnvironments + "/" + env + "/stack.yaml"));
  std::string prod = testing::ReadFileOrDie(kEnvironments + "/prod/stack.yaml");
  const std::string ack = "    BP-COST-UNKNOWN: ";
  const size_t at = prod.find(ack);
  ASSERT_NE(at, std::string::npos);
  const size_t end = prod.find('\n', at);
  prod.replace(at, end - at,
               "    BP-COST-UNKNOWN:\n      reason: \"prices are added by the finance team next quarter\"\n"
               "      expires: 2026-11-30");
  scratch.Write("environments/prod/stack.yaml", prod);
  ProcessOptions guard;
  guard.timeout_ms = 120 * 1000;
  ProcessResult r = RunProcess({BLUEPRINT_BINARY, "up", "--environments", scratch.path() + "/environments",
                                "--state-dir", state(), "--stack", "prod", "--yes"},
                               guard);
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("environment prod has production guards and 1 unacknowledged error(s)"));
  EXPECT_THAT(r.err, HasSubstr("error BP-COST-UNKNOWN"));
  EXPECT_THAT(r.err, HasSubstr("its acknowledgement expired after 2026-11-30"));
  EXPECT_TRUE(Calls().empty()) << Join(Calls(), "\n");
  // The same environments with the acknowledgement in force deploy (the gate lets through).
  r = RunProcess(
      {BLUEPRINT_BINARY, "up", "--environments", kEnvironments, "--state-dir", state(), "--stack", "prod", "--yes"},
      guard);
  EXPECT_FALSE(Calls().empty()) << r.out << r.err;
}

// --- SARIF --------------------------------------------------------------------------------

// The SARIF log validates against the SARIF 2.1.0 schema (tools/sarif: the schema as
// @microsoft/jest-sarif ships it, validated by ajv), acknowledged findings included as
// suppressed results; a log the schema refuses is refused, so the check can fail.
TEST(CheckSarif, ValidatesAgainstTheSarif210Schema) {
  std::string skip;
  const std::string tool = std::string(BLUEPRINT_SOURCE_DIR) + "/tools/sarif";
  if (!testing::NpmTool(tool, "node_modules/ajv/package.json", "the SARIF output was not validated", &skip))
    GTEST_SKIP() << skip;
  testing::TempDir dir;
  // The bundled environments (acknowledged findings), and one with standing ones.
  testing::CommandResult bundled =
      testing::RunBlueprint({"check", "--all", "--format", "sarif", "--environments", kEnvironments});
  ASSERT_EQ(bundled.exit_code, 0) << bundled.err;
  CheckedEnv e = LayoutEnv(ComputePlatform::kAppRunner, "public", "prod");
  kRuleBreaks[0].mutate(e);
  e.config.app.env.emplace_back("API_TOKEN", "x");
  const std::string broken = cfn::WriteJson(analysis::CheckSarif(Check(e, "2027-07-01"), "0.1.0"));
  const std::string bad =
      R"({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "fatal"}]}]})";
  ProcessResult v = RunProcess(
      {"node", tool + "/validate.js", dir.Write("bundled.sarif", bundled.out), dir.Write("broken.sarif", broken)});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  ProcessResult refused = RunProcess({"node", tool + "/validate.js", dir.Write("bad.sarif", bad)});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;

  Json log = Json::parse(bundled.out);
  const Json& run = log["runs"][0];
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), analysis::CheckRules().size());
  ASSERT_EQ(run["results"].size(), 8u);
  for (const Json& result : run["results"]) {
    EXPECT_EQ(result["suppressions"][0]["status"], "accepted") << result.dump();
    EXPECT_FALSE(result["suppressions"][0]["justification"].get<std::string>().empty());
    const Json& at = result["locations"][0]["physicalLocation"];
    EXPECT_THAT(at["artifactLocation"]["uri"].get<std::string>(), ::testing::EndsWith("/stack.yaml"));
  }
  // A standing finding is not suppressed.
  Json standing = Json::parse(broken)["runs"][0]["results"];
  bool located = false;
  for (const Json& result : standing)
    if (result["ruleId"] == "BP-SEC-PLAINTEXT-SECRET") {
      located = true;
      EXPECT_FALSE(result.contains("suppressions"));
      EXPECT_EQ(result["level"], "warning");
    }
  EXPECT_TRUE(located);
}
}  // namespace
}  // namespace bp
