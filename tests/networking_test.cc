// Networking acceptance tests: subnet CIDRs, the private default route each NAT mode
// promises, the NAT instance shape, and the NAT cost outputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "cfn/writer.h"
#include "deploy/assembly.h"
#include "modules/networking.h"
#include "naming/cidr.h"
#include "platform_fixtures.h"
#include "test_util.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

struct CidrCase {
  std::string vpc;
  int az_count;
  std::vector<std::string> public_subnets;
  std::vector<std::string> private_subnets;
};

TEST(SubnetCidrs, PublicFirstThenPrivate) {
  const std::vector<CidrCase> cases = {
      {"10.2.0.0/24", 2, {"10.2.0.0/26", "10.2.0.64/26"}, {"10.2.0.128/26", "10.2.0.192/26"}},
      {"10.0.0.0/16", 3, {"10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"}, {"10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"}},
      {"172.16.0.0/22", 2, {"172.16.0.0/24", "172.16.1.0/24"}, {"172.16.2.0/24", "172.16.3.0/24"}},
      {"192.168.10.0/24", 6,
       {"192.168.10.0/28", "192.168.10.16/28", "192.168.10.32/28", "192.168.10.48/28", "192.168.10.64/28", "192.168.10.80/28"},
       {"192.168.10.96/28", "192.168.10.112/28", "192.168.10.128/28", "192.168.10.144/28", "192.168.10.160/28", "192.168.10.176/28"}},
      {"10.1.0.0/26", 2, {"10.1.0.0/28", "10.1.0.16/28"}, {"10.1.0.32/28", "10.1.0.48/28"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.vpc + " over " + std::to_string(c.az_count) + " AZs");
    Ipv4Cidr vpc;
    SubnetLayout layout;
    std::string err;
    ASSERT_EQ(err = ParseCidr(c.vpc, &vpc), "") << err;
    // max_az_count equal to az_count: the layout of stacks deployed before the slots.
    ASSERT_EQ(err = PlanSubnets(vpc, c.az_count, c.az_count, &layout), "") << err;
    std::vector<std::string> pub, priv;
    for (const auto& s : layout.public_subnets) pub.push_back(s.ToString());
    for (const auto& s : layout.private_subnets) priv.push_back(s.ToString());
    EXPECT_EQ(pub, c.public_subnets);
    EXPECT_EQ(priv, c.private_subnets);

    // The template carries the same blocks, one public and one private subnet per AZ.
    std::string yaml = "profile: dev\nregion: " + std::string(c.az_count > 3 ? "us-east-1" : "eu-west-3") +
                       "\napp:\n  name: orders-api\nnetwork:\n  cidr: " + c.vpc + "\n  az_count: " +
                       std::to_string(c.az_count) + "\n  max_az_count: " + std::to_string(c.az_count) +
                       "\n  nat: gateway\n";
    Json t = Synth(yaml);
    for (int i = 0; i < c.az_count; ++i) {
      std::string n = std::to_string(i + 1);
      EXPECT_EQ(t["Resources"]["PublicSubnet" + n]["Properties"]["CidrBlock"], c.public_subnets[i]);
      EXPECT_EQ(t["Resources"]["PrivateSubnet" + n]["Properties"]["CidrBlock"], c.private_subnets[i]);
    }
  }
}

TEST(SubnetCidrs, TooSmallBlockIsAnError) {
  Ipv4Cidr vpc;
  SubnetLayout layout;
  std::string err;
  ASSERT_EQ(err = ParseCidr("10.0.0.0/27", &vpc), "");
  EXPECT_NE(err = PlanSubnets(vpc, 2, 2, &layout), "");
  EXPECT_THAT(err, ::testing::HasSubstr("/26 or larger")) << err;
}

// The bundled environments' subnets are where they were before max_az_count existed
// (the default 2 is their az_count): upgrading moves no subnet of a deployed stack.
TEST(SubnetCidrs, DefaultLayoutIsTheOriginal) {
  Json t = Synth("profile: prod\nregion: eu-west-3\napp:\n  name: orders-api\nnetwork:\n  cidr: 10.2.0.0/24\nalerts:\n  emails: [oncall@acme.example]\n", "prod");
  EXPECT_EQ(t["Resources"]["PublicSubnet1"]["Properties"]["CidrBlock"], "10.2.0.0/26");
  EXPECT_EQ(t["Resources"]["PublicSubnet2"]["Properties"]["CidrBlock"], "10.2.0.64/26");
  EXPECT_EQ(t["Resources"]["PrivateSubnet1"]["Properties"]["CidrBlock"], "10.2.0.128/26");
  EXPECT_EQ(t["Resources"]["PrivateSubnet2"]["Properties"]["CidrBlock"], "10.2.0.192/26");
}

// Adding an AZ must not touch the existing subnets: CidrBlock and AvailabilityZone are
// create-only, and a replacement subnet overlapping the live one fails (reference/aws-facts.md 15).
TEST(SubnetCidrs, RaisingAzCountKeepsExistingSubnets) {
  for (const char* nat : kNatModes) {
    SCOPED_TRACE(nat);
    Json two = Synth(StackYaml("dev", nat, "orders-api", "  az_count: 2\n  max_az_count: 3\n"));
    Json three = Synth(StackYaml("dev", nat, "orders-api", "  az_count: 3\n  max_az_count: 3\n"));
    for (const char* id : {"PublicSubnet1", "PublicSubnet2", "PrivateSubnet1", "PrivateSubnet2"}) {
      SCOPED_TRACE(id);
      EXPECT_EQ(three["Resources"][id], two["Resources"][id]);
    }
    EXPECT_TRUE(three["Resources"].contains("PrivateSubnet3"));
  }
}

// az_count above max_az_count is refused, naming the key and what to do.
TEST(SubnetCidrs, AzCountAboveTheReservedSlotsIsRefused) {
  StackConfig c;
  Diagnostics d;
  EXPECT_FALSE(ParseStackConfig(StackYaml("dev", "gateway", "orders-api", "  az_count: 3\n"), "stack.yaml", "dev", &c, &d));
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("az_count 3 is above max_az_count 2")) << d.FormatAll();
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("set network.max_az_count to 3 or more")) << d.FormatAll();
}

