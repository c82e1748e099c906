// `blueprint check`: rules over the synthesized platform and its config (issue 25).
// Each rule has an id, a severity, the reason it matters and the AWS page it rests on;
// each finding names the environment, the stack and resource, and the stack.yaml key
// (with its line) that decides it where one does. The "works at all" rules read the
// reachability analysis (reachability.h) against what the config means the platform to
// be; the others read the templates. Rendering is in check_render.h.
#pragma once
#include <string>
#include <vector>

#include "analysis/reachability.h"
#include "app/app.h"
#include "config/stack_config.h"
#include "util/diag.h"

namespace bp::analysis {

enum class CheckSeverity { kError, kWarning };

struct CheckRule {
  const char* id;  // "BP-REACH-ENTRY"
  CheckSeverity severity;
  const char* title;   // one line: what the rule asks for
  const char* why;     // why it matters
  const char* source;  // the AWS page it rests on
};

// Every rule, in the order findings are listed.
const std::vector<CheckRule>& CheckRules();
const CheckRule* FindCheckRule(const std::string& id);

struct Finding {
  const CheckRule* rule = nullptr;
  std::string env;
  std::string stack;     // the stack's name; "" when the finding is about the config alone
  std::string resource;  // logical ID; "" for the environment as a whole
  std::string message;   // what is wrong here
  std::string key;       // the stack.yaml key that decides it, "" when none does
  Location where;        // that key's place in stack.yaml (file always set)
};

// One environment: its config and its stacks' templates (TemplatesOf).
std::vector<Finding> CheckEnvironment(const StackConfig& config, const std::vector<StackTemplate>& stacks);

// Every environment of an assembled app, in the configs' order.
std::vector<Finding> CheckApp(const App& app, const std::vector<StackConfig>& configs);

}  // namespace bp::analysis
