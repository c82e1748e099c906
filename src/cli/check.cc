// blueprint check: rules over the synthesized platform and its config (docs/check.md).
// Exit status 3 when a finding of error severity stands (distinct from 1, an internal
// error, and 2, a config the tool refuses).
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
  // The selection says which environments to check (an environment, or those a stack
  // serves); the rules need each one's whole platform, main and global stacks together,
  // so they run on the whole assembly.
  Loaded selected;
  if (!LoadAndAssemble(o.sel, &selected)) return kUserError;
  Loaded loaded;
  if (o.sel.stack.empty()) {
    loaded = std::move(selected);
  } else {
    Selection all = o.sel;
    all.stack.clear();
    all.all = true;
    if (!LoadAndAssemble(all, &loaded)) return kUserError;
    std::vector<StackConfig> configs;
    for (const auto& c : loaded.configs)
      for (const auto& s : selected.configs)
        if (c.env == s.env) configs.push_back(c);
    loaded.configs = std::move(configs);
  }
  std::vector<std::string> environments;
  for (const auto& c : loaded.configs) environments.push_back(c.env);
  const std::vector<analysis::Finding> findings = analysis::CheckApp(loaded.app, loaded.configs);
  const std::string text = o.format == "json" ? cfn::WriteJson(analysis::CheckJson(findings, environments))
                                              : analysis::CheckText(findings, environments);
  std::fputs(text.c_str(), stdout);
  return analysis::CheckErrors(findings) == 0 ? kOk : kCheckFindings;
}

}  // namespace

void RegisterCheck(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<CheckOptions>();
  AddSelectionOptions(cmd, &o->sel);
  cmd->add_option("--format", o->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([o, rc] { *rc = RunCheck(*o); });
}

}  // namespace bp::cli
