// The words of a template diff: what `preview` prints and its JSON form, from the typed
// facts of diff.h, which computes them (the split of a differ and a renderer). The loud
// lines are the one wording for offline preview, change sets (up, preview --remote),
// destroy and `up`'s refusals.
#pragma once
#include <string>

#include "analysis/diff.h"

namespace bp::analysis {

// The loud line for a change's DataRisk ("!! DATA AT RISK: ... would be REPLACED ..."), a
// note when a removed resource is retained, or "" when its data is safe.
std::string RiskLine(const ResourceChange& change);

// The loud line for a resource that would be replaced while its template gives it a
// custom name (cfn::CustomNameProperty): CloudFormation creates the new one first,
// under the same name, so the update fails halfway and rolls back. "!! REPLACEMENT
// WILL FAIL: ..." for Replacement True, "!! REPLACEMENT MAY FAIL: ..." for
// Conditional, "" otherwise. The one wording for offline preview, change sets and `up`'s
// refusal.
std::string NamedReplacementLine(const ResourceChange& change);

// The loud line for such a change ("!! REPLACEMENT REACHES DATA: ..."), naming the chain,
// the change that starts it (and the config key that sets it, when known) and what to do
// instead; "" when !IsCascadeDataLoss. The one wording for offline preview and `up`'s
// refusal. `diff` holds the rest of the chain.
std::string CascadeLine(const TemplateDiff& diff, const ResourceChange& change);

// Human-readable report of one stack's diff, ending with the summary line.
std::string FormatDiff(const std::string& stack_name, const TemplateDiff& diff, bool first_deploy);

// "N to add, N to modify (N replace, N may replace), N to remove"
std::string SummaryLine(const TemplateDiff& diff);

// The machine form used by `preview --json`.
cfn::Json DiffToJson(const std::string& stack_name, const TemplateDiff& diff, bool first_deploy);

const char* ReplacementWord(cfn::Replacement r);  // "replace", "may replace", "", "unknown"

}  // namespace bp::analysis
