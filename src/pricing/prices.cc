#include "pricing/prices.h"

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace bp {

namespace {

const char kPricesJson[] =
#include "pricing/prices_json.inc"
    ;

const nlohmann::json& Document() {
  static const nlohmann::json doc = [] {
    auto j = nlohmann::json::parse(kPricesJson, nullptr, /*allow_exceptions=*/false);
    // The file is part of the build and covered by tests; a broken one is a build defect.
    if (j.is_discarded() || !j.contains("prices") || !j.contains("hours_per_month")) {
      std::fprintf(stderr, "internal error: data/prices.json is not a valid price table\n");
      std::abort();
    }
    return j;
  }();
  return doc;
}

}  // namespace

const PriceTable& Prices() {
  static const PriceTable table{Document().value("region", ""),
                                Document()["hours_per_month"].get<double>()};
  return table;
}

bool LookupPrice(const std::string& key, double* usd) {
  const auto& prices = Document()["prices"];
  auto it = prices.find(key);
  if (it == prices.end() || !it->contains("usd")) return false;
  *usd = (*it)["usd"].get<double>();
  return true;
}

bool Ec2HourlyPrice(const std::string& instance_type, double* usd) {
  return LookupPrice("ec2_" + instance_type + "_hour", usd);
}

}  // namespace bp
