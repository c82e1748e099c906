#include "cli/common.h"

#include <algorithm>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "config/loader.h"
#include "util/strings.h"

namespace bp::cli {

void AddSelectionOptions(CLI::App* cmd, Selection* sel, bool with_stack) {
  cmd->add_option("--environments", sel->environments_dir,
                  "Directory holding <env>/stack.yaml (default ./environments)");
  if (!with_stack) return;
  auto* stack = cmd->add_option("--stack", sel->stack, "An environment (dev) or one of its stacks (orders-api-dev)");
  auto* all = cmd->add_flag("--all", sel->all, "Every environment (the default)");
  stack->excludes(all);
}

void PrintDiagnostics(const Diagnostics& d) {
  std::string text = d.FormatAll();
  std::fputs(text.c_str(), stderr);
}

bool LoadAndAssemble(const Selection& sel, Loaded* out) {
  Diagnostics diags;
  std::vector<std::string> envs;
  std::string err;
  if (!ListEnvironments(sel.environments_dir, &envs, &err)) {
    diags.Error({}, "", err);
    PrintDiagnostics(diags);
    return false;
  }
  // Every environment is loaded and assembled, whatever the selection: the account
  // stack is shared by all the environments of an account, so its content depends on
  // all of them.
  bool ok = LoadEnvironments(sel.environments_dir, {}, &out->configs, &diags) &&
            Assemble(out->configs, &out->app, &diags);
  if (ok && !sel.stack.empty()) {
    // An environment selects the stacks that serve it alone (its main and global stacks,
    // and an account stack no other environment shares); a stack id selects that stack.
    bool is_env = std::find(envs.begin(), envs.end(), sel.stack) != envs.end();
    std::vector<std::string> names;
    std::vector<Stack> kept;
    for (auto& s : out->app.stacks) {
      names.push_back(s.id);
      bool keep = is_env ? s.envs == std::vector<std::string>{sel.stack} : s.id == sel.stack;
      if (keep) kept.push_back(std::move(s));
    }
    if (kept.empty()) {
      std::vector<std::string> candidates = envs;
      candidates.insert(candidates.end(), names.begin(), names.end());
      diags.Error({}, "--stack", "no environment or stack named '" + sel.stack + "'" +
                                     DidYouMean(sel.stack, candidates) + "; environments: " + Join(envs, ", ") +
                                     "; stacks: " + Join(names, ", "));
      ok = false;
    } else {
      // Keep the configs of the environments the kept stacks serve.
      std::vector<StackConfig> configs;
      for (auto& c : out->configs) {
        bool served = std::any_of(kept.begin(), kept.end(), [&](const Stack& s) {
          return std::find(s.envs.begin(), s.envs.end(), c.env) != s.envs.end();
        });
        if (served) configs.push_back(std::move(c));
      }
      out->configs = std::move(configs);
      out->app.stacks = std::move(kept);
    }
  }
  PrintDiagnostics(diags);
  return ok;
}

}  // namespace bp::cli
