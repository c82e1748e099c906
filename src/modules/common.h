// What every module receives besides its own Args: a name prefix for physical names
// and the tags every taggable resource carries. Modules are pure functions of their
// inputs: no files, no globals, no environment-name checks.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"

namespace bp {

struct ModuleContext {
  std::string name_prefix;  // "<app>-<env>", the stem of physical names
  std::vector<std::pair<std::string, std::string>> tags;  // Key, Value in output order

  // Tags plus a Name tag, in CloudFormation's [{Key, Value}] form.
  cfn::Json TagsWithName(const std::string& name) const;
  cfn::Json Tags() const;
};

// An IAM trust policy letting one AWS service principal ("tasks.apprunner.amazonaws.com")
// assume a role.
cfn::Json ServiceTrustPolicy(const std::string& service_principal);

}  // namespace bp
