// Reachability on the synthesized templates (issue 21, analysis/reachability.h): the
// bundled environments on each platform and ingress, then templates edited so that one
// hop breaks, each failure named in `why`.
#include <gtest/gtest.h>

#include <functional>

#include "analysis/reachability.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using analysis::EvaluateReachability;
using analysis::ReachabilityReport;
using analysis::StackTemplate;
using cfn::Json;
using fixtures::ResourcesOfType;

// Every path, in one string: a failing comparison shows all of them and the reasons.
std::string Paths(const ReachabilityReport& r) {
  std::string s = std::string("internet_to_entry=") + (r.internet_to_entry ? "1" : "0") +
                  " has_cloudfront=" + (r.has_cloudfront ? "1" : "0") +
                  " cloudfront_to_origin=" + (r.cloudfront_to_origin ? "1" : "0") +
                  " database=" + (r.service_to_database ? "1" : "0") + " registry=" + (r.service_to_registry ? "1" : "0") +
                  " secrets=" + (r.service_to_secrets ? "1" : "0") + " logs=" + (r.service_to_logs ? "1" : "0");
  return s;
}

std::string Why(const ReachabilityReport& r) {
  std::string s;
  for (const std::string& line : r.why) s += "\n  " + line;
  return s;
}

// The one line of `why` about `path` ("service → database"), or "".
std::string WhyOf(const ReachabilityReport& r, const std::string& path) {
  for (const std::string& line : r.why)
    if (line.rfind(path + ":", 0) == 0) return line;
  return "";
}

// Evaluates `stacks`, expecting the `why` line of `path` (so `path` is false) to hold `reason`.
ReachabilityReport ExpectCut(const std::vector<StackTemplate>& stacks, const std::string& path, const std::string& reason) {
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_NE(WhyOf(r, path).find(reason), std::string::npos) << path << ": " << reason << Why(r);
  return r;
}

// A bundled environment, on `platform`, with CloudFront or not, as JSON templates.
std::vector<StackTemplate> Bundled(const std::string& env, ComputePlatform platform, bool cloudfront) {
  for (StackConfig c : fixtures::BundledEnvironments()) {
    if (c.env != env) continue;
    c.app.platform = platform;
    c.features.cloudfront = cloudfront;
    App app;
    Diagnostics d;
    EXPECT_TRUE(Assemble(c, &app, &d)) << d.FormatAll();
    return analysis::TemplatesOf(app, env);
  }
  ADD_FAILURE() << "no bundled environment " << env;
  return {};
}

Json& MainOf(std::vector<StackTemplate>& stacks) {
  for (auto& s : stacks)
    if (s.role == StackRole::kMain) return s.tmpl;
  ADD_FAILURE() << "no main stack";
  static Json none;
  return none;
}

StackTemplate& GlobalOf(std::vector<StackTemplate>& stacks) {
  for (auto& s : stacks)
    if (s.role == StackRole::kGlobal) return s;
  ADD_FAILURE() << "no global stack";
  return stacks.front();
}

const char* const kEnvironments[] = {"dev", "staging", "prod"};

// What each bundled layout gives today. When the ingress layouts land (public subnets
// for Express, or a CloudFront VPC origin in front of an internal load balancer), flip
// the rows they fix: the rows say what is true, not what is wanted.
struct Row {
  ComputePlatform platform;
  bool cloudfront;
  bool internet_to_entry, cloudfront_to_origin, database, registry, secrets, logs;
  const char* note;
};
const Row kRows[] = {
    {ComputePlatform::kAppRunner, false, true, false, true, true, true, true, "App Runner's public front door"},
    // The origin guard (a REGIONAL web ACL blocking requests without the secret header)
    // leaves the service to CloudFront alone.
    {ComputePlatform::kAppRunner, true, false, true, true, true, true, true, "App Runner behind CloudFront"},
    // Tasks in the private subnets: the load balancer is internal (not reachable), the
    // tasks reach AWS through the NAT. BROKEN today: no viewer reaches the service.
    {ComputePlatform::kEcsExpress, false, false, false, true, true, true, true, "Express in private subnets"},
    // BROKEN today: CloudFront's custom origin is the internal load balancer's name.
    {ComputePlatform::kEcsExpress, true, false, false, true, true, true, true, "Express in private subnets + CloudFront"},
};

