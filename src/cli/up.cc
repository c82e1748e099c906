// blueprint up: synthesizes the selected stacks and deploys them in dependency order
// through CloudFormation change sets (see deploy/driver.h).
#include <cstdio>
#include <map>
#include <set>

#include <CLI/CLI.hpp>

#include "cli/deploy_options.h"

namespace bp::cli {

namespace {

struct UpOptions {
  Selection sel;
  AwsFlags aws;
  ParameterFlags params;
  std::string s3_bucket;
  bool yes = false;
  bool allow_replace_named = false;
  bool delete_leftovers = false;
};

int RunUp(const UpOptions& o) {
  Loaded loaded;
  std::vector<const Stack*> stacks;
  if (!LoadSelectedStacks(o.sel, &loaded, &stacks) || !CheckRegion(o.aws, stacks)) return kUserError;
  // A guarded (production) environment deploys only what `blueprint check` passes,
  // before any call to AWS.
  if (int rc = CheckGuardedEnvironments(o.sel, loaded); rc != kOk) return rc;
  std::vector<Leftover> leftovers;
  if (!SelectedLeftovers(o.sel, o.aws, loaded, &leftovers)) return kUserError;
  StackParameterValues values;
  if (!CollectParameterValues(o.params, loaded, &values)) return kUserError;
  InstallInterruptHandlers();  // an interrupted call leaves no child running and no temporary file
  AwsCli aws(o.aws.aws);
  DriverOptions d = DriverOptionsFor(o.aws, o.sel);
  d.s3_bucket = o.s3_bucket;
  d.allow_replace_named = o.allow_replace_named;
  Driver driver(aws, d);
  Console console = TerminalConsole(o.yes);
  // A stack another selected stack depends on but the selection leaves out (the shared
  // account stack, with `--stack ENV`) must be deployed first; its outputs are read below.
  std::set<std::string> selected;
  for (const Stack* s : stacks) selected.insert(s->id);
  for (const Stack* s : stacks)
    for (const auto& dep : s->dependencies)
      if (!selected.count(dep))
        std::fprintf(stderr, "note: %s depends on stack %s, which this selection leaves out; if it is not "
                     "deployed yet, deploy it first: blueprint up --stack %s\n",
                     s->name.c_str(), dep.c_str(), dep.c_str());
  if (!RunPreflightChecks(driver, stacks, console, "deploying anyway")) return kUserError;
  std::map<std::string, cfn::Json> produced;  // outputs of the stacks deployed so far, by id
  for (const Stack* s : stacks) {
    std::fprintf(console.out, "%s (%s): reading the stack's status (aws cloudformation describe-stacks)\n",
                 s->name.c_str(), s->region.c_str());
    std::fflush(console.out);
    ConsoleObserver watch(console, [](const std::string& n) { return "Deploy these changes to " + n + "?"; },
                          "deploy");
    Diagnostics diags;
    DeployResult r = driver.Deploy(*s, values.For(*s), watch.observer(), &diags, produced);
    watch.EndLine();
    int rc = ReportDeploy(*s, r, diags, console);
    EndIfInterrupted();  // after saying what the interrupt left
    if (rc != kOk) return rc;
    produced[s->id] = r.outputs;
  }
  // Stacks the assembly no longer produces go after the deploy: until its consumer is
  // updated, a leftover may still feed it (main reads global's outputs as parameters).
  LeftoverDeletion how;
  how.confirmed = o.delete_leftovers;
  how.by_up = true;
  how.up_command = "blueprint up " + (o.sel.all ? std::string("--all") : "--stack " + o.sel.stack);
  return DeleteLeftovers(driver, loaded, leftovers, console, how);
}

}  // namespace

void RegisterUp(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<UpOptions>();
  AddSelectionOptions(cmd, &o->sel);
  RequireStackOrAll(cmd);
  AddAwsOptions(cmd, &o->aws);
  AddParameterOptions(cmd, &o->params);
  cmd->add_option("--s3-bucket", o->s3_bucket, "Bucket for templates over 51,200 bytes");
  cmd->add_flag("--yes,-y", o->yes,
                "Deploy without asking (required when stdin is not a terminal); does not delete stacks the "
                "assembly no longer produces");
  cmd->add_flag("--delete-leftovers", o->delete_leftovers,
                "Delete, without asking, the recorded stacks of the selection that the assembly no longer produces "
                "(never a shared account stack, nor one of an environment with production guards)");
  cmd->add_flag("--allow-replace-named", o->allow_replace_named,
                "Execute a change set even when it replaces a resource whose name the template fixes "
                "(refused by default: CloudFormation cannot replace it and the update rolls back)");
  cmd->callback([o, rc] { *rc = RunUp(*o); });
}

}  // namespace bp::cli
