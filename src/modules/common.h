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

// What a compute platform needs to roll out a new image through a stack update that
// changes only the image parameter: the IAM statements CloudFormation's update of its
// resource calls for, and those resources' types. The delivery module grants exactly
// these to the deploy role.
struct ImageRollout {
  std::vector<cfn::Json> statements;        // e.g. apprunner:UpdateService on the service
  std::vector<std::string> resource_types;  // e.g. AWS::AppRunner::Service
};

// An IAM trust policy letting one AWS service principal ("tasks.apprunner.amazonaws.com")
// assume a role.
cfn::Json ServiceTrustPolicy(const std::string& service_principal);

}  // namespace bp
