// Cost controls module: a monthly AWS Budget and a Cost Anomaly Detection monitor with
// its subscription, both for one environment. AWS::CE::* deploys only in us-east-1 and
// Budgets is served from there, so assemble.cc puts this module in the environment's
// global stack; the alert topic (in the main stack's region) arrives as a Reference.
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "modules/common.h"

namespace bp {

struct CostControlsArgs {
  bool budget = false;   // features.cost_budget
  bool anomaly = false;  // features.cost_anomaly
  std::string environment_tag;  // the Environment tag's value the budget and the monitor select
  double monthly_usd = 0;
  std::vector<std::string> emails;  // at most 10 (a budget notification's email limit)
  cfn::Json topic_arn;              // the alert topic (a Reference), or null
};

// The budget's cost filter on the Environment tag: {"TagKeyValue": ["user:Environment$dev"]}.
// Src: reference/aws-facts.md 8.1 (CFNREF:aws-properties-budgets-budget-budgetdata, CostFilters).
cfn::Json EnvironmentCostFilter(const std::string& environment);

// The anomaly monitor's specification (a JSON string): the Environment tag, so two
// environments of one account get two monitors that select different costs and never
// the one SERVICE monitor an account may hold.
std::string AnomalyMonitorSpecification(const std::string& environment);

void AddCostControls(const ModuleContext& ctx, const CostControlsArgs& args, cfn::Template* t);

}  // namespace bp
