// Facts about AWS that the config checks and the modules look up, one named place,
// each row with its source, so a newcomer updates a table instead of hunting for
// literals: the regions this blueprint can deploy to (with their Availability Zone
// IDs) and the EC2 instance families a NAT instance may use (and which earn CPU
// credits).
#pragma once
#include <string>
#include <vector>

namespace bp {

struct RegionInfo {
  std::string name;                 // us-east-1
  std::vector<std::string> az_ids;  // the region's Availability Zone IDs (use1-az1 ...)
};

// Regions where every service the main stack uses exists (App Runner, RDS for
// PostgreSQL, EC2/VPC, ECR, Secrets Manager): App Runner's list is the short one.
const std::vector<RegionInfo>& SupportedRegions();
const RegionInfo* FindRegion(const std::string& name);

struct InstanceFamily {
  std::string name;  // t4g, c7gn, ...
  bool burstable;    // earns CPU credits: CreditSpecification applies
};

// arm64 (Graviton) families a NAT instance can run (the NAT image is arm64).
const std::vector<InstanceFamily>& NatInstanceFamilies();
// The family row of an instance type ("t4g.nano" -> t4g), or nullptr.
const InstanceFamily* FindInstanceFamily(const std::string& instance_type);

}  // namespace bp
