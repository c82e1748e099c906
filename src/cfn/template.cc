#include "cfn/template.h"

#include <cstdio>
#include <cstdlib>

#include "cfn/references.h"
#include "util/strings.h"

namespace bp::cfn {

namespace {

[[noreturn]] void Fatal(const std::string& message) {
  std::fprintf(stderr, "internal error: %s\n", message.c_str());
  std::abort();
}

void CheckNewName(const std::string& kind, const std::string& name, bool exists) {
  if (!IsValidLogicalId(name)) Fatal(kind + " name '" + name + "' is not alphanumeric or too long");
  if (exists) Fatal(kind + " '" + name + "' is declared twice");
}

}  // namespace

bool IsValidLogicalId(const std::string& id) {
  if (id.empty() || id.size() > 255) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c)) return false;
  return true;
}

std::string LogicalId(const std::vector<std::string>& parts) {
  std::string id;
  for (const auto& part : parts) {
    bool start = true;
    for (unsigned char c : part) {
      if (!std::isalnum(c)) {
        start = true;
        continue;
      }
      id += start ? static_cast<char>(std::toupper(c)) : static_cast<char>(c);
      start = false;
    }
  }
  if (id.size() > 255) id = id.substr(0, 247) + StableHashHex(id, 8);
  return id;
}

Resource& Template::AddResource(const std::string& logical_id, const std::string& type,
                                Json properties) {
  CheckNewName("resource", logical_id,
               resources_.Contains(logical_id) || parameters_.Contains(logical_id));
  Resource r;
  r.type = type;
  r.properties = std::move(properties);
  resources_.Insert(logical_id, std::move(r));
  return *resources_.Find(logical_id);
}

Parameter& Template::AddParameter(const std::string& name, Parameter p) {
  CheckNewName("parameter", name, parameters_.Contains(name) || resources_.Contains(name));
  parameters_.Insert(name, std::move(p));
  return *parameters_.Find(name);
}

void Template::AddCondition(const std::string& name, Json expression) {
  CheckNewName("condition", name, conditions_.Contains(name));
  conditions_.Insert(name, std::move(expression));
}

void Template::AddOutput(const std::string& name, Output o) {
  CheckNewName("output", name, outputs_.Contains(name));
  outputs_.Insert(name, std::move(o));
}

Json Template::ToJson() const {
  Json doc = Json::object();
  doc["AWSTemplateFormatVersion"] = "2010-09-09";
  if (!description.empty()) doc["Description"] = description;
  if (!metadata.is_null()) doc["Metadata"] = metadata;
  if (!parameters_.empty()) {
    Json& section = doc["Parameters"] = Json::object();
    for (const auto& [name, p] : parameters_.entries()) {
      Json j = Json::object();
      j["Type"] = p.type;
      if (!p.description.empty()) j["Description"] = p.description;
      if (!p.default_value.is_null()) j["Default"] = p.default_value;
      if (!p.allowed_values.empty()) j["AllowedValues"] = p.allowed_values;
      if (!p.allowed_pattern.empty()) j["AllowedPattern"] = p.allowed_pattern;
      if (!p.constraint_description.empty()) j["ConstraintDescription"] = p.constraint_description;
      if (p.no_echo) j["NoEcho"] = true;
      section[name] = std::move(j);
    }
  }
  if (!conditions_.empty()) {
    Json& section = doc["Conditions"] = Json::object();
    for (const auto& [name, c] : conditions_.entries()) section[name] = c;
  }
  Json& res = doc["Resources"] = Json::object();
  for (const auto& [name, r] : resources_.entries()) {
    Json j = Json::object();
    j["Type"] = r.type;
    if (!r.condition.empty()) j["Condition"] = r.condition;
    if (!r.depends_on.empty()) j["DependsOn"] = r.depends_on;
    if (!r.creation_policy.is_null()) j["CreationPolicy"] = r.creation_policy;
    if (!r.deletion_policy.empty()) j["DeletionPolicy"] = r.deletion_policy;
    if (!r.update_replace_policy.empty()) j["UpdateReplacePolicy"] = r.update_replace_policy;
    if (!r.metadata.is_null()) j["Metadata"] = r.metadata;
    if (!r.properties.empty()) j["Properties"] = r.properties;
    res[name] = std::move(j);
  }
  if (!outputs_.empty()) {
    Json& section = doc["Outputs"] = Json::object();
    for (const auto& [name, o] : outputs_.entries()) {
      Json j = Json::object();
      if (!o.description.empty()) j["Description"] = o.description;
      if (!o.condition.empty()) j["Condition"] = o.condition;
      j["Value"] = o.value;
      if (!o.export_name.empty()) j["Export"] = Object({{"Name", o.export_name}});
      section[name] = std::move(j);
    }
  }
  return doc;
}

