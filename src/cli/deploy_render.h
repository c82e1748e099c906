// How the deploy commands word what the driver returns (deploy/driver.h): change sets
// and their risk lines, stack events and the progress line, the end of a deploy or a
// destroy, destroy plans, outputs. The driver prints nothing; these functions are the
// only place its results become text, so they are tested without any `aws`.
#pragma once
#include <cstdio>
#include <functional>
#include <string>

#include "deploy/driver.h"
#include "deploy/leftovers.h"

namespace bp::cli {

// "Change set NAME for STACK (TYPE): N change(s)", one aligned line per change, then
// the "!! DATA AT RISK" lines (analysis::RiskLine: the same words as offline preview).
std::string RenderChangeSet(const ChangeSet& cs);

// One plain line per stack event ("  0:12  CREATE_COMPLETE   Vpc   AWS::EC2::VPC").
std::string RenderEvent(const StackEvent& e);
// The line rewritten in place on a terminal ("  STACK  3/7 resources  0:42  STATUS"),
// without the control sequence that rewrites it.
std::string RenderProgress(const FollowProgress& p);

// After a failed deploy: the first failure and what the rollback left, or, when the
// stack did not settle, that it may still be updating and how to look.
std::string RenderDeployFailure(const std::string& stack, const std::string& region, const FollowResult& f);

// "  STACK: change set NAME is CREATE_PENDING; still waiting (30 s)".
std::string RenderStillWaiting(const ChangeSet& cs, int seconds);
// What a deploy or a preview could not clean up, with the command that removes each.
std::string RenderLeftBehind(const std::vector<std::string>& left_behind);
// After an interrupted `up`: nothing deployed (and the change set deleted), or, once
// executed, that CloudFormation goes on and how to follow or stop it.
std::string RenderDeployInterrupted(const std::string& stack, const std::string& region, const DeployResult& r);

// What destroying a stack deletes and what remains, and why it is refused when it is.
std::string RenderDestroyPlan(const DestroyPlan& plan);
std::string RenderDestroyBlockers(const DestroyPlan& plan);  // "error: ..." lines
std::string RenderRemaining(const DestroyPlan& plan);        // after the delete

// "no longer produced: NAME (REGION), recorded by up on DATE, still running and
// billing; " and what deletes it: `up` (an offer), `destroy --force-prod` when `guard`
// says why `up` does not (LeftoverGuard), or, for the shared account stack, only a
// person who knows no other app uses it.
std::string RenderLeftover(const Leftover& leftover, const std::string& guard);

// "  Name   value\n" lines, names aligned.
std::string FormatOutputs(const cfn::Json& outputs);

// "m:ss".
std::string Elapsed(int seconds);

// Writes rendered text for a person on `f` and flushes it. What the functions above
// render quotes AWS (output values, event reasons, physical IDs, error messages), so
// every such text is printed through here, with its controls escaped (EscapeControls):
// an answer cannot move the cursor or rewrite what the terminal shows. Always, not only
// on a terminal: a log read later with `cat` is a terminal too, and the same input
// prints the same bytes. --json output needs no more than JSON's own escapes.
void Show(FILE* f, const std::string& text);

// Where the commands talk to the user.
struct Console {
  FILE* out = stdout;
  FILE* err = stderr;
  bool live = false;         // stdout is a terminal: one progress line rewritten in place
  bool interactive = false;  // stdin is a terminal: questions may be asked
  bool assume_yes = false;   // --yes
  std::function<bool(const std::string& question)> ask;  // y/N; only called when interactive
};

// The observer that prints change sets, events and progress on `console` and asks
// `question(stack)`, refusing without a terminal unless --yes ("refusing to VERB STACK").
class ConsoleObserver {
 public:
  ConsoleObserver(Console console, std::function<std::string(const std::string&)> question, std::string verb);
  DriverObserver observer();
  void EndLine();  // closes the live progress line, if open

 private:
  Console console_;
  std::function<std::string(const std::string&)> question_;
  std::string verb_;
  bool line_open_ = false;
};

// Print one stack's result (diagnostics included) on `console`; return the exit status.
int ReportDeploy(const Stack& stack, const DeployResult& r, const Diagnostics& diags, const Console& console);
int ReportPreview(const Stack& stack, const DeployResult& r, const Diagnostics& diags, const Console& console);
int ReportDestroy(const Stack& stack, const DestroyResult& r, const Diagnostics& diags, const Console& console);
int ReportOutputs(const Stack& stack, const OutputsResult& r, const Diagnostics& diags, const Console& console);

}  // namespace bp::cli
