// blueprint outputs: the deployed stacks' outputs (service URL, repository URI, ...),
// read from CloudFormation and recorded under the state directory; --cached reads the
// record only, without AWS.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cfn/writer.h"
#include "cli/deploy_options.h"

namespace bp::cli {

namespace {

struct OutputsOptions {
  Selection sel;
  AwsFlags aws;
  bool json = false;
  bool cached = false;
};

int RunOutputs(const OutputsOptions& o) {
  Loaded loaded;
  std::vector<const Stack*> stacks;
  if (!LoadSelectedStacks(o.sel, &loaded, &stacks) || !CheckRegion(o.aws, stacks)) return kUserError;
  if (Diagnostics diags; !CheckStateDir(StateDirFor(o.aws, o.sel), &diags)) return Fail(diags);
  InstallInterruptHandlers();  // an interrupted call leaves no child running and no temporary file
  AwsCli aws(o.aws.aws);
  DriverOptions d = DriverOptionsFor(o.aws, o.sel);
  Driver driver(aws, d);
  Console console = TerminalConsole();
  cfn::Json all = cfn::Json::object();
  for (const Stack* s : stacks) {
    cfn::Json outputs;
    if (o.cached) {
      bool found = false;
      Diagnostics diags;
      if (!LoadJsonRecord(OutputsPath(StateDirFor(o.aws, o.sel), KeyOf(*s)), &outputs, &found, &diags)) {
        PrintDiagnostics(diags);
        return kUserError;
      }
      if (!found) {
        std::fprintf(stderr, "error: no recorded outputs for %s under %s (run `blueprint up` or drop --cached)\n",
                     s->name.c_str(), StateDirFor(o.aws, o.sel).c_str());
        return kUserError;
      }
    } else {
      Diagnostics diags;
      OutputsResult r = driver.Outputs(*s, &diags);
      if (int rc = ReportOutputs(*s, r, diags, console); rc != kOk) return rc;
      outputs = r.info.outputs;
    }
    all[s->name] = outputs;
  }
  if (o.json) {
    // Keyed by stack name however many stacks are selected: one shape for scripts.
    std::string text = cfn::WriteJson(all);
    std::fputs(text.c_str(), stdout);
    return kOk;
  }
  std::string text;
  for (auto it = all.begin(); it != all.end(); ++it) {
    text += it.key() + ":\n" + (it.value().empty() ? "  (no outputs)\n" : FormatOutputs(it.value()));
  }
  Show(stdout, text);
  return kOk;
}

}  // namespace

void RegisterOutputs(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<OutputsOptions>();
  AddSelectionOptions(cmd, &o->sel);
  AddAwsOptions(cmd, &o->aws);
  cmd->add_flag("--json", o->json, "Print JSON: {\"<stack name>\": {\"<output>\": \"value\", ...}, ...}");
  cmd->add_flag("--cached", o->cached, "Read the outputs recorded by the last up, without calling AWS");
  cmd->callback([o, rc] { *rc = RunOutputs(*o); });
}

}  // namespace bp::cli