TEST(Reachability, BundledEnvironmentsOnEachPlatformAndIngress) {
  for (const Row& row : kRows)
    for (const char* env : kEnvironments) {
      SCOPED_TRACE(std::string(env) + ": " + row.note);
      ReachabilityReport r = EvaluateReachability(Bundled(env, row.platform, row.cloudfront));
      ReachabilityReport want;
      want.internet_to_entry = row.internet_to_entry;
      want.has_cloudfront = row.cloudfront;
      want.cloudfront_to_origin = row.cloudfront_to_origin;
      want.service_to_database = row.database;
      want.service_to_registry = row.registry;
      want.service_to_secrets = row.secrets;
      want.service_to_logs = row.logs;
      EXPECT_EQ(Paths(r), Paths(want)) << Why(r);
      // A false path says why; a true one does not.
      EXPECT_EQ(WhyOf(r, "internet → entry").empty(), r.internet_to_entry) << Why(r);
      EXPECT_EQ(WhyOf(r, "cloudfront → origin").empty(), r.cloudfront_to_origin || !r.has_cloudfront) << Why(r);
    }
}

TEST(Reachability, AnAssembledAppIsReadByEnvironment) {
  App app = testing::SynthFromYaml(fixtures::StackYaml("dev", "gateway"));
  ReachabilityReport r = EvaluateReachability(app, "dev");
  EXPECT_TRUE(r.internet_to_entry && r.service_to_database && r.service_to_registry && r.service_to_logs) << Why(r);
  EXPECT_FALSE(r.has_cloudfront);
  EXPECT_EQ(EvaluateReachability(app, "nope").why, std::vector<std::string>{"no main stack"});
}

TEST(Reachability, WhyNamesTheHopsOfTheBrokenExpressLayouts) {
  ReachabilityReport r = EvaluateReachability(Bundled("dev", ComputePlatform::kEcsExpress, true));
  EXPECT_NE(WhyOf(r, "internet → entry").find("load balancer of ExpressService is internal: subnet PrivateSubnet1 is private"),
            std::string::npos)
      << Why(r);
  // The custom origin is the service's own host, which resolves to the internal load balancer.
  EXPECT_NE(WhyOf(r, "cloudfront → origin").find("is internal"), std::string::npos) << Why(r);
}

TEST(Reachability, TheOriginGuardAdmitsCloudFrontOnly) {
  auto stacks = Bundled("prod", ComputePlatform::kAppRunner, true);
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_NE(WhyOf(r, "internet → entry").find("rule origin-secret-required (Block)"), std::string::npos) << Why(r);
  EXPECT_TRUE(r.cloudfront_to_origin) << Why(r);
  // The same guard written the other way round: allow the header, block by default.
  Json& acl = MainOf(stacks)["Resources"]["WebAcl"]["Properties"];
  Json match = acl["Rules"][0]["Statement"]["NotStatement"]["Statement"];
  acl["DefaultAction"] = Json{{"Block", Json::object()}};
  acl["Rules"] = Json::array({Json{{"Name", "origin-secret"}, {"Priority", 0}, {"Action", Json{{"Allow", Json::object()}}},
                                   {"Statement", match}}});
  r = EvaluateReachability(stacks);
  EXPECT_NE(WhyOf(r, "internet → entry").find("blocks it: default action Block"), std::string::npos) << Why(r);
  EXPECT_TRUE(r.cloudfront_to_origin) << Why(r);
  // CloudFront sending another value is blocked too.
  Json& config = GlobalOf(stacks).tmpl["Resources"]["Distribution"]["Properties"]["DistributionConfig"];
  config["Origins"][0]["OriginCustomHeaders"][0]["HeaderValue"] = "not-the-secret";
  ExpectCut(stacks, "cloudfront → origin", "web ACL WebAcl (associated by WebAclAssociation) blocks it");
}

TEST(Reachability, ADatabaseGroupThatAdmitsNothingFromTheServiceCutsTheDatabase) {
  for (ComputePlatform platform : {ComputePlatform::kAppRunner, ComputePlatform::kEcsExpress}) {
    auto stacks = Bundled("staging", platform, false);
    Json& t = MainOf(stacks);
    for (const std::string& id : ResourcesOfType(t, "AWS::EC2::SecurityGroupIngress")) t["Resources"].erase(id);
    ReachabilityReport r =
        ExpectCut(stacks, "service → database", "security group(s) DbSecurityGroup admit nothing on TCP 5432 from AppSecurityGroup");
    EXPECT_TRUE(r.service_to_registry && r.service_to_secrets && r.service_to_logs) << Why(r);
  }
}

