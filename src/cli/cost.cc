// blueprint cost: the monthly cost of each selected environment, per stack and
// resource, from the assembled templates and the usage.* assumptions (docs/cost.md).
#include <cstdio>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "analysis/cost_render.h"
#include "cfn/writer.h"
#include "cli/common.h"

namespace bp::cli {

namespace {

struct CostOptions {
  Selection sel;
  bool json = false;
};

int RunCost(const CostOptions& o) {
  Loaded loaded;
  if (!LoadAndAssemble(o.sel, &loaded)) return kUserError;
  std::vector<analysis::EnvCost> envs;
  for (const auto& c : loaded.configs) envs.push_back(analysis::CostApp(loaded.app, c.env, c.usage));
  std::string text = o.json ? cfn::WriteJson(analysis::CostToJson(envs)) : analysis::FormatCost(envs);
  std::fputs(text.c_str(), stdout);
  return kOk;
}

}  // namespace

void WarnOverBudget(const Loaded& loaded, Diagnostics* diags) {
  for (const auto& c : loaded.configs) {
    if (c.budget_monthly_usd <= 0) continue;
    analysis::EnvCost cost = analysis::CostApp(loaded.app, c.env, c.usage);
    if (cost.monthly_usd <= c.budget_monthly_usd) continue;
    diags->Warn(c.LocationOf("budget.monthly_usd"), "budget.monthly_usd",
               fmt::format("the estimated monthly cost of {} is {}${:.2f}, over the budget of ${:.2f}; see "
                           "`blueprint cost --stack {}`",
                           c.env, cost.complete() ? "" : "at least ", cost.monthly_usd, c.budget_monthly_usd, c.env));
  }
}

void RegisterCost(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<CostOptions>();
  AddSelectionOptions(cmd, &o->sel);
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->callback([o, rc] { *rc = RunCost(*o); });
}

}  // namespace bp::cli