// network.az_ids pins each AZ by its ID instead of the account's AZ order.
TEST(SubnetCidrs, NamedAzIds) {
  Json t = Synth(StackYaml("dev", "instance", "orders-api", "  az_ids: [euw3-az3, euw3-az1]\n"));
  EXPECT_EQ(t["Resources"]["PublicSubnet1"]["Properties"]["AvailabilityZoneId"], "euw3-az3");
  EXPECT_EQ(t["Resources"]["PrivateSubnet1"]["Properties"]["AvailabilityZoneId"], "euw3-az3");
  EXPECT_EQ(t["Resources"]["PrivateSubnet2"]["Properties"]["AvailabilityZoneId"], "euw3-az1");
  EXPECT_FALSE(t["Resources"]["PrivateSubnet1"]["Properties"].contains("AvailabilityZone"));
  EXPECT_FALSE(t["Resources"].contains("PrivateSubnet3"));
  // Without az_ids: the account's n-th AZ name.
  Json by_order = Synth(StackYaml("dev", "instance"));
  EXPECT_EQ(by_order["Resources"]["PublicSubnet2"]["Properties"]["AvailabilityZone"],
            cfn::Select(1, cfn::GetAZs("")));
}

// The private route tables' default routes, keyed by route table logical ID.
std::map<std::string, std::vector<Json>> PrivateDefaultRoutes(const Json& t) {
  std::map<std::string, std::vector<Json>> routes;
  for (const auto& id : ResourcesOfType(t, "AWS::EC2::Route")) {
    const Json& p = t["Resources"][id]["Properties"];
    std::string rt = p["RouteTableId"]["Ref"];
    if (rt.rfind("PrivateRouteTable", 0) == 0) routes[rt].push_back(p);
  }
  return routes;
}

