// blueprint preview: what `up` would change. Offline by default: the synthesized
// templates against the ones recorded by the last `up` (.blueprint/<stack>/) or
// --against FILE. With --remote: a CloudFormation change set, shown then deleted.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "analysis/cost_render.h"
#include "analysis/diff_render.h"
#include "cfn/json_read.h"
#include "cfn/writer.h"
#include "cli/deploy_options.h"
#include "util/files.h"

namespace bp::cli {

namespace {

struct PreviewOptions {
  Selection sel;
  AwsFlags aws;
  ParameterFlags params;
  std::string against;
  std::string s3_bucket;
  bool json = false;
  bool remote = false;
};

// The stacks `up` recorded that the selection no longer produces, one line each; `up`
// deploys, then offers to delete them.
std::string LeftoverLines(const Loaded& loaded, const std::vector<Leftover>& leftovers) {
  std::string out;
  for (const auto& l : leftovers) out += RenderLeftover(l, LeftoverGuard(loaded, l));
  return out;
}

cfn::Json LeftoversJson(const Loaded& loaded, const std::vector<Leftover>& leftovers) {
  cfn::Json out = cfn::Json::array();
  for (const auto& l : leftovers) {
    std::string guard = LeftoverGuard(loaded, l);
    out.push_back({{"stack", l.record.key.stack},
                   {"region", l.record.key.region},
                   {"account", l.record.key.account.empty() ? cfn::Json() : cfn::Json(l.record.key.account)},
                   {"recordedAt", l.record.recorded_at},
                   {"shared", l.shared},
                   {"deletedBy", l.shared          ? cfn::Json()
                                 : guard.empty()   ? cfn::Json("up")
                                                   : cfn::Json("destroy --force-prod")}});
  }
  return out;
}

// Offline, the value of a parameter `up` reads from AWS's public SSM parameters is not
// known: say where it comes from, and that a newer image than the deployed one updates
// the launch template it feeds (`preview --remote` resolves it as `up` does).
std::string ResolvedAtUpLines(const Stack& s) {
  std::string out;
  for (const StackInput& in : s.inputs)
    if (in.source == InputSource::kSsmParameter)
      out += "  " + in.parameter + ": resolved at up from AWS's public SSM parameter " + in.ssm_parameter + " in " +
             s.region + " (the newest image; one newer than the deployed image is a change; preview --remote shows it)\n";
  return out;
}

int RunRemote(const PreviewOptions& o, const Loaded& loaded, const std::vector<const Stack*>& stacks,
              const std::vector<Leftover>& leftovers) {
  StackParameterValues values;
  if (!CollectParameterValues(o.params, loaded, &values)) return kUserError;
  InstallInterruptHandlers();  // an interrupted call leaves no child running and no temporary file
  AwsCli aws(o.aws.aws);
  DriverOptions d = DriverOptionsFor(o.aws, o.sel);
  d.s3_bucket = o.s3_bucket;
  Driver driver(aws, d);
  Console console = TerminalConsole();
  // The change set would show a plan `up` then refuses: say so first, as `up` does.
  if (!RunPreflightChecks(driver, stacks, console, "previewing anyway")) return kUserError;
  int rc = kOk;
  for (const Stack* s : stacks) {
    std::fprintf(console.out, "%s (%s): reading the stack's status, then creating a change set to preview\n",
                 s->name.c_str(), s->region.c_str());
    std::fflush(console.out);
    Diagnostics diags;
    DriverObserver waiting;
    waiting.waiting = [&console](const ChangeSet& cs, int seconds) { Show(console.out, RenderStillWaiting(cs, seconds)); };
    DeployResult r = driver.PreviewChangeSet(*s, values.For(*s), &diags, waiting);
    if (int code = ReportPreview(*s, r, diags, console); code != kOk) rc = code;
    EndIfInterrupted();  // after saying what the interrupt left
  }
  std::fputs(LeftoverLines(loaded, leftovers).c_str(), console.out);
  return rc;
}

int RunPreview(const PreviewOptions& o) {
  Loaded loaded;
  std::vector<const Stack*> stacks;
  if (!LoadSelectedStacks(o.sel, &loaded, &stacks) || !CheckRegion(o.aws, stacks)) return kUserError;
  std::vector<Leftover> leftovers;
  if (!SelectedLeftovers(o.sel, o.aws, loaded, &leftovers)) return kUserError;
  if (o.remote) {
    if (!o.against.empty()) {
      std::fprintf(stderr, "error: --against compares with a file offline; it does not go with --remote\n");
      return kUserError;
    }
    return RunRemote(o, loaded, stacks, leftovers);
  }
  if (!o.against.empty() && stacks.size() != 1) {
    std::fprintf(stderr, "error: --against FILE needs exactly one stack; --stack selects %zu\n", stacks.size());
    return kUserError;
  }
  cfn::Json report = cfn::Json::array();
  std::string text;
  for (const Stack* s : stacks) {
    cfn::Json before;
    bool found = false;
    Diagnostics read;
    std::string path = o.against.empty() ? DeployedTemplatePath(StateDirFor(o.aws, o.sel), KeyOf(*s)) : o.against;
    if (!LoadJsonRecord(path, &before, &found, &read)) {
      std::fprintf(stderr, "error: %s (preview reads JSON templates)\n", read.FirstError().c_str());
      return kUserError;
    }
    if (!found && !o.against.empty()) {
      std::fprintf(stderr, "error: --against %s: no such file\n", path.c_str());
      return kUserError;
    }
    // Anything else would compare as an empty deployment: every resource new, no risk shown.
    if (std::string problem = o.against.empty() ? "" : cfn::TemplateShapeProblem(before); !problem.empty()) {
      std::fprintf(stderr,
                   "error: --against %s: not a CloudFormation template: %s. Give a JSON template: an object whose "
                   "Resources map logical IDs to {\"Type\": ...}, such as cdk.out/<stack>.template.json from "
                   "`blueprint synth`\n",
                   path.c_str(), problem.c_str());
      return kUserError;
    }
    analysis::TemplateDiff diff = analysis::DiffTemplates(found ? before : cfn::Json(), s->tmpl.ToJson());
    // Cost hook (src/analysis/cost.h): the monthly change next to the resource changes.
    const StackConfig* config = ConfigOf(loaded, *s);
    UsageConfig usage = config ? config->usage : UsageConfig();
    analysis::StackCost cost_before = analysis::CostTemplate(s->name, s->region, found ? before : cfn::Json(), usage);
    analysis::StackCost cost_after = analysis::CostStack(*s, usage);
    if (o.json) {
      report.push_back(analysis::DiffToJson(s->name, diff, !found));
      report.back()["cost"] = analysis::CostChangeToJson(cost_before, cost_after);
      cfn::Json resolved = cfn::Json::array();
      for (const StackInput& in : s->inputs)
        if (in.source == InputSource::kSsmParameter)
          resolved.push_back({{"parameter", in.parameter}, {"ssm_parameter", in.ssm_parameter}, {"region", s->region}});
      if (!resolved.empty()) report.back()["resolved_at_up"] = resolved;
    } else {
      text += analysis::FormatDiff(s->name, diff, !found) + ResolvedAtUpLines(*s) +
              analysis::FormatCostChange(cost_before, cost_after);
    }
  }
  if (o.json)
    text = cfn::WriteJson(Object({{"stacks", report}, {"noLongerProduced", LeftoversJson(loaded, leftovers)}}));
  else
    text += LeftoverLines(loaded, leftovers);
  std::fputs(text.c_str(), stdout);
  return kOk;
}

}  // namespace

void RegisterPreview(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<PreviewOptions>();
  AddSelectionOptions(cmd, &o->sel);
  AddAwsOptions(cmd, &o->aws);
  AddParameterOptions(cmd, &o->params);
  cmd->add_option("--against", o->against, "Compare with this JSON template instead of the recorded deployment");
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->add_flag("--remote", o->remote, "Create a CloudFormation change set, show it, delete it");
  cmd->add_option("--s3-bucket", o->s3_bucket, "Bucket for templates over 51,200 bytes (--remote)");
  cmd->callback([o, rc] { *rc = RunPreview(*o); });
}

}  // namespace bp::cli
