// Deterministic template writers. The same JSON value always gives the same bytes:
// keys keep the template's order, numbers print in one form, and text is UTF-8
// (invalid UTF-8 is refused rather than written).
#pragma once
#include <string>

#include "cfn/intrinsics.h"
#include "cfn/template.h"

namespace bp::cfn {

enum class Format { kJson, kYaml };

// JSON with one-space indentation (as the CDK writes it: small and diff-friendly),
// non-ASCII characters kept as UTF-8, trailing newline.
std::string WriteJson(const Json& doc);

// The same JSON without white space: what is sent to CloudFormation, whose size
// limits (51,200 bytes inline, 1 MB from S3) count the bytes sent.
std::string WriteCompactJson(const Json& doc);
// Compact, with the members of every object in the order of their keys: the text
// nlohmann::json (whose objects are sorted maps) dumps for the same value, so it does not
// depend on the order a module added the members in.
std::string WriteCanonicalJson(const Json& doc);

// CloudFormation's limits on a template body, in bytes.
// Src: DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html (reference/aws-facts.md 12).
inline constexpr size_t kMaxInlineTemplateBytes = 51200;
inline constexpr size_t kMaxS3TemplateBytes = 1024 * 1024;

// Block-style YAML 1.2 in CloudFormation's long form ("Fn::GetAtt": [...]), so
// no custom tags are needed; strings are quoted whenever a plain scalar could be
// read as anything but the same string.
std::string WriteYaml(const Json& doc);

std::string Write(const Json& doc, Format format);

// A template's document written straight from the model, without building it as one
// JSON value first (Template::ToJson copies every property tree): the same bytes as
// Write(t.ToJson(), format), WriteCompactJson(t.ToJson()) and its size.
std::string WriteTemplate(const Template& t, Format format);
std::string WriteTemplateCompactJson(const Template& t);
size_t TemplateCompactJsonSize(const Template& t);

// Throws nothing; returns false with a message when a string is not valid UTF-8.
bool IsValidUtf8(const std::string& s);

}  // namespace bp::cfn
