// Names for every AWS limit in reference/aws-facts.md section 2, and
// CloudFormation logical IDs.
#include <gtest/gtest.h>

#include "cfn/custom_names.h"
#include "cfn/template.h"
#include "naming/names.h"

namespace bp {
namespace {

TEST(Names, EveryRuleFitsLongAndOddNames) {
  const std::string long_name(300, 'a');
  for (const auto& rule : AllNameRules()) {
    SCOPED_TRACE(rule.what);
    for (const std::string& wanted :
         {std::string("orders-api-prod"), long_name, std::string("Orders_API.prod--v2-"),
          std::string("9lives-api"), std::string("a"), std::string("orders-api-with-a-name-that-goes-on-and-on-and-prod")}) {
      std::string fitted = FitName(rule.kind, wanted);
      EXPECT_EQ(CheckName(rule.kind, fitted), "") << wanted << " -> " << fitted;
      EXPECT_LE(static_cast<int>(fitted.size()), rule.max_length);
      EXPECT_GE(static_cast<int>(fitted.size()), rule.min_length);
      EXPECT_EQ(FitName(rule.kind, wanted), fitted) << "not stable";
    }
  }
}

TEST(Names, ShortNamesAreKeptAsTheyAre) {
  EXPECT_EQ(FitName(NameKind::kAppRunnerService, "orders-api-prod"), "orders-api-prod");
  EXPECT_EQ(FitName(NameKind::kEcrRepository, "orders-api-prod"), "orders-api-prod");
  EXPECT_EQ(FitName(NameKind::kRdsInstance, "orders-api-prod"), "orders-api-prod");
}

TEST(Names, LongNamesGetAStableDistinctHashSuffix) {
  std::string a = FitName(NameKind::kAppRunnerAutoScaling, "orders-api-with-a-long-name-staging");
  std::string b = FitName(NameKind::kAppRunnerAutoScaling, "orders-api-with-a-long-name-staging2");
  EXPECT_LE(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.substr(0, 22), "orders-api-with-a-long");
}

TEST(Names, ASuffixIsKeptWholeAndTheNameStaysWithinTheRule) {
  const std::string suffix = "0123abcd";
  for (const auto& rule : AllNameRules()) {
    SCOPED_TRACE(rule.what);
    for (const std::string& wanted : {std::string("orders-api-prod"), std::string(300, 'a'), std::string("Orders_API.prod--v2-")}) {
      std::string fitted = FitName(rule.kind, wanted, suffix);
      EXPECT_EQ(CheckName(rule.kind, fitted), "") << wanted << " -> " << fitted;
      EXPECT_EQ(fitted.substr(fitted.size() - suffix.size()), suffix) << fitted;
      EXPECT_EQ(FitName(rule.kind, wanted, suffix), fitted) << "not stable";
    }
  }
  EXPECT_EQ(FitName(NameKind::kAppRunnerAutoScaling, "orders-api-prod", "0123abcd"), "orders-api-prod-0123abcd");
  // Too long with the suffix: the head is cut (with its own hash), never the suffix.
  std::string a = FitName(NameKind::kAppRunnerAutoScaling, "orders-api-with-a-long-name-staging", "0123abcd");
  std::string b = FitName(NameKind::kAppRunnerAutoScaling, "orders-api-with-a-long-name-staging2", "0123abcd");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.substr(0, 14), "orders-api-wit");
}

// The hash in App Runner's configuration and connector names (modules/compute_apprunner.cc).
// Pinned: a different hash for the same properties would rename, that is replace, every
// deployed one.
TEST(CreateOnlyHash, StableOverKeyOrderAndBlindToTheNameAndToUpdatableProperties) {
  const char* type = "AWS::AppRunner::VpcConnector";
  cfn::Json props{{"Subnets", cfn::Json::array({cfn::Json{{"Ref", "PrivateSubnet1"}}, cfn::Json{{"Ref", "PrivateSubnet2"}}})},
                  {"SecurityGroups", cfn::Json::array({"sg-1"})}};
  const std::string h = cfn::CreateOnlyHash(type, props);
  EXPECT_EQ(h, "d14e7b1a");
  EXPECT_EQ(h.size(), 8u);
  cfn::Json reordered{{"SecurityGroups", props["SecurityGroups"]}, {"Subnets", props["Subnets"]}};
  EXPECT_EQ(cfn::CreateOnlyHash(type, reordered), h);
  cfn::Json named = props;
  named["VpcConnectorName"] = "orders-api-prod-" + h;
  EXPECT_EQ(cfn::CreateOnlyHash(type, named), h);
  cfn::Json grown = props;
  grown["Subnets"].push_back(cfn::Json{{"Ref", "PrivateSubnet3"}});
  EXPECT_NE(cfn::CreateOnlyHash(type, grown), h);
  // AWS::AppRunner::Service: HealthCheckConfiguration updates in place, Tags are create-only.
  cfn::Json service{{"Tags", cfn::Json::array()}, {"HealthCheckConfiguration", cfn::Json{{"Protocol", "TCP"}}}};
  cfn::Json service2 = service;
  service2["HealthCheckConfiguration"]["Protocol"] = "HTTP";
  EXPECT_EQ(cfn::CreateOnlyHash("AWS::AppRunner::Service", service), cfn::CreateOnlyHash("AWS::AppRunner::Service", service2));
}

TEST(Names, Limits) {
  EXPECT_EQ(CheckName(NameKind::kAppRunnerService, "abc"), "App Runner service name 'abc' has 3 characters; allowed: 4 to 40");
  EXPECT_NE(CheckName(NameKind::kAppRunnerService, std::string(41, 'a')), "");
  EXPECT_EQ(CheckName(NameKind::kAppRunnerService, std::string(40, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kAppRunnerService, "-abc"), "");
  EXPECT_NE(CheckName(NameKind::kAppRunnerAutoScaling, std::string(33, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kAppRunnerObservability, std::string(33, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kAppRunnerVpcConnector, std::string(41, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kRdsInstance, "1db"), "");
  EXPECT_NE(CheckName(NameKind::kRdsInstance, "db--one"), "");
  EXPECT_NE(CheckName(NameKind::kRdsInstance, "db-"), "");
  EXPECT_NE(CheckName(NameKind::kRdsInstance, std::string(64, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kRdsSubnetGroup, "default"), "");
  EXPECT_NE(CheckName(NameKind::kRdsDbName, "my-db"), "");
  EXPECT_EQ(CheckName(NameKind::kRdsDbName, "my_db"), "");
  EXPECT_NE(CheckName(NameKind::kRdsMasterUsername, "admin_1"), "");
  EXPECT_NE(CheckName(NameKind::kEcrRepository, "Orders"), "");
  EXPECT_NE(CheckName(NameKind::kEcrRepository, "orders--api"), "");
  EXPECT_EQ(CheckName(NameKind::kEcrRepository, "orders__api"), "");
  EXPECT_NE(CheckName(NameKind::kEcrRepository, "a"), "");
  EXPECT_NE(CheckName(NameKind::kIamRole, std::string(65, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kIamRole, "role name"), "");
  EXPECT_NE(CheckName(NameKind::kIamPolicy, std::string(129, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kWafWebAcl, "acl.name"), "");
  EXPECT_NE(CheckName(NameKind::kSnsTopic, "topic.name"), "");
  EXPECT_NE(CheckName(NameKind::kCloudWatchDashboard, "dash board"), "");
  EXPECT_NE(CheckName(NameKind::kLogGroup, "/aws/app runner"), "");
  EXPECT_EQ(CheckName(NameKind::kLogGroup, "/aws/apprunner/orders-api"), "");
  EXPECT_NE(CheckName(NameKind::kBudget, "a:b"), "");
  EXPECT_NE(CheckName(NameKind::kBudget, std::string(101, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kSecret, "secret name"), "");
  EXPECT_NE(CheckName(NameKind::kBackupVault, "v"), "");
  EXPECT_NE(CheckName(NameKind::kBackupVault, std::string(51, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kBackupSelection, std::string(51, 'a')), "");
  EXPECT_NE(CheckName(NameKind::kStack, "1stack"), "");
  EXPECT_NE(CheckName(NameKind::kStack, std::string(129, 'a')), "");
  EXPECT_EQ(CheckName(NameKind::kStack, "orders-api-prod"), "");
}

TEST(LogicalIds, FromStableNameParts) {
  EXPECT_EQ(cfn::LogicalId({"public", "subnet", "1"}), "PublicSubnet1");
  EXPECT_EQ(cfn::LogicalId({"nat-gateway", "eu_west"}), "NatGatewayEuWest");
  EXPECT_EQ(cfn::LogicalId({"Already", "Camel"}), "AlreadyCamel");
  std::string long_id = cfn::LogicalId({std::string(300, 'x')});
  EXPECT_EQ(long_id.size(), 255u);
  EXPECT_TRUE(cfn::IsValidLogicalId(long_id));
  EXPECT_NE(long_id, cfn::LogicalId({std::string(301, 'x')}));
}

TEST(LogicalIds, Validity) {
  EXPECT_TRUE(cfn::IsValidLogicalId("Vpc"));
  EXPECT_FALSE(cfn::IsValidLogicalId(""));
  EXPECT_FALSE(cfn::IsValidLogicalId("My-Vpc"));
  EXPECT_FALSE(cfn::IsValidLogicalId("My_Vpc"));
  EXPECT_FALSE(cfn::IsValidLogicalId(std::string(256, 'A')));
  EXPECT_TRUE(cfn::IsValidLogicalId(std::string(255, 'A')));
}

TEST(LogicalIds, DuplicatesAndBadIdsAbort) {
  cfn::Template t;
  t.AddResource("Vpc", "AWS::EC2::VPC");
  EXPECT_DEATH(t.AddResource("Vpc", "AWS::EC2::VPC"), "declared twice");
  EXPECT_DEATH(t.AddResource("My-Vpc", "AWS::EC2::VPC"), "not alphanumeric");
}

}  // namespace
}  // namespace bp
