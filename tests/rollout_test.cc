// Issue 21. (A) The GitHub deploy role rolls out a new image with its own credentials:
// CloudFormation's resource handler of every type the rollout may update calls what its
// registry schema lists for update (a rollback of that update runs the update handler
// again) and read, so the role grants each of those actions, on both platforms.
// (B) On ECS Express Mode, alarms and the dashboard read the load balancer's traffic, never
// one target group: a canary deployment moves the traffic to the service's other group,
// and an alarm on the first one would go silently OK.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "iam_policy.h"
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

using testing::ActionMatches;

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
    EXPECT_THAT(resources, ::testing::HasSubstr("{\"Ref\":\"ExpressService\"}")) << resources;
    EXPECT_THAT(resources, ::testing::HasSubstr(child)) << resources;
  }
  for (const char* action : {"ecs:UpdateExpressGatewayService", "ecs:DescribeExpressGatewayService",
                             "ecs:ListServiceDeployments", "ecs:DescribeServices"}) {
    std::vector<Json> grants = Granting(policy, action);
    ASSERT_EQ(grants.size(), 1u) << action;
    EXPECT_EQ(grants[0]["Resource"], Json({{"Ref", "ExpressService"}})) << action;
  }
  EXPECT_EQ(Granting(policy, "ecs:DescribeTaskDefinition")[0]["Resource"], "*");  // no resource type
}

// --- B: what alarms and dashboards read ---

struct Reads {
  std::vector<Json> alarm_metrics;  // {Namespace, MetricName, Dimensions}
  std::vector<Json> lines;          // the dashboard's metric lines
};

Reads ReadsOf(const Json& t) {
  Reads r;
  for (const auto& id : ResourcesOfType(t, "AWS::CloudWatch::Alarm")) {
    const Json& p = t["Resources"][id]["Properties"];
    if (p.contains("Metrics")) {
      for (const auto& q : p["Metrics"])
        if (q.contains("MetricStat")) r.alarm_metrics.push_back(q["MetricStat"]["Metric"]);
    } else {
      r.alarm_metrics.push_back(p);
    }
  }
  const Json& sub = OnlyOfType(t, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]["Fn::Sub"];
  const Json body = Json::parse(sub[0].get<std::string>());
  for (const auto& w : body["widgets"])
    if (w["type"] == "metric")
      for (const auto& line : w["properties"]["metrics"]) r.lines.push_back(line);
  return r;
}

std::set<std::string> DimensionNames(const Json& metric) {
  std::set<std::string> out;
  for (const auto& d : metric["Dimensions"]) out.insert(d["Name"].get<std::string>());
  return out;
}

TEST(Rollout, EcsExpressAlarmsAndDashboardReadTheLoadBalancerNotOneTargetGroup) {
  for (const char* profile : {"dev", "prod"}) {
    SCOPED_TRACE(profile);
    Json t = Synth(StackYaml(profile, "gateway", "orders-api", "", "compute:\n  platform: ecs-express\n"), profile);
    Reads r = ReadsOf(t);
    int traffic_alarms = 0;
    for (const auto& m : r.alarm_metrics) {
      EXPECT_FALSE(DimensionNames(m).count("TargetGroup")) << m.dump();
      if (m["Namespace"] != "AWS/ApplicationELB") continue;
      ++traffic_alarms;
      EXPECT_EQ(DimensionNames(m), std::set<std::string>{"LoadBalancer"}) << m.dump();
    }
    EXPECT_GE(traffic_alarms, 4);  // 5xx, the rate's two queries, latency
    // Nothing in the template picks one target group out of the service's list.
    EXPECT_THAT(t.dump(), ::testing::Not(::testing::HasSubstr("TargetGroupArns")));

    int searches = 0;
    for (const auto& line : r.lines) {
      if (line[0].is_object()) {  // an expression: the healthy hosts of every target group
        const std::string e = line[0]["expression"];
        EXPECT_EQ(e.rfind("SUM(SEARCH('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName=\"HealthyHostCount\" "
                          "LoadBalancer=\"${",
                          0),
                  0u)
            << e;
        EXPECT_THAT(e, ::testing::HasSubstr("'Maximum', 300))")) << e;
        ++searches;
        continue;
      }
      for (size_t i = 2; i + 1 < line.size(); i += 2) EXPECT_NE(line[i], "TargetGroup") << line.dump();
    }
    EXPECT_EQ(searches, 1);
  }
}

// App Runner reads its service's own metrics, as before: ServiceName + ServiceID everywhere,
// the active instances a plain line.
TEST(Rollout, AppRunnerAlarmsAndDashboardReadTheService) {
  Json t = Synth(StackYaml("dev", "gateway"));
  Reads r = ReadsOf(t);
  for (const auto& m : r.alarm_metrics) {
    if (m["Namespace"] == "AWS/AppRunner") {
      EXPECT_EQ(DimensionNames(m), (std::set<std::string>{"ServiceName", "ServiceID"})) << m.dump();
    }
  }
  bool active = false;
  for (const auto& line : r.lines) {
    ASSERT_TRUE(line[0].is_string()) << line.dump();  // no expression
    if (line[0] == "AWS/AppRunner") {
      EXPECT_EQ(Json::array({line[2], line[4]}), Json::array({"ServiceName", "ServiceID"})) << line.dump();
      active |= line[1] == "ActiveInstances";
    }
  }
  EXPECT_TRUE(active);
}

}  // namespace
}  // namespace bp
