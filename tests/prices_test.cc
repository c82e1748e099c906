// data/prices.json: compiled in, every entry sourced and dated.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pricing/prices.h"
#include "test_util.h"

namespace bp {
namespace {

TEST(Prices, EveryEntryHasAPriceASourceAndADate) {
  auto doc = nlohmann::json::parse(testing::ReadFileOrDie(testing::SourceDir() + "/data/prices.json"));
  ASSERT_FALSE(doc["prices"].empty());
  for (const auto& [key, entry] : doc["prices"].items()) {
    SCOPED_TRACE(key);
    EXPECT_TRUE(entry["usd"].is_number());
    EXPECT_GT(entry["usd"].get<double>(), 0);
    EXPECT_EQ(entry["source"].get<std::string>().rfind("https://aws.amazon.com/", 0), 0u);
    EXPECT_FALSE(entry["as_of"].get<std::string>().empty());
  }
}

TEST(Prices, CompiledTableAnswers) {
  EXPECT_EQ(Prices().hours_per_month, 730);
  EXPECT_EQ(Prices().region, "us-east-1");
  double usd = 0;
  ASSERT_TRUE(Ec2HourlyPrice("t4g.nano", &usd));
  EXPECT_DOUBLE_EQ(usd, 0.0042);
  ASSERT_TRUE(LookupPrice("nat_gateway_hour", &usd));
  EXPECT_DOUBLE_EQ(usd, 0.045);
  EXPECT_FALSE(Ec2HourlyPrice("x9g.colossal", &usd));
}

}  // namespace
}  // namespace bp
