// Reachability on the synthesized templates (issue 21, analysis/reachability.h): the
// bundled environments on each platform and ingress, then templates edited so that one
// hop breaks, each failure named in `why`.
#include <gmock/gmock.h>
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
using fixtures::MainOf;
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
  EXPECT_THAT(WhyOf(r, path), ::testing::HasSubstr(reason)) << path << ": " << reason << Why(r);
  return r;
}

// A bundled environment on `platform` with `ingress`, as JSON templates.
std::vector<StackTemplate> Bundled(const std::string& env, ComputePlatform platform, const std::string& ingress) {
  for (const StackConfig& c : testing::BundledEnvironmentsWith(std::string("  platform: ") + ComputePlatformName(platform) +
                                                               "\n  ingress: " + ingress + "\n")) {
    if (c.env != env) continue;
    App app;
    Diagnostics d;
    EXPECT_TRUE(Assemble(c, &app, &d)) << d.FormatAll();
    return analysis::TemplatesOf(app, env);
  }
  ADD_FAILURE() << "no bundled environment " << env;
  return {};
}

// A fixtures::StackYaml config (dev, `nat`) with `lines` appended, as JSON templates.
std::vector<StackTemplate> FromYaml(const std::string& nat, const std::string& lines) {
  App app = testing::SynthFromYaml(fixtures::StackYaml("dev", nat, "orders-api", "", lines));
  return analysis::TemplatesOf(app, "dev");
}

StackTemplate& GlobalOf(std::vector<StackTemplate>& stacks) {
  for (auto& s : stacks)
    if (s.role == StackRole::kGlobal) return s;
  ADD_FAILURE() << "no global stack";
  return stacks.front();
}

const char* const kEnvironments[] = {"dev", "staging", "prod"};

// What each bundled layout gives (compute.ingress, docs/compute.md).
struct Row {
  ComputePlatform platform;
  const char* ingress;
  bool internet_to_entry, cloudfront, cloudfront_to_origin;
  const char* note;
};
const Row kRows[] = {
    {ComputePlatform::kAppRunner, "public", true, false, false, "App Runner's public front door"},
    // The origin guard (a REGIONAL web ACL blocking requests without the secret header)
    // leaves the service to CloudFront alone.
    {ComputePlatform::kAppRunner, "edge", false, true, true, "App Runner behind CloudFront"},
    // Service and load balancer in the public subnets; the tasks reach AWS through the
    // VPC endpoints (no public address assumed).
    {ComputePlatform::kEcsExpress, "public", true, false, false, "Express in the public subnets"},
    // Internal load balancer: only the VPC reaches it.
    {ComputePlatform::kEcsExpress, "private", false, false, false, "Express behind an internal load balancer"},
    // The default: CloudFront reaches the internal load balancer through a VPC origin.
    {ComputePlatform::kEcsExpress, "edge", false, true, true, "Express behind CloudFront's VPC origin"},
};

TEST(Reachability, BundledEnvironmentsOnEachPlatformAndIngress) {
  for (const Row& row : kRows)
    for (const char* env : kEnvironments) {
      SCOPED_TRACE(std::string(env) + ": " + row.note);
      ReachabilityReport r = EvaluateReachability(Bundled(env, row.platform, row.ingress));
      ReachabilityReport want;
      want.internet_to_entry = row.internet_to_entry;
      want.has_cloudfront = row.cloudfront;
      want.cloudfront_to_origin = row.cloudfront_to_origin;
      // The service reaches its database, registry, secrets and logs in every layout.
      want.service_to_database = want.service_to_registry = want.service_to_secrets = want.service_to_logs = true;
      EXPECT_EQ(Paths(r), Paths(want)) << Why(r);
      // A false path says why; a true one does not.
      EXPECT_EQ(WhyOf(r, "internet → entry").empty(), r.internet_to_entry) << Why(r);
      EXPECT_EQ(WhyOf(r, "cloudfront → origin").empty(), r.cloudfront_to_origin || !r.has_cloudfront) << Why(r);
    }
}

