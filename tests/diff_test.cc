// The offline template diff behind `preview`.
#include "analysis/diff_render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "cfn/custom_names.h"
#include "test_util.h"

namespace bp::analysis {
namespace {

using cfn::Json;
using cfn::Replacement;

Json Template(Json resources) { return Json{{"Resources", resources}}; }

TEST(Diff, NothingDeployedMeansEverythingIsAdded) {
  Json after = Template({{"Vpc", {{"Type", "AWS::EC2::VPC"}}}, {"Db", {{"Type", "AWS::RDS::DBInstance"}}}});
  TemplateDiff d = DiffTemplates(Json(), after);
  EXPECT_EQ(d.added, 2u);
  EXPECT_EQ(d.modified + d.removed, 0u);
  EXPECT_EQ(d.stateful_at_risk, 0u);
  std::string text = FormatDiff("s", d, true);
  EXPECT_THAT(text, ::testing::HasSubstr("no recorded deployment, everything would be created"));
  EXPECT_THAT(text, ::testing::HasSubstr("  + Db   AWS::RDS::DBInstance\n")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("Plan for s: 2 to add, 0 to modify, 0 to remove\n")) << text;
}

TEST(Diff, IdenticalTemplatesHaveNoChanges) {
  Json t = Template({{"Vpc", {{"Type", "AWS::EC2::VPC"}, {"Properties", {{"CidrBlock", "10.0.0.0/24"}}}}}});
  TemplateDiff d = DiffTemplates(t, t);
  EXPECT_TRUE(d.empty());
  EXPECT_THAT(FormatDiff("s", d, false), ::testing::HasSubstr("Stack s: no changes"));
}

TEST(Diff, PropertyChangesCarryTheSpecificationsReplacement) {
  Json before = Template({{"Vpc", {{"Type", "AWS::EC2::VPC"}, {"Properties", {{"CidrBlock", "10.0.0.0/24"}}}}}});
  Json after = Template({{"Vpc", {{"Type", "AWS::EC2::VPC"}, {"Properties", {{"CidrBlock", "10.1.0.0/24"}}}}}});
  TemplateDiff d = DiffTemplates(before, after);
  ASSERT_EQ(d.resources.size(), 1u);
  const ResourceChange& r = d.resources[0];
  EXPECT_EQ(r.kind, ResourceChange::Kind::kModify);
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].path, "Properties.CidrBlock");
  EXPECT_EQ(r.changes[0].before, "10.0.0.0/24");
  EXPECT_EQ(r.changes[0].after, "10.1.0.0/24");
  EXPECT_EQ(r.changes[0].replacement, cfn::ReplacementOf("AWS::EC2::VPC", "CidrBlock"));
  EXPECT_EQ(r.replacement, cfn::ReplacementOf("AWS::EC2::VPC", "CidrBlock"));
}

TEST(Diff, TypeChangeAlwaysReplacesAndStatefulReplacementIsLoud) {
  Json before = Template({{"Store", {{"Type", "AWS::S3::Bucket"}}}});
  Json after = Template({{"Store", {{"Type", "AWS::RDS::DBInstance"}}}});
  TemplateDiff d = DiffTemplates(before, after);
  ASSERT_EQ(d.resources.size(), 1u);
  EXPECT_EQ(d.resources[0].replacement, Replacement::kAlways);
  EXPECT_EQ(d.replaced, 1u);
  EXPECT_EQ(d.stateful_at_risk, 1u);
  std::string text = FormatDiff("s", d, false);
  EXPECT_THAT(text, ::testing::HasSubstr("  ~ Store  AWS::RDS::DBInstance  [replace]\n")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("!! DATA AT RISK: Store (AWS::RDS::DBInstance) would be REPLACED"));
  EXPECT_THAT(text, ::testing::HasSubstr("1 to modify (1 replace, 0 may replace)")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("1 STATEFUL RESOURCE(S) AT RISK"));
}

