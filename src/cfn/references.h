// The one reference walker for CloudFormation intrinsic functions: which names a value
// refers to, and where. The reference check (template.h), the specification check
// (spec.h), preview's replacement cascade and cost read references through it, and
// `check` and `graph` are to be built on it.
//
// What is a reference. Src:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html,
// .../intrinsic-function-reference-getatt.html, .../intrinsic-function-reference-sub.html,
// .../intrinsic-function-reference-conditions.html
//   {"Ref": "Name"}                                  kRef
//   {"Fn::GetAtt": ["Name", "Attr"]}, "Name.Attr"    kGetAtt (nested attributes keep their
//                                                    dots: "Db.Endpoint.Address")
//   ${Name} in Fn::Sub text                          kSubRef
//   ${Name.Attr} in Fn::Sub text                     kSubGetAtt (a name starting "AWS::" is a
//                                                    pseudo parameter, never an attribute)
//   {"Fn::If": ["Cond", ...]}, {"Condition": "Cond"} kCondition
// The escape rule of Fn::Sub, the only one: "${!Literal}" is text, not a reference; so is
// "${}". A variable that Fn::Sub's own map defines ([text, {"Var": ...}]) is not a reference
// either, and the map's values are walked like any other value.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cfn/intrinsics.h"

namespace bp::cfn {

enum class ReferenceKind { kRef, kGetAtt, kSubRef, kSubGetAtt, kCondition };

struct Reference {
  ReferenceKind kind;
  std::string_view logical_id;  // "Vpc", "AWS::Region", a condition's name
  // kGetAtt and kSubGetAtt: "Arn", "Endpoint.Address"; "" when Fn::GetAtt's attribute is
  // itself an expression (its references are visited after this one). "" for the others.
  std::string_view attribute;
  // Where, below the walked value: "/Properties/Tags/0/Value"; a function other than Ref,
  // GetAtt, Sub and If adds its name ("/Fn::Join/1/0"), as the checks print it.
  std::string_view path;
  // {"Ref": "AWS::Region"}, ${AWS::AccountId}: declared by no template.
  bool pseudo() const { return (kind == ReferenceKind::kRef || kind == ReferenceKind::kSubRef) && IsPseudoParameter(logical_id); }
  bool is_attribute() const { return kind == ReferenceKind::kGetAtt || kind == ReferenceKind::kSubGetAtt; }
};

// An intrinsic whose arguments are not of the form CloudFormation takes (Ref of a
// non-string, Fn::GetAtt without a name and an attribute, Fn::Sub without text, an
// unclosed "${", Fn::If without a condition name). Nothing inside it is visited.
struct MalformedIntrinsic {
  std::string_view function;  // "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If"
  const Json& argument;
  std::string_view problem;   // "Fn::GetAtt takes [LogicalId, Attribute]"
  std::string_view path;
};

using ReferenceCallback = std::function<void(const Reference&)>;
using MalformedCallback = std::function<void(const MalformedIntrinsic&)>;

// Calls `visit` for each reference in `value`, at any depth, in document order (an
// Fn::Sub's variable map before its text). `path` prefixes every path reported.
// `malformed` (optional) hears of each malformed intrinsic.
void ForEachReference(const Json& value, const ReferenceCallback& visit, const MalformedCallback& malformed = {},
                      std::string path = "");

// Fn::GetAtt's argument as (logical id, attribute): ["Name", "Attr"] or "Name.Attr". For
// ["Name", <expression>] the attribute is "". nullopt when malformed. The views point
// into `argument`, as Reference's do into the walked value.
struct GetAttTarget {
  std::string_view logical_id;
  std::string_view attribute;
};
std::optional<GetAttTarget> ParseGetAtt(const Json& argument);

// The references of one Fn::Sub text, less the variables `locals` (Fn::Sub's map, or
// null) defines: `visit` gets kSubRef or kSubGetAtt with an empty path. False when a
// "${" is not closed (the variables before it were visited).
bool ForEachSubVariable(std::string_view text, const Json* locals, const ReferenceCallback& visit);

// The logical id `value` itself names when it is a Ref or an Fn::GetAtt ("" otherwise,
// and for a pseudo parameter): where a property points, e.g. a role's ARN.
std::string_view TargetOf(const Json& value);

// The names `value` refers to through Ref, Fn::GetAtt and Fn::Sub, at any depth, less
// pseudo parameters and conditions. Sorted, each once. Resources and parameters alike:
// the caller knows which names are resources. Preview uses it to follow a replacement to
// the resources whose property values it changes.
std::vector<std::string> ReferencedNames(const Json& value);

}  // namespace bp::cfn
