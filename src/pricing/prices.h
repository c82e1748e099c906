// The price table (data/prices.json) compiled into the program, so cost estimates
// need no file at run time and modules stay pure. Prices are per region; each one
// names the AWS pricing page it belongs to and the date it was read. A price the
// table does not have for a region is unknown, never zero: FindPrice returns null.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace bp {

struct Price {
  double usd = 0;
  std::string unit;    // "hour", "GB-month", ...
  std::string what;    // what the price is for
  std::string source;  // the AWS pricing page
  std::string read;    // the date the value was read (YYYY-MM-DD)
  std::string via;     // where it was read when not the page itself ("" = the page)
};

struct PriceTable {
  std::string read;        // the date the table was read
  double hours_per_month;  // 730
  std::vector<std::string> regions;                            // the regions the table covers
  std::map<std::string, std::map<std::string, Price>> prices;  // key -> region -> price
  std::map<std::string, std::string> free_types;               // resource type -> source
};

const PriceTable& Prices();

// The price of `key` ("vpc.nat_gateway_hour", "ec2.instance_hour:t4g.nano") in
// `region`, or null when the table has none. Region-independent prices are listed
// under the region "global".
const Price* FindPrice(const std::string& region, const std::string& key);

// The source of a resource type declared free, or null.
const std::string* FreeTypeSource(const std::string& type);

// us-east-1 look-ups for the NAT cost output the networking module still emits;
// they go when that output leaves the template.
bool LookupPrice(const std::string& key, double* usd);  // "nat_gateway_hour", "public_ipv4_hour"
bool Ec2HourlyPrice(const std::string& instance_type, double* usd);

}  // namespace bp
