#include "modules/networking.h"

#include <cstdlib>
#include <string_view>

#include "naming/aws_tables.h"
#include "naming/cidr.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

// Latest Amazon Linux 2023 (standard, arm64), AWS's public SSM parameter: the image ships
// the AWS CLI the user data needs. Src: reference/aws-facts.md 10.3 (CDK:aws-cdk-lib/aws-ec2/lib/machine-image/amazon-linux-2023.ts,
// DOC:linux/al2023/ug/ec2.html). The template takes the image ID as a plain parameter that
// `up` resolves from it (a deploy-time input, NetworkOutputs::nat_image): CloudFormation
// resolves a parameter of an SSM type again on every change set, UsePreviousValue keeping the
// key, not the value, with the caller's credentials
// (DOC:AWSCloudFormation/latest/UserGuide/systems-manager-parameter-types.html); the
// workflow's image rollout would then need SSM access and, after AWS publishes an image,
// change the NAT too.
constexpr const char* kNatAmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

// NAT instance boot script (Fn::Sub text; shell variables are written without braces so
// they are not Fn::Sub variables). It uses what the image ships: curl, ip, sysctl, nft (or
// iptables where nft is absent, as cfn-cheapest-nat#14 and chime/terraform-aws-alternat#116
// do on AL2023) and the AWS CLI of the standard AL2023 image (reference/aws-facts.md 10.3,
// DOC:linux/al2023/ug/ec2.html). Installing at boot is fragile: dnf races other dnf runs
// and can be OOM-killed on a 0.5 GiB instance (reference/aws-facts.md 15: aws/aws-cdk#36717,
// jamesmoriarty/cfn-cheapest-nat#14), and AL2023 may lack `service` (aws/aws-cdk#32469).
// So only an image with neither nft nor iptables (AWS's package lists do not say the
// standard image has one) installs nftables: with a temporary swap file for dnf, each
// attempt bounded in time, a few attempts with a growing pause (another dnf may hold the
// lock, aws/aws-cdk#36718). The repositories are S3 buckets of the region
// (al2023-repos-<region>-..., amazonlinux/amazon-linux-2023#1145), which the instance
// reaches through its public address and the internet gateway.
// Order: the AZ's static interface, the private route's target, is attached first; then
// source/destination checks and rp_filter off (fck-nat, reference/aws-facts.md 10.1), forwarding and
// masquerading (CDK NatInstanceProviderV2, reference/aws-facts.md 10.3). AWS calls are retried. A step
// that still fails marks the instance Unhealthy so the Auto Scaling group replaces it
// (DOC:autoscaling/ec2/userguide/set-up-a-custom-health-check.html) and signals FAILURE
// to the group's CreationPolicy (DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-creationpolicy.html);
// success signals SUCCESS. The script installs itself as a cloud-init per-boot script so
// a reboot redoes the kernel settings, which do not persist; every step is idempotent.
// One launch template serves every AZ: the script finds its AZ's static interface and
// Auto Scaling group in NAT_TABLE by the subnet its primary interface is in (each group
// launches in its own public subnet only), so the script is in the template once.
constexpr const char* kNatUserData = R"SH(#!/bin/bash
# apprunner-blueprint NAT instance: attach the static ENI, then forwarding + masquerading.
set -o pipefail
REGION=${AWS::Region}
STACK=${AWS::StackId}
# public subnet, static interface, Auto Scaling group: one line per AZ
NAT_TABLE="@NAT_TABLE@"
SIGNAL_RESOURCE=
STATIC_ENI=
IMDS=http://169.254.169.254/latest
INSTANCE_ID=
STEP=start

log() { echo "nat-setup: $*" >&2; }

# retry ATTEMPTS DELAY COMMAND...: runs COMMAND until it succeeds.
retry() {
  local attempts=$1 delay=$2 i
  shift 2
  for i in $(seq 1 "$attempts"); do
    "$@" && return 0
    log "$STEP: attempt $i of $attempts failed"
    sleep "$delay"
  done
  return 1
}

# Before its AZ is known (no metadata) the instance cannot tell which group awaits it,
# and a FAILURE sent to another AZ's group could fail a stack update: it signals none,
# and its replacement (or the CreationPolicy's timeout) decides.
signal() {
  [ -n "$SIGNAL_RESOURCE" ] || { log "AZ unknown: no CloudFormation signal sent"; return; }
  retry 5 3 aws cloudformation signal-resource --region "$REGION" --stack-name "$STACK" \
    --logical-resource-id "$SIGNAL_RESOURCE" --unique-id "$INSTANCE_ID" --status "$1" ||
    log "no CloudFormation signal sent (none is awaited once the group exists)"
}

