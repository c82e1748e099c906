// Networking module: the VPC, its public and private subnets over N availability
// zones (CIDRs from naming/cidr.h), the internet gateway, the route tables and the
// private subnets' egress (NAT gateway, one per AZ, a self-healing NAT instance per
// AZ, or none). docs/networking.md explains the modes and their cost.
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"

namespace bp {

// Hourly prices the NAT cost estimate uses; Assemble() fills them from data/prices.json.
struct NatPrices {
  double nat_gateway_hour = 0;
  double public_ipv4_hour = 0;
  double instance_hour = 0;         // price of nat_instance_type
  bool instance_price_known = false;
  double hours_per_month = 730;
};

struct NetworkArgs {
  std::string cidr;  // validated VPC block
  int az_count = 2;
  NatMode nat = NatMode::kGateway;
  // @default t4g.nano; must be arm64 (Graviton): the NAT image is the arm64 AL2023.
  std::string nat_instance_type = "t4g.nano";
  NatPrices prices;
};

// What the NAT choice costs before any traffic: per-hour charges only (gateway or
// instance hours and their public IPv4 addresses), not data processing or transfer.
struct NatSummary {
  NatMode mode = NatMode::kGateway;
  int units = 0;                   // NAT gateways or NAT instances
  double monthly_cost_usd = 0;     // units x hourly x hours_per_month
  bool cost_known = true;          // false when the instance type has no price
};

struct NetworkOutputs {
  cfn::Json vpc_id;
  cfn::Json vpc_cidr;
  std::vector<cfn::Json> public_subnet_ids;
  std::vector<cfn::Json> private_subnet_ids;
  std::vector<std::string> private_route_tables;  // logical IDs, one per AZ
  NatSummary nat;
};

NetworkOutputs AddNetworking(const ModuleContext& ctx, const NetworkArgs& args, cfn::Template* t);

// The NAT units a mode deploys over `az_count` zones.
int NatUnits(NatMode mode, int az_count);

// The fixed monthly NAT cost of `args` (see NatSummary).
NatSummary EstimateNat(const NetworkArgs& args);

}  // namespace bp
