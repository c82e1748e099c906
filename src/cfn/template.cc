#include "cfn/template.h"

#include <cstdio>
#include <cstdlib>
#include <set>

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
      if (!o.export_name.empty()) j["Export"] = Json{{"Name", o.export_name}};
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

  // ${Name}, ${Name.Attr}; ${!Literal} is an escape; `locals` are Fn::Sub's own variables.
  void CheckSub(const std::string& text, const std::set<std::string>& locals,
                const std::string& where) {
    size_t pos = 0;
    while ((pos = text.find("${", pos)) != std::string::npos) {
      size_t end = text.find('}', pos);
      if (end == std::string::npos) {
        Report(where, "Fn::Sub string has an unclosed '${'");
        return;
      }
      std::string var = text.substr(pos + 2, end - pos - 2);
      pos = end + 1;
      if (var.empty() || var[0] == '!') continue;
      if (locals.count(var)) continue;
      size_t dot = var.find('.');
      if (dot != std::string::npos && !StartsWith(var, "AWS::")) {
        CheckGetAtt(var.substr(0, dot), where);
      } else if (!IsRefTarget(var)) {
        Report(where, "Fn::Sub variable '${" + var + "}' is not a parameter, resource or pseudo parameter");
      }
    }
  }

  void Walk(const Json& v, const std::string& where) {
    if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) Walk(v[i], where + "/" + std::to_string(i));
      return;
    }
    if (!v.is_object()) return;
    if (v.size() == 1) {
      // Through the object iterator, whose key() and value() point into `v`
      // (a binding to *v.items().begin() would point into a destroyed temporary).
      const auto first = v.begin();
      const std::string& key = first.key();
      const Json& arg = first.value();
      if (key == "Ref") {
        if (!arg.is_string() || !IsRefTarget(arg.get<std::string>()))
          Report(where, "Ref to '" + (arg.is_string() ? arg.get<std::string>() : arg.dump()) +
                            "', which is not a parameter or resource of this stack" +
                            (arg.is_string() ? DidYouMean(arg.get<std::string>(), ResourceNames()) : ""));
        return;
      }
      if (key == "Fn::GetAtt") {
        if (arg.is_array() && arg.size() == 2 && arg[0].is_string()) {
          CheckGetAtt(arg[0].get<std::string>(), where);
          Walk(arg[1], where);
        } else if (arg.is_string()) {
          std::string s = arg.get<std::string>();
          CheckGetAtt(s.substr(0, s.find('.')), where);
        } else {
          Report(where, "Fn::GetAtt takes [LogicalId, Attribute]");
        }
        return;
      }
      if (key == "Fn::Sub") {
        if (arg.is_string()) {
          CheckSub(arg.get<std::string>(), {}, where);
        } else if (arg.is_array() && arg.size() == 2 && arg[0].is_string() && arg[1].is_object()) {
          std::set<std::string> locals;
          for (const auto& [k, val] : arg[1].items()) {
            locals.insert(k);
            Walk(val, where);
          }
          CheckSub(arg[0].get<std::string>(), locals, where);
        } else {
          Report(where, "Fn::Sub takes a string or [string, {variables}]");
        }
        return;
      }
      if (key == "Fn::If") {
        if (arg.is_array() && arg.size() == 3 && arg[0].is_string()) {
          CheckCondition(arg[0].get<std::string>(), where);
          Walk(arg[1], where);
          Walk(arg[2], where);
        } else {
          Report(where, "Fn::If takes [Condition, IfTrue, IfFalse]");
        }
        return;
      }
      if (key == "Condition" && arg.is_string()) {
        CheckCondition(arg.get<std::string>(), where);
        return;
      }
    }
    for (const auto& [k, val] : v.items()) Walk(val, where + "/" + k);
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
