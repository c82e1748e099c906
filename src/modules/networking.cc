#include "modules/networking.h"

#include <cstdlib>

#include "naming/cidr.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

// Latest Amazon Linux 2023 (standard, arm64) from AWS's public SSM parameter: it ships
// the AWS CLI the user data needs, and CloudFormation resolves it in every region with
// no input. Src: aws-facts 10.3 (CDK:aws-cdk-lib/aws-ec2/lib/machine-image/amazon-linux-2023.ts,
// DOC:linux/al2023/ug/ec2.html).
constexpr const char* kNatAmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

// NAT instance boot script (Fn::Sub text; shell variables are written without braces so
// they are not Fn::Sub variables). It turns the instance into a NAT as CDK's
// NatInstanceProviderV2 does (aws-facts 10.3: iptables-services, ip_forward, MASQUERADE on
// the public interface, FORWARD flushed), switches off source/destination checks on its
// primary interface and rp_filter as fck-nat does (aws-facts 10.1, FCK:service/fck-nat.sh),
// then attaches the AZ's static interface, the private route's target, as device 1.
// The attach retries while a replaced instance still holds the interface.
constexpr const char* kNatUserData = R"SH(#!/bin/bash
# apprunner-blueprint NAT instance: forwarding + masquerading, then attach the static ENI.
set -euxo pipefail
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
imds() { curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }
INSTANCE_ID=$(imds instance-id)
MAC=$(imds mac)
PRIMARY_ENI=$(imds "network/interfaces/macs/$MAC/interface-id")
PUBLIC_IF=$(ip route show default | awk '{print $5; exit}')
dnf install -y iptables-services
systemctl enable --now iptables
cat > /etc/sysctl.d/90-nat-instance.conf <<'EOF'
net.ipv4.ip_forward = 1
net.ipv4.conf.all.rp_filter = 0
net.ipv4.conf.default.rp_filter = 0
EOF
sysctl -p /etc/sysctl.d/90-nat-instance.conf
iptables -t nat -F POSTROUTING
iptables -t nat -A POSTROUTING -o "$PUBLIC_IF" -j MASQUERADE
iptables -F FORWARD
service iptables save
aws ec2 modify-network-interface-attribute --region ${AWS::Region} --network-interface-id "$PRIMARY_ENI" --no-source-dest-check
for attempt in $(seq 1 60); do
  if aws ec2 attach-network-interface --region ${AWS::Region} --network-interface-id ${Eni} --instance-id "$INSTANCE_ID" --device-index 1; then
    sleep 5
    for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > "$f"; done
    exit 0
  fi
  echo "attach attempt $attempt failed; retrying"
  sleep 10
done
exit 1
)SH";

// arn:<partition>:ec2:<region>:<account>:<resource> (Fn::Sub text in `resource` is kept).
Json Ec2Arn(const std::string& resource) {
  return cfn::Sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:" + resource);
}

// One NAT gateway (with its Elastic IP) in public subnet `n`.
void AddNatGateway(const ModuleContext& ctx, const std::string& n, cfn::Template* t) {
  auto& eip = t->AddResource(ctx.Id("NatEip" + n), "AWS::EC2::EIP",
                             Json{{"Domain", "vpc"}, {"Tags", ctx.TagsWithName(ctx.name_prefix + "-nat-" + n)}});
  // Src: DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html (EIP needs the IGW attached).
  eip.depends_on = {ctx.Id("InternetGatewayAttachment")};
  t->AddResource(ctx.Id("NatGateway" + n), "AWS::EC2::NatGateway",
                 Json{{"AllocationId", GetAtt(ctx.Id("NatEip" + n), "AllocationId")},
                      {"SubnetId", Ref(ctx.Id("PublicSubnet" + n))},
                      {"Tags", ctx.TagsWithName(ctx.name_prefix + "-nat-" + n)}});
}

