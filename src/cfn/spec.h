// The CloudFormation resource specification subset (data/cfn-spec.json, generated
// by tools/spec-gen from @aws-cdk/aws-service-spec and compiled into the binary) and
// what is read from it:
//   1. the validator: every resource of every template is checked against AWS's own
//      description of its type before anything is written or deployed;
//   2. replacement facts for preview: which property changes replace a resource;
//   3. small facts modules need (does a type take tags, and in which property).
// The data is read at first use, each resource type when first asked for.
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

// kConditional also when the property itself updates in place but holds a nested
// create-only property (AWS::Budgets::Budget.Budget holds BudgetName).
Replacement ReplacementOf(std::string_view resource_type, std::string_view property);

// Checks every resource of `t` against the specification: unknown type, unknown or
// missing properties, wrong shapes (intrinsic functions accepted where they give a
// value of the expected kind), allowed values, GetAtt of attributes the type lacks.
// Errors name the stack, the logical ID and the property path
// ("orders-api-prod/Vpc/Properties/CidrBlock").
void CheckAgainstSpec(const std::string& stack_name, const Template& t, Diagnostics* diags);

// "@aws-cdk/aws-service-spec 0.1.216": where the bundled facts come from.
std::string SpecSource();

// True when the bundled subset describes `resource_type` (so it can be validated).
bool IsCoveredType(std::string_view resource_type);

// The property that holds a type's tags ("Tags"), or "" when the type takes none.
std::string TagPropertyOf(std::string_view resource_type);

}  // namespace bp::cfn
