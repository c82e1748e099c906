// Facts about AWS that the config checks and the modules look up, one named place,
// each row with its source, so a newcomer updates a table instead of hunting for
// literals: the EC2 instance families a NAT instance may use (and which earn CPU
// credits).
#pragma once
#include <string>
#include <vector>

namespace bp {

struct InstanceFamily {
  std::string name;  // t4g, c7gn, ...
  bool burstable;    // earns CPU credits: CreditSpecification applies
};

// arm64 (Graviton) families a NAT instance can run (the NAT image is arm64).
const std::vector<InstanceFamily>& NatInstanceFamilies();
// The family row of an instance type ("t4g.nano" -> t4g), or nullptr.
const InstanceFamily* FindInstanceFamily(const std::string& instance_type);

}  // namespace bp