// The shared pieces of the NAT instances: security group, role, instance profile, AMI.
void AddNatInstanceShared(const ModuleContext& ctx, const NetworkConfig& args, cfn::Template* t) {
  cfn::Parameter ami;
  ami.type = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>";
  ami.description = "Image of the NAT instances (arm64 Amazon Linux 2023, resolved from AWS's public SSM parameter)";
  ami.default_value = kNatAmiParameter;
  t->AddParameter(ctx.Id("NatInstanceImageId"), ami);

  // Ingress from the VPC only; the instances forward to anywhere. aws-facts 10.2 step 1.
  t->AddResource(ctx.Id("NatSecurityGroup"), "AWS::EC2::SecurityGroup",
                 Json{{"GroupDescription", "NAT instances: all traffic from the VPC, all egress"},
                      {"VpcId", Ref(ctx.Id("Vpc"))},
                      {"SecurityGroupIngress",
                       Json::array({Json{{"IpProtocol", "-1"},
                                         {"CidrIp", args.cidr},
                                         {"Description", "Traffic to NAT from inside the VPC"}}})},
                      {"SecurityGroupEgress",
                       Json::array({Json{{"IpProtocol", "-1"},
                                         {"CidrIp", "0.0.0.0/0"},
                                         {"Description", "Forwarded traffic to the internet"}}})},
                      {"Tags", ctx.TagsWithName(ctx.name_prefix + "-nat")}});

  // Only what the boot script calls: attach this stack's static interfaces, and turn off
  // source/destination checks on the instance's own interface.
  // Src: aws-facts 10.1 (FCK:docs/configuration.md, IAM for HA).
  Json attach_resources = Json::array();
  for (int i = 0; i < args.az_count; ++i)
    attach_resources.push_back(Ec2Arn("network-interface/${" + ctx.Id("NatNetworkInterface" + std::to_string(i + 1)) + "}"));
  attach_resources.push_back(Ec2Arn("instance/*"));
  Json policy{
      {"Version", "2012-10-17"},
      {"Statement",
       Json::array({Json{{"Sid", "AttachStaticNatInterface"},
                         {"Effect", "Allow"},
                         {"Action", "ec2:AttachNetworkInterface"},
                         {"Resource", attach_resources}},
                    // The instance's own primary interface is unknown until launch, and which
                    // resource types EC2 authorizes this call against is not verified here, so
                    // this one is scoped by region only (every EC2 action supports ec2:Region,
                    // DOC:AWSEC2/latest/UserGuide/ec2-supported-iam-actions-resources.html).
                    Json{{"Sid", "DisableSourceDestCheck"},
                         {"Effect", "Allow"},
                         {"Action", "ec2:ModifyNetworkInterfaceAttribute"},
                         {"Resource", "*"},
                         {"Condition", Json{{"StringEquals", Json{{"ec2:Region", cfn::pseudo::Region()}}}}}}})}};
  t->AddResource(ctx.Id("NatInstanceRole"), "AWS::IAM::Role",
                 Json{{"Description", "NAT instances of " + ctx.name_prefix + ": attach the static interface"},
                      {"AssumeRolePolicyDocument", ServiceTrustPolicy("ec2.amazonaws.com")},
                      {"Policies", Json::array({Json{{"PolicyName", "nat-interface"}, {"PolicyDocument", policy}}})},
                      {"Tags", ctx.Tags()}});
  t->AddResource(ctx.Id("NatInstanceProfile"), "AWS::IAM::InstanceProfile",
                 Json{{"Roles", Json::array({Ref(ctx.Id("NatInstanceRole"))})}});
}

