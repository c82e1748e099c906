// blueprint check: rules over the synthesized platform and its config (docs/check.md).
// Exit status 3 when a finding of error severity stands unacknowledged (distinct from 1,
// an internal error, and 2, a config the tool refuses).
#include <algorithm>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "analysis/check_render.h"
#include "cfn/writer.h"
#include "cli/common.h"

namespace bp::cli {

namespace {

struct CheckOptions {
  Selection sel;
  std::string format = "text";
};

int RunCheck(const CheckOptions& o) {
  std::string today;
  if (!Today(&today)) return kUserError;
  Loaded loaded;
  if (!LoadForCheck(o.sel, &loaded)) return kUserError;
  std::vector<std::string> environments;
  for (const auto& c : loaded.configs) environments.push_back(c.env);
  const std::vector<analysis::Finding> findings = analysis::CheckApp(loaded.app, loaded.configs, today);
  std::string text;
  if (o.format == "json")
    text = cfn::WriteJson(analysis::CheckJson(findings, environments));
  else if (o.format == "sarif")
    text = cfn::WriteJson(analysis::CheckSarif(findings, kVersion));
  else
    text = analysis::CheckText(findings, environments);
  std::fputs(text.c_str(), stdout);
  return analysis::CheckErrors(findings) == 0 ? kOk : kCheckFindings;
}

}  // namespace

void RegisterCheck(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<CheckOptions>();
  AddSelectionOptions(cmd, &o->sel);
  cmd->add_option("--format", o->format, "text (default), json, or sarif (SARIF 2.1.0, for GitHub code scanning)")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  cmd->callback([o, rc] { *rc = RunCheck(*o); });
}

int CheckGuardedEnvironments(const Selection& sel, const Loaded& loaded) {
  std::string today;
  if (!Today(&today)) return kUserError;
  // An environment or --all selects each environment's stacks whole; a stack id selects
  // one stack, and the rules need its environments' others too.
  const bool whole = sel.stack.empty() || std::any_of(loaded.configs.begin(), loaded.configs.end(),
                                                      [&](const StackConfig& c) { return c.env == sel.stack; });
  Loaded reloaded;
  if (!whole && !LoadForCheck(sel, &reloaded)) return kUserError;
  const Loaded& l = whole ? loaded : reloaded;
  int rc = kOk;
  for (const StackConfig& c : l.configs) {
    if (!c.production_guards) continue;
    const std::vector<analysis::Finding> findings =
        analysis::CheckEnvironment(c, analysis::TemplatesOf(l.app, c.env), today);
    const size_t errors = analysis::CheckErrors(findings);
    if (errors == 0) continue;
    rc = kCheckFindings;
    std::fprintf(stderr,
                 "error: environment %s has production guards and %zu unacknowledged error(s) from `blueprint "
                 "check`; nothing was deployed. Fix them, or acknowledge each with a reason under "
                 "checks.acknowledge (docs/check.md):\n%s",
                 c.env.c_str(), errors, analysis::CheckText(findings, {c.env}).c_str());
  }
  return rc;
}

}  // namespace bp::cli
