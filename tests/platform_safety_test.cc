// Cross-module acceptance tests over every bundled environment and every NAT mode:
// no security group open to the internet, every physical name within its AWS rule,
// and byte-identical output on every synth.
#include <gtest/gtest.h>

#include "cfn/writer.h"
#include "naming/names.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

// Every template the tests consider: the bundled environments plus each NAT mode in
// each profile.
std::vector<std::pair<std::string, Json>> AllTemplates(const std::string& app_name = "orders-api") {
  std::vector<std::pair<std::string, Json>> out;
  for (const auto& c : BundledEnvironments()) out.emplace_back("bundled " + c.env, MainTemplate(c));
  for (const char* mode : kNatModes)
    for (std::string profile : {"dev", "staging", "prod"}) {
      out.emplace_back(profile + " nat " + mode, Synth(StackYaml(profile, mode, app_name, "  az_count: 3\n  max_az_count: 3\n"), profile));
    }
  return out;
}

bool OpenToTheInternet(const Json& rule) {
  return rule.value("CidrIp", "") == "0.0.0.0/0" || rule.value("CidrIpv6", "") == "::/0";
}

TEST(SecurityGroups, NoIngressFromTheInternetAnywhere) {
  for (const auto& [what, t] : AllTemplates()) {
    SCOPED_TRACE(what);
    int groups = 0;
    for (const auto& [id, r] : t["Resources"].items()) {
      if (r["Type"] == "AWS::EC2::SecurityGroup") {
        ++groups;
        for (const auto& rule : r["Properties"].value("SecurityGroupIngress", Json::array()))
          EXPECT_FALSE(OpenToTheInternet(rule)) << id;
      }
      if (r["Type"] == "AWS::EC2::SecurityGroupIngress") {
        EXPECT_FALSE(OpenToTheInternet(r["Properties"])) << id;
      }
    }
    EXPECT_GE(groups, 1);
  }
}

// Physical-name properties and the rule each must satisfy.
const std::vector<std::tuple<std::string, std::string, NameKind>> kNameProperties = {
    {"AWS::AppRunner::Service", "ServiceName", NameKind::kAppRunnerService},
    {"AWS::AppRunner::AutoScalingConfiguration", "AutoScalingConfigurationName", NameKind::kAppRunnerAutoScaling},
    {"AWS::AppRunner::VpcConnector", "VpcConnectorName", NameKind::kAppRunnerVpcConnector},
    {"AWS::AppRunner::ObservabilityConfiguration", "ObservabilityConfigurationName", NameKind::kAppRunnerObservability},
    {"AWS::ECR::Repository", "RepositoryName", NameKind::kEcrRepository},
    {"AWS::IAM::Role", "RoleName", NameKind::kIamRole},
    {"AWS::EC2::SecurityGroup", "GroupName", NameKind::kSecurityGroup},
};

TEST(Names, EveryPhysicalNameFitsItsRuleForA50CharacterAppName) {
  const std::string app_name = "a-very-long-application-name-for-limit-tests-01234";
  ASSERT_EQ(app_name.size(), 50u);
  int checked = 0;
  for (const auto& [what, t] : AllTemplates(app_name)) {
    SCOPED_TRACE(what);
    for (const auto& [id, r] : t["Resources"].items())
      for (const auto& [type, property, kind] : kNameProperties)
        if (r["Type"] == type && r["Properties"].contains(property)) {
          EXPECT_EQ(CheckName(kind, r["Properties"][property]), "") << id;
          ++checked;
        }
  }
  EXPECT_GT(checked, 0);
}

TEST(Names, LongNamesAreStableAndDistinctPerEnvironment) {
  const std::string app_name = "a-very-long-application-name-for-limit-tests-01234";
  Json staging = Synth(StackYaml("staging", "gateway", app_name), "staging");
  Json dev = Synth(StackYaml("dev", "gateway", app_name), "dev");
  std::string a = staging["Resources"]["Service"]["Properties"]["ServiceName"];
  std::string b = dev["Resources"]["Service"]["Properties"]["ServiceName"];
  EXPECT_LE(a.size(), 40u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, Synth(StackYaml("staging", "gateway", app_name), "staging")["Resources"]["Service"]["Properties"]["ServiceName"]);
}

TEST(Determinism, SameInputSameBytes) {
  for (const auto& c : BundledEnvironments()) {
    SCOPED_TRACE(c.env);
    EXPECT_EQ(cfn::WriteJson(MainTemplate(c)), cfn::WriteJson(MainTemplate(c)));
  }
}

// Toggling a feature must not rename what was already there.
TEST(Determinism, LogicalIdsDoNotShiftWithNatMode) {
  Json gateway = Synth(StackYaml("dev", "gateway"));
  Json per_az = Synth(StackYaml("dev", "gateway-per-az"));
  for (const auto& [id, r] : gateway["Resources"].items()) {
    ASSERT_TRUE(per_az["Resources"].contains(id)) << id;
    EXPECT_EQ(per_az["Resources"][id]["Type"], r["Type"]) << id;
  }
}

}  // namespace
}  // namespace bp