fail() {
  log "setup failed at step $STEP; marking this instance unhealthy"
  if [ -n "$INSTANCE_ID" ] && retry 5 5 aws autoscaling set-instance-health --region "$REGION" \
      --instance-id "$INSTANCE_ID" --health-status Unhealthy --no-should-respect-grace-period; then
    signal FAILURE
    exit 1
  fi
  # The group's EC2 health check replaces an instance that is not running.
  log "could not mark the instance unhealthy; powering off"
  [ -n "$INSTANCE_ID" ] || INSTANCE_ID=unknown
  signal FAILURE
  poweroff
  exit 1
}

token() { TOKEN=$(curl -sSf -X PUT "$IMDS/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600"); }
imds() { curl -sSf -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/meta-data/$1"; }
# Is the static interface attached to this instance already (after a reboot)?
attached() {
  local mac
  for mac in $(imds network/interfaces/macs/); do
    [ "$(imds "network/interfaces/macs/$mac""interface-id")" = "$STATIC_ENI" ] && return 0
  done
  return 1
}
two_nics() { [ "$(ip -o link show | wc -l)" -ge 3 ]; }

STEP=metadata
retry 10 3 token || fail
INSTANCE_ID=$(retry 10 3 imds instance-id) || fail
MAC=$(retry 10 3 imds mac) || fail
PRIMARY_ENI=$(retry 10 3 imds "network/interfaces/macs/$MAC/interface-id") || fail
SUBNET=$(retry 10 3 imds "network/interfaces/macs/$MAC/subnet-id") || fail

STEP=find-az
read -r _ STATIC_ENI SIGNAL_RESOURCE <<< "$(printf '%s\n' "$NAT_TABLE" | awk -v s="$SUBNET" '$1 == s { print; exit }')"
[ -n "$STATIC_ENI" ] && [ -n "$SIGNAL_RESOURCE" ] || fail

# 1. The private subnets' default route targets the static interface: attach it first,
#    retrying for up to 10 minutes while a replaced instance still holds it.
STEP=attach-static-interface
if ! attached; then
  retry 60 10 aws ec2 attach-network-interface --region "$REGION" --network-interface-id "$STATIC_ENI" \
    --instance-id "$INSTANCE_ID" --device-index 1 || fail
fi

STEP=source-dest-check
retry 5 5 aws ec2 modify-network-interface-attribute --region "$REGION" --network-interface-id "$PRIMARY_ENI" \
  --no-source-dest-check || fail

STEP=wait-for-interface
retry 30 2 two_nics || fail
PUBLIC_IF=$(ip -o link show | awk -v mac="$MAC" 'index($0, mac) { sub(/:$/, "", $2); print $2; exit }')
[ -n "$PUBLIC_IF" ] || fail

STEP=forwarding
sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || fail
for nic in $(ip -o link show | awk -F': ' '{ print $2 }'); do
  sysctl -q -w "net.ipv4.conf.$nic.rp_filter=0" || fail
done

# An image with neither nft nor iptables gets nftables. dnf gets a swap file first (a
# t4g.nano has 0.5 GiB); each attempt may take 3 minutes, pauses grow 15, 30, 60 s.
STEP=install-nftables
SWAP_FILE=/var/lib/apprunner-blueprint-nat.swap
swap_on() { (umask 077 && dd if=/dev/zero of="$SWAP_FILE" bs=1M count=512 status=none) && mkswap "$SWAP_FILE" && swapon "$SWAP_FILE"; }
swap_off() { swapoff "$SWAP_FILE"; rm -f "$SWAP_FILE"; }
install_nftables() {
  local i delay=15
  swap_on || log "no swap file; installing without"
  for i in 1 2 3 4; do
    timeout 180 dnf install -y nftables && command -v nft >/dev/null && { swap_off; return 0; }
    log "$STEP: attempt $i of 4 failed"
    [ "$i" -lt 4 ] && sleep "$delay"
    delay=$((delay * 2))
  done
  swap_off
  return 1
}
if ! command -v nft >/dev/null && ! command -v iptables >/dev/null; then
  log "the image has neither nft nor iptables: installing nftables"
  install_nftables || fail
fi

STEP=masquerade
if command -v nft >/dev/null; then
  nft -f - <<EOF || fail
table ip apprunner_blueprint_nat
delete table ip apprunner_blueprint_nat
table ip apprunner_blueprint_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "$PUBLIC_IF" masquerade
  }
}
EOF
elif command -v iptables >/dev/null; then
  { iptables -t nat -C POSTROUTING -o "$PUBLIC_IF" -j MASQUERADE ||
    iptables -t nat -A POSTROUTING -o "$PUBLIC_IF" -j MASQUERADE; } && iptables -P FORWARD ACCEPT || fail
