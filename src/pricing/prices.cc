#include "pricing/prices.h"

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace bp {

namespace {

const char kPricesJson[] =
#include "pricing/prices_json.inc"
    ;

[[noreturn]] void Broken(const std::string& what) {
  // The file is part of the build and covered by tests; a broken one is a build defect.
  std::fprintf(stderr, "internal error: data/prices.json: %s\n", what.c_str());
  std::abort();
}

PriceTable Parse() {
  auto j = nlohmann::json::parse(kPricesJson, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("prices") || !j.contains("hours_per_month")) Broken("not a price table");
  PriceTable t;
  t.read = j.value("read", "");
  t.hours_per_month = j["hours_per_month"].get<double>();
  const nlohmann::json regions = j.value("regions", nlohmann::json::array());
  for (const auto& r : regions) t.regions.push_back(r.get<std::string>());
  for (const auto& [key, entry] : j["prices"].items()) {
    if (!entry.contains("regions") || !entry.contains("source")) Broken(key + " has no regions or source");
    for (const auto& [region, v] : entry["regions"].items()) {
      if (!v.contains("usd") || !v.contains("read")) Broken(key + "/" + region + " has no usd or read date");
      Price p;
      p.usd = v["usd"].get<double>();
      p.unit = entry.value("unit", "");
      p.what = entry.value("what", "");
      p.source = entry["source"].get<std::string>();
      p.read = v["read"].get<std::string>();
      p.via = v.value("via", "");
      t.prices[key][region] = std::move(p);
    }
  }
  const nlohmann::json free = j.value("free", nlohmann::json::object());
  for (const auto& [type, entry] : free.items())
    t.free_types[type] = entry.value("source", "");
  return t;
}

}  // namespace

const PriceTable& Prices() {
  static const PriceTable table = Parse();
  return table;
}

const Price* FindPrice(const std::string& region, const std::string& key) {
  const auto& prices = Prices().prices;
  auto it = prices.find(key);
  if (it == prices.end()) return nullptr;
  auto r = it->second.find(region);
  if (r == it->second.end()) r = it->second.find("global");
  return r == it->second.end() ? nullptr : &r->second;
}

const std::string* FreeTypeSource(const std::string& type) {
  const auto& free = Prices().free_types;
  auto it = free.find(type);
  return it == free.end() ? nullptr : &it->second;
}

bool LookupPrice(const std::string& key, double* usd) {
  const Price* p = FindPrice("us-east-1", "vpc." + key);
  if (p) *usd = p->usd;
  return p != nullptr;
}

bool Ec2HourlyPrice(const std::string& instance_type, double* usd) {
  const Price* p = FindPrice("us-east-1", "ec2.instance_hour:" + instance_type);
  if (p) *usd = p->usd;
  return p != nullptr;
}

}  // namespace bp
