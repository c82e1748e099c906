// The offline template diff behind `preview`.
#include "analysis/diff.h"

#include <gtest/gtest.h>

#include "cfn/custom_names.h"

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
  EXPECT_NE(text.find("no recorded deployment, everything would be created"), std::string::npos);
  EXPECT_NE(text.find("  + Db   AWS::RDS::DBInstance\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Plan for s: 2 to add, 0 to modify, 0 to remove\n"), std::string::npos) << text;
}

TEST(Diff, IdenticalTemplatesHaveNoChanges) {
  Json t = Template({{"Vpc", {{"Type", "AWS::EC2::VPC"}, {"Properties", {{"CidrBlock", "10.0.0.0/24"}}}}}});
  TemplateDiff d = DiffTemplates(t, t);
  EXPECT_TRUE(d.empty());
  EXPECT_NE(FormatDiff("s", d, false).find("Stack s: no changes"), std::string::npos);
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
  EXPECT_NE(text.find("  ~ Store  AWS::RDS::DBInstance  [replace]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("!! DATA AT RISK: Store (AWS::RDS::DBInstance) would be REPLACED"), std::string::npos);
  EXPECT_NE(text.find("1 to modify (1 replace, 0 may replace)"), std::string::npos) << text;
  EXPECT_NE(text.find("1 STATEFUL RESOURCE(S) AT RISK"), std::string::npos);
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
  EXPECT_NE(text.find("!! DATA AT RISK: Db (AWS::RDS::DBInstance) would be DELETED (a final snapshot is taken)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("!! DATA AT RISK: Logs (AWS::Logs::LogGroup) would be DELETED with its data"),
            std::string::npos);
  EXPECT_NE(text.find("note: Repo (AWS::ECR::Repository) leaves the stack but is kept (DeletionPolicy Retain)"),
            std::string::npos);
  EXPECT_EQ(text.find("Topic (AWS::SNS::Topic)"), std::string::npos);
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
  EXPECT_NE(text.find("  Parameters: -ImageUri\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Outputs: ~VpcId +New -Old\n"), std::string::npos) << text;
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
    if (c.path == "Properties.Parameters.max_connections") EXPECT_NE(c.note.find("after the database reboots"), std::string::npos);
    else EXPECT_EQ(c.note, "") << c.path << " is dynamic";
  }
  std::string text = FormatDiff("s", d, false);
  EXPECT_NE(text.find("Properties.Parameters.max_connections: \"100\" -> \"200\"  [static parameter"), std::string::npos) << text;
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
  EXPECT_NE(text.find("!! REPLACEMENT WILL FAIL: Service (AWS::AppRunner::Service) would be replaced, but its "
                      "template sets its name (ServiceName)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--allow-replace-named"), std::string::npos) << text;
  EXPECT_NE(text.find("1 NAMED RESOURCE(S) CANNOT BE REPLACED"), std::string::npos) << text;
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
  EXPECT_EQ(text.find("REPLACEMENT WILL FAIL"), std::string::npos) << text;
  EXPECT_EQ(text.find("NAMED RESOURCE"), std::string::npos) << text;
}

TEST(Diff, ReplacingANamedResourceUnderANewNameIsNotFlagged) {
  TemplateDiff d = DiffTemplates(NamedService("orders-api-prod", "a"), NamedService("orders-api-prod-2", "b"));
  ASSERT_EQ(d.resources.size(), 1u);
  EXPECT_EQ(d.resources[0].replacement, Replacement::kAlways);
  EXPECT_FALSE(IsNamedReplacement(d.resources[0]));
  EXPECT_EQ(FormatDiff("s", d, false).find("REPLACEMENT WILL FAIL"), std::string::npos);
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

}  // namespace
}  // namespace bp::analysis
