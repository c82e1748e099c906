// The CloudFormation resource specification subset (data/cfn-spec.json, generated
// by tools/spec-gen from @aws-cdk/aws-service-spec) and what is read from it:
// property types, required properties, GetAtt attributes, and which property
// changes replace a resource.
#pragma once
#include <string>
#include <string_view>

#include "cfn/template.h"
#include "util/diag.h"

namespace bp::cfn {

// What an update of one top-level property does to the resource.
enum class Replacement {
  kUnknown,      // type or property not in the spec subset
  kNever,        // updated in place
  kConditional,  // may replace, depending on the change
  kAlways,       // create-only property: a change replaces the resource
};

Replacement ReplacementOf(std::string_view resource_type, std::string_view property);

// Checks every resource of `t` against the specification: unknown type, unknown or
// missing properties, wrong shapes, GetAtt of attributes the type lacks.
void CheckAgainstSpec(const std::string& stack_name, const Template& t, Diagnostics* diags);

}  // namespace bp::cfn
