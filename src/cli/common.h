// Pieces every command shares: the --environments/--stack/--all options, loading
// and assembling the selected environments, and printing diagnostics.
#pragma once
#include <string>
#include <vector>

#include "util/json.h"

#include "app/app.h"
#include "config/stack_config.h"
#include "deploy/state.h"
#include "util/diag.h"

// CLI11 stays in the command files (.cc) that declare options.
namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace bp::cli {

// Exit statuses. Src of the convention: the issue "Foundation" (0 ok, 2 user error,
// 1 internal error).
inline constexpr int kOk = 0;
inline constexpr int kInternalError = 1;
inline constexpr int kUserError = 2;
// `check` found an error (docs/check.md): the config is valid, the platform it makes is not.
inline constexpr int kCheckFindings = 3;

struct Selection {
  std::string environments_dir = "environments";
  std::string stack;  // an environment name or a stack name
  bool all = false;
};

// Adds --environments, and --stack/--all when `with_stack` is set.
void AddSelectionOptions(CLI::App* cmd, Selection* sel, bool with_stack = true);

// For commands that act on AWS (up, destroy): one of --stack or --all is required,
// and the help says so.
void RequireStackOrAll(CLI::App* cmd);

struct Loaded {
  std::vector<StackConfig> configs;  // the environments the selected stacks serve
  App app;                           // the selected stacks
  // Every stack the assembly produces, selected or not: a recorded stack missing here
  // has left the assembly (deploy/leftovers.h).
  std::vector<StackKey> assembled;
  bool stack_not_found = false;  // --stack named no environment and no assembled stack
};

// Loads and assembles every environment, then keeps the selection: all stacks, the
// stacks that serve only the environment `sel.stack` names (its main and global stacks,
// an account stack no other environment shares), or the one stack with that id. Prints
// every diagnostic to stderr; returns false when there was an error.
bool LoadAndAssemble(const Selection& sel, Loaded* out);
// The same, collecting the diagnostics in `diags` instead of printing them.
bool LoadAndAssemble(const Selection& sel, Loaded* out, Diagnostics* diags);

// For `check` and the gate of `up`: the environments `sel` selects (an environment, or
// those a stack serves), each with its whole platform (main and global stacks), which
// the rules need even when `sel` names one stack. Prints diagnostics; false on error.
bool LoadForCheck(const Selection& sel, Loaded* out);

// The gate of `up` (cli/check.cc): kCheckFindings, after printing them, when an
// environment `sel` selects (`loaded`: what LoadAndAssemble kept of it) has production
// guards and `blueprint check` finds an unacknowledged error in it; kOk otherwise
// (kUserError when it cannot tell).
int CheckGuardedEnvironments(const Selection& sel, const Loaded& loaded);

// Today (UTC) as YYYY-MM-DD, which decides the expiry of checks.acknowledge entries;
// BLUEPRINT_TODAY, when set, stands in for it (tests, or to see what expires when).
// Prints an error and returns false when BLUEPRINT_TODAY is not a date.
bool Today(std::string* out);

// The environments the stack with id `stack_id` serves (one, or every sharer of an
// account stack); empty when no stack has that id (or the environments do not assemble).
std::vector<std::string> EnvironmentsOfStack(const std::string& environments_dir, const std::string& stack_id);

// One diagnostic as JSON, for --json output and CI annotations:
// {severity, file, line, column, key, message} (null where unknown).
bp::Json DiagnosticJson(const Diagnostic& d);
// Prints `j` on stdout, indented; bytes that are not UTF-8 (none pass the loader) are replaced.
void PrintJson(const bp::Json& j);

void PrintDiagnostics(const Diagnostics& d);
// For a command's runner: prints `error: <message>` (or the diagnostics) on stderr and
// returns kUserError.
int Fail(const std::string& message);
int Fail(const Diagnostics& diags);

// A warning in `diags` for each environment whose cost estimate exceeds budget.monthly_usd.
void WarnOverBudget(const Loaded& loaded, Diagnostics* diags);

// The tool's version, printed by `blueprint --version`. Raise it with each release.
inline constexpr const char* kVersion = "0.1.0";

// Adds --version to the top-level command.
void AddVersionFlag(CLI::App* app);

// Reports an argument error of `app`'s parse on stderr, as `error: ...` with "did you
// mean" for a mistyped command or option and where to find help; --help and --version
// print their text. Returns the exit status: kOk for those two, else kUserError.
int ReportParseError(CLI::App* app, const CLI::ParseError& e, int argc, char** argv);

// From a parse callback: ends the command with exit status kUserError, `diags` printed
// as they are (ReportParseError adds no "see --help"). For what the arguments do not
// hold: a setting read from an environment variable.
[[noreturn]] void RefuseAtParse(const Diagnostics& diags);

// Each command adds its options and action to its sub-command `cmd`, which the command
// table (cli/command_line.cc) creates with its name and summary. One file per command.
void RegisterSynth(CLI::App* cmd, int* rc);
void RegisterStacks(CLI::App* cmd, int* rc);
void RegisterValidate(CLI::App* cmd, int* rc);
void RegisterCheck(CLI::App* cmd, int* rc);
void RegisterDocs(CLI::App* cmd, int* rc);
void RegisterConfig(CLI::App* cmd, int* rc);
void RegisterPreview(CLI::App* cmd, int* rc);
void RegisterUp(CLI::App* cmd, int* rc);
void RegisterDestroy(CLI::App* cmd, int* rc);
void RegisterOutputs(CLI::App* cmd, int* rc);
void RegisterCost(CLI::App* cmd, int* rc);
void RegisterWorkflow(CLI::App* cmd, int* rc);

}  // namespace bp::cli
