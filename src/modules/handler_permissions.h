// What CloudFormation's resource handler of a compute resource type calls, with the
// caller's credentials, when the image rollout updates it: the `handlers.update` and
// `handlers.read` permissions of the type's registry schema (a rollback of a failed
// update runs the update handler again with the previous properties). Sourced data,
// one entry per type the image rollout may update; the compute modules build the deploy
// role's rollout statements from it and the tests check the role grants every action.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cfn/template.h"

namespace bp {

struct HandlerPermissions {
  std::string type;                 // "AWS::ECS::ExpressGatewayService"
  std::vector<std::string> update;  // handlers.update.permissions, in the schema's order
  std::vector<std::string> read;    // handlers.read.permissions
  std::string source;               // where the lists were read (repository, path, commit)
};

// The handler permissions of `type`; aborts on a type the table does not hold (a
// compute module that rolls out a new type adds its schema's lists first).
const HandlerPermissions& HandlerPermissionsOf(const std::string& type);

// Whether the table holds `type` (a type the image rollout may update).
bool HasHandlerPermissions(const std::string& type);

// update, then read, without repeats: what a rollout of `type` needs.
std::vector<std::string> RolloutHandlerActions(const std::string& type);

// One Allow statement of a rollout: its Sid, Resource (and Condition, or null), the
// actions it grants beyond the handler's (`extra_actions`).
struct RolloutGrant {
  std::string sid;
  cfn::Json resource;
  cfn::Json condition = nullptr;
  std::vector<std::string> extra_actions = {};
};

// The rollout statements of `type`: every handler action goes into the grants
// `sids_of_action` names for it (where the service authorization reference lets the
// action be scoped); actions sorted within a statement, one action as a plain string.
// Aborts when a handler action has no grant, or names a grant not in `grants`: a new
// handler permission needs a scoping decision.
std::vector<cfn::Json> RolloutStatements(const std::string& type, const std::vector<RolloutGrant>& grants,
                                         const std::map<std::string, std::vector<std::string>>& sids_of_action);

}  // namespace bp
