// Running an external program (the AWS CLI, and in tests the tool itself) without a
// shell: arguments go to execvp as a vector, so no value is ever interpreted by a
// shell; stdout and stderr are captured separately. This is the project's one
// process runner.
//
// A call is bounded: the child runs in its own session and process group (without a
// controlling terminal, so nothing can prompt), and when the deadline passes or its
// output passes the caller's bound the whole group is killed and reading stops, so neither a hung program nor a
// grandchild that keeps the pipe open can hang the caller. An interrupted caller
// (SIGINT, SIGTERM, SIGHUP, once InstallInterruptHandlers ran) stops the running child
// group and removes the files registered with RemoveOnInterrupt before it dies.
#pragma once
#include <string>
#include <vector>

namespace bp {

struct ProcessOptions {
  std::string input;                  // written to the child's stdin (else /dev/null)
  bool has_input = false;             // feed `input` (even when empty) instead of /dev/null
  std::string cwd;                    // working directory of the child ("" = ours)
  std::vector<std::string> unset_env;  // variables the child must not see (secrets)
  std::vector<std::pair<std::string, std::string>> set_env;  // added or replaced for the child
  std::vector<int> pass_fds;          // descriptors the child inherits at the same number
  int timeout_ms = 0;                 // 0: no bound
  // The most of stdout and of stderr kept (0: no bound). A child that prints more is
  // stopped like one past its deadline (too_large), so a program that prints without
  // end cannot fill our memory.
  size_t max_out_bytes = 0;
  size_t max_err_bytes = 0;
};

struct ProcessResult {
  bool started = false;    // false: the program could not be run (see `error`)
  bool timed_out = false;  // killed at the deadline (exit_code is then meaningless)
  bool too_large = false;  // killed when stdout or stderr passed its bound (out and err hold what came before)
  int exit_code = -1;      // 128+N when killed by signal N
  std::string out;
  std::string err;
  std::string error;       // why it did not start
};

// Runs argv[0] (looked up on PATH) with argv and waits, within options.timeout_ms.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A long-running child (a local server in tests): started in its own process group with
// stdin from /dev/null and stdout+stderr appended to `log_path`. Returns its pid, or -1.
int StartBackground(const std::vector<std::string>& argv, const std::string& log_path);
// SIGTERM to the group started by StartBackground, then waits for it.
void StopBackground(int pid);

// True when `name` resolves to an executable file, directly or through PATH.
bool FindExecutable(const std::string& name, std::string* path = nullptr);

// From now on SIGINT, SIGTERM and SIGHUP stop the running child's process group, remove
// the registered files, and then end the process with the signal's default action.
void InstallInterruptHandlers();
// Registers a path (at most a few, each under 4 KB) for removal on interrupt;
// ForgetOnInterrupt unregisters it once the caller removed it itself.
void RemoveOnInterrupt(const std::string& path);
void ForgetOnInterrupt(const std::string& path);

// While one exists, an interrupt (SIGINT, SIGTERM or SIGHUP, once InstallInterruptHandlers
// ran) still stops the running child's process group but no longer ends the process: it
// is remembered, so the caller can undo what it started in AWS (a change set) and say
// what is left, then end with EndIfInterrupted. A second interrupt ends the process at
// once. Nests. A sleep or a read of the terminal returns early (no SA_RESTART).
class DeferInterrupts {
 public:
  DeferInterrupts();
  ~DeferInterrupts();
  DeferInterrupts(const DeferInterrupts&) = delete;
  DeferInterrupts& operator=(const DeferInterrupts&) = delete;
};

// The interrupt remembered under DeferInterrupts (its signal number), or 0.
int InterruptSignal();
inline bool InterruptRequested() { return InterruptSignal() != 0; }

// When an interrupt was remembered: removes the registered files and ends the process
// with that signal's default action, as if it had acted at once. Otherwise nothing.
void EndIfInterrupted();

// Tests only: forgets a remembered interrupt.
void ClearInterruptForTesting();

// An anonymous in-memory file holding `contents` (mode 0600, never on disk, gone when
// the last descriptor closes): how values too secret for a file reach the child, as
// file:///dev/fd/N. Returns the descriptor (close-on-exec; list it in pass_fds), or -1.
int MemoryFile(const std::string& name, const std::string& contents);

}  // namespace bp