TEST(Reachability, AnAppGroupWithoutEgressToTheDatabaseCutsIt) {
  auto stacks = Bundled("dev", ComputePlatform::kAppRunner, false);
  Json& sg = MainOf(stacks)["Resources"]["AppSecurityGroup"]["Properties"];
  sg["SecurityGroupEgress"] = Json::array({Json{{"IpProtocol", "tcp"}, {"FromPort", 443}, {"ToPort", 443}, {"CidrIp", "0.0.0.0/0"}}});
  ExpectCut(stacks, "service → database", "AppSecurityGroup allow no egress on TCP 5432");
}

// Removes the private subnets' default routes (network.nat: none, which the config
// checks refuse for ecs-express today).
void RemoveNatRoutes(Json& t) {
  for (const std::string& id : ResourcesOfType(t, "AWS::EC2::Route"))
    if (!t["Resources"][id]["Properties"].contains("GatewayId")) t["Resources"].erase(id);
}

TEST(Reachability, ExpressTasksInPrivateSubnetsWithoutNatOrEndpointsReachNoAwsService) {
  for (const char* env : kEnvironments) {
    SCOPED_TRACE(env);
    auto stacks = Bundled(env, ComputePlatform::kEcsExpress, false);
    RemoveNatRoutes(MainOf(stacks));
    ReachabilityReport r = EvaluateReachability(stacks);
    EXPECT_FALSE(r.service_to_registry || r.service_to_secrets || r.service_to_logs) << Paths(r);
    EXPECT_TRUE(r.service_to_database) << Why(r);
    EXPECT_NE(WhyOf(r, "service → registry")
                  .find("tasks in PrivateSubnet1: subnet PrivateSubnet1 has no 0.0.0.0/0 route (no NAT); and no VPC "
                        "endpoint for ecr.api"),
              std::string::npos)
        << Why(r);
    EXPECT_NE(WhyOf(r, "service → secrets").find("no VPC endpoint for secretsmanager"), std::string::npos) << Why(r);
    EXPECT_NE(WhyOf(r, "service → logs").find("no VPC endpoint for logs"), std::string::npos) << Why(r);
  }
}

// The endpoints a VPC without NAT needs for Express tasks in `subnets` (as the main
// engineer is adding them): interface endpoints in those subnets behind a group that
// admits 443 from the app's group, and the S3 gateway endpoint in their route tables.
void AddEndpoints(Json& t, const std::vector<std::string>& subnets) {
  Json refs = Json::array(), tables = Json::array();
  for (const std::string& s : subnets) {
    refs.push_back(cfn::Ref(s));
    for (const std::string& a : ResourcesOfType(t, "AWS::EC2::SubnetRouteTableAssociation"))
      if (t["Resources"][a]["Properties"]["SubnetId"] == cfn::Ref(s))
        tables.push_back(t["Resources"][a]["Properties"]["RouteTableId"]);
  }
  t["Resources"]["EndpointSecurityGroup"] = Json{
      {"Type", "AWS::EC2::SecurityGroup"},
      {"Properties", Json{{"GroupDescription", "endpoints"},
                          {"VpcId", cfn::Ref("Vpc")},
                          {"SecurityGroupIngress", Json::array({Json{{"IpProtocol", "tcp"},
                                                                     {"FromPort", 443},
                                                                     {"ToPort", 443},
                                                                     {"SourceSecurityGroupId", cfn::GetAtt("AppSecurityGroup", "GroupId")}}})}}}};
  for (const char* service : {"ecr.api", "ecr.dkr", "logs", "secretsmanager"})
    t["Resources"][std::string("Endpoint") + service] = Json{
        {"Type", "AWS::EC2::VPCEndpoint"},
        {"Properties", Json{{"ServiceName", cfn::Sub(std::string("com.amazonaws.${AWS::Region}.") + service)},
                            {"VpcEndpointType", "Interface"},
                            {"PrivateDnsEnabled", true},
                            {"VpcId", cfn::Ref("Vpc")},
                            {"SubnetIds", refs},
                            {"SecurityGroupIds", Json::array({cfn::GetAtt("EndpointSecurityGroup", "GroupId")})}}}};
  t["Resources"]["EndpointS3"] = Json{{"Type", "AWS::EC2::VPCEndpoint"},
                                      {"Properties", Json{{"ServiceName", cfn::Sub("com.amazonaws.${AWS::Region}.s3")},
                                                          {"VpcEndpointType", "Gateway"},
                                                          {"VpcId", cfn::Ref("Vpc")},
                                                          {"RouteTableIds", tables}}}};
}

