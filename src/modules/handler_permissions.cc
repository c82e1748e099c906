#include "modules/handler_permissions.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace bp {

namespace {

// The registry schemas' handler lists, copied verbatim (order kept). cfn-lint's bundled
// schemas drop `handlers`; these come from repositories that keep whole schemas.
const std::vector<HandlerPermissions>& Table() {
  static const std::vector<HandlerPermissions> kTable = {
      {"AWS::AppRunner::Service",
       {"apprunner:UpdateService", "iam:PassRole"},
       {"apprunner:DescribeService"},
       "github.com/aws-cloudformation/aws-cloudformation-resource-providers-apprunner "
       "aws-apprunner-service/aws-apprunner-service.json @7b76641fcdff198cfdcd7118a5d92a78d63dd94b (2024-01-02); "
       "the same lists in github.com/pulumi/pulumi-aws-native aws-cloudformation-schema/aws-apprunner-service.json "
       "@0895cdef22a71702445ccc1ac850a4866ecce680"},
      {"AWS::ECS::ExpressGatewayService",
       {"ecs:UpdateExpressGatewayService", "ecs:DescribeExpressGatewayService", "ecs:DescribeServiceDeployments",
        "ecs:DescribeServiceRevisions", "ecs:DescribeServices", "ecs:DescribeTaskDefinition",
        "ecs:ListServiceDeployments", "ecs:RegisterTaskDefinition", "iam:PassRole"},
       {"ecs:DescribeExpressGatewayService", "ecs:DescribeServiceRevisions"},
       "github.com/pulumi/pulumi-aws-native aws-cloudformation-schema/aws-ecs-expressgatewayservice.json "
       "@15b57bfb2b99460fe5abd00624e0ed723be51741 (the schema with TaskDefinitionArn, 2026-06-17 or later; "
       "an older copy @38c6e2d663d5 lacked DescribeServiceRevisions, DescribeServices and DescribeTaskDefinition "
       "in update and DescribeServiceRevisions in read)"},
  };
  return kTable;
}

[[noreturn]] void HandlerDataBug(const std::string& what) {
  std::fprintf(stderr, "internal error: %s\n", what.c_str());
  std::abort();
}

}  // namespace

const HandlerPermissions& HandlerPermissionsOf(const std::string& type) {
  for (const auto& h : Table())
    if (h.type == type) return h;
  HandlerDataBug("no handler permissions for " + type + " (src/modules/handler_permissions.cc)");
}

bool HasHandlerPermissions(const std::string& type) {
  return std::any_of(Table().begin(), Table().end(), [&](const HandlerPermissions& h) { return h.type == type; });
}

std::vector<std::string> RolloutHandlerActions(const std::string& type) {
  const HandlerPermissions& h = HandlerPermissionsOf(type);
  std::vector<std::string> out;
  for (const auto* list : {&h.update, &h.read})
    for (const auto& a : *list)
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  return out;
}

std::vector<cfn::Json> RolloutStatements(const std::string& type, const std::vector<RolloutGrant>& grants,
                                         const std::map<std::string, std::vector<std::string>>& sids_of_action) {
  std::map<std::string, std::set<std::string>> actions;  // sid -> actions
  for (const auto& g : grants) actions[g.sid].insert(g.extra_actions.begin(), g.extra_actions.end());
  for (const auto& a : RolloutHandlerActions(type)) {
    auto it = sids_of_action.find(a);
    if (it == sids_of_action.end() || it->second.empty())
      HandlerDataBug(type + " handler permission " + a + " is granted by no rollout statement");
    for (const auto& sid : it->second) {
      if (!actions.count(sid)) HandlerDataBug(a + " names rollout statement " + sid + ", which does not exist");
      actions[sid].insert(a);
    }
  }
  std::vector<cfn::Json> out;
  for (const auto& g : grants) {
    const std::set<std::string>& a = actions[g.sid];
    if (a.empty()) HandlerDataBug("rollout statement " + g.sid + " of " + type + " grants nothing");
    cfn::Json s = Object(
        {{"Sid", g.sid},
         {"Effect", "Allow"},
         {"Action", a.size() == 1 ? cfn::Json(*a.begin()) : cfn::Json(std::vector<std::string>(a.begin(), a.end()))},
         {"Resource", g.resource}});
    if (!g.condition.is_null()) s["Condition"] = g.condition;
    out.push_back(s);
  }
  return out;
}

}  // namespace bp