// The risk to data is a typed field set by the diff; the words and the counts follow it.
TEST(Diff, DataRiskIsATypedFieldOfEachChange) {
  Json before = Template({{"Db", {{"Type", "AWS::RDS::DBInstance"}}},
                          {"Logs", {{"Type", "AWS::Logs::LogGroup"}}},
                          {"Repo", {{"Type", "AWS::ECR::Repository"}, {"DeletionPolicy", "Retain"}}},
                          {"Topic", {{"Type", "AWS::SNS::Topic"}}},
                          {"Store", {{"Type", "AWS::RDS::DBInstance"}, {"Properties", {{"Engine", "postgres"}}}}},
                          {"Vault", {{"Type", "AWS::S3::Bucket"}}}});
  // Engine: Conditional in the specification; a type change always replaces.
  Json after = Template({{"Store", {{"Type", "AWS::RDS::DBInstance"}, {"Properties", {{"Engine", "mysql"}}}}},
                         {"Vault", {{"Type", "AWS::DynamoDB::Table"}}},
                         {"Queue", {{"Type", "AWS::SQS::Queue"}}}});
  TemplateDiff d = DiffTemplates(before, after);
  std::map<std::string, DataRisk> risk;
  for (const auto& r : d.resources) risk[r.logical_id] = r.risk;
  EXPECT_EQ(risk, (std::map<std::string, DataRisk>{{"Db", DataRisk::kDeletedAfterSnapshot},
                                                   {"Logs", DataRisk::kDeleted},
                                                   {"Queue", DataRisk::kNone},  // added: nothing to lose
                                                   {"Repo", DataRisk::kRetained},
                                                   {"Store", DataRisk::kMayBeReplaced},
                                                   {"Topic", DataRisk::kNone},
                                                   {"Vault", DataRisk::kReplaced}}));
  EXPECT_EQ(d.stateful_at_risk, 4u);  // Db, Logs, Store, Vault; Repo is retained
  Json j = DiffToJson("s", d, false);
  for (const auto& e : j["resources"])
    EXPECT_EQ(e["data_at_risk"], IsDataAtRisk(risk[e["logical_id"].get<std::string>()])) << e.dump();

  // The words come from the field alone: a change of the same resource with another risk
  // is worded as that risk.
  auto store = std::find_if(d.resources.begin(), d.resources.end(),
                            [](const ResourceChange& r) { return r.logical_id == "Store"; });
  ASSERT_NE(store, d.resources.end());
  EXPECT_EQ(RiskLine(*store), "!! DATA AT RISK: Store (AWS::RDS::DBInstance) MAY BE REPLACED: check the change set "
                              "(preview --remote)");
  store->risk = DataRisk::kReplaced;
  EXPECT_EQ(RiskLine(*store), "!! DATA AT RISK: Store (AWS::RDS::DBInstance) would be REPLACED: a new, empty one is "
                              "created and the old one deleted");
  store->risk = DataRisk::kNone;
  EXPECT_EQ(RiskLine(*store), "");
  EXPECT_FALSE(IsDataAtRisk(DataRisk::kRetained));
  EXPECT_TRUE(IsDataAtRisk(DataRisk::kMayBeReplaced));
}

TEST(Diff, RemovalOfStatefulResourcesFollowsTheDeletionPolicy) {
  Json before = Template({{"Db", {{"Type", "AWS::RDS::DBInstance"}}},
                          {"Logs", {{"Type", "AWS::Logs::LogGroup"}}},
                          {"Repo", {{"Type", "AWS::ECR::Repository"}, {"DeletionPolicy", "Retain"}}},
                          {"Topic", {{"Type", "AWS::SNS::Topic"}}}});
  TemplateDiff d = DiffTemplates(before, Template(Json::object()));
  EXPECT_EQ(d.removed, 4u);
  EXPECT_EQ(d.stateful_at_risk, 2u);  // Db (snapshot by default) and Logs; Repo is retained
  std::string text = FormatDiff("s", d, false);
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "!! DATA AT RISK: Db (AWS::RDS::DBInstance) would be DELETED (a final snapshot is taken)"))
      << text;
  EXPECT_THAT(text, ::testing::HasSubstr("!! DATA AT RISK: Logs (AWS::Logs::LogGroup) would be DELETED with its data"));
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "note: Repo (AWS::ECR::Repository) leaves the stack but is kept (DeletionPolicy Retain)"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("Topic (AWS::SNS::Topic)")));
}

