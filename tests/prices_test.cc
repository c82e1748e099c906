// data/prices.json: compiled in; every price names its AWS pricing page and, per
// region, the date it was read; a region without a value is unknown, not zero.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
  for (const char* r : {"us-east-1", "us-west-2", "eu-west-1", "eu-west-3", "eu-central-1", "ap-southeast-1",
                        "ap-northeast-1"}) {
    SCOPED_TRACE(r);
    EXPECT_NE(std::find(Prices().regions.begin(), Prices().regions.end(), r), Prices().regions.end());
    // Region-wide prices the sources state for every region.
    ASSERT_NE(FindPrice(r, "vpc.public_ipv4_hour"), nullptr);
    EXPECT_DOUBLE_EQ(FindPrice(r, "vpc.public_ipv4_hour")->usd, 0.005);
  }
}

TEST(Prices, RegionalValuesAndUnknowns) {
  EXPECT_EQ(Prices().hours_per_month, 730);
  EXPECT_DOUBLE_EQ(FindPrice("us-east-1", "apprunner.provisioned_gb_hour")->usd, 0.007);
  EXPECT_DOUBLE_EQ(FindPrice("ap-northeast-1", "apprunner.provisioned_gb_hour")->usd, 0.009);
  EXPECT_DOUBLE_EQ(FindPrice("ap-southeast-1", "vpc.nat_gateway_hour")->usd, 0.059);
  // Not sourced for Paris: unknown, not a borrowed us-east-1 value.
  EXPECT_EQ(FindPrice("eu-west-3", "vpc.nat_gateway_hour"), nullptr);
  EXPECT_EQ(FindPrice("us-east-1", "ec2.instance_hour:x9g.colossal"), nullptr);
  // Global prices answer for any region.
  EXPECT_NE(FindPrice("eu-west-3", "cloudfront.data_out_gb"), nullptr);
  EXPECT_EQ(FindPrice("us-east-1", "apprunner.active_vcpu_hour")->source, "https://aws.amazon.com/apprunner/pricing/");
  EXPECT_NE(FreeTypeSource("AWS::IAM::Role"), nullptr);
  EXPECT_EQ(FreeTypeSource("AWS::RDS::DBInstance"), nullptr);
}

TEST(Prices, NetworkingLookupsReadUsEast1) {
  double usd = 0;
  ASSERT_TRUE(Ec2HourlyPrice("t4g.nano", &usd));
  EXPECT_DOUBLE_EQ(usd, 0.0042);
  ASSERT_TRUE(LookupPrice("nat_gateway_hour", &usd));
  EXPECT_DOUBLE_EQ(usd, 0.045);
  EXPECT_FALSE(Ec2HourlyPrice("x9g.colossal", &usd));
}

}  // namespace
}  // namespace bp
