// blueprint validate: every check synth runs, without writing anything.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/common.h"

namespace bp::cli {

void RegisterValidate(CLI::App* app, int* rc) {
  auto sel = std::make_shared<Selection>();
  auto* cmd = app->add_subcommand("validate", "Run every check without writing files");
  AddSelectionOptions(cmd, sel.get());
  cmd->callback([sel, rc] {
    Loaded loaded;
    if (!LoadAndAssemble(*sel, &loaded)) {
      *rc = kUserError;
      return;
    }
    WarnOverBudget(loaded);
    std::printf("ok: %zu environment(s), %zu stack(s) valid\n", loaded.configs.size(), loaded.app.stacks.size());
    *rc = kOk;
  });
}

}  // namespace bp::cli
