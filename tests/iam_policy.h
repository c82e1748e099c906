// A small IAM policy evaluator for tests: does an identity policy (as the templates
// write it, CloudFormation intrinsics resolved by the caller) allow one request? It
// knows what the deploy role's policy uses: Allow statements, Action and Resource with
// '*' and '?' wildcards, and the condition operators Null, StringEquals, StringLike and
// their ForAllValues:/ForAnyValue: forms. Anything else fails the test that meets it,
// so a policy cannot pass by using what the evaluator does not understand.
// Src: DOC:IAM/latest/UserGuide/reference_policies_evaluation-logic.html;
// DOC:IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// (ForAllValues is true when the key is absent; a Null condition tests presence).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cfn/intrinsics.h"

namespace bp::testing {

// IAM action matching: case-insensitive, '*' any run of characters, '?' one character.
bool ActionMatches(const std::string& pattern, const std::string& action);

// One API call as IAM sees it: action, resource ARN and the request's condition keys.
struct IamRequest {
  std::string action;
  std::string resource;
  std::map<std::string, std::vector<std::string>> context;
  std::string what;  // the call it stands for, for messages
};

// Whether `policy` (a policy document with every value resolved to strings) allows
// `request`; `why` says which statement did, or that none did.
bool PolicyAllows(const cfn::Json& policy, const IamRequest& request, std::string* why);

}  // namespace bp::testing
