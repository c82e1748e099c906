// The CloudFormation object model: a Template holds Parameters, Conditions,
// Resources, Outputs and Metadata in insertion order (code order is stable, so output
// is deterministic). Property values are plain JSON built with cfn/intrinsics.h.
// Logical IDs are checked when added: alphanumeric, at most 255 characters, unique.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cfn/intrinsics.h"
#include "util/diag.h"

namespace bp::cfn {

struct Resource {
  std::string type;
  Json properties = Json::object();
  std::vector<std::string> depends_on;
  std::string condition;
  std::string deletion_policy;        // Delete | Retain | RetainExceptOnCreate | Snapshot
  std::string update_replace_policy;  // same values
  Json metadata;                      // null = none
  Json creation_policy;               // null = none; e.g. {ResourceSignal: {Count, Timeout}}
};

struct Parameter {
  std::string type = "String";
  std::string description;
  Json default_value;  // null = no default
  std::vector<std::string> allowed_values;
  std::string allowed_pattern;
  std::string constraint_description;
  bool no_echo = false;
};

struct Output {
  Json value;
  std::string description;
  std::string export_name;  // "" = not exported
  std::string condition;
};

// An ordered name -> value table; insertion order is output order.
template <typename T>
class Section {
 public:
  bool Contains(const std::string& name) const { return index_.count(name) != 0; }
  T* Find(const std::string& name) {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &entries_[it->second].second;
  }
  const T* Find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &entries_[it->second].second;
  }
  // Returns false when the name exists already.
  bool Insert(const std::string& name, T value) {
    if (Contains(name)) return false;
    index_[name] = entries_.size();
    entries_.emplace_back(name, std::move(value));
    return true;
  }
  const std::vector<std::pair<std::string, T>>& entries() const { return entries_; }
  std::vector<std::pair<std::string, T>>& entries() { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<std::pair<std::string, T>> entries_;
  std::map<std::string, size_t> index_;
};

// True when `id` is a valid logical ID: [A-Za-z0-9]{1,255}.
bool IsValidLogicalId(const std::string& id);

// A logical ID from stable name parts: each part is stripped of non-alphanumerics
// and capitalised ("public", "subnet", "1" -> "PublicSubnet1"). IDs longer than 255
// characters keep a stable hash suffix so they stay unique.
std::string LogicalId(const std::vector<std::string>& parts);

class Template {
 public:
  std::string description;
  Json metadata;  // null = none

  // Adding a duplicate or invalid name is a programming error in a module; it aborts
  // with a message rather than producing a template CloudFormation refuses.
  Resource& AddResource(const std::string& logical_id, const std::string& type,
                        Json properties = Json::object());
  Parameter& AddParameter(const std::string& name, Parameter p);
  void AddCondition(const std::string& name, Json expression);
  void AddOutput(const std::string& name, Output o);

  Section<Resource>& resources() { return resources_; }
  const Section<Resource>& resources() const { return resources_; }
  const Section<Parameter>& parameters() const { return parameters_; }
  const Section<Json>& conditions() const { return conditions_; }
  const Section<Output>& outputs() const { return outputs_; }
  Section<Output>& outputs() { return outputs_; }

  // The template document in CloudFormation's JSON structure.
  Json ToJson() const;

 private:
  Section<Parameter> parameters_;
  Section<Json> conditions_;
  Section<Resource> resources_;
  Section<Output> outputs_;
};

// Checks that every Ref, Fn::GetAtt, Fn::Sub variable, DependsOn, Condition and
// Fn::If name points at something the template declares. Errors name the stack, the
// resource (or output) and the property path.
void CheckReferences(const std::string& stack_name, const Template& t, Diagnostics* diags);

}  // namespace bp::cfn
