#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cfn/references.h"
#include "cfn/template.h"

namespace bp::cfn {
namespace {

Template Base() {
  Template t;
  t.AddParameter("ImageUri", {});
  t.AddCondition("HasImage", Not(Equals(Ref("ImageUri"), "")));
  t.AddResource("Vpc", "AWS::EC2::VPC", Json{{"CidrBlock", "10.0.0.0/24"}});
  t.AddResource("Subnet", "AWS::EC2::Subnet", Json{{"VpcId", Ref("Vpc")}});
  return t;
}

std::string Check(const Template& t) {
  Diagnostics d;
  CheckReferences("orders-api-dev", t, &d);
  return d.FormatAll();
}

TEST(RefCheck, CleanTemplatePasses) {
  Template t = Base();
  t.AddResource("Other", "AWS::EC2::Subnet",
                Json{{"VpcId", GetAtt("Vpc", "VpcId")},
                     {"Name", Sub("${AWS::StackName}-${Vpc}-${Vpc.CidrBlock}-${!Literal}-${Local}", Json{{"Local", Ref("ImageUri")}})},
                     {"Image", If("HasImage", Ref("ImageUri"), Ref("AWS::NoValue"))}})
      .depends_on = {"Subnet"};
  t.AddOutput("Out", {Ref("Vpc"), "", "", "HasImage"});
  EXPECT_EQ(Check(t), "");
}

TEST(RefCheck, RefToMissingResourceNamesStackResourceAndProperty) {
  Template t = Base();
  t.AddResource("Bad", "AWS::EC2::Subnet", Json{{"VpcId", Ref("Vcp")}});
  EXPECT_EQ(Check(t),
            "error: orders-api-dev/Bad/Properties/VpcId: Ref to 'Vcp', which is not a parameter or resource "
            "of this stack (did you mean 'Vpc'?)\n");
}

TEST(RefCheck, GetAttSubDependsOnConditionIf) {
  Template t = Base();
  t.AddResource("A", "AWS::EC2::Subnet", Json{{"Cidr", GetAtt("Nope", "CidrBlock")}});
  t.AddResource("B", "AWS::EC2::Subnet", Json{{"Name", Sub("${Missing}-x")}, {"List", Json::array({Sub("${Gone.Arn}")})}});
  t.AddResource("C", "AWS::EC2::Subnet").depends_on = {"Subnet", "Subnett"};
  t.AddResource("D", "AWS::EC2::Subnet").condition = "NoSuchCondition";
  t.AddResource("E", "AWS::EC2::Subnet", Json{{"X", If("Unknown", 1, 2)}});
  t.AddOutput("O", {GetAtt("Ghost", "Arn"), "", "", ""});
  std::string out = Check(t);
  EXPECT_THAT(out, ::testing::HasSubstr("orders-api-dev/A/Properties/Cidr: Fn::GetAtt names 'Nope'")) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("orders-api-dev/B/Properties/Name: Fn::Sub variable '${Missing}'")) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("orders-api-dev/B/Properties/List/0: Fn::GetAtt names 'Gone'")) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("orders-api-dev/C/DependsOn: depends on 'Subnett', which is not a resource of "
                                        "this stack (did you mean 'Subnet'?)"))
      << out;
  EXPECT_THAT(out, ::testing::HasSubstr("orders-api-dev/D/Condition: condition 'NoSuchCondition' is not declared"))
      << out;
  EXPECT_THAT(out, ::testing::HasSubstr("orders-api-dev/E/Properties/X: condition 'Unknown' is not declared")) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("orders-api-dev/Outputs/O/Value: Fn::GetAtt names 'Ghost'")) << out;
}

TEST(RefCheck, ConditionsSectionIsChecked) {
  Template t = Base();
  t.AddCondition("Both", And(Json::array({Condition("HasImage"), Condition("Missing")})));
  EXPECT_THAT(Check(t), ::testing::HasSubstr("Conditions/Both/Fn::And/1: condition 'Missing' is not declared"));
}

TEST(ReferencedNames, RefGetAttAndSubAtAnyDepthLessPseudoParametersAndSubVariables) {
  Json v = Json::parse(R"({"A": [{"Ref": "Vpc"}, {"Ref": "AWS::Region"}],
    "B": {"Deep": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}, "Short": {"Fn::GetAtt": "Sg.GroupId"}},
    "C": {"Fn::Sub": "arn:${AWS::Partition}:x:::${Topic}/${Queue.Arn}/${!Literal}"},
    "D": {"Fn::Sub": ["${Local}-${Role}", {"Local": {"Ref": "Key"}}]},
    "E": {"Fn::Join": ["", [{"Ref": "Vpc"}, "x"]]}})");
  EXPECT_EQ(ReferencedNames(v), (std::vector<std::string>{"Db", "Key", "Queue", "Role", "Sg", "Topic", "Vpc"}));
  EXPECT_TRUE(ReferencedNames(Json("${NotSub}")).empty());
}

}  // namespace
}  // namespace bp::cfn
