// Checks of an assembly beyond each template's own (ValidateApp): the layout of the
// stacks across environments, and AWS limits that only the synthesized templates show.
// Assemble() runs both; each error points at the environment's file and the config key
// that decides it.
#pragma once
#include <string>
#include <vector>

#include "app/app.h"

namespace bp {

// The AWS partition of a region: aws, aws-cn (cn-*), aws-us-gov (us-gov-*), aws-iso
// (us-iso-*), aws-iso-b (us-isob-*).
std::string PartitionOf(const std::string& region);

// Refuses planned stacks (PlanStacks) that share an id, and environments that mix a
// named `account:` with none (docs/architecture.md, Accounts). stacks.cc.
bool CheckStackLayout(const std::vector<StackConfig>& configs, const App& planned, Diagnostics* diags);

// Tags per resource (tags.extra), the deploy role's trust policy (github.branches,
// github.environments) and a role's inline policies (app.secrets). limits.cc.
void CheckAwsLimits(const std::vector<StackConfig>& configs, const App& app, Diagnostics* diags);

}  // namespace bp