TEST(Diff, TagsAreMatchedByKey) {
  Json before = Template({{"Vpc", {{"Type", "AWS::EC2::VPC"},
                                   {"Properties", {{"Tags", {{{"Key", "Project"}, {"Value", "a"}}}}}}}}});
  Json after = Template(
      {{"Vpc",
        {{"Type", "AWS::EC2::VPC"},
         {"Properties",
          {{"Tags", {{{"Key", "CostCenter"}, {"Value", "eng"}}, {{"Key", "Project"}, {"Value", "b"}}}}}}}}});
  TemplateDiff d = DiffTemplates(before, after);
  ASSERT_EQ(d.resources.size(), 1u);
  const auto& c = d.resources[0].changes;
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].path, "Properties.Tags[Key=Project].Value");
  EXPECT_EQ(c[1].path, "Properties.Tags[Key=CostCenter]");
  EXPECT_TRUE(c[1].before.is_null());
}

TEST(Diff, RuntimeSecretsAreMatchedByName) {
  // App Runner's secrets are [{Name, Value}]: a secret added in front is one addition,
  // not every later secret "changed" by position.
  auto service = [](const Json& secrets) {
    return Template({{"Service",
                      {{"Type", "AWS::AppRunner::Service"},
                       {"Properties",
                        {{"SourceConfiguration",
                          {{"ImageRepository",
                            {{"ImageConfiguration", {{"RuntimeEnvironmentSecrets", secrets}}}}}}}}}}}});
  };
  Json before = service(Json::array({{{"Name", "DB_PASSWORD"}, {"Value", "arn:db"}},
                                     {{"Name", "SENTRY_DSN"}, {"Value", "arn:sentry"}}}));
  Json after = service(Json::array({{{"Name", "API_KEY"}, {"Value", "arn:api"}},
                                    {{"Name", "DB_PASSWORD"}, {"Value", "arn:db"}},
                                    {{"Name", "SENTRY_DSN"}, {"Value", "arn:sentry"}}}));
  TemplateDiff d = DiffTemplates(before, after);
  ASSERT_EQ(d.resources.size(), 1u);
  const auto& c = d.resources[0].changes;
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].path,
            "Properties.SourceConfiguration.ImageRepository.ImageConfiguration.RuntimeEnvironmentSecrets[Name=API_KEY]");
  EXPECT_TRUE(c[0].before.is_null());
}

TEST(Diff, AttributesAndSectionsAreReported) {
  Json before = {{"Parameters", {{"ImageUri", {{"Type", "String"}}}}},
                 {"Resources", {{"Vpc", {{"Type", "AWS::EC2::VPC"}}}}},
                 {"Outputs", {{"VpcId", {{"Value", 1}}}, {"Old", {{"Value", 2}}}}}};
  Json after = {{"Resources", {{"Vpc", {{"Type", "AWS::EC2::VPC"}, {"DeletionPolicy", "Retain"}}}}},
                {"Outputs", {{"VpcId", {{"Value", 3}}}, {"New", {{"Value", 2}}}}}};
  TemplateDiff d = DiffTemplates(before, after);
  ASSERT_EQ(d.resources.size(), 1u);
  EXPECT_EQ(d.resources[0].changes[0].path, "DeletionPolicy");
  EXPECT_EQ(d.resources[0].replacement, Replacement::kNever);
  std::string text = FormatDiff("s", d, false);
  EXPECT_THAT(text, ::testing::HasSubstr("  Parameters: -ImageUri\n")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("  Outputs: ~VpcId +New -Old\n")) << text;
}

TEST(Diff, JsonFormCarriesEveryCount) {
  Json before = Template({{"Db", {{"Type", "AWS::RDS::DBInstance"}}}});
  Json after = Template({{"Db", {{"Type", "AWS::RDS::DBCluster"}}}, {"T", {{"Type", "AWS::SNS::Topic"}}}});
  Json j = DiffToJson("s", DiffTemplates(before, after), false);
  EXPECT_EQ(j["stack"], "s");
  EXPECT_EQ(j["summary"]["add"], 1);
  EXPECT_EQ(j["summary"]["modify"], 1);
  EXPECT_EQ(j["summary"]["replace"], 1);
  EXPECT_EQ(j["summary"]["stateful_at_risk"], 1);
  EXPECT_EQ(j["resources"][1]["replacement"], "replace");
  EXPECT_EQ(j["resources"][1]["data_at_risk"], true);
  EXPECT_EQ(j["resources"][1]["changes"][0]["path"], "Type");
}

