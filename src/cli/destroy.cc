// blueprint destroy: deletes the stacks of an environment (dependents first), after
// saying what remains (DeletionPolicy Retain/Snapshot). Stacks of a profile with
// production guards are refused unless --force-prod. The recorded stacks an environment
// no longer produces (deploy/leftovers.h) go with it, first; `--stack NAME` also
// addresses one of them by its stack name.
#include <algorithm>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/deploy_options.h"

namespace bp::cli {

namespace {

struct DestroyOptions {
  Selection sel;
  AwsFlags aws;
  bool yes = false;
  bool force_prod = false;
};

// Production guards hold for leftovers as for stacks: refused unless --force-prod.
bool GuardsAllow(const DestroyOptions& o, const Loaded& loaded, const std::vector<Leftover>& leftovers) {
  if (o.force_prod) return true;
  for (const auto& l : leftovers)
    if (std::string guard = LeftoverGuard(loaded, l); !l.shared && !guard.empty()) {
      std::fprintf(stderr, "error: %s, which the assembly no longer produces: %s; destroy refuses it without --force-prod\n",
                   l.record.key.stack.c_str(), guard.c_str());
      return false;
    }
  return true;
}

// The leftovers named `name` (deploy/leftovers.h), among every record.
bool FindNamedLeftovers(const DestroyOptions& o, const Loaded& loaded, std::vector<Leftover>* named) {
  Selection every = o.sel;
  every.stack.clear();
  every.all = true;
  std::vector<Leftover> all;
  if (!SelectedLeftovers(every, o.aws, loaded, &all)) return false;
  for (const auto& l : all)
    if (l.record.key.stack == o.sel.stack) named->push_back(l);
  return !named->empty();
}

int RunDestroy(const DestroyOptions& o) {
  Loaded loaded;
  std::vector<const Stack*> stacks;
  std::vector<Leftover> leftovers;
  Diagnostics load;
  if (!LoadAndAssemble(o.sel, &loaded, &load)) {
    // `--stack NAME` naming no assembled stack may name one `up` recorded before it left
    // the assembly.
    if (!loaded.stack_not_found || !FindNamedLeftovers(o, loaded, &leftovers)) {
      PrintDiagnostics(load);
      return kUserError;
    }
  } else {
    PrintDiagnostics(load);  // warnings
    std::vector<const Stack*> all;
    for (const auto& s : loaded.app.stacks) all.push_back(&s);
    Diagnostics order;
    if (!DeployOrder(all, &stacks, &order)) return Fail(order);
    if (!CheckRegion(o.aws, stacks)) return kUserError;
    // An environment's stacks include those it no longer produces.
    if (!SelectedLeftovers(o.sel, o.aws, loaded, &leftovers)) return kUserError;
  }
  if (!GuardsAllow(o, loaded, leftovers)) return kUserError;
  std::reverse(stacks.begin(), stacks.end());  // dependents go first
  for (const Stack* s : stacks) {
    const StackConfig* c = ConfigOf(loaded, *s);
    if (c && c->production_guards && !o.force_prod) {
      std::fprintf(stderr,
                   "error: %s belongs to environment '%s' (profile %s) which has production guards; "
                   "destroy refuses it without --force-prod\n",
                   s->name.c_str(), c->env.c_str(), ProfileName(c->profile));
      return kUserError;
    }
  }
  InstallInterruptHandlers();  // an interrupted call leaves no child running and no temporary file
  AwsCli aws(o.aws.aws);
  Driver driver(aws, DriverOptionsFor(o.aws, o.sel));
  Console console = TerminalConsole(o.yes);
  // Leftovers first: nothing assembled reads them any more.
  LeftoverDeletion how;
  how.confirmed = o.yes;
  how.force_prod = o.force_prod;
  if (int rc = DeleteLeftovers(driver, loaded, leftovers, console, how); rc != kOk) return rc;
  for (const Stack* s : stacks) {
    std::fprintf(console.out, "%s (%s): reading the stack's status (aws cloudformation describe-stacks)\n",
                 s->name.c_str(), s->region.c_str());
    std::fflush(console.out);
    ConsoleObserver watch(
        console, [](const std::string& n) { return "Delete stack " + n + " and its resources?"; }, "destroy");
    auto show_plan = [&console](const DestroyPlan& plan) {
      Show(console.out, RenderDestroyPlan(plan));
    };
    Diagnostics diags;
    DestroyResult r = driver.Destroy(*s, show_plan, watch.observer(), &diags);
    watch.EndLine();
    int rc = ReportDestroy(*s, r, diags, console);
    EndIfInterrupted();  // after saying what the interrupt left
    if (rc != kOk) return rc;
  }
  return kOk;
}

}  // namespace

void RegisterDestroy(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<DestroyOptions>();
  AddSelectionOptions(cmd, &o->sel);
  RequireStackOrAll(cmd);
  AddAwsOptions(cmd, &o->aws);
  cmd->add_flag("--yes,-y", o->yes, "Delete without asking (required when stdin is not a terminal)");
  cmd->add_flag("--force-prod", o->force_prod, "Allow destroying a stack whose profile has production guards");
  cmd->callback([o, rc] { *rc = RunDestroy(*o); });
}

}  // namespace bp::cli