// AZ `n`'s NAT instance: the static interface (the route target), a launch template whose
// user data attaches it, and an Auto Scaling group that keeps exactly one instance alive.
// Src: aws-facts 10.2 (FCK:docs/deploying.md; github.com/AndrewGuenther/cdk-fck-nat).
void AddNatInstance(const ModuleContext& ctx, const NetworkConfig& args, const std::string& n,
                    const cfn::Json& notifications_topic, cfn::Template* t) {
  std::string eni = ctx.Id("NatNetworkInterface" + n);
  std::string lt = ctx.Id("NatLaunchTemplate" + n);
  std::string name = ctx.name_prefix + "-nat-" + n;
  t->AddResource(eni, "AWS::EC2::NetworkInterface",
                 Json{{"SubnetId", Ref(ctx.Id("PublicSubnet" + n))},
                      {"GroupSet", Json::array({GetAtt(ctx.Id("NatSecurityGroup"), "GroupId")})},
                      // Launch templates cannot turn the check off; the interface carries it.
                      {"SourceDestCheck", false},
                      {"Description", "Static NAT interface, private route target (AZ " + n + ")"},
                      {"Tags", ctx.TagsWithName(name)}});
  Json tag_specs = Json::array();
  for (const char* type : {"instance", "volume", "network-interface"})
    tag_specs.push_back(Json{{"ResourceType", type}, {"Tags", ctx.TagsWithName(name)}});
  Json data{
      {"ImageId", Ref(ctx.Id("NatInstanceImageId"))},
      {"InstanceType", args.nat_instance_type},
      {"IamInstanceProfile", Json{{"Arn", GetAtt(ctx.Id("NatInstanceProfile"), "Arn")}}},
      {"NetworkInterfaces", Json::array({Json{{"DeviceIndex", 0},
                                               {"AssociatePublicIpAddress", true},
                                               {"Groups", Json::array({GetAtt(ctx.Id("NatSecurityGroup"), "GroupId")})},
                                               {"DeleteOnTermination", true}}})},
      // IMDSv2 only. Src: SCHEMA:aws-ec2-launchtemplate (MetadataOptions).
      {"MetadataOptions", Json{{"HttpTokens", "required"}, {"HttpEndpoint", "enabled"}, {"HttpPutResponseHopLimit", 1}}},
      // T4g launch in unlimited mode by default; standard caps the bill. aws-facts 1.1.
      {"CreditSpecification", Json{{"CpuCredits", "standard"}}},
      {"UserData", cfn::Base64(cfn::Sub(kNatUserData, Json{{"Eni", Ref(eni)}}))},
      {"TagSpecifications", tag_specs}};
  t->AddResource(lt, "AWS::EC2::LaunchTemplate", Json{{"LaunchTemplateData", data}});
  // The group's own tags; instances get theirs from the launch template.
  Json asg_tags = ctx.TagsWithName(name);
  for (auto& tag : asg_tags) tag["PropagateAtLaunch"] = false;
  auto& asg = t->AddResource(
      ctx.Id("NatAutoScalingGroup" + n), "AWS::AutoScaling::AutoScalingGroup",
      Json{{"MinSize", "1"},
           {"MaxSize", "1"},
           {"DesiredCapacity", "1"},
           {"HealthCheckType", "EC2"},
           {"VPCZoneIdentifier", Json::array({Ref(ctx.Id("PublicSubnet" + n))})},
           {"LaunchTemplate", Json{{"LaunchTemplateId", Ref(lt)}, {"Version", GetAtt(lt, "LatestVersionNumber")}}},
           {"Tags", asg_tags}});
  // A replaced NAT instance leaves its subnet without internet for minutes: say so.
  // Src: SCHEMA:aws-autoscaling-autoscalinggroup (NotificationConfigurations);
  // DOC:autoscaling/ec2/userguide/ec2-auto-scaling-sns-notifications.html (the four types).
  if (!notifications_topic.is_null())
    asg.properties["NotificationConfigurations"] = Json::array(
        {Json{{"TopicARN", Json::array({notifications_topic})},
              {"NotificationTypes", Json::array({"autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
                                                 "autoscaling:EC2_INSTANCE_TERMINATE",
                                                 "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"})}}});
  // The boot script installs packages and calls EC2 through the internet gateway.
  asg.depends_on = {ctx.Id("PublicDefaultRoute"), ctx.Id("PublicSubnet" + n) + "RouteTableAssociation"};
}

}  // namespace

int NatUnits(NatMode mode, int az_count) {
  switch (mode) {
    case NatMode::kGateway: return 1;
    case NatMode::kGatewayPerAz:
    case NatMode::kInstance: return az_count;
    case NatMode::kNone: return 0;
  }
  return 0;
}