TEST(Diff, ReplacementWords) {
  EXPECT_STREQ(ReplacementWord(Replacement::kAlways), "replace");
  EXPECT_STREQ(ReplacementWord(Replacement::kConditional), "may replace");
  EXPECT_STREQ(ReplacementWord(Replacement::kNever), "");
}

TEST(Diff, DefaultDeletionPolicies) {
  EXPECT_EQ(EffectiveDeletionPolicy("AWS::RDS::DBInstance", ""), "Snapshot");
  EXPECT_EQ(EffectiveDeletionPolicy("AWS::RDS::DBInstance", "Delete"), "Delete");
  EXPECT_EQ(EffectiveDeletionPolicy("AWS::ECR::Repository", ""), "Delete");
}

}  // namespace
}  // namespace bp::analysis

namespace bp::analysis {
namespace {

TEST(Diff, StaticDatabaseParametersSayTheyWaitForAReboot) {
  auto group = [](const char* max_connections, const char* log_statement) {
    return cfn::Json{{"Resources",
                      {{"DbParameterGroup",
                        {{"Type", "AWS::RDS::DBParameterGroup"},
                         {"Properties",
                          {{"Family", "postgres17"},
                           {"Description", "d"},
                           {"Parameters", {{"max_connections", max_connections}, {"log_statement", log_statement}}}}}}}}}};
  };
  TemplateDiff d = DiffTemplates(group("100", "all"), group("200", "none"));
  ASSERT_EQ(d.resources.size(), 1u);
  ASSERT_EQ(d.resources[0].changes.size(), 2u);
  for (const auto& c : d.resources[0].changes) {
    if (c.path == "Properties.Parameters.max_connections")
      EXPECT_THAT(c.note, ::testing::HasSubstr("after the database reboots"));
    else EXPECT_EQ(c.note, "") << c.path << " is dynamic";
  }
  std::string text = FormatDiff("s", d, false);
  EXPECT_THAT(text,
              ::testing::HasSubstr("Properties.Parameters.max_connections: \"100\" -> \"200\"  [static parameter"))
      << text;
  EXPECT_EQ(DiffToJson("s", d, false)["resources"][0]["changes"][0].value("note", ""),
            d.resources[0].changes[0].note);
}

// CloudFormation cannot replace a resource whose template fixes its name: the Tags
// change of issue 10 replaces the App Runner service (Tags is create-only).
Json NamedService(const char* name, const char* tag_value) {
  Json props = {{"SourceConfiguration", {{"ImageRepository", {{"ImageIdentifier", "public.ecr.aws/x/y:1"}}}}},
                {"Tags", Json::array({{{"Key", "team"}, {"Value", tag_value}}})}};
  if (name != nullptr) props["ServiceName"] = name;
  return Template({{"Service", {{"Type", "AWS::AppRunner::Service"}, {"Properties", props}}}});
}

TEST(Diff, ReplacingANamedResourceIsFlaggedWithItsNameProperty) {
  ASSERT_EQ(cfn::ReplacementOf("AWS::AppRunner::Service", "Tags"), Replacement::kAlways);
  TemplateDiff d = DiffTemplates(NamedService("orders-api-prod", "a"), NamedService("orders-api-prod", "b"));
  ASSERT_EQ(d.resources.size(), 1u);
  const ResourceChange& r = d.resources[0];
  EXPECT_EQ(r.name_property, "ServiceName");
  EXPECT_TRUE(IsNamedReplacement(r));
  EXPECT_EQ(d.named_replaced, 1u);
  std::string text = FormatDiff("s", d, false);
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "!! REPLACEMENT WILL FAIL: Service (AWS::AppRunner::Service) would be replaced, but its "
                        "template sets its name (ServiceName)"))
      << text;
  EXPECT_THAT(text, ::testing::HasSubstr("--allow-replace-named")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("1 NAMED RESOURCE(S) CANNOT BE REPLACED")) << text;
  Json j = DiffToJson("s", d, false);
  EXPECT_EQ(j["resources"][0]["name_property"], "ServiceName");
  EXPECT_EQ(j["resources"][0]["named_replacement"], true);
  EXPECT_EQ(j["summary"]["named_replaced"], 1);
}

