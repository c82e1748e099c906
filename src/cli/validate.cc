// blueprint validate: every check synth runs, without writing anything. With --json
// the findings go to stdout as one JSON document (for CI annotations).
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/common.h"

namespace bp::cli {

namespace {

struct ValidateOptions {
  Selection sel;
  bool json = false;
};

int RunValidate(const ValidateOptions& o) {
  Loaded loaded;
  Diagnostics diags;
  bool ok = LoadAndAssemble(o.sel, &loaded, &diags);
  if (ok) WarnOverBudget(loaded, &diags);
  size_t envs = ok ? loaded.configs.size() : 0, stacks = ok ? loaded.app.stacks.size() : 0;
  if (o.json) {
    bp::Json j;
    j["ok"] = ok;
    j["environments"] = envs;
    j["stacks"] = stacks;
    j["diagnostics"] = bp::Json::array();
    for (const auto& d : diags.items) j["diagnostics"].push_back(DiagnosticJson(d));
    PrintJson(j);
    return ok ? kOk : kUserError;
  }
  PrintDiagnostics(diags);
  if (!ok) return kUserError;
  std::printf("ok: %zu environment(s), %zu stack(s) valid\n", envs, stacks);
  return kOk;
}

}  // namespace

void RegisterValidate(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<ValidateOptions>();
  AddSelectionOptions(cmd, &o->sel);
  cmd->add_flag("--json", o->json,
                "Print JSON on stdout: {ok, environments, stacks, diagnostics: [{severity, file, line, column, key, "
                "message}]}");
  cmd->callback([o, rc] { *rc = RunValidate(*o); });
}

}  // namespace bp::cli
