// The resource-specification validator: deliberately broken resources, each with the
// exact message a developer would see, and the facts ReplacementOf reads.
#include <gtest/gtest.h>

#include "app/app.h"
#include "cfn/spec.h"
#include "test_util.h"

namespace bp::cfn {
namespace {

// Runs CheckAgainstSpec on `t` as stack "s"; every diagnostic, one per line.
std::string Check(const Template& t) {
  Diagnostics d;
  CheckAgainstSpec("s", t, &d);
  return d.FormatAll();
}

// A template with one resource.
std::string CheckOne(const std::string& type, Json props) {
  Template t;
  t.AddResource("R", type, std::move(props));
  return Check(t);
}

Template WithVpc() {
  Template t;
  t.AddResource("Vpc", "AWS::EC2::VPC", Json{{"CidrBlock", "10.0.0.0/24"}});
  return t;
}

TEST(Spec, UnknownTypeSuggestsTheClosestSpecType) {
  EXPECT_EQ(CheckOne("AWS::EC2::Vpc", Json::object()),
            "error: s/R/Type: unknown resource type 'AWS::EC2::Vpc' (did you mean 'AWS::EC2::VPC'?)\n");
}

TEST(Spec, TypeOutsideTheBundledSubsetPointsAtTheGenerator) {
  EXPECT_EQ(CheckOne("AWS::DynamoDB::Table", Json::object()),
            "error: s/R/Type: resource type 'AWS::DynamoDB::Table' is not in the bundled specification "
            "subset; add it to TYPES in tools/spec-gen/generate.js and run `make spec`\n");
}

TEST(Spec, UnknownPropertySuggestsTheClosestName) {
  EXPECT_EQ(CheckOne("AWS::EC2::VPC", Json{{"CidrBlok", "10.0.0.0/24"}}),
            "error: s/R/Properties/CidrBlok: AWS::EC2::VPC has no property 'CidrBlok' "
            "(did you mean 'CidrBlock'?)\n");
}

TEST(Spec, UnknownPropertyWithNothingClose) {
  EXPECT_EQ(CheckOne("AWS::EC2::InternetGateway", Json{{"Colour", "blue"}}),
            "error: s/R/Properties/Colour: AWS::EC2::InternetGateway has no property 'Colour'\n");
}

TEST(Spec, MissingRequiredProperty) {
  EXPECT_EQ(CheckOne("AWS::EC2::Subnet", Json{{"CidrBlock", "10.0.0.0/28"}}),
            "error: s/R/Properties: missing required property 'VpcId' of AWS::EC2::Subnet\n");
}

TEST(Spec, WrongPrimitiveBoolean) {
  EXPECT_EQ(CheckOne("AWS::EC2::VPC", Json{{"CidrBlock", "10.0.0.0/24"}, {"EnableDnsSupport", "yes"}}),
            "error: s/R/Properties/EnableDnsSupport: expected boolean, got string \"yes\"\n");
}

TEST(Spec, WrongPrimitiveInteger) {
  EXPECT_EQ(CheckOne("AWS::EC2::SecurityGroupIngress",
                     Json{{"IpProtocol", "tcp"}, {"FromPort", "eighty"}, {"ToPort", 1.5}}),
            "error: s/R/Properties/FromPort: expected integer, got string \"eighty\"\n"
            "error: s/R/Properties/ToPort: expected integer, got number 1.5\n");
}

TEST(Spec, ObjectWhereStringExpected) {
  EXPECT_EQ(CheckOne("AWS::EC2::VPC", Json{{"CidrBlock", Json{{"Block", "10.0.0.0/24"}}}}),
            "error: s/R/Properties/CidrBlock: expected string, got an object\n");
}

TEST(Spec, ListWhereObjectExpected) {
  EXPECT_EQ(CheckOne("AWS::EC2::LaunchTemplate", Json{{"LaunchTemplateData", Json::array()}}),
            "error: s/R/Properties/LaunchTemplateData: expected object "
            "AWS::EC2::LaunchTemplate.LaunchTemplateData, got a list\n");
}

TEST(Spec, ObjectWhereListExpected) {
  EXPECT_EQ(CheckOne("AWS::EC2::SecurityGroup",
                     Json{{"GroupDescription", "app"},
                          {"SecurityGroupIngress", Json{{"IpProtocol", "tcp"}}}}),
            "error: s/R/Properties/SecurityGroupIngress: expected list of object "
            "AWS::EC2::SecurityGroup.Ingress, got an object\n");
}

TEST(Spec, BadNestedPropertyAndMissingNestedRequired) {
  Json rule = {{"FromPortt", 443}, {"ToPort", 443}, {"CidrIp", "0.0.0.0/0"}};
  EXPECT_EQ(CheckOne("AWS::EC2::SecurityGroup",
                     Json{{"GroupDescription", "app"}, {"SecurityGroupIngress", Json::array({rule})}}),
            "error: s/R/Properties/SecurityGroupIngress/0/FromPortt: AWS::EC2::SecurityGroup.Ingress has "
            "no property 'FromPortt' (did you mean 'FromPort'?)\n"
            "error: s/R/Properties/SecurityGroupIngress/0: missing required property 'IpProtocol' of "
            "AWS::EC2::SecurityGroup.Ingress\n");
}

TEST(Spec, DeeplyNestedWrongPrimitive) {
  Json data = {{"MetadataOptions", Json{{"HttpPutResponseHopLimit", "two"}}}};
  EXPECT_EQ(CheckOne("AWS::EC2::LaunchTemplate", Json{{"LaunchTemplateData", data}}),
            "error: s/R/Properties/LaunchTemplateData/MetadataOptions/HttpPutResponseHopLimit: "
            "expected integer, got string \"two\"\n");
}

TEST(Spec, GetAttOfAnAttributeTheTypeLacks) {
  Template t = WithVpc();
  t.AddResource("Sg", "AWS::EC2::SecurityGroup",
                Json{{"GroupDescription", "app"}, {"VpcId", GetAtt("Vpc", "CidrBlok")}});
  EXPECT_EQ(Check(t),
            "error: s/Sg/Properties/VpcId: Fn::GetAtt: AWS::EC2::VPC has no attribute 'CidrBlok' "
            "(did you mean 'CidrBlock'?)\n");
}

TEST(Spec, GetAttInsideSubAndJoinIsChecked) {
  Template t = WithVpc();
  t.AddOutput("A", {Sub("${Vpc.DefaultSecurityGroupp}"), "", "", ""});
  t.AddOutput("B", {Join(",", Json::array({GetAtt("Vpc", "Arn")})), "", "", ""});
  EXPECT_EQ(Check(t),
            "error: s/Outputs/A/Value: Fn::GetAtt: AWS::EC2::VPC has no attribute 'DefaultSecurityGroupp' "
            "(did you mean 'DefaultSecurityGroup'?)\n"
            "error: s/Outputs/B/Value/Fn::Join/1/0: Fn::GetAtt: AWS::EC2::VPC has no attribute 'Arn'\n");
}

TEST(Spec, NestedAttributesAreKnown) {
  Template t;
  t.AddResource("Db", "AWS::RDS::DBInstance", Json{{"Engine", "postgres"}});
  t.AddOutput("Host", {GetAtt("Db", "Endpoint.Address"), "", "", ""});
  t.AddOutput("Secret", {GetAtt("Db", "MasterUserSecret.SecretArn"), "", "", ""});
  EXPECT_EQ(Check(t), "");
}

TEST(Spec, ListFunctionWhereStringExpected) {
  Template t = WithVpc();
  t.AddResource("Subnet", "AWS::EC2::Subnet", Json{{"VpcId", Ref("Vpc")}, {"AvailabilityZone", GetAZs("")}});
  EXPECT_EQ(Check(t), "error: s/Subnet/Properties/AvailabilityZone: Fn::GetAZs gives a list; expected string\n");
}

TEST(Spec, RefOfAStringParameterWhereListExpected) {
  Template t;
  Parameter list, single;
  list.type = "List<AWS::EC2::Subnet::Id>";
  single.type = "AWS::EC2::Subnet::Id";
  t.AddParameter("Subnets", list);
  t.AddParameter("Subnet", single);
  t.AddResource("Ok", "AWS::AutoScaling::AutoScalingGroup",
                Json{{"MinSize", "1"}, {"MaxSize", "1"}, {"VPCZoneIdentifier", Ref("Subnets")}});
  t.AddResource("Bad", "AWS::AutoScaling::AutoScalingGroup",
                Json{{"MinSize", "1"}, {"MaxSize", "1"}, {"VPCZoneIdentifier", Ref("Subnet")}});
  EXPECT_EQ(Check(t),
            "error: s/Bad/Properties/VPCZoneIdentifier: Ref gives a single value; expected list of string\n");
}

TEST(Spec, ListFunctionsFitListProperties) {
  Template t = WithVpc();
  t.AddResource("Ok", "AWS::AutoScaling::AutoScalingGroup",
                Json{{"MinSize", 1},
                     {"MaxSize", "2"},
                     {"AvailabilityZones", GetAZs("")},
                     {"VPCZoneIdentifier", Split(",", Json{{"Fn::ImportValue", "subnets"}})}});
  EXPECT_EQ(Check(t), "");
}

TEST(Spec, ValueOutsideTheAllowedValues) {
  EXPECT_EQ(CheckOne("AWS::SSM::Parameter", Json{{"Type", "SecureString"}, {"Value", "x"}}),
            "error: s/R/Properties/Type: \"SecureString\" is not an allowed value; expected String or StringList\n");
}

TEST(Spec, IntegerAllowedValues) {
  EXPECT_EQ(CheckOne("AWS::Logs::LogGroup", Json{{"RetentionInDays", 8}}),
            "error: s/R/Properties/RetentionInDays: \"8\" is not an allowed value; expected 1, 3, 5, 7, 14, "
            "30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653\n");
  EXPECT_EQ(CheckOne("AWS::Logs::LogGroup", Json{{"RetentionInDays", 7}}), "");
}

TEST(Spec, BrokenTags) {
  Json tags = Json::array({Json{{"Key", "a"}}, Json{{"Key", "b"}, {"Valeu", "c"}}});
  EXPECT_EQ(CheckOne("AWS::EC2::InternetGateway", Json{{"Tags", tags}}),
            "error: s/R/Properties/Tags/0: missing required property 'Value' of a tag\n"
            "error: s/R/Properties/Tags/1/Valeu: a tag has no property 'Valeu' (did you mean 'Value'?)\n"
            "error: s/R/Properties/Tags/1: missing required property 'Value' of a tag\n");
}

TEST(Spec, MapValuesAreChecked) {
  Json props = {{"Role", "arn:aws:iam::123456789012:role/x"},
                {"Code", Json{{"ZipFile", "exports.handler = async () => {};"}}},
                {"Environment", Json{{"Variables", Json{{"MODE", Json::array({"a"})}}}}}};
  EXPECT_EQ(CheckOne("AWS::Lambda::Function", props),
            "error: s/R/Properties/Environment/Variables/MODE: expected string, got a list\n");
}

TEST(Spec, BothBranchesOfIfAreChecked) {
  Template t;
  t.AddCondition("Prod", Equals("a", "a"));
  t.AddResource("R", "AWS::EC2::VPC",
                Json{{"CidrBlock", "10.0.0.0/24"},
                     {"EnableDnsSupport", If("Prod", true, "maybe")},
                     {"EnableDnsHostnames", If("Prod", true, pseudo::NoValue())}});
  EXPECT_EQ(Check(t), "error: s/R/Properties/EnableDnsSupport: expected boolean, got string \"maybe\"\n");
}

TEST(Spec, OutputsMustBeStrings) {
  Template t;
  t.AddOutput("Zones", {GetAZs(""), "", "", ""});
  EXPECT_EQ(Check(t), "error: s/Outputs/Zones/Value: Fn::GetAZs gives a list; expected string\n");
}

TEST(Spec, ConditionFunctionInAPropertyAndUnknownFunction) {
  Template t;
  t.AddResource("R", "AWS::EC2::VPC",
                Json{{"CidrBlock", Json{{"Fn::Concat", Json::array({"10.0.0.0", "/24"})}}},
                     {"EnableDnsSupport", Equals("a", "b")}});
  EXPECT_EQ(Check(t),
            "error: s/R/Properties/CidrBlock: unknown intrinsic function 'Fn::Concat'\n"
            "error: s/R/Properties/EnableDnsSupport: Fn::Equals is a condition function; use it under "
            "Conditions and refer to it with Fn::If\n");
}

TEST(Spec, CustomResourcesNeedAServiceToken) {
  EXPECT_EQ(CheckOne("Custom::EmptyBucket", Json{{"Bucket", "b"}}),
            "error: s/R/Properties: missing required property 'ServiceToken' of Custom::EmptyBucket\n");
}

TEST(Spec, CloudFormationCoercionsAreAccepted) {
  // Numbers and booleans pass as strings; numeric and boolean text pass as numbers/booleans.
  EXPECT_EQ(CheckOne("AWS::EC2::SecurityGroupIngress",
                     Json{{"IpProtocol", -1}, {"FromPort", "443"}, {"ToPort", 443}, {"GroupId", "sg-1"}}),
            "");
  EXPECT_EQ(CheckOne("AWS::EC2::VPC", Json{{"CidrBlock", "10.0.0.0/24"}, {"EnableDnsSupport", "true"}}), "");
}

// A template document (JSON) as a Template, for fixtures written by hand.
Template FromJson(const Json& doc) {
  Template t;
  for (const auto& [name, p] : doc.at("Parameters").items()) {
    Parameter param;
    param.type = p.at("Type").get<std::string>();
    t.AddParameter(name, param);
  }
  for (const auto& [name, c] : doc.at("Conditions").items()) t.AddCondition(name, c);
  for (const auto& [name, r] : doc.at("Resources").items()) {
    Resource& res = t.AddResource(name, r.at("Type").get<std::string>(), r.at("Properties"));
    if (r.contains("Condition")) res.condition = r.at("Condition").get<std::string>();
  }
  for (const auto& [name, o] : doc.at("Outputs").items()) t.AddOutput(name, {o.at("Value"), "", "", ""});
  return t;
}

// A valid template using the resource types of the modules to come (database, edge,
// monitoring, cost, backup, OIDC); cfn-lint accepts it too (spec_conformance_test.cc).
TEST(Spec, AcceptsAValidTemplateOfEveryModule) {
  Json doc = Json::parse(testing::ReadFileOrDie(std::string(BLUEPRINT_TESTS_DIR) +
                                                "/spec_fixtures/platform.template.json"));
  Template t = FromJson(doc);
  EXPECT_GT(t.resources().size(), 20u);
  Diagnostics d;
  CheckReferences("s", t, &d);
  CheckAgainstSpec("s", t, &d);
  EXPECT_EQ(d.FormatAll(), "");
}

// synth and validate both end in ValidateApp; it runs the spec check on every stack.
TEST(Spec, ValidateAppRunsTheSpecCheck) {
  App app;
  Stack s;
  s.id = s.name = "orders-api-prod";
  s.tmpl.AddResource("Vpc", "AWS::EC2::VPC", Json{{"CidrBlock", 24}, {"EnableDnsSupport", "no"}});
  app.stacks.push_back(std::move(s));
  Diagnostics d;
  ValidateApp(app, &d);
  EXPECT_EQ(d.FormatAll(), "error: orders-api-prod/Vpc/Properties/EnableDnsSupport: expected boolean, got string \"no\"\n");
}

TEST(Spec, ReplacementFactsComeFromTheSpec) {
  EXPECT_EQ(ReplacementOf("AWS::EC2::VPC", "CidrBlock"), Replacement::kAlways);
  EXPECT_EQ(ReplacementOf("AWS::EC2::VPC", "EnableDnsHostnames"), Replacement::kNever);
  EXPECT_EQ(ReplacementOf("AWS::EC2::VPC", "InstanceTenancy"), Replacement::kConditional);
  EXPECT_EQ(ReplacementOf("AWS::RDS::DBInstance", "MasterUsername"), Replacement::kAlways);
  EXPECT_EQ(ReplacementOf("AWS::RDS::DBInstance", "Engine"), Replacement::kConditional);
  // Budget.BudgetName is create-only, so a change of Budget may replace the budget.
  EXPECT_EQ(ReplacementOf("AWS::Budgets::Budget", "Budget"), Replacement::kConditional);
  EXPECT_EQ(ReplacementOf("AWS::Budgets::Budget", "NotificationsWithSubscribers"), Replacement::kAlways);
  EXPECT_EQ(ReplacementOf("AWS::Budgets::Budget", "ResourceTags"), Replacement::kNever);
  EXPECT_EQ(ReplacementOf("AWS::WAFv2::WebACL", "Rules"), Replacement::kNever);
  EXPECT_EQ(ReplacementOf("AWS::EC2::VPC", "NoSuchProperty"), Replacement::kUnknown);
  EXPECT_EQ(ReplacementOf("AWS::DynamoDB::Table", "TableName"), Replacement::kUnknown);
}

// Bumping the pinned package without `make spec` would leave stale data behind.
TEST(Spec, DataMatchesThePinnedGeneratorPackage) {
  Json pkg = Json::parse(testing::ReadFileOrDie(testing::SourceDir() + "/tools/spec-gen/package.json"));
  std::string pinned = pkg.at("dependencies").at("@aws-cdk/aws-service-spec").get<std::string>();
  EXPECT_EQ(SpecSource(), "@aws-cdk/aws-service-spec " + pinned);
}

TEST(Spec, TaggingAndSource) {
  EXPECT_EQ(TagPropertyOf("AWS::EC2::VPC"), "Tags");
  EXPECT_EQ(TagPropertyOf("AWS::EC2::VPCGatewayAttachment"), "");
  EXPECT_TRUE(IsCoveredType("AWS::ECS::ExpressGatewayService"));
  EXPECT_EQ(SpecSource(), "@aws-cdk/aws-service-spec 0.1.216");
}

}  // namespace
}  // namespace bp::cfn
