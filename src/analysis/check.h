// `blueprint check`: rules over the synthesized platform and its config (issue 25).
// Each rule has an id, a severity, the reason it matters and the AWS page it rests on;
// each finding names the environment, the stack and resource, and the stack.yaml key
// (with its line) that decides it where one does. The "works at all" rules read the
// reachability analysis (reachability.h) against what the config means the platform to
// be; the others read the templates (check_rules.cc). A finding the environment accepts
// on purpose (checks.acknowledge, or a guards.<name> reason for the protection that guard
// names) is listed apart with its reason, until the acknowledgement's expiry day has
// passed. Rendering is in check_render.h.
#pragma once
#include <string>
#include <vector>

#include "analysis/reachability.h"
#include "app/app.h"
#include "config/stack_config.h"
#include "util/diag.h"

namespace bp::analysis {

enum class CheckSeverity { kError, kWarning };

enum class CheckFamily { kWorks, kSecurity, kReliability, kCost, kConfig };

struct CheckRule {
  const char* id;  // "BP-REACH-ENTRY"
  CheckSeverity severity;
  CheckFamily family;
  const char* title;   // one line: what the rule asks for
  const char* why;     // why it matters
  const char* source;  // the AWS page it rests on
  // Its findings are about the environment as a whole (no resource): it is acknowledged
  // as RULE_ID only.
  bool whole_environment = false;
};

// Every rule, in the order findings are listed.
const std::vector<CheckRule>& CheckRules();
const CheckRule* FindCheckRule(const std::string& id);
const char* CheckFamilyName(CheckFamily f);  // "works", "security", "reliability", "cost"

struct Finding {
  const CheckRule* rule = nullptr;
  std::string env;
  std::string stack;     // the stack's name; "" when the finding is about the config alone
  std::string resource;  // logical ID; "" for the environment as a whole
  std::string message;   // what is wrong here
  std::string key;       // the stack.yaml key that decides it, "" when none does
  Location where;        // that key's place in stack.yaml (file always set)

  // The acknowledgement that accepts it: "checks.acknowledge.RULE[/Resource]" or
  // "guards.<name>", its reason and where it is written; "" when none does.
  std::string acknowledged_by;
  std::string reason;
  Location acknowledged_at;
  std::string expired;  // the acknowledgement's expires day when it has passed

  // Accepted: an acknowledgement holds (its day has not passed).
  bool Acknowledged() const { return !acknowledged_by.empty() && expired.empty(); }
  // The rule's severity; an error once its acknowledgement has expired.
  CheckSeverity Severity() const;
};

// `today` (YYYY-MM-DD) decides which acknowledgements have expired.
std::vector<Finding> CheckEnvironment(const StackConfig& config, const std::vector<StackTemplate>& stacks,
                                      const std::string& today);

// Every environment of an assembled app, in the configs' order.
std::vector<Finding> CheckApp(const App& app, const std::vector<StackConfig>& configs, const std::string& today);

// Refuses an acknowledgement that names no rule, or a logical ID no stack of the
// environment has: it would accept nothing while the file says it does.
void CheckAcknowledgements(const StackConfig& config, const std::vector<StackTemplate>& stacks, Diagnostics* diags);

// The findings that stand at error severity (not acknowledged).
size_t CheckErrors(const std::vector<Finding>& findings);

}  // namespace bp::analysis
