// Stacks that left the assembly. Turning a feature off can empty a stack (CloudFront and
// the cost features off leave `<app>-<env>-global` with nothing), and the assembly then
// drops it (FinishApp); renaming the app or removing an environment drops its stacks
// too. CloudFormation keeps them running and billing. What `up` recorded (deploy/state.h)
// still names them: `preview` and `up` list them, and `up` offers to delete them through
// Driver::DestroyLeftover.
#pragma once
#include <string>
#include <vector>

#include "app/app.h"
#include "deploy/state.h"

namespace bp {

struct Leftover {
  RecordedStack record;
  // The account stack (kAccountStackName) is shared by every app of this tool in the
  // account, and other apps' environments are not in this assembly: reported, never
  // offered for deletion.
  bool shared = false;
  std::string environment;  // the one environment it served, "" when unknown or several
};

// Which records a command looks at: every one (--all), or those of the selected
// environments (--stack ENV). A single stack selected (--stack orders-api-dev) looks at none.
struct LeftoverScope {
  bool all = false;
  std::vector<std::string> environments;
};

// The records of `scope` that `assembled` (every stack the whole assembly produces, all
// environments, selected or not) no longer holds under the same account, region and
// name. A record belongs to a selected environment when its stack.json lists only
// selected environments, or, for a record older than stack.json, when its key is one
// `planned` (PlanStacks of the selected environments' configs) names for one of them: the
// main stack `<app>-<env>`, the global stack `<app>-<env>-global`, the account stack of
// the environment's account. Ordered as deletion goes, consumers first: main stacks, then
// global stacks, then the rest, each by account, region and name; shared ones last.
std::vector<Leftover> FindLeftovers(const std::vector<RecordedStack>& records, const std::vector<StackKey>& assembled,
                                    const App& planned, const LeftoverScope& scope);

}  // namespace bp