else
  fail
fi

STEP=per-boot
install -D -m 0755 "$0" /var/lib/cloud/scripts/per-boot/apprunner-blueprint-nat.sh ||
  log "not installed as a per-boot script (already there?)"

STEP=done
log "NAT ready: $STATIC_ENI attached, masquerading out of $PUBLIC_IF"
signal SUCCESS
exit 0
)SH";

// How long CloudFormation waits for a NAT instance's signal: the attach retries for
// up to 10 minutes while a replaced instance lets go of the interface, plus the boot.
constexpr const char* kNatSignalTimeout = "PT15M";

// The Name tag of AZ `n`'s static interface and Auto Scaling group.
std::string NatName(const ModuleContext& ctx, const std::string& n) { return ctx.name_prefix + "-nat-" + n; }
// The Name tag the shared launch template gives every NAT instance, its volume and its
// primary interface (the group's own aws:autoscaling:groupName tag tells the AZ).
std::string NatInstanceName(const ModuleContext& ctx) { return ctx.name_prefix + "-nat"; }

// arn:<partition>:ec2:<region>:<account>:<resource> (Fn::Sub text in `resource` is kept).
Json Ec2Arn(const std::string& resource) {
  return cfn::Sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:" + resource);
}

// The boot script as it ships: without comment lines (the shebang stays), indentation or
// blank lines. They are for the reader of this file; bash and nft ignore indentation, and
// every byte of user data counts against CloudFormation's 51,200-byte limit for a
// template sent inline (docs/deploy.md).
std::string CompactScript(std::string_view script) {
  std::string out;
  size_t start = 0;
  while (start < script.size()) {
    size_t end = script.find('\n', start);
    if (end == std::string_view::npos) end = script.size();
    std::string_view line = script.substr(start, end - start);
    const size_t first = line.find_first_not_of(" \t");
    const bool keep = first != std::string_view::npos && (line[first] != '#' || start == 0);
    if (keep) out.append(line.substr(first)).append("\n");
    start = end + 1;
  }
  return out;
}

// One NAT gateway (with its Elastic IP) in public subnet `n`.
void AddNatGateway(const ModuleContext& ctx, const std::string& n, cfn::Template* t) {
  auto& eip = t->AddResource(ctx.Id("NatEip" + n), "AWS::EC2::EIP",
                             Object({{"Domain", "vpc"}, {"Tags", ctx.TagsWithName(NatName(ctx, n))}}));
  // Src: DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html (EIP needs the IGW attached).
  eip.depends_on = {ctx.Id("InternetGatewayAttachment")};
  t->AddResource(ctx.Id("NatGateway" + n), "AWS::EC2::NatGateway",
                 Object({{"AllocationId", GetAtt(ctx.Id("NatEip" + n), "AllocationId")},
                         {"SubnetId", Ref(ctx.Id("PublicSubnet" + n))},
                         {"Tags", ctx.TagsWithName(NatName(ctx, n))}}));
}