// Every combination that validates, on the templates: platform x ingress x NAT mode x
// CloudFront (where the layout leaves it free). Public entry points face the internet,
// the rest do not; CloudFront reaches its origin; the service reaches its database,
// registry, secrets and logs.
TEST(Reachability, EveryValidLayoutServesAndReachesWhatTheAppNeeds) {
  int validated = 0;
  for (const char* platform : {"apprunner", "ecs-express"})
    for (const char* ingress : {"public", "private", "edge"})
      for (const char* nat : fixtures::kNatModes)
        for (bool cloudfront : {false, true}) {
          std::string name = std::string(platform) + " " + ingress + " nat " + nat + (cloudfront ? " +cloudfront" : "");
          SCOPED_TRACE(name);
          std::string yaml = fixtures::StackYaml("dev", nat, "orders-api", "",
                                                 std::string("compute:\n  platform: ") + platform + "\n  ingress: " +
                                                     ingress + "\nfeatures:\n  cloudfront: " + (cloudfront ? "true" : "false") +
                                                     "\n");
          std::string out;
          if (!fixtures::Check(yaml, &out)) continue;  // refused with a reason (e.g. private App Runner)
          ++validated;
          ReachabilityReport r = EvaluateReachability(FromYaml(nat, std::string("compute:\n  platform: ") + platform +
                                                                        "\n  ingress: " + ingress + "\nfeatures:\n  cloudfront: " +
                                                                        (cloudfront ? "true" : "false") + "\n"));
          bool fronted = std::string(ingress) == "edge" || cloudfront;
          EXPECT_EQ(r.has_cloudfront, fronted) << Why(r);
          EXPECT_EQ(r.internet_to_entry, std::string(ingress) == "public" && !fronted) << Why(r);
          EXPECT_EQ(r.cloudfront_to_origin, fronted) << Why(r);
          EXPECT_TRUE(r.service_to_database && r.service_to_registry && r.service_to_secrets && r.service_to_logs)
              << Paths(r) << Why(r);
        }
  // apprunner: public and edge, each NAT mode, CloudFront on/off for public (edge forces
  // it on; edge with cloudfront false is refused): 4 x 3 = 12; ecs-express: public (x2),
  // private (x1, CloudFront refused), edge (x1) per NAT mode: 4 x 4 = 16.
  EXPECT_EQ(validated, 28);
}

TEST(Reachability, AnAssembledAppIsReadByEnvironment) {
  App app = testing::SynthFromYaml(fixtures::StackYaml("dev", "gateway"));
  ReachabilityReport r = EvaluateReachability(app, "dev");
  EXPECT_TRUE(r.internet_to_entry && r.service_to_database && r.service_to_registry && r.service_to_logs) << Why(r);
  EXPECT_FALSE(r.has_cloudfront);
  EXPECT_EQ(EvaluateReachability(app, "nope").why, std::vector<std::string>{"no main stack"});
}

