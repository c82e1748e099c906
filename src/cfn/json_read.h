// Reading JSON that comes from outside the tool: the answers of `aws`, files named on
// the command line (`preview --against`, `--parameters-file`) and the records in the
// state directory. Every such text goes through ParseJson. nlohmann's parser itself
// loops, but copying, comparing and writing a document recurse once per level, so a
// document nested 100,000 deep would overflow the stack later, far from its source:
// it is refused here, with the depth it exceeds.
#pragma once
#include <string>
#include <string_view>

#include "cfn/intrinsics.h"

namespace bp::cfn {

// CloudFormation's quotas name no nesting depth (Src:
// DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html); the deepest
// documents this tool meets (a policy condition inside a resource property of a
// template, an answer of `aws`) nest under 20 levels. 200 is far above any of them and
// far below the depth recursion on an 8 MB stack survives.
inline constexpr int kMaxJsonDepth = 200;

// *doc from `text`. False, with *error saying why ("not valid JSON", "nested deeper than
// 200 levels (at byte 200)"), when it is not a JSON document within kMaxJsonDepth;
// *doc is then null.
bool ParseJson(std::string_view text, Json* doc, std::string* error);

// "" when `doc` has the shape of a CloudFormation template: an object whose Resources
// object maps each logical ID to an object with a string Type (Src:
// DOC:AWSCloudFormation/latest/UserGuide/resources-section-structure.html), and at least
// one resource (a stack holds some; an empty template would show every resource as new).
// Otherwise what was found instead ("a JSON array", "Resources is a number"), for
// the user who gave the file.
std::string TemplateShapeProblem(const Json& doc);

// `doc` as one line of JSON, cut to at most `max` bytes (on a character boundary) and
// "..." when longer: how an unexpected answer is quoted in an error.
std::string JsonExcerpt(const Json& doc, size_t max = 300);

}  // namespace bp::cfn