// The shared pieces of the NAT instances: security group, role, instance profile, and
// the image parameter, which `up` fills from kNatAmiParameter (returned in `inputs`).
void AddNatInstanceShared(const ModuleContext& ctx, const NetworkConfig& args, cfn::Template* t,
                          std::vector<SsmParameterInput>* inputs) {
  // AWS::EC2::Image::Id: CloudFormation checks that the image exists in the region.
  // Src: DOC:AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html.
  cfn::Parameter ami;
  ami.type = "AWS::EC2::Image::Id";
  ami.description = "NAT instance image: blueprint up passes the newest arm64 Amazon Linux 2023 (AWS's public SSM parameter)";
  t->AddParameter(ctx.Id("NatInstanceImageId"), ami);
  inputs->push_back({ctx.Id("NatInstanceImageId"), kNatAmiParameter});

  // Ingress from the VPC only; the instances forward to anywhere. reference/aws-facts.md 10.2 step 1.
  t->AddResource(
      ctx.Id("NatSecurityGroup"), "AWS::EC2::SecurityGroup",
      Object({{"GroupDescription", "NAT instances: all traffic from the VPC, all egress"},
              {"VpcId", Ref(ctx.Id("Vpc"))},
              {"SecurityGroupIngress", Json::array({Object({{"IpProtocol", "-1"},
                                                            {"CidrIp", args.cidr},
                                                            {"Description", "Traffic to NAT from inside the VPC"}})})},
              {"SecurityGroupEgress", Json::array({Object({{"IpProtocol", "-1"},
                                                           {"CidrIp", "0.0.0.0/0"},
                                                           {"Description", "Forwarded traffic to the internet"}})})},
              {"Tags", ctx.TagsWithName(ctx.name_prefix + "-nat")}}));

  // Only what the boot script calls, on this stack's own resources. Src: reference/aws-facts.md 10.1
  // (FCK:docs/configuration.md, IAM for HA) and 15. The static interfaces are known by
  // ARN. The instance and its primary interface exist only after launch: the launch
  // template tags both with the NAT Name tag at creation, and the statements match the
  // stack's NAT Name tags (aws:ResourceTag, DOC:AWSEC2/latest/UserGuide/control-access-with-iam.html),
  // so no other interface in the region (the database's, say) can be changed. The Auto
  // Scaling groups carry the per-AZ Name tags, which instances launched by the earlier
  // per-AZ launch templates also carry.
  Json static_enis = Json::array(), names = Json::array({NatInstanceName(ctx)});
  for (int i = 0; i < args.az_count; ++i) {
    std::string n = std::to_string(i + 1);
    static_enis.push_back(Ec2Arn("network-interface/${" + ctx.Id("NatNetworkInterface" + n) + "}"));
    names.push_back(NatName(ctx, n));
  }
  Json own = Object({{"StringEquals", Object({{"aws:ResourceTag/Name", names}})}});
  Json policy{
      {"Version", "2012-10-17"},
      {"Statement",
       Json::array(
           {Object({{"Sid", "AttachStaticNatInterface"},
                    {"Effect", "Allow"},
                    {"Action", "ec2:AttachNetworkInterface"},
                    {"Resource", static_enis}}),
            Object({{"Sid", "OwnNatInstance"},
                    {"Effect", "Allow"},
                    {"Action", Json::array({"ec2:AttachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"})},
                    {"Resource", Json::array({Ec2Arn("instance/*"), Ec2Arn("network-interface/*")})},
                    {"Condition", own}}),
            // Src: DOC:autoscaling/ec2/userguide/control-access-using-iam.html (group ARN form).
            Object({{"Sid", "ReportUnhealthy"},
                    {"Effect", "Allow"},
                    {"Action", "autoscaling:SetInstanceHealth"},
                    {"Resource", cfn::Sub("arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:"
                                          "autoScalingGroup:*:autoScalingGroupName/*")},
                    {"Condition", own}}),
            // The CreationPolicy signal. Src: DOC:AWSCloudFormation/latest/APIReference/API_SignalResource.html.
            Object({{"Sid", "SignalCreation"},
                    {"Effect", "Allow"},
                    {"Action", "cloudformation:SignalResource"},
                    {"Resource", Ref("AWS::StackId")}})})}};
  t->AddResource(
      ctx.Id("NatInstanceRole"), "AWS::IAM::Role",
      Object({{"Description", "NAT instances of " + ctx.name_prefix + ": attach the static interface, report health"},
              {"AssumeRolePolicyDocument", ServiceTrustPolicy("ec2.amazonaws.com")},
              {"Policies", Json::array({Object({{"PolicyName", "nat-interface"}, {"PolicyDocument", policy}})})},
              {"Tags", ctx.Tags()}}));
  t->AddResource(ctx.Id("NatInstanceProfile"), "AWS::IAM::InstanceProfile",
                 Object({{"Roles", Json::array({Ref(ctx.Id("NatInstanceRole"))})}}));
}