TEST(NatModes, EveryPrivateSubnetHasTheRouteItsModePromises) {
  for (const char* mode : kNatModes) {
    SCOPED_TRACE(mode);
    Json t = Synth(StackYaml("dev", mode, "orders-api", "  az_count: 3\n  max_az_count: 3\n"));
    auto routes = PrivateDefaultRoutes(t);
    for (int i = 1; i <= 3; ++i) {
      std::string n = std::to_string(i);
      std::string rt = "PrivateRouteTable" + n;
      ASSERT_TRUE(t["Resources"].contains(rt));
      // Each private subnet is associated with its own AZ's table.
      EXPECT_EQ(t["Resources"]["PrivateSubnet" + n + "RouteTableAssociation"]["Properties"]["RouteTableId"]["Ref"], rt);
      if (std::string(mode) == "none") {
        EXPECT_EQ(routes.count(rt), 0u) << "nat none must leave private subnets without a default route";
        continue;
      }
      ASSERT_EQ(routes[rt].size(), 1u);
      const Json& r = routes[rt][0];
      EXPECT_EQ(r["DestinationCidrBlock"], "0.0.0.0/0");
      // Exactly one target.
      int targets = 0;
      for (const char* k : {"GatewayId", "NatGatewayId", "NetworkInterfaceId", "InstanceId"}) targets += r.contains(k);
      EXPECT_EQ(targets, 1);
      // gateway: all AZs share gateway 1; gateway-per-az: the AZ's own; instance: the AZ's
      // static interface (not the instance).
      const std::map<std::string, std::pair<std::string, std::string>> expected = {
          {"gateway", {"NatGatewayId", "NatGateway1"}},
          {"gateway-per-az", {"NatGatewayId", "NatGateway" + n}},
          {"instance", {"NetworkInterfaceId", "NatNetworkInterface" + n}}};
      const auto& [property, target] = expected.at(mode);
      EXPECT_EQ(r[property], Json({{"Ref", target}}));
    }
    size_t gateways = ResourcesOfType(t, "AWS::EC2::NatGateway").size();
    size_t groups = ResourcesOfType(t, "AWS::AutoScaling::AutoScalingGroup").size();
    EXPECT_EQ(gateways, std::string(mode) == "gateway" ? 1u : std::string(mode) == "gateway-per-az" ? 3u : 0u);
    EXPECT_EQ(groups, std::string(mode) == "instance" ? 3u : 0u);
  }
}

TEST(NatModes, GatewaysSitInPublicSubnetsWithAnElasticIp) {
  Json t = Synth(StackYaml("dev", "gateway-per-az"));
  for (std::string n : {"1", "2"}) {
    const Json& gw = t["Resources"]["NatGateway" + n]["Properties"];
    EXPECT_EQ(gw["SubnetId"], Json({{"Ref", "PublicSubnet" + n}}));
    EXPECT_EQ(gw["AllocationId"]["Fn::GetAtt"][0], "NatEip" + n);
    EXPECT_EQ(t["Resources"]["NatEip" + n]["DependsOn"], Json::array({"InternetGatewayAttachment"}));
  }
}

