// blueprint stacks: every stack, the environment it serves, its region and role.
//
// One broken environment does not hide the others: the environments that load are
// assembled together (the account stack then holds what they need), the broken ones
// are listed as such with their errors on stderr (or in --json), and the exit status
// is 2. Every other command stays all-or-nothing, because a shared account stack
// depends on every environment deployed into its account.
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "config/loader.h"
#include "util/strings.h"

namespace bp::cli {

namespace {

struct StacksOptions {
  Selection sel;
  bool json = false;
};

using J = bp::Json;

// Whether diagnostic `d` is about environment `env`'s stack.yaml.
bool About(const Diagnostic& d, const std::string& dir, const std::string& env) {
  return d.where.file == dir + "/" + env + "/stack.yaml";
}

int RunStacks(const StacksOptions& o) {
  const std::string& dir = o.sel.environments_dir;
  Diagnostics diags;
  std::vector<std::string> envs;
  if (!ListEnvironments(dir, &envs, &diags)) {
    PrintDiagnostics(diags);
    return kUserError;
  }
  std::vector<StackConfig> configs;
  bool ok = LoadEnvironments(dir, {}, &configs, &diags);
  App app;
  if (!configs.empty() && !Assemble(configs, &app, &diags)) {
    // A check across the loaded environments failed: none of them can be listed.
    ok = false;
    configs.clear();
    app.stacks.clear();
  }
  std::vector<std::string> broken;
  for (const auto& env : envs)
    if (std::none_of(configs.begin(), configs.end(), [&](const StackConfig& c) { return c.env == env; }))
      broken.push_back(env);
  auto profile_of = [&](const std::string& env) -> std::string {
    for (const auto& c : configs)
      if (c.env == env) return ProfileName(c.profile);
    return "";
  };

  if (o.json) {
    J j;
    j["environments"] = J::array();
    for (const auto& env : envs) {
      bool is_broken = std::find(broken.begin(), broken.end(), env) != broken.end();
      J e;
      e["environment"] = env;
      e["status"] = is_broken ? "broken" : "ok";
      e["profile"] = is_broken ? J() : J(profile_of(env));
      e["stacks"] = J::array();
      for (const auto& s : app.stacks)
        if (std::find(s.envs.begin(), s.envs.end(), env) != s.envs.end()) e["stacks"].push_back(s.id);
      e["errors"] = J::array();
      for (const auto& d : diags.items)
        if (d.severity == Diagnostic::Severity::kError && About(d, dir, env)) e["errors"].push_back(DiagnosticJson(d));
      j["environments"].push_back(std::move(e));
    }
    j["stacks"] = J::array();
    for (const auto& s : app.stacks) {
      J x;
      x["id"] = s.id;
      x["name"] = s.name;
      x["region"] = s.region;
      x["account"] = s.account.empty() ? J() : J(s.account);
      x["role"] = RoleName(s.role);
      x["environments"] = s.envs;
      x["dependencies"] = s.dependencies;
      j["stacks"].push_back(std::move(x));
    }
    j["diagnostics"] = J::array();  // every error and warning, also those of no one file
    for (const auto& d : diags.items) j["diagnostics"].push_back(DiagnosticJson(d));
    PrintJson(j);
    return ok ? kOk : kUserError;
  }

  PrintDiagnostics(diags);
  std::string out = fmt::format("{:<12} {:<8} {:<40} {:<15} {:<8} {}\n", "environment", "profile", "stack", "region",
                                "role", "depends on");
  for (const auto& s : app.stacks) {
    std::string env = s.envs.size() == 1 ? s.envs[0] : "(" + std::to_string(s.envs.size()) + " envs)";
    std::string profile = s.envs.size() == 1 ? profile_of(s.envs[0]) : "-";
    out += fmt::format("{:<12} {:<8} {:<40} {:<15} {:<8} {}\n", env, profile, s.id, s.region, RoleName(s.role),
                       s.dependencies.empty() ? "-" : Join(s.dependencies, ", "));
  }
  for (const auto& env : broken)
    out += fmt::format("{:<12} {:<8} {:<40} {:<15} {:<8} {}\n", env, "-", "(broken: see the errors above)", "-", "-",
                       "-");
  std::fputs(out.c_str(), stdout);
  return ok ? kOk : kUserError;
}

}  // namespace

void RegisterStacks(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<StacksOptions>();
  AddSelectionOptions(cmd, &o->sel, false);
  cmd->add_flag("--json", o->json,
                "Print JSON: {environments: [{environment, status, profile, stacks, errors}], stacks: [{id, name, "
                "region, account, role, environments, dependencies}], diagnostics}");
  cmd->callback([o, rc] { *rc = RunStacks(*o); });
}

}  // namespace bp::cli