TEST(Reachability, VpcEndpointsServeTasksWithoutNat) {
  auto stacks = Bundled("prod", ComputePlatform::kEcsExpress, false);
  Json& t = MainOf(stacks);
  RemoveNatRoutes(t);
  AddEndpoints(t, {"PrivateSubnet1", "PrivateSubnet2"});
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_TRUE(r.service_to_registry && r.service_to_secrets && r.service_to_logs) << Why(r);

  // Each hop of an endpoint matters.
  auto broken = [&](const std::function<void(Json&)>& edit, const std::string& path, const std::string& reason) {
    auto copy = stacks;
    edit(MainOf(copy));
    ExpectCut(copy, path, reason);
  };
  broken([](Json& m) { m["Resources"]["EndpointS3"]["Properties"]["RouteTableIds"].erase(1); }, "service → registry",
         "gateway endpoint EndpointS3 is not in subnet PrivateSubnet2's route table PrivateRouteTable2");
  broken([](Json& m) { m["Resources"]["Endpointlogs"]["Properties"]["SubnetIds"].erase(0); }, "service → logs",
         "interface endpoint Endpointlogs has no subnet in subnet PrivateSubnet1's AZ");
  broken([](Json& m) { m["Resources"]["Endpointsecretsmanager"]["Properties"]["PrivateDnsEnabled"] = false; },
         "service → secrets", "interface endpoint Endpointsecretsmanager has PrivateDnsEnabled off");
  broken([](Json& m) { m["Resources"]["EndpointSecurityGroup"]["Properties"].erase("SecurityGroupIngress"); },
         "service → registry", "EndpointSecurityGroup admit nothing on TCP 443 from AppSecurityGroup");
}

// Express in the public subnets: an internet-facing load balancer, but (no public IP
// assumed) the tasks reach AWS only through endpoints.
TEST(Reachability, ExpressInPublicSubnetsFacesTheInternetButNeedsEndpoints) {
  auto stacks = Bundled("dev", ComputePlatform::kEcsExpress, false);
  Json& t = MainOf(stacks);
  t["Resources"]["ExpressService"]["Properties"]["NetworkConfiguration"]["Subnets"] =
      Json::array({cfn::Ref("PublicSubnet1"), cfn::Ref("PublicSubnet2")});
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_TRUE(r.internet_to_entry) << Why(r);
  EXPECT_TRUE(r.service_to_database) << Why(r);
  EXPECT_FALSE(r.service_to_registry || r.service_to_secrets || r.service_to_logs) << Paths(r);
  EXPECT_NE(WhyOf(r, "service → registry").find("subnet PublicSubnet1 is public, but the tasks get no public IP (assumed)"),
            std::string::npos)
      << Why(r);
  AddEndpoints(t, {"PublicSubnet1", "PublicSubnet2"});
  r = EvaluateReachability(stacks);
  EXPECT_TRUE(r.internet_to_entry && r.service_to_registry && r.service_to_secrets && r.service_to_logs) << Why(r);
}