TEST(NatInstance, RouteTargetsTheStaticInterfaceThatSurvivesReplacement) {
  Json t = Synth(StackYaml("dev", "instance"));
  const Json& sg = t["Resources"]["NatSecurityGroup"]["Properties"];
  ASSERT_EQ(sg["SecurityGroupIngress"].size(), 1u);
  EXPECT_EQ(sg["SecurityGroupIngress"][0]["CidrIp"], "10.0.0.0/22");
  EXPECT_EQ(sg["SecurityGroupIngress"][0]["IpProtocol"], "-1");
  for (std::string n : {"1", "2"}) {
    SCOPED_TRACE("AZ " + n);
    const Json& eni = t["Resources"]["NatNetworkInterface" + n]["Properties"];
    EXPECT_EQ(eni["SourceDestCheck"], false);
    EXPECT_EQ(eni["SubnetId"], Json({{"Ref", "PublicSubnet" + n}}));
    const Json& asg = t["Resources"]["NatAutoScalingGroup" + n]["Properties"];
    EXPECT_EQ(asg["MinSize"], "1");
    EXPECT_EQ(asg["MaxSize"], "1");
    EXPECT_EQ(asg["DesiredCapacity"], "1");
    EXPECT_EQ(asg["VPCZoneIdentifier"], Json::array({Json{{"Ref", "PublicSubnet" + n}}}));
    // Every AZ's group launches the one launch template.
    EXPECT_EQ(asg["LaunchTemplate"]["LaunchTemplateId"], Json({{"Ref", "NatLaunchTemplate"}}));
    // Removing an AZ deletes its group (and instance) before the interface the instance
    // attached: nothing else orders them.
    const Json& depends = t["Resources"]["NatAutoScalingGroup" + n]["DependsOn"];
    EXPECT_NE(std::find(depends.begin(), depends.end(), Json("NatNetworkInterface" + n)), depends.end()) << depends;
    EXPECT_FALSE(t["Resources"].contains("NatLaunchTemplate" + n));
  }
  const Json& data = t["Resources"]["NatLaunchTemplate"]["Properties"]["LaunchTemplateData"];
  EXPECT_EQ(data["InstanceType"], "t4g.nano");
  EXPECT_EQ(data["MetadataOptions"]["HttpTokens"], "required");
  EXPECT_EQ(data["CreditSpecification"]["CpuCredits"], "standard");
  // The user data maps each public subnet to its AZ's interface and group (NatBootScript.*
  // runs it).
  std::string script = data["UserData"]["Fn::Base64"]["Fn::Sub"];
  EXPECT_THAT(script, ::testing::HasSubstr("NAT_TABLE=\"${PublicSubnet1} ${NatNetworkInterface1} NatAutoScalingGroup1\n"
                                           "${PublicSubnet2} ${NatNetworkInterface2} NatAutoScalingGroup2\""));
  for (const char* must : {"attach-network-interface", "--device-index 1", "masquerade", "net.ipv4.ip_forward=1",
                           "--no-source-dest-check", "X-aws-ec2-metadata-token"})
    EXPECT_THAT(script, ::testing::HasSubstr(must)) << must;
  // CloudFormation waits for the instance's signal before the group counts as created.
  EXPECT_EQ(t["Resources"]["NatAutoScalingGroup1"]["CreationPolicy"],
            Json({{"ResourceSignal", {{"Count", 1}, {"Timeout", "PT15M"}}}}));
}

