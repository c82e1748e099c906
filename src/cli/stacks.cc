// blueprint stacks: the environments and the stacks each one produces.
#include <cstdio>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/common.h"

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
    std::string out = fmt::format("{:<12} {:<8} {:<40} {:<15} {}\n", "environment", "profile", "stack", "region", "role");
    for (size_t i = 0; i < loaded.apps.size(); ++i)
      for (const auto& s : loaded.apps[i].stacks)
        out += fmt::format("{:<12} {:<8} {:<40} {:<15} {}\n", loaded.apps[i].env,
                           ProfileName(loaded.configs[i].profile), s.name, s.region, s.role);
    std::fputs(out.c_str(), stdout);
    *rc = kOk;
  });
}

}  // namespace bp::cli
