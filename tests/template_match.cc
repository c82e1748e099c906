#include "template_match.h"

#include <set>

namespace bp::testing {

namespace {

std::string Short(const TemplateJson& v) {
  std::string s = v.dump();
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}

std::string Key(const std::string& where, const std::string& key) { return where.empty() ? key : where + "." + key; }

}  // namespace

std::string MatchesPartially(const TemplateJson& actual, const TemplateJson& expected, const std::string& where) {
  const std::string at = where.empty() ? "(top)" : where;
  if (expected.is_object()) {
    if (!actual.is_object()) return at + ": expected an object, got " + Short(actual);
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) return Key(where, key) + ": missing (expected " + Short(value) + ")";
      if (std::string d = MatchesPartially(actual[key], value, Key(where, key)); !d.empty()) return d;
    }
    return "";
  }
  if (expected.is_array()) {
    if (!actual.is_array()) return at + ": expected an array, got " + Short(actual);
    if (actual.size() != expected.size())
      return at + ": expected " + std::to_string(expected.size()) + " elements, got " + std::to_string(actual.size()) +
             ": " + Short(actual);
    for (size_t i = 0; i < expected.size(); ++i)
      if (std::string d = MatchesPartially(actual[i], expected[i], where + "[" + std::to_string(i) + "]"); !d.empty())
        return d;
    return "";
  }
  if (actual != expected) return at + ": expected " + Short(expected) + ", got " + Short(actual);
  return "";
}

std::vector<std::string> ResourcesOfType(const TemplateJson& t, const std::string& type,
                                         const TemplateJson& properties) {
  std::vector<std::string> out;
  if (!t.contains("Resources")) return out;
  for (const auto& [id, r] : t["Resources"].items()) {
    if (r.value("Type", "") != type) continue;
    if (!properties.is_null() && !MatchesPartially(r.value("Properties", TemplateJson::object()), properties).empty())
      continue;
    out.push_back(id);
  }
  return out;
}

const TemplateJson& OnlyOfType(const TemplateJson& t, const std::string& type) {
  std::vector<std::string> ids = ResourcesOfType(t, type);
  EXPECT_EQ(ids.size(), 1u) << type;
  static const TemplateJson kNone;
  return ids.empty() ? kNone : t["Resources"][ids[0]];
}

std::vector<std::pair<std::string, const cfn::Resource*>> OfType(const cfn::Template& t, const std::string& type) {
  std::vector<std::pair<std::string, const cfn::Resource*>> out;
  for (const auto& [id, r] : t.resources().entries())
    if (r.type == type) out.emplace_back(id, &r);
  return out;
}

::testing::AssertionResult HasResourceProperties(const TemplateJson& t, const std::string& type,
                                                 const TemplateJson& properties) {
  std::vector<std::string> ids = ResourcesOfType(t, type);
  if (ids.empty()) {
    std::set<std::string> types;
    if (t.contains("Resources"))
      for (const auto& [id, r] : t["Resources"].items()) types.insert(r.value("Type", ""));
    std::string present;
    for (const auto& ty : types) present += (present.empty() ? "" : ", ") + ty;
    return ::testing::AssertionFailure() << "no resource of type " << type << " (types present: " << present << ")";
  }
  std::string why;
  for (const auto& id : ids) {
    std::string d = MatchesPartially(t["Resources"][id].value("Properties", TemplateJson::object()), properties,
                                     id + ".Properties");
    if (d.empty()) return ::testing::AssertionSuccess();
    why += "\n  " + d;
  }
  return ::testing::AssertionFailure() << "no " << type << " has the expected properties " << Short(properties) << ":"
                                       << why;
}

::testing::AssertionResult ResourceCountIs(const TemplateJson& t, const std::string& type, size_t count) {
  std::vector<std::string> ids = ResourcesOfType(t, type);
  if (ids.size() == count) return ::testing::AssertionSuccess();
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
  return ::testing::AssertionFailure() << "expected " << count << " " << type << ", found " << ids.size()
                                       << (ids.empty() ? "" : ": " + list);
}

}  // namespace bp::testing