// The role may touch only this stack's NAT resources: no statement on Resource "*",
// and ModifyNetworkInterfaceAttribute only on interfaces that carry this stack's NAT
// Name tags (the database's interfaces do not).
TEST(NatInstance, RoleIsScopedToTheStacksOwnInterfaces) {
  Json t = Synth(StackYaml("dev", "instance"));
  std::map<std::string, Json> by_sid;
  for (const auto& s : t["Resources"]["NatInstanceRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]) {
    by_sid[s["Sid"]] = s;
    EXPECT_THAT(s["Resource"].dump(), ::testing::Not(::testing::HasSubstr("\"*\""))) << s.dump();
  }
  ASSERT_EQ(by_sid.size(), 4u);
  EXPECT_EQ(by_sid["AttachStaticNatInterface"]["Resource"].size(), 2u);
  EXPECT_EQ(by_sid["AttachStaticNatInterface"]["Resource"][0]["Fn::Sub"],
            "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/${NatNetworkInterface1}");
  const Json& own = by_sid["OwnNatInstance"];
  EXPECT_EQ(own["Action"], Json::array({"ec2:AttachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"}));
  // The instances' shared name, and the per-AZ names of the groups (and of instances
  // launched by the earlier per-AZ launch templates).
  Json names = Json::array({"orders-api-dev-nat", "orders-api-dev-nat-1", "orders-api-dev-nat-2"});
  EXPECT_EQ(own["Condition"], Json({{"StringEquals", {{"aws:ResourceTag/Name", names}}}}));
  EXPECT_EQ(by_sid["ReportUnhealthy"]["Action"], "autoscaling:SetInstanceHealth");
  EXPECT_EQ(by_sid["ReportUnhealthy"]["Condition"], own["Condition"]);
  EXPECT_EQ(by_sid["SignalCreation"]["Resource"], Json({{"Ref", "AWS::StackId"}}));
  // No statement of the role is scoped by region only (the old DisableSourceDestCheck).
  EXPECT_FALSE(by_sid.count("DisableSourceDestCheck"));
  // The tags the condition matches are on the instance, its primary interface and the group.
  const Json& data = t["Resources"]["NatLaunchTemplate"]["Properties"]["LaunchTemplateData"];
  std::set<std::string> tagged;
  for (const auto& spec : data["TagSpecifications"])
    for (const auto& tag : spec["Tags"])
      if (tag["Key"] == "Name" && tag["Value"] == "orders-api-dev-nat") tagged.insert(spec["ResourceType"]);
  EXPECT_TRUE(tagged.count("instance") && tagged.count("network-interface"));
  bool asg_tagged = false;
  for (const auto& tag : t["Resources"]["NatAutoScalingGroup1"]["Properties"]["Tags"])
    asg_tagged |= tag["Key"] == "Name" && tag["Value"] == "orders-api-dev-nat-1";
  EXPECT_TRUE(asg_tagged);
  // The database's interfaces are not named like the NAT's.
  for (const auto& tag : t["Resources"]["Db"]["Properties"]["Tags"]) {
    if (tag["Key"] == "Name") {
      EXPECT_EQ(std::find(names.begin(), names.end(), tag["Value"]), names.end());
    }
  }
}

// CPU credits exist only for burstable (T) types; EC2 refuses a credit specification
// for the others.
TEST(NatInstance, CreditSpecificationOnlyForBurstableTypes) {
  for (const auto& [type, burstable] : std::vector<std::pair<std::string, bool>>{
           {"t4g.nano", true}, {"t4g.small", true}, {"c7gn.medium", false}, {"c6gn.medium", false}, {"m7g.large", false}}) {
    SCOPED_TRACE(type);
    Json t = Synth(StackYaml("dev", "instance", "orders-api", "  nat_instance_type: " + type + "\n"));
    const Json& data = t["Resources"]["NatLaunchTemplate"]["Properties"]["LaunchTemplateData"];
    EXPECT_EQ(data["InstanceType"], type);
    if (burstable)
      EXPECT_EQ(data["CreditSpecification"], Json({{"CpuCredits", "standard"}}));
    else
      EXPECT_FALSE(data.contains("CreditSpecification"));
  }
}

TEST(NatInstance, InstanceTypeFromConfig) {
  Json t = Synth(StackYaml("dev", "instance", "orders-api", "  nat_instance_type: t4g.micro\n"));
  EXPECT_EQ(t["Resources"]["NatLaunchTemplate"]["Properties"]["LaunchTemplateData"]["InstanceType"], "t4g.micro");
}

// The template carries the NAT choice, never a price: a price-table edit must not
// change a deployed stack (cost is the later `cost` analysis, from data/prices.json).
TEST(NatOutputs, ModeAndUnitsButNoPrice) {
  struct Case {
    std::string mode, units;
  };
  const std::vector<Case> cases = {{"gateway", "1"}, {"gateway-per-az", "2"}, {"instance", "2"}, {"none", "0"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mode);
    Json t = Synth(StackYaml("dev", c.mode, "orders-api", ""));
    EXPECT_EQ(t["Outputs"]["NatMode"]["Value"], c.mode);
    EXPECT_EQ(t["Outputs"]["NatUnits"]["Value"], c.units);
    EXPECT_FALSE(t["Outputs"].contains("NatMonthlyCostUsd"));
    for (const auto& [name, o] : t["Outputs"].items()) {
      EXPECT_THAT(name, ::testing::Not(::testing::HasSubstr("Cost"))) << name;
      EXPECT_THAT(o.dump(), ::testing::Not(::testing::HasSubstr("USD"))) << name;
    }
  }
}

TEST(NatOutputs, ModuleReturnsTheUnits) {
  NetworkConfig net;
  net.cidr = "10.0.0.0/24";
  net.az_count = 3;
  net.max_az_count = 3;
  net.nat = NatMode::kGatewayPerAz;
  cfn::Template t;
  NetworkOutputs out = AddNetworking(ModuleContext{"app-dev", {}}, net, &t);
  EXPECT_EQ(out.nat_units, 3);
}

// The image is a plain parameter `up` fills from AWS's public SSM parameter, recorded
// as a deploy-time input of the stack (and in the manifest) like another stack's output.
TEST(NatInstance, TheImageIsAPlainParameterThatUpFillsFromAwsPublicSsmParameter) {
  App app = testing::SynthFromYaml(StackYaml("dev", "instance"));
  const Stack& main = testing::MainStack(app);
  Json t = main.tmpl.ToJson();
  const Json& image = t["Parameters"]["NatInstanceImageId"];
  EXPECT_EQ(image["Type"], "AWS::EC2::Image::Id");
  EXPECT_FALSE(image.contains("Default"));  // nothing CloudFormation resolves itself
  EXPECT_EQ(t["Resources"]["NatLaunchTemplate"]["Properties"]["LaunchTemplateData"]["ImageId"],
            Json({{"Ref", "NatInstanceImageId"}}));
  auto in = std::find_if(main.inputs.begin(), main.inputs.end(),
                         [](const StackInput& i) { return i.parameter == "NatInstanceImageId"; });
  ASSERT_NE(in, main.inputs.end());
  EXPECT_EQ(in->ssm_parameter, "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
  EXPECT_EQ(in->producer, "");
  Json manifest;
  for (const auto& f : BuildAssembly(app, cfn::Format::kJson))
    if (f.name == "manifest.json") manifest = Json::parse(f.contents);
  Json expected = {{"type", kStackInputMetadataType},
                   {"data", {{"parameter", "NatInstanceImageId"},
                             {"ssmParameter", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"},
                             {"region", "eu-west-3"}}}};
  const Json& entries = manifest["artifacts"][main.id]["metadata"]["/" + main.id];
  EXPECT_NE(std::find(entries.begin(), entries.end(), expected), entries.end()) << entries.dump(2);

  // The other NAT modes have no image, and no such input.
  for (const char* mode : {"gateway", "gateway-per-az", "none"}) {
    App other = testing::SynthFromYaml(StackYaml("dev", mode));
    for (const StackInput& i : testing::MainStack(other).inputs) EXPECT_EQ(i.ssm_parameter, "") << mode;
  }
}

// CloudFormation resolves a parameter of an SSM type again on every change set, with the
// caller's credentials, UsePreviousValue keeping the key and not the value
// (DOC:AWSCloudFormation/latest/UserGuide/systems-manager-parameter-types.html): the
// workflow's image rollout (deploy role without SSM access) would fail, and a newly
// published image would change the NAT in it. No stack of any bundled environment, on
// either platform, in any NAT mode, has one.
TEST(NatInstance, NoStackHasAParameterOfAnSsmType) {
  std::vector<App> apps;
  for (const std::string compute : {"", "  platform: ecs-express\n"}) {
    Diagnostics d;
    ASSERT_TRUE(Assemble(testing::BundledEnvironmentsWith(compute), &apps.emplace_back(), &d)) << d.FormatAll();
  }
  for (const char* mode : kNatModes) apps.push_back(testing::SynthFromYaml(StackYaml("dev", mode)));
  size_t nat_instances = 0;
  for (const App& app : apps) {
    for (const Stack& s : app.stacks) {
      nat_instances += s.tmpl.parameters().Contains("NatInstanceImageId");
      for (const auto& [name, p] : s.tmpl.parameters().entries())
        EXPECT_EQ(p.type.rfind("AWS::SSM::Parameter::Value<", 0), std::string::npos) << s.id << " " << name << " " << p.type;
    }
  }
  EXPECT_GE(nat_instances, 3u);  // the NAT instance is among them (dev on both platforms, and its own case)
}

// A property the schema allows as a scalar or as a list of that scalar is written as the
// scalar when it holds one value: tools built on the older single-type specification
// (AWS CDK's cloudformation-include, cfn-lint before v1, aws-cloudformation/cfn-lint#2929)
// know the scalar only. Which properties those are comes from the bundled specification
// (data/cfn-spec.json: a union of T and a list of T), walked through nested property types.
class ScalarOrList {
 public:
  ScalarOrList() {
    spec_ = Json::parse(testing::ReadFileOrDie(testing::SourceDir() + "/data/cfn-spec.json"));
  }

  // The "Type.Property" paths in `t` that hold a one-element list where a scalar is allowed.
  void Check(const std::string& where, const Json& t, std::vector<std::string>* found, size_t* checked) const {
    for (const auto& [id, r] : t["Resources"].items()) {
      const std::string type = r.value("Type", "");
      if (!spec_["resources"].contains(type) || !r.contains("Properties")) continue;
      Walk(where + "/" + id, spec_["resources"][type]["properties"], type, r["Properties"], found, checked);
    }
  }

  // Every (owner, property) of the specification that is such a union.
  std::vector<std::string> Unions() const {
    std::vector<std::string> out;
    auto scan = [&](const std::string& owner, const Json& props) {
      for (const auto& [name, p] : props.items())
        if (IsScalarOrList(p.value("type", Json()))) out.push_back(owner + "." + name);
    };
    for (const auto& [t, d] : spec_["resources"].items()) scan(t, d.value("properties", Json::object()));
    for (const auto& [t, d] : spec_["property_types"].items()) scan(t, d.value("properties", Json::object()));
    return out;
  }

 private:
  static bool IsScalarOrList(const Json& type) {
    if (!type.is_object() || !type.contains("union")) return false;
    for (const Json& a : type["union"])
      for (const Json& b : type["union"])
        if (a.is_string() && b.is_object() && b.value("list", Json()) == a) return true;
    return false;
  }

  void Walk(const std::string& path, const Json& props, const std::string& owner, const Json& value,
            std::vector<std::string>* found, size_t* checked) const {
    if (!value.is_object()) return;
    for (const auto& [name, v] : value.items()) {
      if (!props.contains(name)) continue;
      const Json& type = props[name].value("type", Json());
      if (IsScalarOrList(type)) {
        ++*checked;
        if (v.is_array() && v.size() == 1) found->push_back(path + "/" + name + " (" + owner + "." + name + ")");
        continue;
      }
      // A nested property type, alone or in a list.
      std::string nested = type.is_string() ? type.get<std::string>()
                           : type.is_object() && type.value("list", Json()).is_string() ? type["list"].get<std::string>()
                                                                                        : "";
      if (!spec_["property_types"].contains(nested)) continue;
      const Json& nested_props = spec_["property_types"][nested]["properties"];
      if (v.is_array()) {
        for (size_t i = 0; i < v.size(); ++i)
          Walk(path + "/" + name + "/" + std::to_string(i), nested_props, nested, v[i], found, checked);
      } else {
        Walk(path + "/" + name, nested_props, nested, v, found, checked);
      }
    }
  }

  Json spec_;
};

TEST(ScalarOrListProperties, EveryBundledTemplateWritesTheScalarForOneValue) {
  ScalarOrList spec;
  // The walk knows the union the issue names.
  std::vector<std::string> unions = spec.Unions();
  EXPECT_NE(std::find(unions.begin(), unions.end(), "AWS::AutoScaling::AutoScalingGroup.NotificationConfiguration.TopicARN"),
            unions.end());
  std::vector<std::string> found;
  size_t checked = 0;
  for (const std::string compute : {"", "  platform: ecs-express\n"}) {
    App app;
    Diagnostics d;
    ASSERT_TRUE(Assemble(testing::BundledEnvironmentsWith(compute), &app, &d)) << d.FormatAll();
    for (const Stack& s : app.stacks) spec.Check(s.id, s.tmpl.ToJson(), &found, &checked);
  }
  EXPECT_GT(checked, 0u);  // dev's NAT instance groups notify the alert topic
  EXPECT_TRUE(found.empty()) << ::testing::PrintToString(found);
}

TEST(NatInstance, GroupsNotifyOneTopicAsAStringAndCollectTheMetricTheAlarmReads) {
  Json t = Synth(StackYaml("dev", "instance"));
  for (std::string n : {"1", "2"}) {
    const Json& asg = t["Resources"]["NatAutoScalingGroup" + n]["Properties"];
    EXPECT_EQ(asg["NotificationConfigurations"][0]["TopicARN"], Json({{"Ref", "AlertsTopic"}}));
    EXPECT_EQ(asg.value("MetricsCollection", Json()),
              Json::parse(R"([{"Granularity": "1Minute", "Metrics": ["GroupInServiceInstances"]}])"));
  }
}

}  // namespace
}  // namespace bp
