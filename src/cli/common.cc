#include "cli/common.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <CLI/CLI.hpp>

#include "analysis/check.h"
#include "config/checks.h"
#include "config/loader.h"
#include "deploy/driver.h"
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

void RequireStackOrAll(CLI::App* cmd) {
  CLI::Option* stack = cmd->get_option("--stack");
  CLI::Option* all = cmd->get_option("--all");
  stack->description("Required (or --all): an environment (dev) or one of its stacks (orders-api-dev)");
  all->description("Every stack, in dependency order (instead of --stack)");
  CLI::Option_group* target = cmd->add_option_group("Which stacks (one of --stack or --all is required)");
  target->add_option(stack);
  target->add_option(all);
  target->require_option(1);
}

void PrintDiagnostics(const Diagnostics& d) {
  std::string text = d.FormatAll();
  std::fputs(text.c_str(), stderr);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return kUserError;
}

int Fail(const Diagnostics& diags) {
  PrintDiagnostics(diags);
  return kUserError;
}

bp::Json DiagnosticJson(const Diagnostic& d) {
  using J = bp::Json;
  J j;
  j["severity"] = d.severity == Diagnostic::Severity::kError ? "error" : "warning";
  j["file"] = d.where.file.empty() ? J() : J(d.where.file);
  j["line"] = d.where.line > 0 ? J(d.where.line) : J();
  j["column"] = d.where.col > 0 ? J(d.where.col) : J();
  j["key"] = d.path.empty() ? J() : J(d.path);
  j["message"] = d.message;
  return j;
}

void PrintJson(const bp::Json& j) {
  std::string out = j.dump(2, ' ', false, bp::Json::error_handler_t::replace) + "\n";
  std::fputs(out.c_str(), stdout);
}

bool LoadAndAssemble(const Selection& sel, Loaded* out) {
  Diagnostics diags;
  bool ok = LoadAndAssemble(sel, out, &diags);
  PrintDiagnostics(diags);
  return ok;
}

std::vector<std::string> EnvironmentsOfStack(const std::string& environments_dir, const std::string& stack_id) {
  Selection all;
  all.environments_dir = environments_dir;
  Loaded loaded;
  Diagnostics ignored;
  if (!LoadAndAssemble(all, &loaded, &ignored)) return {};
  const Stack* s = loaded.app.Find(stack_id);
  return s ? s->envs : std::vector<std::string>{};
}

bool LoadAndAssemble(const Selection& sel, Loaded* out, Diagnostics* diags_out) {
  Diagnostics& diags = *diags_out;
  std::vector<std::string> envs;
  if (!ListEnvironments(sel.environments_dir, &envs, &diags)) return false;
  // Every environment is loaded and assembled, whatever the selection: the account
  // stack is shared by all the environments of an account, so its content depends on
  // all of them.
  bool ok = LoadEnvironments(sel.environments_dir, {}, &out->configs, &diags) &&
            Assemble(out->configs, &out->app, &diags);
  // checks.acknowledge names rules and logical IDs the config layer cannot see: every
  // command refuses one that names neither, as it refuses an unknown key.
  if (ok) {
    const size_t before = diags.ErrorCount();
    for (const StackConfig& c : out->configs)
      if (!c.checks.acknowledge.empty())
        analysis::CheckAcknowledgements(c, analysis::TemplatesOf(out->app, c.env), &diags);
    ok = diags.ErrorCount() == before;
  }
  if (ok)
    for (const auto& s : out->app.stacks) out->assembled.push_back(KeyOf(s));
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
      out->stack_not_found = true;
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
  return ok;
}

bool LoadForCheck(const Selection& sel, Loaded* out) {
  Loaded selected;
  if (!LoadAndAssemble(sel, &selected)) return false;
  if (sel.stack.empty()) {
    *out = std::move(selected);
    return true;
  }
  Selection all = sel;
  all.stack.clear();
  all.all = true;
  if (!LoadAndAssemble(all, out)) return false;
  std::vector<StackConfig> configs;
  for (auto& c : out->configs)
    for (const auto& s : selected.configs)
      if (c.env == s.env) configs.push_back(std::move(c));
  out->configs = std::move(configs);
  return true;
}

bool Today(std::string* out) {
  if (const char* fixed = std::getenv("BLUEPRINT_TODAY"); fixed && *fixed) {
    if (std::string err = CheckDate(fixed); !err.empty()) {
      Fail("BLUEPRINT_TODAY: " + err);
      return false;
    }
    *out = fixed;
    return true;
  }
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char day[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
  *out = day;
  return true;
}

}  // namespace bp::cli
