// blueprint up: synthesizes the selected stacks and deploys them in dependency order
// through CloudFormation change sets (see deploy/driver.h).
#include <cstdio>

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
};

int RunUp(const UpOptions& o) {
  Loaded loaded;
  std::vector<const Stack*> stacks;
  if (!LoadSelectedStacks(o.sel, &loaded, &stacks)) return kUserError;
  ParameterValues values;
  if (!CollectParameterValues(o.params, loaded, &values)) return kUserError;
  AwsCli aws(o.aws.aws);
  DriverOptions d = DriverOptionsFor(o.aws);
  d.s3_bucket = o.s3_bucket;
  d.assume_yes = o.yes;
  Driver driver(aws, d, TerminalConsole());
  for (const Stack* s : stacks) {
    Outcome r = driver.Deploy(*s, values);
    if (r != Outcome::kDone && r != Outcome::kNoChanges) return ExitCodeOf(r);
  }
  return kOk;
}

}  // namespace

void RegisterUp(CLI::App* app, int* rc) {
  auto o = std::make_shared<UpOptions>();
  auto* cmd = app->add_subcommand("up", "Deploy the stacks of an environment through CloudFormation change sets");
  AddSelectionOptions(cmd, &o->sel);
  cmd->get_option("--stack")->required();
  AddAwsOptions(cmd, &o->aws);
  AddParameterOptions(cmd, &o->params);
  cmd->add_option("--s3-bucket", o->s3_bucket, "Bucket for templates over 51,200 bytes");
  cmd->add_flag("--yes,-y", o->yes, "Deploy without asking (required when stdin is not a terminal)");
  cmd->callback([o, rc] { *rc = RunUp(*o); });
}

}  // namespace bp::cli