// The one launch template of every AZ's NAT instance: the boot script finds its AZ's
// static interface and group by subnet (kNatUserData).
void AddNatLaunchTemplate(const ModuleContext& ctx, const NetworkConfig& args, cfn::Template* t) {
  std::string table;
  for (int i = 0; i < args.az_count; ++i) {
    std::string n = std::to_string(i + 1);
    table += (i ? "\n" : "") + ("${" + ctx.Id("PublicSubnet" + n) + "} ${" + ctx.Id("NatNetworkInterface" + n) + "} ") +
             ctx.Id("NatAutoScalingGroup" + n);
  }
  std::string script = CompactScript(kNatUserData);
  script.replace(script.find("@NAT_TABLE@"), std::string("@NAT_TABLE@").size(), table);
  Json tag_specs = Json::array();
  for (const char* type : {"instance", "volume", "network-interface"})
    tag_specs.push_back(Object({{"ResourceType", type}, {"Tags", ctx.TagsWithName(NatInstanceName(ctx))}}));
  Json data{{"ImageId", Ref(ctx.Id("NatInstanceImageId"))},
            {"InstanceType", args.nat_instance_type},
            {"IamInstanceProfile", Object({{"Arn", GetAtt(ctx.Id("NatInstanceProfile"), "Arn")}})},
            {"NetworkInterfaces",
             Json::array({Object({{"DeviceIndex", 0},
                                  {"AssociatePublicIpAddress", true},
                                  {"Groups", Json::array({GetAtt(ctx.Id("NatSecurityGroup"), "GroupId")})},
                                  {"DeleteOnTermination", true}})})},
            // IMDSv2 only. Src: SCHEMA:aws-ec2-launchtemplate (MetadataOptions).
            {"MetadataOptions",
             Object({{"HttpTokens", "required"}, {"HttpEndpoint", "enabled"}, {"HttpPutResponseHopLimit", 1}})},
            // The root volume encrypted (the AMI's snapshot is not): the mapping names the
            // image's root device, which EC2 merges with the image's own mapping. Amazon Linux
            // roots at /dev/xvda. Src: DOC:AWSEC2/latest/UserGuide/device_naming.html;
            // DOC:ebs/latest/userguide/ebs-encryption.html (encrypting a volume created from an
            // unencrypted snapshot, with the account's aws/ebs key).
            {"BlockDeviceMappings",
             Json::array({Object({{"DeviceName", "/dev/xvda"}, {"Ebs", Object({{"Encrypted", true}})}})})},
            {"UserData", cfn::Base64(cfn::Sub(script))},
            {"TagSpecifications", tag_specs}};
  // T4g launch in unlimited mode by default; standard caps the bill (reference/aws-facts.md 1.1). EC2
  // refuses a credit specification for a type without CPU credits (reference/aws-facts.md 15).
  const InstanceFamily* family = FindInstanceFamily(args.nat_instance_type);
  if (family && family->burstable) data["CreditSpecification"] = Object({{"CpuCredits", "standard"}});
  t->AddResource(ctx.Id("NatLaunchTemplate"), "AWS::EC2::LaunchTemplate", Object({{"LaunchTemplateData", data}}));
}

