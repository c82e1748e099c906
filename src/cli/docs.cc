// blueprint docs config: prints docs/config-reference.md from the schema table.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "config/schema.h"

namespace bp::cli {

void RegisterDocs(CLI::App* cmd, int* rc) {
  auto* config = cmd->add_subcommand("config", "The config reference (Markdown)");
  cmd->require_subcommand(1);
  config->callback([rc] {
    std::fputs(ConfigReferenceMarkdown().c_str(), stdout);
    *rc = kOk;
  });
}

}  // namespace bp::cli
