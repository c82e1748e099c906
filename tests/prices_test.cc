// data/prices.json: compiled in; every price names its AWS pricing page and, per
// region, the date it was read; a region without a value is unknown, not zero.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "naming/aws_tables.h"
#include "pricing/prices.h"
#include "test_util.h"

namespace bp {
namespace {

TEST(Prices, EveryPriceHasASourcePageAndEveryRegionADate) {
  auto doc = nlohmann::json::parse(testing::ReadFileOrDie(testing::SourceDir() + "/data/prices.json"));
  ASSERT_FALSE(doc["prices"].empty());
  std::vector<std::string> regions = doc["regions"];
  for (const auto& [key, entry] : doc["prices"].items()) {
    SCOPED_TRACE(key);
    EXPECT_EQ(entry["source"].get<std::string>().rfind("https://aws.amazon.com/", 0), 0u);
    EXPECT_FALSE(entry["unit"].get<std::string>().empty());
    ASSERT_FALSE(entry["regions"].empty());
    for (const auto& [region, v] : entry["regions"].items()) {
      SCOPED_TRACE(region);
      EXPECT_TRUE(region == "global" || std::find(regions.begin(), regions.end(), region) != regions.end());
      EXPECT_TRUE(v["usd"].is_number());
      EXPECT_GT(v["usd"].get<double>(), 0);
      EXPECT_EQ(v["read"].get<std::string>().size(), 10u);  // YYYY-MM-DD
    }
  }
  for (const auto& [type, entry] : doc["free"].items()) {
    SCOPED_TRACE(type);
    EXPECT_EQ(entry["source"].get<std::string>().rfind("https://aws.amazon.com/", 0), 0u);
  }
}

TEST(Prices, TheTableCoversTheSupportedRegions) {
  // The regions the config accepts (naming/aws_tables.cc: App Runner's, which include
  // eu-west-3, the bundled environments' region).
  for (const auto& region : SupportedRegions()) {
    const char* r = region.name.c_str();
    SCOPED_TRACE(r);
    EXPECT_NE(std::find(Prices().regions.begin(), Prices().regions.end(), r), Prices().regions.end());
    // Region-wide prices the sources state for every region.
    ASSERT_NE(FindPrice(r, "vpc.public_ipv4_hour"), nullptr);
    EXPECT_DOUBLE_EQ(FindPrice(r, "vpc.public_ipv4_hour")->usd, 0.005);
    // The instance types and classes the profiles use (NAT instance, database), each
    // read from the region's own price file.
    for (const char* key : {"ec2.instance_hour:t4g.nano", "ec2.instance_hour:t4g.micro", "ec2.instance_hour:t4g.small",
                            "rds.postgres_instance_hour:db.t4g.micro", "rds.postgres_instance_hour:db.t4g.small",
                            "rds.postgres_instance_hour:db.t4g.medium"}) {
      SCOPED_TRACE(key);
      const Price* p = FindPrice(r, key);
      ASSERT_NE(p, nullptr);
      EXPECT_THAT(p->via, ::testing::HasSubstr(r)) << "the source names the region's own file: " << p->via;
    }
  }
  EXPECT_EQ(Prices().regions.size(), SupportedRegions().size());
}

// Every value read from somewhere else than the AWS page itself says where (`via`),
// and the dates are real calendar dates no later than the table's own date.
TEST(Prices, EveryRegionalValueSaysWhereItWasRead) {
  for (const auto& [key, regions] : Prices().prices)
    for (const auto& [region, p] : regions) {
      SCOPED_TRACE(key + " / " + region);
      EXPECT_FALSE(p.via.empty());
      EXPECT_LE(p.read, Prices().read);
      EXPECT_GE(p.read, std::string("2022-01-01"));
    }
}

TEST(Prices, RegionalValuesAndUnknowns) {
  EXPECT_EQ(Prices().hours_per_month, 730);
  EXPECT_DOUBLE_EQ(FindPrice("us-east-1", "apprunner.provisioned_gb_hour")->usd, 0.007);
  EXPECT_DOUBLE_EQ(FindPrice("ap-northeast-1", "apprunner.provisioned_gb_hour")->usd, 0.009);
  EXPECT_DOUBLE_EQ(FindPrice("ap-southeast-1", "vpc.nat_gateway_hour")->usd, 0.059);
  // Paris from its own offer files, not the us-east-1 values.
  EXPECT_DOUBLE_EQ(FindPrice("eu-west-3", "vpc.nat_gateway_hour")->usd, 0.05);
  EXPECT_DOUBLE_EQ(FindPrice("eu-west-3", "ec2.instance_hour:t4g.nano")->usd, 0.0047);
  EXPECT_DOUBLE_EQ(FindPrice("eu-west-3", "rds.postgres_instance_hour:db.t4g.small")->usd, 0.036);
  EXPECT_EQ(FindPrice("eu-west-3", "vpc.nat_gateway_hour")->read, "2026-10-09");
  // Not sourced for Paris: unknown, not a borrowed us-east-1 value.
  EXPECT_EQ(FindPrice("eu-west-3", "apprunner.active_vcpu_hour"), nullptr);
  EXPECT_EQ(FindPrice("eu-central-1", "vpc.nat_gateway_hour"), nullptr);
  EXPECT_EQ(FindPrice("us-east-1", "ec2.instance_hour:x9g.colossal"), nullptr);
  // Global prices answer for any region.
  EXPECT_NE(FindPrice("eu-west-3", "cloudfront.data_out_gb"), nullptr);
  EXPECT_EQ(FindPrice("us-east-1", "apprunner.active_vcpu_hour")->source, "https://aws.amazon.com/apprunner/pricing/");
  EXPECT_NE(FreeTypeSource("AWS::IAM::Role"), nullptr);
  EXPECT_EQ(FreeTypeSource("AWS::RDS::DBInstance"), nullptr);
}

}  // namespace
}  // namespace bp