// AZ `n`'s NAT instance: the static interface (the route target) and an Auto Scaling
// group that keeps exactly one instance of the shared launch template alive.
// Src: reference/aws-facts.md 10.2 (FCK:docs/deploying.md; github.com/AndrewGuenther/cdk-fck-nat).
void AddNatInstance(const ModuleContext& ctx, const std::string& n, const cfn::Json& notifications_topic,
                    cfn::Template* t) {
  std::string eni = ctx.Id("NatNetworkInterface" + n);
  std::string lt = ctx.Id("NatLaunchTemplate");
  std::string asg_id = ctx.Id("NatAutoScalingGroup" + n);
  std::string name = NatName(ctx, n);
  t->AddResource(eni, "AWS::EC2::NetworkInterface",
                 Object({{"SubnetId", Ref(ctx.Id("PublicSubnet" + n))},
                         {"GroupSet", Json::array({GetAtt(ctx.Id("NatSecurityGroup"), "GroupId")})},
                         // Launch templates cannot turn the check off; the interface carries it.
                         {"SourceDestCheck", false},
                         {"Description", "Static NAT interface, private route target (AZ " + n + ")"},
                         {"Tags", ctx.TagsWithName(name)}}));
  // The group's own tags; instances get theirs from the launch template.
  Json asg_tags = ctx.TagsWithName(name);
  for (auto& tag : asg_tags) tag["PropagateAtLaunch"] = false;
  auto& asg = t->AddResource(
      asg_id, "AWS::AutoScaling::AutoScalingGroup",
      Object(
          {{"MinSize", "1"},
           {"MaxSize", "1"},
           {"DesiredCapacity", "1"},
           {"HealthCheckType", "EC2"},
           {"VPCZoneIdentifier", Json::array({Ref(ctx.Id("PublicSubnet" + n))})},
           {"LaunchTemplate", Object({{"LaunchTemplateId", Ref(lt)}, {"Version", GetAtt(lt, "LatestVersionNumber")}})},
           // The NAT health alarm's metric (modules/monitoring.cc): group metrics are sent
           // only once enabled, every minute (the one granularity), at no charge; only the
           // one the alarm reads. Src: DOC:autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html;
           // SCHEMA:aws-autoscaling-autoscalinggroup (MetricsCollection).
           {"MetricsCollection",
            Json::array({Object({{"Granularity", "1Minute"}, {"Metrics", Json::array({"GroupInServiceInstances"})}})})},
           {"Tags", asg_tags}}));
  // A replaced NAT instance leaves its subnet without internet for minutes: say so.
  // Src: SCHEMA:aws-autoscaling-autoscalinggroup (NotificationConfigurations; TopicARN is
  // a string or a list of strings); DOC:autoscaling/ec2/userguide/ec2-auto-scaling-sns-notifications.html
  // (the four types). One topic is written as the string: tools built on the older
  // single-type resource specification (AWS CDK's cloudformation-include, cfn-lint before
  // v1) know TopicARN as a string only (aws-cloudformation/cfn-lint#2929).
  if (!notifications_topic.is_null())
    asg.properties["NotificationConfigurations"] = Json::array(
        {Object({{"TopicARN", notifications_topic},
                 {"NotificationTypes",
                  Json::array({"autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
                               "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"})}})});
  // The boot script calls EC2 through the internet gateway. The interface it attaches is
  // deleted only after the group (and its instance) when an AZ is removed: nothing else
  // orders the two now that the launch template is shared.
  asg.depends_on = {ctx.Id("PublicDefaultRoute"), ctx.Id("PublicSubnet" + n) + "RouteTableAssociation", eni};
  // Created only once the instance reports its NAT working (or fails loudly).
  asg.creation_policy = Object({{"ResourceSignal", Object({{"Count", 1}, {"Timeout", kNatSignalTimeout}})}});
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
  // The config loader has validated both; a failure here is a programming error.
  if (!ParseCidr(args.cidr, &vpc_block).empty() || !PlanSubnets(vpc_block, args.az_count, args.max_az_count, &layout).empty() ||
      !(args.az_ids.empty() || static_cast<int>(args.az_ids.size()) == args.az_count))
    std::abort();

  t->AddResource(ctx.Id("Vpc"), "AWS::EC2::VPC",
                 Object({{"CidrBlock", args.cidr},
                         {"EnableDnsSupport", true},
                         {"EnableDnsHostnames", true},
                         {"Tags", ctx.TagsWithName(ctx.name_prefix)}}));
  out.vpc_id = Ref(ctx.Id("Vpc"));
  out.vpc_cidr = GetAtt(ctx.Id("Vpc"), "CidrBlock");

  t->AddResource(ctx.Id("InternetGateway"), "AWS::EC2::InternetGateway",
                 Object({{"Tags", ctx.TagsWithName(ctx.name_prefix)}}));
  t->AddResource(ctx.Id("InternetGatewayAttachment"), "AWS::EC2::VPCGatewayAttachment",
                 Object({{"VpcId", Ref(ctx.Id("Vpc"))}, {"InternetGatewayId", Ref(ctx.Id("InternetGateway"))}}));

  t->AddResource(ctx.Id("PublicRouteTable"), "AWS::EC2::RouteTable",
                 Object({{"VpcId", Ref(ctx.Id("Vpc"))}, {"Tags", ctx.TagsWithName(ctx.name_prefix + "-public")}}));
  auto& igw_route = t->AddResource(ctx.Id("PublicDefaultRoute"), "AWS::EC2::Route",
                                   Object({{"RouteTableId", Ref(ctx.Id("PublicRouteTable"))},
                                           {"DestinationCidrBlock", "0.0.0.0/0"},
                                           {"GatewayId", Ref(ctx.Id("InternetGateway"))}}));
  // Src: DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html (IGW route race).
  igw_route.depends_on = {ctx.Id("InternetGatewayAttachment")};
  out.public_route_table = ctx.Id("PublicRouteTable");
  out.internet_gateway_attachment = ctx.Id("InternetGatewayAttachment");
  out.public_routing = {ctx.Id("PublicDefaultRoute")};

  for (int i = 0; i < args.az_count; ++i) {
    std::string n = std::to_string(i + 1);
    // A named AZ ID is the same physical AZ in every account (reference/aws-facts.md 15;
    // SCHEMA:aws-ec2-subnet AvailabilityZoneId); otherwise the account's n-th AZ of the region.
    std::string az_key = args.az_ids.empty() ? "AvailabilityZone" : "AvailabilityZoneId";
    Json az = args.az_ids.empty() ? cfn::Select(i, cfn::GetAZs("")) : Json(args.az_ids[i]);
    std::string pub = ctx.Id("PublicSubnet" + n), priv = ctx.Id("PrivateSubnet" + n);
    t->AddResource(pub, "AWS::EC2::Subnet",
                   Object({{"VpcId", Ref(ctx.Id("Vpc"))},
                           {"CidrBlock", layout.public_subnets[i].ToString()},
                           {az_key, az},
                           {"MapPublicIpOnLaunch", true},
                           {"Tags", ctx.TagsWithName(ctx.name_prefix + "-public-" + n)}}));
    t->AddResource(pub + "RouteTableAssociation", "AWS::EC2::SubnetRouteTableAssociation",
                   Object({{"SubnetId", Ref(pub)}, {"RouteTableId", Ref(ctx.Id("PublicRouteTable"))}}));
    t->AddResource(priv, "AWS::EC2::Subnet",
                   Object({{"VpcId", Ref(ctx.Id("Vpc"))},
                           {"CidrBlock", layout.private_subnets[i].ToString()},
                           {az_key, az},
                           {"MapPublicIpOnLaunch", false},
                           {"Tags", ctx.TagsWithName(ctx.name_prefix + "-private-" + n)}}));
    std::string rt = ctx.Id("PrivateRouteTable" + n);
    t->AddResource(
        rt, "AWS::EC2::RouteTable",
        Object({{"VpcId", Ref(ctx.Id("Vpc"))}, {"Tags", ctx.TagsWithName(ctx.name_prefix + "-private-" + n)}}));
    t->AddResource(priv + "RouteTableAssociation", "AWS::EC2::SubnetRouteTableAssociation",
                   Object({{"SubnetId", Ref(priv)}, {"RouteTableId", Ref(rt)}}));
    out.public_routing.push_back(pub + "RouteTableAssociation");
    out.public_subnet_ids.push_back(Ref(pub));
    out.private_routing.push_back(priv + "RouteTableAssociation");
    out.private_subnet_ids.push_back(Ref(priv));
    out.private_route_tables.push_back(rt);
  }

  // Private egress. Every private route table gets exactly one default route, or none.
  if (args.nat == NatMode::kInstance) {
    AddNatInstanceShared(ctx, args, t, &out.deploy_inputs);
    AddNatLaunchTemplate(ctx, args, t);
  }
  for (int i = 0; i < args.az_count; ++i) {
    std::string n = std::to_string(i + 1);
    Json route = Object({{"RouteTableId", Ref(out.private_route_tables[i])}, {"DestinationCidrBlock", "0.0.0.0/0"}});
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
        AddNatInstance(ctx, n, nat_notifications_topic, t);
        out.nat_instance_groups.push_back(Ref(ctx.Id("NatAutoScalingGroup" + n)));
        // The interface outlives instance replacement, so the route never goes stale.
        route["NetworkInterfaceId"] = Ref(ctx.Id("NatNetworkInterface" + n));
        break;
      case NatMode::kNone: continue;  // no internet from private subnets (the config warns)
    }
    t->AddResource(ctx.Id("PrivateDefaultRoute" + n), "AWS::EC2::Route", route);
    out.private_routing.push_back(ctx.Id("PrivateDefaultRoute" + n));
  }
  out.nat_units = NatUnits(args.nat, args.az_count);
  out.private_egress = out.nat_units > 0;

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
