// What each profile chooses where a deploy would otherwise succeed and then not work:
// prod egress that survives an AZ, Extended Support billing, database credentials that
// do not rotate under running instances.
#include <gtest/gtest.h>

#include <map>

#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

Json BundledTemplate(const std::string& env) {
  for (const auto& c : BundledEnvironments())
    if (c.env == env) return MainTemplate(c);
  ADD_FAILURE() << "no environment " << env;
  return Json::object();
}

// Prod: one NAT gateway per AZ, and each AZ's private subnets leave through their own,
// so losing an AZ loses only that AZ's egress (DOC:vpc/latest/userguide/vpc-nat-gateway.html).
TEST(ProfileChoices, ProdEgressSurvivesTheLossOfAnAz) {
  // The profile table's default (no network.nat written), and the bundled prod.
  Json profile_default = Synth("profile: prod\nregion: eu-west-3\napp:\n  name: orders-api\nalerts: {emails: [oncall@acme.example]}\n", "prod");
  for (const Json& t : {BundledTemplate("prod"), profile_default}) {
    const Json& res = t["Resources"];
    EXPECT_EQ(t["Outputs"]["NatMode"]["Value"], "gateway-per-az");
    for (std::string n : {"1", "2"}) {
      SCOPED_TRACE("AZ " + n);
      ASSERT_TRUE(res.contains("NatGateway" + n));
      EXPECT_EQ(res["NatGateway" + n]["Properties"]["SubnetId"], Json({{"Ref", "PublicSubnet" + n}}));
      EXPECT_EQ(res["PrivateDefaultRoute" + n]["Properties"]["NatGatewayId"], Json({{"Ref", "NatGateway" + n}}));
    }
  }
}

// Extended Support: chosen per profile, never left to RDS's default (which enrols and
// bills). Src: CFNREF:aws-resource-rds-dbinstance (EngineLifecycleSupport).
TEST(ProfileChoices, EngineLifecycleSupportPerProfile) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"dev", "open-source-rds-extended-support-disabled"},
      {"staging", "open-source-rds-extended-support-disabled"},
      {"prod", "open-source-rds-extended-support"}};
  for (const auto& [env, value] : expected) {
    SCOPED_TRACE(env);
    EXPECT_EQ(BundledTemplate(env)["Resources"]["Db"]["Properties"]["EngineLifecycleSupport"], value);
  }
  Json t = Synth(StackYaml("dev", "none", "orders-api", "",
                           "database:\n  engine_lifecycle_support: open-source-rds-extended-support\n"));
  EXPECT_EQ(t["Resources"]["Db"]["Properties"]["EngineLifecycleSupport"], "open-source-rds-extended-support");
}

// The app's database password is generated once and never rotated by the template, so
// instances that read it at start keep a valid one; nothing enables RDS's managed rotation.
TEST(ProfileChoices, DatabaseCredentialsStayValidForRunningInstances) {
  for (const char* env : {"dev", "staging", "prod"}) {
    SCOPED_TRACE(env);
    Json t = BundledTemplate(env);
    EXPECT_TRUE(ResourcesOfType(t, "AWS::SecretsManager::RotationSchedule").empty());
    EXPECT_EQ(t["Resources"]["Db"]["Properties"]["ManageMasterUserPassword"], false);
    const Json& image = t["Resources"]["Service"]["Properties"]["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"];
    std::map<std::string, Json> secrets;
    for (const auto& e : image["RuntimeEnvironmentSecrets"]) secrets[e["Name"]] = e["Value"];
    EXPECT_EQ(secrets["DB_PASSWORD"], Json({{"Fn::Sub", "${DbCredentials}:password::"}}));
    EXPECT_EQ(secrets["DB_USERNAME"], Json({{"Fn::Sub", "${DbCredentials}:username::"}}));
  }
}

}  // namespace
}  // namespace bp
