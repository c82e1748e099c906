// CloudFormation's vocabulary (stack statuses, change-set actions and reasons) and
// the reading of the AWS CLI's CloudFormation answers (JSON), shared by the driver's
// files (driver.cc, change_set.cc, driver_destroy.cc). The public functions here are declared in
// deploy/driver.h (IsInProgress, IsDeployed, IsDeploySuccess, AsResourceChange).
#pragma once
#include <string>
#include <vector>

#include "cfn/intrinsics.h"
#include "cfn/template.h"
#include "deploy/aws_cli.h"
#include "deploy/driver.h"

namespace bp::cfn_answers {

// obj[key] when `obj` is an object and that member a string, else "".
std::string Str(const cfn::Json& obj, const char* key);

// The template body of a get-template answer: JSON as an object or as a string; null
// for anything else (a YAML body, an error).
cfn::Json TemplateBodyOf(const AwsResult& r);

// Whether a change set's status reason says it has no changes.
bool IsNoChangeReason(const std::string& reason);

// The rows of a describe-change-set answer's Changes.
std::vector<ChangeRow> ParseChanges(const cfn::Json& changes);

// The custom-name property `t` sets for the row's resource, unless the change set says
// the change renames it (a cause "ServiceName (replace)": the replacement gets the new
// name). A nested name ("Budget.BudgetName") cannot be told apart from its parent's
// other fields in the change set: it counts as kept, so the refusal errs on the safe side.
std::string NamePropertyOf(const ChangeRow& row, const cfn::Template& t);

}  // namespace bp::cfn_answers
