// Cost: what each stack will cost per month, priced from the assembled templates
// (not from the config), so it covers whatever the modules emit, including resource
// types added later. Three kinds of resources:
//   1. priced: a rule below turns the resource's properties into lines (fixed
//      charges such as instance hours, and usage-based charges whose quantity comes
//      from a `usage.*` assumption the line names);
//   2. free: declared free in data/prices.json, with the page that says so;
//   3. not priced: no rule; listed, and the total says it is incomplete.
// A price the table lacks for the stack's region is unknown, never zero: the line
// says so and the total is incomplete.
#pragma once
#include <string>
#include <vector>

#include "app/app.h"
#include "cfn/intrinsics.h"
#include "config/stack_config.h"

namespace bp::analysis {

struct CostLine {
  std::string name;          // "Instance hours (t4g.nano)"
  double quantity = 0;       // per month
  std::string unit;          // "hours", "GB-months", ...
  std::string price_key;     // data/prices.json key; "" when the quantity itself is unknown
  bool known = false;        // false: no price for the region, or a property set at deploy time
  double unit_usd = 0;       // when known
  double monthly_usd = 0;    // quantity x unit_usd when known
  std::string why_unknown;   // when not known
  // usage.* keys (with their values) the quantity was computed from; empty for fixed charges.
  std::vector<std::pair<std::string, double>> assumptions;
};

enum class CostStatus { kPriced, kFree, kNotPriced };

struct ResourceCost {
  std::string logical_id;
  std::string type;
  CostStatus status = CostStatus::kNotPriced;
  std::string note;  // free: the source; not priced: why
  std::vector<CostLine> lines;
  double monthly_usd = 0;
  bool complete = true;
};

struct StackCost {
  std::string name;
  std::string region;
  std::vector<ResourceCost> resources;
  double monthly_usd = 0;  // the sum of the known lines
  int unknown = 0;         // lines with an unknown price plus resources not priced
  bool complete() const { return unknown == 0; }
};

struct EnvCost {
  std::string env;
  std::vector<StackCost> stacks;
  double monthly_usd = 0;
  int unknown = 0;
  bool complete() const { return unknown == 0; }
};

// Prices one template given as CloudFormation JSON (null or no Resources: nothing).
StackCost CostTemplate(const std::string& name, const std::string& region, const cfn::Json& tmpl,
                       const UsageConfig& usage);
StackCost CostStack(const Stack& stack, const UsageConfig& usage);
EnvCost CostApp(const App& app, const std::string& env, const UsageConfig& usage);

// What changes the bill between the deployed template's cost and the new one's: priced
// resources added, removed, or whose amount or completeness moved. By logical ID.
struct ResourceDelta {
  std::string id, type;
  const ResourceCost* before = nullptr;  // null: added
  const ResourceCost* after = nullptr;   // null: removed
};
std::vector<ResourceDelta> CostDeltas(const StackCost& before, const StackCost& after);

}  // namespace bp::analysis
