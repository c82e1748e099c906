// The price table (data/prices.json) compiled into the program, so cost estimates
// need no file at run time and modules stay pure: Assemble() reads prices here and
// hands the numbers to modules in their Args. Each entry carries its source URL and
// date in the JSON file.
#pragma once
#include <string>

namespace bp {

struct PriceTable {
  std::string region;      // the region the prices are for
  double hours_per_month;  // 730
};

const PriceTable& Prices();

// The USD price of `key` ("nat_gateway_hour", "ec2_t4g.nano_hour"); false when the
// table has no such entry.
bool LookupPrice(const std::string& key, double* usd);

// The hourly on-demand price of an EC2 instance type (Linux), when the table has it.
bool Ec2HourlyPrice(const std::string& instance_type, double* usd);

}  // namespace bp
