#include "modules/vpc_endpoints.h"

#include <cctype>

#include "cfn/intrinsics.h"

namespace bp {

using cfn::Json;
using cfn::Ref;

namespace {

// "ecr.api" -> "EcrApi", "secretsmanager" -> "Secretsmanager": part of a logical ID.
std::string IdPart(const std::string& service) {
  std::string out;
  bool upper = true;
  for (char c : service) {
    if (c == '.' || c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

}  // namespace

VpcEndpointsOutputs AddVpcEndpoints(const ModuleContext& ctx, const VpcEndpointsArgs& args, cfn::Template* t) {
  VpcEndpointsOutputs out;
  // Interface endpoints answer HTTPS on 443; only the app's group may use them.
  // Src: https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html (security groups).
  const std::string sg = ctx.Id("EndpointSecurityGroup");
  t->AddResource(
      sg, "AWS::EC2::SecurityGroup",
      Object({{"GroupDescription", "VPC endpoints of " + ctx.name_prefix + ": HTTPS from the app"},
              {"VpcId", args.vpc_id},
              {"SecurityGroupIngress", Json::array({Object({{"IpProtocol", "tcp"},
                                                            {"FromPort", 443},
                                                            {"ToPort", 443},
                                                            {"SourceSecurityGroupId", args.client_security_group_id},
                                                            {"Description", "HTTPS from the app"}})})},
              {"Tags", ctx.TagsWithName(ctx.name_prefix + "-endpoints")}}));
  Json subnets = Json::array();
  for (const auto& s : args.subnet_ids) subnets.push_back(s);
  for (const std::string& service : args.interface_services) {
    const std::string id = ctx.Id(IdPart(service) + "Endpoint");
    t->AddResource(id, "AWS::EC2::VPCEndpoint",
                   Object({{"VpcId", args.vpc_id},
                           {"ServiceName", cfn::Sub("com.amazonaws.${AWS::Region}." + service)},
                           {"VpcEndpointType", "Interface"},
                           {"PrivateDnsEnabled", true},
                           {"SubnetIds", subnets},
                           {"SecurityGroupIds", Json::array({Ref(sg)})},
                           {"Tags", ctx.TagsWithName(ctx.name_prefix + "-" + service)}}));
    out.ids.push_back(id);
  }
  // ECR serves image layers from S3: a gateway endpoint (no hourly or data charge) on the
  // route tables of the subnets the tasks run in.
  // Src: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (Create the Amazon S3 gateway endpoint).
  Json tables = Json::array();
  for (const auto& rt : args.route_tables) tables.push_back(Ref(rt));
  const std::string s3 = ctx.Id("S3Endpoint");
  t->AddResource(s3, "AWS::EC2::VPCEndpoint",
                 Object({{"VpcId", args.vpc_id},
                         {"ServiceName", cfn::Sub("com.amazonaws.${AWS::Region}.s3")},
                         {"VpcEndpointType", "Gateway"},
                         {"RouteTableIds", tables},
                         {"Tags", ctx.TagsWithName(ctx.name_prefix + "-s3")}}));
  out.ids.push_back(s3);
  return out;
}

}  // namespace bp
