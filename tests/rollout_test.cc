// Issue 21. (A) The GitHub deploy role rolls out a new image with its own credentials:
// CloudFormation's resource handler of every type the rollout may update calls what its
// registry schema lists for update (a rollback of that update runs the update handler
// again) and read, so the role grants each of those actions, on both platforms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "modules/handler_permissions.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

const char* const kGithub = "github:\n  org: acme\n  repo: orders-api\n";

std::string Yaml(const std::string& platform) {
  return StackYaml("dev", "gateway", "orders-api", "", "compute:\n  platform: " + platform + "\n" + kGithub);
}

// IAM action matching: case-insensitive, '*' any run of characters, '?' one character.
bool ActionMatches(const std::string& pattern, const std::string& action) {
  size_t p = 0, a = 0, star = std::string::npos, mark = 0;
  auto same = [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); };
  while (a < action.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], action[a]))) {
      ++p, ++a;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = a;
    } else if (star != std::string::npos) {
      p = star + 1, a = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> Strings(const Json& v) {
  return v.is_string() ? std::vector<std::string>{v.get<std::string>()} : v.get<std::vector<std::string>>();
}

// The statements of the deploy role's policy that allow `action` (no NotAction, no Deny:
// the role writes neither, checked below).
std::vector<Json> Granting(const Json& policy, const std::string& action) {
  std::vector<Json> out;
  for (const auto& s : policy["Statement"]) {
    EXPECT_EQ(s["Effect"], "Allow");
    EXPECT_FALSE(s.contains("NotAction") || s.contains("NotResource"));
    for (const auto& pattern : Strings(s["Action"]))
      if (ActionMatches(pattern, action)) {
        out.push_back(s);
        break;
      }
  }
  return out;
}

TEST(Rollout, ActionMatchingFollowsIamWildcards) {
  EXPECT_TRUE(ActionMatches("ecs:Describe*", "ecs:DescribeServiceRevisions"));
  EXPECT_TRUE(ActionMatches("ecs:*", "ecs:ListServiceDeployments"));
  EXPECT_TRUE(ActionMatches("ECS:describeservices", "ecs:DescribeServices"));
  EXPECT_TRUE(ActionMatches("ecs:Describe?ervices", "ecs:DescribeServices"));
  EXPECT_FALSE(ActionMatches("ecs:Describe*", "ecs:ListServiceDeployments"));
  EXPECT_FALSE(ActionMatches("ecs:DescribeService", "ecs:DescribeServices"));
  EXPECT_FALSE(ActionMatches("apprunner:*", "ecs:DescribeServices"));
}

// For each platform and each type the rollout may update (the role's own CreateChangeSet
// condition), every update and read handler permission is granted on some resource.
TEST(Rollout, DeployRoleGrantsEveryHandlerPermissionOfEveryRolledOutType) {
  for (const std::string platform : {"apprunner", "ecs-express"}) {
    SCOPED_TRACE(platform);
    Json t = Synth(Yaml(platform));
    const Json& policy = t["Resources"]["GithubDeployRole"]["Properties"]["Policies"][0]["PolicyDocument"];
    std::vector<std::string> types;
    for (const auto& s : policy["Statement"])
      if (s["Sid"] == "RolloutChangeSet")
        types = s["Condition"]["ForAllValues:StringEquals"]["cloudformation:ResourceTypes"].get<std::vector<std::string>>();
    ASSERT_EQ(types.size(), 1u);
    for (const auto& type : types) {
      EXPECT_TRUE(t["Resources"].dump().find("\"Type\":\"" + type + "\"") != std::string::npos) << type;
      const HandlerPermissions& h = HandlerPermissionsOf(type);
      EXPECT_FALSE(h.source.empty());
      for (const auto* list : {&h.update, &h.read}) {
        ASSERT_FALSE(list->empty()) << type;
        for (const auto& action : *list) {
          std::vector<Json> grants = Granting(policy, action);
          EXPECT_FALSE(grants.empty()) << type << " handler needs " << action;
          for (const auto& g : grants) EXPECT_FALSE(g["Resource"].is_null() || g["Resource"].empty()) << action;
        }
      }
    }
  }
}

// The two ECS reads that take two resource types get both: the service and its
// service-deployment / service-revision (the service authorization reference marks both
// required); the task-definition reads and writes are the only ones off the service.
TEST(Rollout, EcsDeploymentAndRevisionReadsCoverTheServiceAndItsChildren) {
  Json t = Synth(Yaml("ecs-express"));
  const Json& policy = t["Resources"]["GithubDeployRole"]["Properties"]["Policies"][0]["PolicyDocument"];
  for (const auto& [action, child] : std::vector<std::pair<std::string, std::string>>{
           {"ecs:DescribeServiceDeployments", ":service-deployment/${Cluster}/orders-api-dev/*"},
           {"ecs:DescribeServiceRevisions", ":service-revision/${Cluster}/orders-api-dev/*"}}) {
    std::vector<Json> grants = Granting(policy, action);
    ASSERT_EQ(grants.size(), 1u) << action;
    const std::string resources = grants[0]["Resource"].dump();
    EXPECT_NE(resources.find("{\"Ref\":\"ExpressService\"}"), std::string::npos) << resources;
    EXPECT_NE(resources.find(child), std::string::npos) << resources;
  }
  for (const char* action : {"ecs:UpdateExpressGatewayService", "ecs:DescribeExpressGatewayService",
                             "ecs:ListServiceDeployments", "ecs:DescribeServices"}) {
    std::vector<Json> grants = Granting(policy, action);
    ASSERT_EQ(grants.size(), 1u) << action;
    EXPECT_EQ(grants[0]["Resource"], Json({{"Ref", "ExpressService"}})) << action;
  }
  EXPECT_EQ(Granting(policy, "ecs:DescribeTaskDefinition")[0]["Resource"], "*");  // no resource type
}

}  // namespace
}  // namespace bp
