#include "naming/aws_tables.h"

namespace bp {

const std::vector<RegionInfo>& SupportedRegions() {
  // Regions: App Runner's service endpoints, DOC:general/latest/gr/apprunner.html (eleven
  // regions; not sa-east-1, ca-central-1, ...). RDS for PostgreSQL, EC2, ECR and Secrets
  // Manager exist in all of them.
  // AZ IDs: DOC:global-infrastructure/latest/regions/aws-availability-zones.html.
  // ap-northeast-1 lists the three AZs open to accounts (apne1-az3 is not offered to
  // new accounts).
  static const std::vector<RegionInfo> kRegions = {
      {"us-east-1", {"use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"}},
      {"us-east-2", {"use2-az1", "use2-az2", "use2-az3"}},
      {"us-west-2", {"usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"}},
      {"ap-south-1", {"aps1-az1", "aps1-az2", "aps1-az3"}},
      {"ap-southeast-1", {"apse1-az1", "apse1-az2", "apse1-az3"}},
      {"ap-southeast-2", {"apse2-az1", "apse2-az2", "apse2-az3"}},
      {"ap-northeast-1", {"apne1-az1", "apne1-az2", "apne1-az4"}},
      {"eu-central-1", {"euc1-az1", "euc1-az2", "euc1-az3"}},
      {"eu-west-1", {"euw1-az1", "euw1-az2", "euw1-az3"}},
      {"eu-west-2", {"euw2-az1", "euw2-az2", "euw2-az3"}},
      {"eu-west-3", {"euw3-az1", "euw3-az2", "euw3-az3"}},
  };
  return kRegions;
}

const RegionInfo* FindRegion(const std::string& name) {
  for (const auto& r : SupportedRegions())
    if (r.name == name) return &r;
  return nullptr;
}

const std::vector<InstanceFamily>& NatInstanceFamilies() {
  // Graviton families by category. Src: DOC:ec2/latest/instancetypes/gp.html, co.html,
  // mo.html (general purpose, compute optimized, memory optimized). Only T4g is a
  // burstable performance family (earns CPU credits). Src:
  // DOC:AWSEC2/latest/UserGuide/burstable-performance-instances.html. EC2 refuses a credit
  // specification for the others ("InstanceCreditSpecification.NotSupported", reference/aws-facts.md 15).
  static const std::vector<InstanceFamily> kFamilies = {
      {"t4g", true},    {"m6g", false},  {"m6gd", false}, {"m7g", false},  {"m7gd", false}, {"m8g", false},
      {"c6g", false},   {"c6gd", false}, {"c6gn", false}, {"c7g", false},  {"c7gd", false}, {"c7gn", false},
      {"c8g", false},   {"r6g", false},  {"r6gd", false}, {"r7g", false},  {"r7gd", false}, {"r8g", false},
      {"x2gd", false},
  };
  return kFamilies;
}

const InstanceFamily* FindInstanceFamily(const std::string& instance_type) {
  std::string family = instance_type.substr(0, instance_type.find('.'));
  for (const auto& f : NatInstanceFamilies())
    if (f.name == family) return &f;
  return nullptr;
}

}  // namespace bp
