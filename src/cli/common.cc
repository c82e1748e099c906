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
  std::vector<std::string> only;
  std::string stack_filter;
  if (!sel.stack.empty()) {
    if (std::find(envs.begin(), envs.end(), sel.stack) != envs.end()) {
      only = {sel.stack};
    } else {
      // A stack name: "<app>-<env>[-suffix]". Load everything and filter after.
      stack_filter = sel.stack;
    }
  }
  bool ok = LoadEnvironments(sel.environments_dir, only, &out->configs, &diags);
  for (const auto& c : out->configs) {
    App app;
    if (Assemble(c, &app, &diags)) out->apps.push_back(std::move(app));
    else ok = false;
  }
  if (ok && !stack_filter.empty()) {
    std::vector<std::string> names;
    std::vector<App> kept;
    for (auto& app : out->apps) {
      for (auto& s : app.stacks) {
        names.push_back(s.name);
        if (s.name == stack_filter) {
          App one;
          one.env = app.env;
          one.stacks.push_back(s);
          kept.push_back(std::move(one));
        }
      }
    }
    if (kept.empty()) {
      std::vector<std::string> candidates = envs;
      candidates.insert(candidates.end(), names.begin(), names.end());
      diags.Error({}, "--stack", "no environment or stack named '" + stack_filter + "'" +
                                     DidYouMean(stack_filter, candidates) + "; environments: " + Join(envs, ", ") +
                                     "; stacks: " + Join(names, ", "));
      ok = false;
    } else {
      // Keep the configs in step with the apps.
      std::vector<StackConfig> configs;
      for (const auto& app : kept)
        for (const auto& c : out->configs)
          if (c.env == app.env) configs.push_back(c);
      out->configs = std::move(configs);
      out->apps = std::move(kept);
    }
  }
  PrintDiagnostics(diags);
  return ok;
}

}  // namespace bp::cli
