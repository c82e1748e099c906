// What `blueprint check` prints: findings as text (grouped by environment, in the rules'
// order) or as one JSON document. check.h computes them.
#pragma once
#include <string>
#include <vector>

#include "analysis/check.h"
#include "cfn/intrinsics.h"

namespace bp::analysis {

const char* CheckSeverityName(CheckSeverity s);  // "error", "warning"

// `environments`: the names checked, so one without findings says so.
std::string CheckText(const std::vector<Finding>& findings, const std::vector<std::string>& environments);

// {ok, environments, errors, warnings, findings: [{rule, severity, title, environment,
// stack, resource, message, key, file, line, column, why, source}]}
cfn::Json CheckJson(const std::vector<Finding>& findings, const std::vector<std::string>& environments);

// The findings of error severity.
size_t CheckErrors(const std::vector<Finding>& findings);

}  // namespace bp::analysis
