// Networking module: the VPC, its public and private subnets over N availability
// zones (CIDRs from naming/cidr.h), the internet gateway and the route tables.
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"

namespace bp {

struct NetworkArgs {
  std::string cidr;  // validated VPC block
  int az_count = 2;
  NatMode nat = NatMode::kGateway;
  std::string nat_instance_type = "t4g.nano";
};

struct NetworkOutputs {
  cfn::Json vpc_id;
  cfn::Json vpc_cidr;
  std::vector<cfn::Json> public_subnet_ids;
  std::vector<cfn::Json> private_subnet_ids;
  std::vector<std::string> private_route_tables;  // logical IDs, one per AZ
};

NetworkOutputs AddNetworking(const ModuleContext& ctx, const NetworkArgs& args, cfn::Template* t);

}  // namespace bp
