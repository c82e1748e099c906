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
  if (!LoadSelectedStacks(o.sel, &loaded, &stacks)) return kUserError;
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
  AwsCli aws(o.aws.aws);
  DriverOptions d = DriverOptionsFor(o.aws);
  d.assume_yes = o.yes;
  Driver driver(aws, d, TerminalConsole());
  for (const Stack* s : stacks) {
    Outcome r = driver.Destroy(s->name, s->region);
    if (r != Outcome::kDone) return ExitCodeOf(r);
  }
  return kOk;
}

}  // namespace

void RegisterDestroy(CLI::App* app, int* rc) {
  auto o = std::make_shared<DestroyOptions>();
  auto* cmd = app->add_subcommand("destroy", "Delete the stacks of an environment; says what is kept");
  AddSelectionOptions(cmd, &o->sel);
  cmd->get_option("--stack")->required();
  AddAwsOptions(cmd, &o->aws);
  cmd->add_flag("--yes,-y", o->yes, "Delete without asking (required when stdin is not a terminal)");
  cmd->add_flag("--force-prod", o->force_prod, "Allow destroying a stack whose profile has production guards");
  cmd->callback([o, rc] { *rc = RunDestroy(*o); });
}

}  // namespace bp::cli