TEST(Diff, ReplacingAnUnnamedResourceIsNotFlagged) {
  TemplateDiff d = DiffTemplates(NamedService(nullptr, "a"), NamedService(nullptr, "b"));
  ASSERT_EQ(d.resources.size(), 1u);
  EXPECT_EQ(d.resources[0].replacement, Replacement::kAlways);
  EXPECT_EQ(d.resources[0].name_property, "");
  EXPECT_FALSE(IsNamedReplacement(d.resources[0]));
  EXPECT_EQ(d.named_replaced, 0u);
  std::string text = FormatDiff("s", d, false);
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("REPLACEMENT WILL FAIL"))) << text;
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("NAMED RESOURCE"))) << text;
}

TEST(Diff, ReplacingANamedResourceUnderANewNameIsNotFlagged) {
  TemplateDiff d = DiffTemplates(NamedService("orders-api-prod", "a"), NamedService("orders-api-prod-2", "b"));
  ASSERT_EQ(d.resources.size(), 1u);
  EXPECT_EQ(d.resources[0].replacement, Replacement::kAlways);
  EXPECT_FALSE(IsNamedReplacement(d.resources[0]));
  EXPECT_THAT(FormatDiff("s", d, false), ::testing::Not(::testing::HasSubstr("REPLACEMENT WILL FAIL")));
}

TEST(Diff, ANamedResourceThatMayBeReplacedIsWarnedNotRefused) {
  ResourceChange r;
  r.kind = ResourceChange::Kind::kModify;
  r.logical_id = "Db";
  r.type = "AWS::RDS::DBInstance";
  r.replacement = Replacement::kConditional;
  r.name_property = "DBInstanceIdentifier";
  EXPECT_FALSE(IsNamedReplacement(r));
  EXPECT_EQ(NamedReplacementLine(r).rfind("!! REPLACEMENT MAY FAIL: Db (AWS::RDS::DBInstance)", 0), 0u);
  r.replacement = Replacement::kNever;
  EXPECT_EQ(NamedReplacementLine(r), "");
}

TEST(Diff, NamePropertiesComeFromOneTable) {
  EXPECT_EQ(cfn::CustomNameProperty("AWS::AppRunner::Service"), "ServiceName");
  EXPECT_EQ(cfn::CustomNameProperty("AWS::RDS::DBInstance"), "DBInstanceIdentifier");
  EXPECT_EQ(cfn::CustomNameProperty("AWS::EC2::VPC"), "");
  Json budget = {{"Budget", {{"BudgetName", "b"}}}};
  EXPECT_EQ(cfn::SetCustomNameProperty("AWS::Budgets::Budget", budget), "Budget.BudgetName");
  EXPECT_EQ(cfn::SetCustomNameProperty("AWS::Budgets::Budget", Json{{"Budget", Json::object()}}), "");
}

// --- cascades: a replaced resource changes the value of every reference to it ---

Json Res(const char* type, Json props) { return Json{{"Type", type}, {"Properties", std::move(props)}}; }

// A VPC whose CIDR `cidr` is, and what references it: a subnet and a security group
// (VpcId, create-only), an ingress rule on that group (GroupId, create-only), a database
// that uses the group (VPCSecurityGroups, updatable in place) and a dashboard that names
// the subnet inside Fn::Sub text.
Json Network(const char* cidr) {
  return Template({{"Vpc", Res("AWS::EC2::VPC", {{"CidrBlock", cidr}})},
                   {"Subnet", Res("AWS::EC2::Subnet", {{"VpcId", {{"Ref", "Vpc"}}}, {"CidrBlock", "10.0.0.0/26"}})},
                   {"Sg", Res("AWS::EC2::SecurityGroup", {{"GroupDescription", "db"}, {"VpcId", {{"Ref", "Vpc"}}}})},
                   {"Ingress", Res("AWS::EC2::SecurityGroupIngress",
                                   {{"IpProtocol", "tcp"}, {"GroupId", {{"Fn::GetAtt", {"Sg", "GroupId"}}}}})},
                   {"Db", Res("AWS::RDS::DBInstance", {{"VPCSecurityGroups", {{{"Fn::GetAtt", {"Sg", "GroupId"}}}}}})},
                   {"Dashboard", Res("AWS::CloudWatch::Dashboard", {{"DashboardBody", {{"Fn::Sub", "{\"s\": \"${Subnet}\"}"}}}})},
                   {"Topic", Res("AWS::SNS::Topic", {{"DisplayName", "alerts"}})}});
}