// The layout issue 21 found: CloudFront with a custom origin on the internal load
// balancer's name (the VPC origin taken out of the edge layout) reaches nothing.
TEST(Reachability, ACustomOriginOnTheInternalLoadBalancerIsCut) {
  auto stacks = Bundled("dev", ComputePlatform::kEcsExpress, "edge");
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_THAT(WhyOf(r, "internet → entry"),
              ::testing::HasSubstr("load balancer of ExpressService is internal: subnet PrivateSubnet1 is private"))
      << Why(r);
  Json& origin = GlobalOf(stacks).tmpl["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0];
  origin.erase("VpcOriginConfig");
  origin["CustomOriginConfig"] = Json{{"OriginProtocolPolicy", "https-only"}, {"HTTPSPort", 443}};
  ExpectCut(stacks, "cloudfront → origin", "is internal");
}

TEST(Reachability, TheOriginGuardAdmitsCloudFrontOnly) {
  auto stacks = Bundled("prod", ComputePlatform::kAppRunner, "edge");
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_THAT(WhyOf(r, "internet → entry"), ::testing::HasSubstr("rule origin-secret-required (Block)")) << Why(r);
  EXPECT_TRUE(r.cloudfront_to_origin) << Why(r);
  // The same guard written the other way round: allow the header, block by default.
  Json& acl = MainOf(stacks)["Resources"]["WebAcl"]["Properties"];
  Json match = acl["Rules"][0]["Statement"]["NotStatement"]["Statement"];
  acl["DefaultAction"] = Json{{"Block", Json::object()}};
  acl["Rules"] = Json::array({Json{{"Name", "origin-secret"}, {"Priority", 0}, {"Action", Json{{"Allow", Json::object()}}},
                                   {"Statement", match}}});
  r = EvaluateReachability(stacks);
  EXPECT_THAT(WhyOf(r, "internet → entry"), ::testing::HasSubstr("blocks it: default action Block")) << Why(r);
  EXPECT_TRUE(r.cloudfront_to_origin) << Why(r);
  // CloudFront sending another value is blocked too.
  Json& config = GlobalOf(stacks).tmpl["Resources"]["Distribution"]["Properties"]["DistributionConfig"];
  config["Origins"][0]["OriginCustomHeaders"][0]["HeaderValue"] = "not-the-secret";
  ExpectCut(stacks, "cloudfront → origin", "web ACL WebAcl (associated by WebAclAssociation) blocks it");
}

TEST(Reachability, ADatabaseGroupThatAdmitsNothingFromTheServiceCutsTheDatabase) {
  for (ComputePlatform platform : {ComputePlatform::kAppRunner, ComputePlatform::kEcsExpress}) {
    auto stacks = Bundled("staging", platform, platform == ComputePlatform::kAppRunner ? "public" : "edge");
    Json& t = MainOf(stacks);
    for (const std::string& id : ResourcesOfType(t, "AWS::EC2::SecurityGroupIngress")) t["Resources"].erase(id);
    ReachabilityReport r =
        ExpectCut(stacks, "service → database", "security group(s) DbSecurityGroup admit nothing on TCP 5432 from AppSecurityGroup");
    EXPECT_TRUE(r.service_to_registry && r.service_to_secrets && r.service_to_logs) << Why(r);
  }
}

TEST(Reachability, AnAppGroupWithoutEgressToTheDatabaseCutsIt) {
  auto stacks = Bundled("dev", ComputePlatform::kAppRunner, "public");
  Json& sg = MainOf(stacks)["Resources"]["AppSecurityGroup"]["Properties"];
  sg["SecurityGroupEgress"] = Json::array({Json{{"IpProtocol", "tcp"}, {"FromPort", 443}, {"ToPort", 443}, {"CidrIp", "0.0.0.0/0"}}});
  ExpectCut(stacks, "service → database", "AppSecurityGroup allow no egress on TCP 5432");
}

// Removes the private subnets' default routes (what network.nat: none leaves out).
void RemoveNatRoutes(Json& t) {
  for (const std::string& id : ResourcesOfType(t, "AWS::EC2::Route"))
    if (!t["Resources"][id]["Properties"].contains("GatewayId")) t["Resources"].erase(id);
}

TEST(Reachability, ExpressTasksInPrivateSubnetsWithoutNatOrEndpointsReachNoAwsService) {
  for (const char* env : kEnvironments) {
    SCOPED_TRACE(env);
    auto stacks = Bundled(env, ComputePlatform::kEcsExpress, "private");
    RemoveNatRoutes(MainOf(stacks));
    ReachabilityReport r = EvaluateReachability(stacks);
    EXPECT_FALSE(r.service_to_registry || r.service_to_secrets || r.service_to_logs) << Paths(r);
    EXPECT_TRUE(r.service_to_database) << Why(r);
    EXPECT_THAT(WhyOf(r, "service → registry"),
                ::testing::HasSubstr(
                    "tasks in PrivateSubnet1: subnet PrivateSubnet1 has no 0.0.0.0/0 route (no NAT); and no VPC "
                    "endpoint for ecr.api"))
        << Why(r);
    EXPECT_THAT(WhyOf(r, "service → secrets"), ::testing::HasSubstr("no VPC endpoint for secretsmanager")) << Why(r);
    EXPECT_THAT(WhyOf(r, "service → logs"), ::testing::HasSubstr("no VPC endpoint for logs")) << Why(r);
  }
}

// network.nat: none on ecs-express: the module's VPC endpoints carry the tasks' AWS traffic.
TEST(Reachability, VpcEndpointsServeTasksWithoutNat) {
  auto stacks = FromYaml("none", "compute:\n  platform: ecs-express\n  ingress: private\n");
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_TRUE(r.service_to_registry && r.service_to_secrets && r.service_to_logs) << Why(r);

  // Each hop of an endpoint matters.
  auto broken = [&](const std::function<void(Json&)>& edit, const std::string& path, const std::string& reason) {
    auto copy = stacks;
    edit(MainOf(copy));
    ExpectCut(copy, path, reason);
  };
  broken([](Json& m) { m["Resources"]["S3Endpoint"]["Properties"]["RouteTableIds"].erase(1); }, "service → registry",
         "gateway endpoint S3Endpoint is not in subnet PrivateSubnet2's route table PrivateRouteTable2");
  broken([](Json& m) { m["Resources"]["LogsEndpoint"]["Properties"]["SubnetIds"].erase(0); }, "service → logs",
         "interface endpoint LogsEndpoint has no subnet in subnet PrivateSubnet1's AZ");
  broken([](Json& m) { m["Resources"]["SecretsmanagerEndpoint"]["Properties"]["PrivateDnsEnabled"] = false; },
         "service → secrets", "interface endpoint SecretsmanagerEndpoint has PrivateDnsEnabled off");
  broken([](Json& m) { m["Resources"]["EndpointSecurityGroup"]["Properties"].erase("SecurityGroupIngress"); },
         "service → registry", "EndpointSecurityGroup admit nothing on TCP 443 from AppSecurityGroup");
}

// Express in the public subnets: an internet-facing load balancer, but (no public IP
// assumed) the tasks reach AWS only through the endpoints the layout builds.
TEST(Reachability, ExpressInPublicSubnetsFacesTheInternetButNeedsEndpoints) {
  auto stacks = Bundled("dev", ComputePlatform::kEcsExpress, "public");
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_TRUE(r.internet_to_entry && r.service_to_database && r.service_to_registry && r.service_to_secrets &&
              r.service_to_logs)
      << Why(r);
  Json& t = MainOf(stacks);
  for (const std::string& id : ResourcesOfType(t, "AWS::EC2::VPCEndpoint")) t["Resources"].erase(id);
  r = EvaluateReachability(stacks);
  EXPECT_TRUE(r.internet_to_entry && r.service_to_database) << Why(r);
  EXPECT_FALSE(r.service_to_registry || r.service_to_secrets || r.service_to_logs) << Paths(r);
  EXPECT_THAT(WhyOf(r, "service → registry"),
              ::testing::HasSubstr("subnet PublicSubnet1 is public, but the tasks get no public IP (assumed)"))
      << Why(r);
}

// The edge layout: CloudFront's VPC origin (in the main stack, its ID crossing to the
// distribution) reaches the internal load balancer, and nothing else does.
TEST(Reachability, ACloudFrontVpcOriginReachesTheInternalLoadBalancer) {
  auto stacks = Bundled("staging", ComputePlatform::kEcsExpress, "edge");
  ReachabilityReport r = EvaluateReachability(stacks);
  EXPECT_FALSE(r.internet_to_entry);
  EXPECT_TRUE(r.cloudfront_to_origin) << Why(r);
  // A guard left behind a VPC origin would block CloudFront, which sends no secret there.
  EXPECT_TRUE(ResourcesOfType(MainOf(stacks), "AWS::WAFv2::WebACLAssociation").empty());
  // AWS requires an internet gateway attached to the origin's VPC.
  Json& t = MainOf(stacks);
  for (const std::string& id : ResourcesOfType(t, "AWS::EC2::VPCGatewayAttachment")) t["Resources"].erase(id);
  ExpectCut(stacks, "cloudfront → origin", "VPC origin VpcOrigin: the VPC has no internet gateway attached");
}

TEST(Reachability, AVpcOriginAtAnotherResourceIsNotTheService) {
  auto stacks = Bundled("dev", ComputePlatform::kEcsExpress, "edge");
  MainOf(stacks)["Resources"]["VpcOrigin"]["Properties"]["VpcOriginEndpointConfig"]["Arn"] =
      "arn:aws:elasticloadbalancing:eu-west-3:111111111111:loadbalancer/app/other/0123";
  ExpectCut(stacks, "cloudfront → origin", "is not the load balancer of ExpressService");
}

TEST(Reachability, AnAppRunnerServiceWithoutVpcEgressReachesNoDatabase) {
  auto stacks = Bundled("dev", ComputePlatform::kAppRunner, "public");
  MainOf(stacks)["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["EgressConfiguration"] =
      Json{{"EgressType", "DEFAULT"}};
  ReachabilityReport r = ExpectCut(stacks, "service → database", "service Service has no VPC egress");
  EXPECT_TRUE(r.internet_to_entry && r.service_to_registry) << Why(r);
}

}  // namespace
}  // namespace bp
