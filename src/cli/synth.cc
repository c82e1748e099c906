// blueprint synth: writes every selected stack's template and the cloud-assembly
// manifest into --out, all or nothing.
#include <cstdio>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "deploy/assembly.h"

namespace bp::cli {

namespace {

struct SynthOptions {
  Selection sel;
  std::string out = "cdk.out";
  std::string format = "json";
  bool quiet = false;
};

int RunSynth(const SynthOptions& o) {
  Diagnostics diags;
  if (!CheckAssemblyOut(o.out, &diags)) return Fail(diags);  // before the work, and before anything is written
  Loaded loaded;
  if (!LoadAndAssemble(o.sel, &loaded)) return kUserError;
  cfn::Format format = o.format == "yaml" ? cfn::Format::kYaml : cfn::Format::kJson;
  std::vector<AssemblyFile> files = BuildAssembly(loaded.app, format);
  if (!WriteAssembly(files, o.out, &diags)) {
    PrintDiagnostics(diags);
    return kUserError;
  }
  if (o.quiet) return kOk;
  std::string table = fmt::format("{:<40} {:<15} {:>9} {:>14}\n", "stack", "region", "resources", "template bytes");
  for (const auto& s : loaded.app.stacks) {
    size_t bytes = 0;
    for (const auto& f : files)
      if (f.name == TemplateFileName(s.id, format)) bytes = f.contents.size();
    table += fmt::format("{:<40} {:<15} {:>9} {:>14}\n", s.id, s.region, s.tmpl.resources().size(), bytes);
  }
  table += fmt::format("wrote {} files to {}\n", files.size(), o.out);
  std::fputs(table.c_str(), stdout);
  return kOk;
}

}  // namespace

void RegisterSynth(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<SynthOptions>();
  AddSelectionOptions(cmd, &o->sel);
  cmd->add_option("--out", o->out, "Output directory (default cdk.out); replaced as a whole, but only when empty or written by an earlier synth (never a symlink)");
  cmd->add_option("--format", o->format, "Template format: json (default) or yaml")
      ->check(CLI::IsMember({"json", "yaml"}));
  cmd->add_flag("--quiet,-q", o->quiet, "Print nothing on success");
  cmd->callback([o, rc] { *rc = RunSynth(*o); });
}

}  // namespace bp::cli