const ResourceChange* Find(const TemplateDiff& d, const std::string& id) {
  for (const auto& r : d.resources)
    if (r.logical_id == id) return &r;
  return nullptr;
}

TEST(Cascade, AReplacementReplacesWhatReferencesItThroughCreateOnlyProperties) {
  ASSERT_EQ(cfn::ReplacementOf("AWS::EC2::Subnet", "VpcId"), Replacement::kAlways);
  ASSERT_EQ(cfn::ReplacementOf("AWS::EC2::SecurityGroupIngress", "GroupId"), Replacement::kAlways);
  ASSERT_EQ(cfn::ReplacementOf("AWS::RDS::DBInstance", "VPCSecurityGroups"), Replacement::kNever);
  TemplateDiff d = DiffTemplates(Network("10.0.0.0/24"), Network("10.1.0.0/24"));
  // The VPC by its own change; subnet, group and rule through references, transitively.
  for (const char* id : {"Vpc", "Subnet", "Sg", "Ingress"}) {
    const ResourceChange* r = Find(d, id);
    ASSERT_NE(r, nullptr) << id;
    EXPECT_EQ(r->replacement, Replacement::kAlways) << id;
  }
  EXPECT_EQ(Find(d, "Ingress")->cascade, (std::vector<std::string>{"Vpc", "Sg"}));
  const PropertyChange& through = Find(d, "Subnet")->changes.back();
  EXPECT_EQ(through.path, "Properties.VpcId");
  EXPECT_EQ(through.via, std::vector<std::string>{"Vpc"});
  EXPECT_EQ(through.before, through.after);  // the text is the same, the value is not
  // Through a property updatable in place, or Fn::Sub text: modified, not replaced.
  ASSERT_NE(Find(d, "Db"), nullptr);
  EXPECT_EQ(Find(d, "Db")->replacement, Replacement::kNever);
  EXPECT_TRUE(Find(d, "Db")->cascade.empty());
  ASSERT_NE(Find(d, "Dashboard"), nullptr);
  EXPECT_EQ(Find(d, "Dashboard")->changes[0].via, std::vector<std::string>{"Subnet"});
  EXPECT_EQ(Find(d, "Topic"), nullptr);  // references nothing replaced
  EXPECT_EQ(d.modified, 6u);
  EXPECT_EQ(d.replaced, 4u);
  EXPECT_EQ(d.cascaded, 3u);
  EXPECT_EQ(d.stateful_at_risk, 0u);  // the database is updated in place here
  std::string text = FormatDiff("s", d, false);
  EXPECT_THAT(text,
              ::testing::HasSubstr("  ~ Ingress    AWS::EC2::SecurityGroupIngress  [replace: Vpc -> Sg -> Ingress]\n"))
      << text;
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "      Properties.VpcId: {\"Ref\":\"Vpc\"}, a new value: Vpc is replaced  (replace)\n"))
      << text;
  EXPECT_THAT(text, ::testing::HasSubstr("(4 replace, 0 may replace, 3 through references)")) << text;
  Json j = DiffToJson("s", d, false);
  EXPECT_EQ(j["summary"]["cascaded"], 3);
  for (const auto& e : j["resources"])
    if (e["logical_id"] == "Sg") {
      EXPECT_EQ(e["cascade"], Json::array({"Vpc"}));
      EXPECT_EQ(e["changes"][0]["via"], Json::array({"Vpc"}));
    }
}

TEST(Cascade, AResourceThatMayBeReplacedMakesItsDependentsMayBeReplaced) {
  // Engine replaces the instance only on some changes; CidrIp is create-only.
  ASSERT_EQ(cfn::ReplacementOf("AWS::RDS::DBInstance", "Engine"), Replacement::kConditional);
  auto t = [](const char* engine) {
    return Template({{"Db", Res("AWS::RDS::DBInstance", {{"Engine", engine}})},
                     {"Rule", Res("AWS::EC2::SecurityGroupIngress",
                                  {{"IpProtocol", "tcp"},
                                   {"CidrIp", {{"Fn::Sub", {"${Db.Endpoint.Address}/${Bits}", {{"Bits", "32"}}}}}}})}});
  };
  TemplateDiff d = DiffTemplates(t("postgres"), t("mysql"));
  ASSERT_NE(Find(d, "Rule"), nullptr);
  EXPECT_EQ(Find(d, "Rule")->replacement, Replacement::kConditional);
  EXPECT_EQ(Find(d, "Rule")->cascade, std::vector<std::string>{"Db"});
  EXPECT_EQ(d.may_replace, 2u);
}

