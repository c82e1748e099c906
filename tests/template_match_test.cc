// The template assertions (template_match.h) say where a resource differs, and match
// partially only where they promise to.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "template_match.h"

namespace bp::testing {
namespace {

using ::testing::HasSubstr;

const TemplateJson kTemplate = TemplateJson::parse(R"({
  "Resources": {
    "Web": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
      "GroupDescription": "web",
      "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]}},
    "Db": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
      "GroupDescription": "db",
      "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "SourceSecurityGroupId": {"Ref": "Web"}}]}},
    "Topic": {"Type": "AWS::SNS::Topic"}
  }})");

TEST(TemplateMatch, ObjectsMatchByTheKeysGivenArraysElementByElement) {
  EXPECT_TRUE(HasResourceProperties(kTemplate, "AWS::EC2::SecurityGroup", {{"GroupDescription", "db"}}));
  EXPECT_TRUE(HasResourceProperties(kTemplate, "AWS::EC2::SecurityGroup",
                                    TemplateJson::parse(R"({"SecurityGroupIngress": [{"FromPort": 5432,
                                        "SourceSecurityGroupId": {"Ref": "Web"}}]})")));
  // An array of another length does not match, even when its elements would.
  EXPECT_FALSE(HasResourceProperties(kTemplate, "AWS::EC2::SecurityGroup",
                                     TemplateJson::parse(R"({"SecurityGroupIngress": []})")));
  // A resource without Properties matches an empty expectation only.
  EXPECT_TRUE(HasResourceProperties(kTemplate, "AWS::SNS::Topic", TemplateJson::object()));
  EXPECT_FALSE(HasResourceProperties(kTemplate, "AWS::SNS::Topic", {{"TopicName", "x"}}));
}

TEST(TemplateMatch, AFailureSaysWhereEachCandidateDiffers) {
  ::testing::AssertionResult r = HasResourceProperties(
      kTemplate, "AWS::EC2::SecurityGroup", TemplateJson::parse(R"({"SecurityGroupIngress": [{"FromPort": 80}]})"));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.message(), HasSubstr("Web.Properties.SecurityGroupIngress[0].FromPort: expected 80, got 443"));
  EXPECT_THAT(r.message(), HasSubstr("Db.Properties.SecurityGroupIngress[0].FromPort: expected 80, got 5432"));

  r = HasResourceProperties(kTemplate, "AWS::RDS::DBInstance", {{"MultiAZ", true}});
  ASSERT_FALSE(r);
  EXPECT_THAT(r.message(), HasSubstr("no resource of type AWS::RDS::DBInstance (types present: "
                                     "AWS::EC2::SecurityGroup, AWS::SNS::Topic)"));

  EXPECT_THAT(MatchesPartially(TemplateJson::parse(R"({"A": {"B": 1}})"), TemplateJson::parse(R"({"A": {"C": 1}})")),
              HasSubstr("A.C: missing (expected 1)"));
}

TEST(TemplateMatch, CountsAndFindsByType) {
  EXPECT_TRUE(ResourceCountIs(kTemplate, "AWS::EC2::SecurityGroup", 2));
  ::testing::AssertionResult r = ResourceCountIs(kTemplate, "AWS::EC2::SecurityGroup", 1);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.message(), HasSubstr("expected 1 AWS::EC2::SecurityGroup, found 2: Web, Db"));
  EXPECT_TRUE(ResourceCountIs(kTemplate, "AWS::RDS::DBInstance", 0));
  EXPECT_EQ(ResourcesOfType(kTemplate, "AWS::EC2::SecurityGroup", {{"GroupDescription", "web"}}),
            std::vector<std::string>{"Web"});
  EXPECT_EQ(ResourcesOfType(kTemplate, "AWS::EC2::SecurityGroup"), (std::vector<std::string>{"Web", "Db"}));
}

}  // namespace
}  // namespace bp::testing