NetworkOutputs AddNetworking(const ModuleContext& ctx, const NetworkConfig& args, cfn::Template* t,
                             const cfn::Json& nat_notifications_topic) {
  NetworkOutputs out;
  Ipv4Cidr vpc_block;
  SubnetLayout layout;
  std::string err;
  // The config loader has validated both; a failure here is a programming error.
  if (!ParseCidr(args.cidr, &vpc_block, &err) || !PlanSubnets(vpc_block, args.az_count, &layout, &err))
    std::abort();

  t->AddResource(ctx.Id("Vpc"), "AWS::EC2::VPC",
                 Json{{"CidrBlock", args.cidr},
                      {"EnableDnsSupport", true},
                      {"EnableDnsHostnames", true},
                      {"Tags", ctx.TagsWithName(ctx.name_prefix)}});
  out.vpc_id = Ref(ctx.Id("Vpc"));
  out.vpc_cidr = GetAtt(ctx.Id("Vpc"), "CidrBlock");

  t->AddResource(ctx.Id("InternetGateway"), "AWS::EC2::InternetGateway",
                 Json{{"Tags", ctx.TagsWithName(ctx.name_prefix)}});
  t->AddResource(ctx.Id("InternetGatewayAttachment"), "AWS::EC2::VPCGatewayAttachment",
                 Json{{"VpcId", Ref(ctx.Id("Vpc"))}, {"InternetGatewayId", Ref(ctx.Id("InternetGateway"))}});

  t->AddResource(ctx.Id("PublicRouteTable"), "AWS::EC2::RouteTable",
                 Json{{"VpcId", Ref(ctx.Id("Vpc"))}, {"Tags", ctx.TagsWithName(ctx.name_prefix + "-public")}});
  auto& igw_route = t->AddResource(ctx.Id("PublicDefaultRoute"), "AWS::EC2::Route",
                                   Json{{"RouteTableId", Ref(ctx.Id("PublicRouteTable"))},
                                        {"DestinationCidrBlock", "0.0.0.0/0"},
                                        {"GatewayId", Ref(ctx.Id("InternetGateway"))}});
  // Src: DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html (IGW route race).
  igw_route.depends_on = {ctx.Id("InternetGatewayAttachment")};

  for (int i = 0; i < args.az_count; ++i) {
    std::string n = std::to_string(i + 1);
    Json az = cfn::Select(i, cfn::GetAZs(""));
    std::string pub = ctx.Id("PublicSubnet" + n), priv = ctx.Id("PrivateSubnet" + n);
    t->AddResource(pub, "AWS::EC2::Subnet",
                   Json{{"VpcId", Ref(ctx.Id("Vpc"))},
                        {"CidrBlock", layout.public_subnets[i].ToString()},
                        {"AvailabilityZone", az},
                        {"MapPublicIpOnLaunch", true},
                        {"Tags", ctx.TagsWithName(ctx.name_prefix + "-public-" + n)}});
    t->AddResource(pub + "RouteTableAssociation", "AWS::EC2::SubnetRouteTableAssociation",
                   Json{{"SubnetId", Ref(pub)}, {"RouteTableId", Ref(ctx.Id("PublicRouteTable"))}});
    t->AddResource(priv, "AWS::EC2::Subnet",
                   Json{{"VpcId", Ref(ctx.Id("Vpc"))},
                        {"CidrBlock", layout.private_subnets[i].ToString()},
                        {"AvailabilityZone", az},
                        {"MapPublicIpOnLaunch", false},
                        {"Tags", ctx.TagsWithName(ctx.name_prefix + "-private-" + n)}});
    std::string rt = ctx.Id("PrivateRouteTable" + n);
    t->AddResource(rt, "AWS::EC2::RouteTable",
                   Json{{"VpcId", Ref(ctx.Id("Vpc"))}, {"Tags", ctx.TagsWithName(ctx.name_prefix + "-private-" + n)}});
    t->AddResource(priv + "RouteTableAssociation", "AWS::EC2::SubnetRouteTableAssociation",
                   Json{{"SubnetId", Ref(priv)}, {"RouteTableId", Ref(rt)}});
    out.public_subnet_ids.push_back(Ref(pub));
    out.private_subnet_ids.push_back(Ref(priv));
    out.private_route_tables.push_back(rt);
  }

  // Private egress. Every private route table gets exactly one default route, or none.
  if (args.nat == NatMode::kInstance) AddNatInstanceShared(ctx, args, t);
  for (int i = 0; i < args.az_count; ++i) {
    std::string n = std::to_string(i + 1);
    Json route{{"RouteTableId", Ref(out.private_route_tables[i])}, {"DestinationCidrBlock", "0.0.0.0/0"}};
    switch (args.nat) {
      case NatMode::kGateway:
        if (i == 0) {
          AddNatGateway(ctx, n, t);
          out.nat_gateway_ids.push_back(Ref(ctx.Id("NatGateway1")));
        }
        route["NatGatewayId"] = Ref(ctx.Id("NatGateway1"));
        break;
      case NatMode::kGatewayPerAz:
        AddNatGateway(ctx, n, t);
        out.nat_gateway_ids.push_back(Ref(ctx.Id("NatGateway" + n)));
        route["NatGatewayId"] = Ref(ctx.Id("NatGateway" + n));
        break;
      case NatMode::kInstance:
        AddNatInstance(ctx, args, n, nat_notifications_topic, t);
        out.nat_instance_groups.push_back(Ref(ctx.Id("NatAutoScalingGroup" + n)));
        // The interface outlives instance replacement, so the route never goes stale.
        route["NetworkInterfaceId"] = Ref(ctx.Id("NatNetworkInterface" + n));
        break;
      case NatMode::kNone: continue;  // no internet from private subnets (the config warns)
    }
    t->AddResource(ctx.Id("PrivateDefaultRoute" + n), "AWS::EC2::Route", route);
  }
  out.nat_units = NatUnits(args.nat, args.az_count);

  t->AddOutput(ctx.Id("VpcId"), {Ref(ctx.Id("Vpc")), "VPC id", "", ""});
  Json pubs = Json::array(), privs = Json::array();
  for (const auto& s : out.public_subnet_ids) pubs.push_back(s);
  for (const auto& s : out.private_subnet_ids) privs.push_back(s);
  t->AddOutput(ctx.Id("PublicSubnetIds"), {cfn::Join(",", pubs), "Public subnet ids, one per AZ", "", ""});
  t->AddOutput(ctx.Id("PrivateSubnetIds"), {cfn::Join(",", privs), "Private subnet ids, one per AZ", "", ""});
  t->AddOutput(ctx.Id("NatMode"), {NatModeName(args.nat), "Private subnet egress mode", "", ""});
  t->AddOutput(ctx.Id("NatUnits"), {std::to_string(out.nat_units), "NAT gateways or NAT instances", "", ""});
  return out;
}

}  // namespace bp
