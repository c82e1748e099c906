// What `blueprint check` prints: findings as text (grouped by environment, in the rules'
// order, acknowledged ones apart with their reasons), as one JSON document, or as a
// SARIF 2.1.0 log for GitHub code scanning. check.h computes them.
#pragma once
#include <string>
#include <vector>

#include "analysis/check.h"
#include "cfn/intrinsics.h"

namespace bp::analysis {

const char* CheckSeverityName(CheckSeverity s);  // "error", "warning"

// `environments`: the names checked, so one without findings says so.
std::string CheckText(const std::vector<Finding>& findings, const std::vector<std::string>& environments);

// {ok, environments, errors, warnings, acknowledged, findings: [{rule, severity, title,
// environment, stack, resource, message, key, file, line, column, why, source,
// acknowledgement: null | {by, reason, file, line, expired}}]}
cfn::Json CheckJson(const std::vector<Finding>& findings, const std::vector<std::string>& environments);

// A SARIF 2.1.0 log (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html):
// one run whose driver lists every rule (help text and link); each finding a result
// located at the stack.yaml line that decides it, acknowledged ones suppressed in source
// with their reason. `tool_version` is the blueprint's.
cfn::Json CheckSarif(const std::vector<Finding>& findings, const std::string& tool_version);

}  // namespace bp::analysis
