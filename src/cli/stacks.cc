// blueprint stacks: the environments and the stacks each one produces.
#include <cstdio>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "util/strings.h"

namespace bp::cli {

void RegisterStacks(CLI::App* app, int* rc) {
  auto sel = std::make_shared<Selection>();
  auto* cmd = app->add_subcommand("stacks", "List environments and the stacks each one produces");
  AddSelectionOptions(cmd, sel.get(), false);
  cmd->callback([sel, rc] {
    Loaded loaded;
    if (!LoadAndAssemble(*sel, &loaded)) {
      *rc = kUserError;
      return;
    }
    std::string out = fmt::format("{:<12} {:<8} {:<40} {:<15} {:<8} {}\n", "environment", "profile", "stack",
                                  "region", "role", "depends on");
    for (const auto& s : loaded.app.stacks) {
      std::string env = s.envs.size() == 1 ? s.envs[0] : "(" + std::to_string(s.envs.size()) + " envs)";
      std::string profile = "-";
      for (const auto& c : loaded.configs)
        if (s.envs.size() == 1 && c.env == s.envs[0]) profile = ProfileName(c.profile);
      out += fmt::format("{:<12} {:<8} {:<40} {:<15} {:<8} {}\n", env, profile, s.id, s.region, RoleName(s.role),
                         s.dependencies.empty() ? "-" : Join(s.dependencies, ", "));
    }
    std::fputs(out.c_str(), stdout);
    *rc = kOk;
  });
}

}  // namespace bp::cli
