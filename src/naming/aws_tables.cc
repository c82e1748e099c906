#include "naming/aws_tables.h"

namespace bp {

const std::vector<InstanceFamily>& NatInstanceFamilies() {
  // Graviton families by category. Src: DOC:ec2/latest/instancetypes/gp.html, co.html,
  // mo.html (general purpose, compute optimized, memory optimized). Only T4g is a
  // burstable performance family (earns CPU credits). Src:
  // DOC:AWSEC2/latest/UserGuide/burstable-performance-instances.html. EC2 refuses a credit
  // specification for the others ("InstanceCreditSpecification.NotSupported", aws-facts 15).
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