TEST(Cascade, AnUnchangedTemplateAndAFirstDeployCascadeNothing) {
  EXPECT_TRUE(DiffTemplates(Network("10.0.0.0/24"), Network("10.0.0.0/24")).empty());
  TemplateDiff first = DiffTemplates(Json(), Network("10.0.0.0/24"));
  EXPECT_EQ(first.added, 7u);
  EXPECT_EQ(first.cascaded, 0u);
}

// The bundled dev environment (environments/dev/stack.yaml) with one line changed.
Json DevTemplate(const std::string& from, const std::string& to) {
  std::string yaml = testing::ReadFileOrDie(testing::SourceDir() + "/environments/dev/stack.yaml");
  if (!from.empty()) {
    size_t at = yaml.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) yaml.replace(at, from.size(), to);
  }
  return testing::MainStack(testing::SynthFromYaml(yaml, "dev")).tmpl.ToJson();
}

TEST(Cascade, ChangingTheNetworkCidrOfTheDevEnvironmentReachesTheDatabase) {
  TemplateDiff d = DiffTemplates(DevTemplate("", ""), DevTemplate("cidr: 10.0.0.0/24", "cidr: 10.4.0.0/24"));
  const ResourceChange* group = Find(d, "DbSubnetGroup");
  ASSERT_NE(group, nullptr);
  // The specification updates SubnetIds in place, but not into another VPC.
  EXPECT_EQ(cfn::ReplacementOf("AWS::RDS::DBSubnetGroup", "SubnetIds"), Replacement::kNever);
  EXPECT_EQ(group->replacement, Replacement::kAlways);
  EXPECT_THAT(group->changes.back().note, ::testing::HasSubstr("moves to another VPC"));
  for (const char* id : {"DbSecurityGroup", "Db"}) {
    ASSERT_NE(Find(d, id), nullptr) << id;
    EXPECT_EQ(Find(d, id)->replacement, Replacement::kAlways) << id;
  }
  const ResourceChange& db = *Find(d, "Db");
  EXPECT_EQ(db.cascade, (std::vector<std::string>{"Vpc", "PrivateSubnet1", "DbSubnetGroup"}));
  EXPECT_TRUE(IsCascadeDataLoss(db));
  EXPECT_GE(d.stateful_at_risk, 1u);
  std::string text = FormatDiff("orders-api-dev", d, false);
  EXPECT_THAT(text, ::testing::HasSubstr("!! DATA AT RISK: Db (AWS::RDS::DBInstance) would be REPLACED")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "!! REPLACEMENT REACHES DATA: Db (AWS::RDS::DBInstance) would be replaced by a new, empty "
                        "one: Vpc's CidrBlock changes (network.cidr), and the replacement carries through references "
                        "(Vpc -> PrivateSubnet1 -> DbSubnetGroup -> Db)"))
      << text;
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("0 STATEFUL"))) << text;
  Json j = DiffToJson("orders-api-dev", d, false);
  for (const auto& e : j["resources"])
    if (e["logical_id"] == "Db") {
      EXPECT_EQ(e["data_at_risk"], true);
      EXPECT_EQ(e["cascade_data_loss"], true);
    }
}

TEST(Cascade, AChangeOfAStatelessLeafCascadesNothing) {
  TemplateDiff d = DiffTemplates(DevTemplate("", ""), DevTemplate("LOG_LEVEL: debug", "LOG_LEVEL: info"));
  ASSERT_EQ(d.resources.size(), 1u) << FormatDiff("orders-api-dev", d, false);
  EXPECT_EQ(d.resources[0].logical_id, "Service");
  EXPECT_EQ(d.resources[0].replacement, Replacement::kNever);
  EXPECT_EQ(d.cascaded, 0u);
  EXPECT_EQ(d.stateful_at_risk, 0u);
  EXPECT_THAT(FormatDiff("orders-api-dev", d, false), ::testing::Not(::testing::HasSubstr("REACHES DATA")));
}

}  // namespace
}  // namespace bp::analysis