// A CloudFront VPC origin in front of the internal load balancer (the layout the main
// engineer is adding). `in_main`: the VpcOrigin in the main stack (the load balancer's
// region) and its ID crossing to the global stack as a parameter; otherwise in the global
// stack, with the load balancer's ARN crossing.
void UseVpcOrigin(std::vector<StackTemplate>& stacks, bool in_main) {
  StackTemplate& global = GlobalOf(stacks);
  std::string main_id;
  for (const auto& s : stacks)
    if (s.role == StackRole::kMain) main_id = s.id;
  Json& main = MainOf(stacks);
  ASSERT_TRUE(main["Outputs"].contains("LoadBalancerArn"));
  Json vpc_origin{{"Type", "AWS::CloudFront::VpcOrigin"},
                  {"Properties", Json{{"VpcOriginEndpointConfig", Json{{"Name", "orders-api"},
                                                                       {"HTTPSPort", 443},
                                                                       {"OriginProtocolPolicy", "https-only"}}}}}};
  Json& arn = vpc_origin["Properties"]["VpcOriginEndpointConfig"]["Arn"];
  std::string parameter = in_main ? "MainVpcOriginId" : "MainLoadBalancerArn";
  global.tmpl["Parameters"][parameter] = Json{{"Type", "String"}};
  global.inputs.push_back(StackInput{parameter, main_id, main_id, in_main ? "VpcOriginId" : "LoadBalancerArn", "eu-west-3", ""});
  if (in_main) {
    arn = main["Outputs"]["LoadBalancerArn"]["Value"];
    main["Resources"]["VpcOrigin"] = vpc_origin;
    main["Outputs"]["VpcOriginId"] = Json{{"Value", cfn::GetAtt("VpcOrigin", "Id")}};
  } else {
    arn = cfn::Ref(parameter);
    global.tmpl["Resources"]["VpcOrigin"] = vpc_origin;
  }
  Json& origin = global.tmpl["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0];
  origin.erase("CustomOriginConfig");
  origin.erase("OriginCustomHeaders");
  origin["VpcOriginConfig"] = Json{{"VpcOriginId", in_main ? cfn::Ref(parameter) : cfn::GetAtt("VpcOrigin", "Id")}};
}

TEST(Reachability, ACloudFrontVpcOriginReachesTheInternalLoadBalancer) {
  for (bool in_main : {true, false}) {
    SCOPED_TRACE(in_main ? "VpcOrigin in the main stack" : "VpcOrigin in the global stack");
    auto stacks = Bundled("staging", ComputePlatform::kEcsExpress, true);
    UseVpcOrigin(stacks, in_main);
    // The origin guard without the header CloudFront sent to a custom origin blocks it.
    ExpectCut(stacks, "cloudfront → origin", "rule origin-secret-required (Block)");
    // Behind a VPC origin nothing outside the VPC reaches the load balancer: no guard.
    Json& t = MainOf(stacks);
    for (const char* type : {"AWS::WAFv2::WebACLAssociation", "AWS::WAFv2::WebACL"})
      for (const std::string& id : ResourcesOfType(t, type)) t["Resources"].erase(id);
    ReachabilityReport r = EvaluateReachability(stacks);
    EXPECT_FALSE(r.internet_to_entry);
    EXPECT_TRUE(r.cloudfront_to_origin) << Why(r);
    EXPECT_TRUE(r.service_to_database && r.service_to_registry && r.service_to_secrets && r.service_to_logs) << Why(r);

    // AWS requires an internet gateway attached to the origin's VPC.
    for (const std::string& id : ResourcesOfType(t, "AWS::EC2::VPCGatewayAttachment")) t["Resources"].erase(id);
    ExpectCut(stacks, "cloudfront → origin", "VPC origin VpcOrigin: the VPC has no internet gateway attached");
  }
}

TEST(Reachability, AVpcOriginAtAnotherResourceIsNotTheService) {
  auto stacks = Bundled("dev", ComputePlatform::kEcsExpress, true);
  UseVpcOrigin(stacks, false);
  GlobalOf(stacks).tmpl["Resources"]["VpcOrigin"]["Properties"]["VpcOriginEndpointConfig"]["Arn"] =
      "arn:aws:elasticloadbalancing:eu-west-3:111111111111:loadbalancer/app/other/0123";
  ExpectCut(stacks, "cloudfront → origin", "is not the load balancer of ExpressService");
}

TEST(Reachability, AnAppRunnerServiceWithoutVpcEgressReachesNoDatabase) {
  auto stacks = Bundled("dev", ComputePlatform::kAppRunner, false);
  MainOf(stacks)["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["EgressConfiguration"] =
      Json{{"EgressType", "DEFAULT"}};
  ReachabilityReport r = ExpectCut(stacks, "service → database", "service Service has no VPC egress");
  EXPECT_TRUE(r.internet_to_entry && r.service_to_registry) << Why(r);
}

}  // namespace
}  // namespace bp
