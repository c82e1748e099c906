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

struct NetworkOutputs {
  cfn::Json vpc_id;
  cfn::Json vpc_cidr;
  std::vector<cfn::Json> public_subnet_ids;
  std::vector<cfn::Json> private_subnet_ids;
  std::vector<std::string> private_route_tables;  // logical IDs, one per AZ
  std::string public_route_table;                 // logical ID, shared by the public subnets
  // Logical IDs of what makes the public subnets public (the default route to the
  // internet gateway and each subnet's association): a resource that must see them as
  // public when it is created depends on these.
  std::vector<std::string> public_routing;
  // The same for the private subnets: their associations and default routes (to the NAT).
  std::vector<std::string> private_routing;
  bool private_egress = false;  // the private subnets reach the internet (a NAT)
  // The internet gateway's attachment to the VPC, which CloudFront VPC origins require.
  std::string internet_gateway_attachment;
  int nat_units = 0;  // NAT gateways or NAT instances
  std::vector<cfn::Json> nat_gateway_ids;      // Ref of each NAT gateway (alarms, dashboard)
  std::vector<cfn::Json> nat_instance_groups;  // Ref (name) of each NAT instance's Auto Scaling group
  // Parameters `up` fills from AWS's public SSM parameters: the NAT instances' image.
  std::vector<SsmParameterInput> deploy_inputs;
};

// `network` comes from the config (network.*); the module takes no prices: what the
// NAT costs is an analysis of the template, not part of it.
// `nat_notifications_topic` (an SNS topic ARN, or null): where the NAT instances' Auto
// Scaling groups send their launch and terminate notifications.
NetworkOutputs AddNetworking(const ModuleContext& ctx, const NetworkConfig& network, cfn::Template* t,
                             const cfn::Json& nat_notifications_topic = nullptr);

// The NAT units a mode deploys over `az_count` zones.
int NatUnits(NatMode mode, int az_count);

}  // namespace bp