// --- reference check -------------------------------------------------------

namespace {

struct RefChecker {
  const std::string& stack;
  const Template& t;
  Diagnostics* diags;

  void Report(const std::string& where, const std::string& what) {
    diags->Error(Location{}, stack + "/" + where, what);
  }

  bool IsRefTarget(const std::string& name) const {
    return t.resources().Contains(name) || t.parameters().Contains(name) ||
           IsPseudoParameter(name);
  }

  void CheckGetAtt(const std::string& name, const std::string& where) {
    if (!t.resources().Contains(name))
      Report(where, "Fn::GetAtt names '" + name + "', which is not a resource of this stack" +
                        DidYouMean(name, ResourceNames()));
  }

  std::vector<std::string> ResourceNames() const {
    std::vector<std::string> names;
    for (const auto& [n, r] : t.resources().entries()) names.push_back(n);
    return names;
  }

  void CheckCondition(const std::string& name, const std::string& where) {
    if (!t.conditions().Contains(name)) Report(where, "condition '" + name + "' is not declared");
  }

  // Every reference in `v` (cfn/references.h), and every malformed intrinsic.
  void Walk(const Json& v, const std::string& where) {
    ForEachReference(
        v,
        [this](const Reference& r) {
          const std::string where(r.path);
          const std::string name(r.logical_id);
          switch (r.kind) {
            case ReferenceKind::kRef:
              if (!IsRefTarget(name))
                Report(where, "Ref to '" + name + "', which is not a parameter or resource of this stack" +
                                  DidYouMean(name, ResourceNames()));
              break;
            case ReferenceKind::kGetAtt:
            case ReferenceKind::kSubGetAtt:
              CheckGetAtt(name, where);
              break;
            case ReferenceKind::kSubRef:
              if (!IsRefTarget(name))
                Report(where, "Fn::Sub variable '${" + name + "}' is not a parameter, resource or pseudo parameter");
              break;
            case ReferenceKind::kCondition:
              CheckCondition(name, where);
              break;
          }
        },
        [this](const MalformedIntrinsic& m) {
          if (m.function == "Ref")
            Report(std::string(m.path),
                   "Ref to '" + m.argument.dump() + "', which is not a parameter or resource of this stack");
          else
            Report(std::string(m.path), std::string(m.problem));
        },
        where);
  }
};

}  // namespace

void CheckReferences(const std::string& stack_name, const Template& t, Diagnostics* diags) {
  RefChecker c{stack_name, t, diags};
  for (const auto& [name, expr] : t.conditions().entries()) c.Walk(expr, "Conditions/" + name);
  for (const auto& [name, r] : t.resources().entries()) {
    if (!r.condition.empty()) c.CheckCondition(r.condition, name + "/Condition");
    for (const auto& dep : r.depends_on)
      if (!t.resources().Contains(dep))
        c.Report(name + "/DependsOn",
                 "depends on '" + dep + "', which is not a resource of this stack" +
                     DidYouMean(dep, c.ResourceNames()));
    c.Walk(r.properties, name + "/Properties");
    if (!r.metadata.is_null()) c.Walk(r.metadata, name + "/Metadata");
  }
  for (const auto& [name, o] : t.outputs().entries()) {
    if (!o.condition.empty()) c.CheckCondition(o.condition, "Outputs/" + name + "/Condition");
    c.Walk(o.value, "Outputs/" + name + "/Value");
  }
}

}  // namespace bp::cfn
