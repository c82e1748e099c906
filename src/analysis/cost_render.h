// The words of a cost estimate: the breakdown `cost` prints and its JSON form, and the
// monthly change `preview` shows, from what cost.h computes (the split of a differ and
// a renderer).
#pragma once
#include <string>
#include <vector>

#include "analysis/cost.h"

namespace bp::analysis {

// Infracost-style breakdown: per environment and stack, resources with their lines
// (name, quantity, unit, monthly cost), then totals.
std::string FormatCost(const std::vector<EnvCost>& envs);
// One stable shape: every key always present, unknown amounts are null.
cfn::Json CostToJson(const std::vector<EnvCost>& envs);

// For `preview`: the monthly change between the deployed template and the new one,
// in total and per resource.
std::string FormatCostChange(const StackCost& before, const StackCost& after);
cfn::Json CostChangeToJson(const StackCost& before, const StackCost& after);

}  // namespace bp::analysis
