// VPC endpoints: private paths from the VPC to the AWS services a container needs to
// start and run (its image in ECR, its logs, its secrets), for tasks that have no way
// to the internet: tasks in public subnets that Express Mode may start without a public
// address, or tasks in private subnets without a NAT (network.nat: none).
// Sources: docs/facts/ingress.md (Fargate without internet access).
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "modules/common.h"

namespace bp {

// What a Fargate task reaches AWS for: image manifests and layers (ecr.api, ecr.dkr and
// the layers in S3), its awslogs stream and its Secrets Manager secrets.
// Src: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html;
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html.
inline const std::vector<std::string>& FargateInterfaceEndpointServices() {
  static const std::vector<std::string> kServices = {"ecr.api", "ecr.dkr", "logs", "secretsmanager"};
  return kServices;
}

struct VpcEndpointsArgs {
  cfn::Json vpc_id;
  std::vector<cfn::Json> subnet_ids;          // one per AZ: where each interface endpoint has an interface
  std::vector<std::string> route_tables;      // logical IDs the S3 gateway endpoint adds its route to
  cfn::Json client_security_group_id;         // the group that may reach the endpoints (HTTPS)
  std::vector<std::string> interface_services;  // "ecr.api", ... (com.amazonaws.<region>.<service>)
};

struct VpcEndpointsOutputs {
  std::vector<std::string> ids;  // logical IDs: what must exist before the tasks start
};

// Interface endpoints with private DNS (the SDKs' usual host names resolve to them), a
// security group admitting HTTPS from the client group only, and the S3 gateway endpoint
// (free; ECR keeps image layers in S3).
VpcEndpointsOutputs AddVpcEndpoints(const ModuleContext& ctx, const VpcEndpointsArgs& args, cfn::Template* t);

}  // namespace bp
