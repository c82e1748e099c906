// blueprint destroy: deletes the stacks of an environment (dependents first), after
// saying what remains (DeletionPolicy Retain/Snapshot). Stacks of a profile with
// production guards are refused unless --force-prod.
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

int RunDestroy(const DestroyOptions& o) {
  Loaded loaded;
  std::vector<const Stack*> stacks;
  if (!LoadSelectedStacks(o.sel, &loaded, &stacks) || !CheckRegion(o.aws, stacks)) return kUserError;
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
  for (const Stack* s : stacks) {
    std::fprintf(console.out, "%s (%s): reading the stack's status (aws cloudformation describe-stacks)\n",
                 s->name.c_str(), s->region.c_str());
    std::fflush(console.out);
    ConsoleObserver watch(
        console, [](const std::string& n) { return "Delete stack " + n + " and its resources?"; }, "destroy");
    auto show_plan = [&console](const DestroyPlan& plan) {
      std::fputs(RenderDestroyPlan(plan).c_str(), console.out);
      std::fflush(console.out);
    };
    Diagnostics diags;
    DestroyResult r = driver.Destroy(*s, show_plan, watch.observer(), &diags);
    watch.EndLine();
    if (int rc = ReportDestroy(*s, r, diags, console); rc != kOk) return rc;
  }
  return kOk;
}

}  // namespace

void RegisterDestroy(CLI::App* app, int* rc) {
  auto o = std::make_shared<DestroyOptions>();
  auto* cmd = app->add_subcommand("destroy", "Delete the stacks of an environment; says what is kept");
  AddSelectionOptions(cmd, &o->sel);
  RequireStackOrAll(cmd);
  AddAwsOptions(cmd, &o->aws);
  cmd->add_flag("--yes,-y", o->yes, "Delete without asking (required when stdin is not a terminal)");
  cmd->add_flag("--force-prod", o->force_prod, "Allow destroying a stack whose profile has production guards");
  cmd->callback([o, rc] { *rc = RunDestroy(*o); });
}

}  // namespace bp::cli
