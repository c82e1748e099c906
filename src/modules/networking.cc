#include "modules/networking.h"

#include "naming/cidr.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

NetworkOutputs AddNetworking(const ModuleContext& ctx, const NetworkArgs& args, cfn::Template* t) {
  NetworkOutputs out;
  Ipv4Cidr vpc_block;
  SubnetLayout layout;
  std::string err;
  // The config loader has validated both; a failure here is a programming error.
  if (!ParseCidr(args.cidr, &vpc_block, &err) || !PlanSubnets(vpc_block, args.az_count, &layout, &err))
    std::abort();

  t->AddResource("Vpc", "AWS::EC2::VPC",
                 Json{{"CidrBlock", args.cidr},
                      {"EnableDnsSupport", true},
                      {"EnableDnsHostnames", true},
                      {"Tags", ctx.TagsWithName(ctx.name_prefix)}});
  out.vpc_id = Ref("Vpc");
  out.vpc_cidr = GetAtt("Vpc", "CidrBlock");

  t->AddResource("InternetGateway", "AWS::EC2::InternetGateway",
                 Json{{"Tags", ctx.TagsWithName(ctx.name_prefix)}});
  t->AddResource("InternetGatewayAttachment", "AWS::EC2::VPCGatewayAttachment",
                 Json{{"VpcId", Ref("Vpc")}, {"InternetGatewayId", Ref("InternetGateway")}});

  t->AddResource("PublicRouteTable", "AWS::EC2::RouteTable",
                 Json{{"VpcId", Ref("Vpc")}, {"Tags", ctx.TagsWithName(ctx.name_prefix + "-public")}});
  auto& igw_route = t->AddResource("PublicDefaultRoute", "AWS::EC2::Route",
                                   Json{{"RouteTableId", Ref("PublicRouteTable")},
                                        {"DestinationCidrBlock", "0.0.0.0/0"},
                                        {"GatewayId", Ref("InternetGateway")}});
  // Src: DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html (IGW route race).
  igw_route.depends_on = {"InternetGatewayAttachment"};

  for (int i = 0; i < args.az_count; ++i) {
    std::string n = std::to_string(i + 1);
    Json az = cfn::Select(i, cfn::GetAZs(""));
    std::string pub = "PublicSubnet" + n, priv = "PrivateSubnet" + n;
    t->AddResource(pub, "AWS::EC2::Subnet",
                   Json{{"VpcId", Ref("Vpc")},
                        {"CidrBlock", layout.public_subnets[i].ToString()},
                        {"AvailabilityZone", az},
                        {"MapPublicIpOnLaunch", true},
                        {"Tags", ctx.TagsWithName(ctx.name_prefix + "-public-" + n)}});
    t->AddResource(pub + "RouteTableAssociation", "AWS::EC2::SubnetRouteTableAssociation",
                   Json{{"SubnetId", Ref(pub)}, {"RouteTableId", Ref("PublicRouteTable")}});
    t->AddResource(priv, "AWS::EC2::Subnet",
                   Json{{"VpcId", Ref("Vpc")},
                        {"CidrBlock", layout.private_subnets[i].ToString()},
                        {"AvailabilityZone", az},
                        {"MapPublicIpOnLaunch", false},
                        {"Tags", ctx.TagsWithName(ctx.name_prefix + "-private-" + n)}});
    std::string rt = "PrivateRouteTable" + n;
    t->AddResource(rt, "AWS::EC2::RouteTable",
                   Json{{"VpcId", Ref("Vpc")}, {"Tags", ctx.TagsWithName(ctx.name_prefix + "-private-" + n)}});
    t->AddResource(priv + "RouteTableAssociation", "AWS::EC2::SubnetRouteTableAssociation",
                   Json{{"SubnetId", Ref(priv)}, {"RouteTableId", Ref(rt)}});
    out.public_subnet_ids.push_back(Ref(pub));
    out.private_subnet_ids.push_back(Ref(priv));
    out.private_route_tables.push_back(rt);
  }

  t->AddOutput("VpcId", {Ref("Vpc"), "VPC id", "", ""});
  Json pubs = Json::array(), privs = Json::array();
  for (const auto& s : out.public_subnet_ids) pubs.push_back(s);
  for (const auto& s : out.private_subnet_ids) privs.push_back(s);
  t->AddOutput("PublicSubnetIds", {cfn::Join(",", pubs), "Public subnet ids, one per AZ", "", ""});
  t->AddOutput("PrivateSubnetIds", {cfn::Join(",", privs), "Private subnet ids, one per AZ", "", ""});
  return out;
}

}  // namespace bp
