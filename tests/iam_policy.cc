#include "iam_policy.h"

#include <gtest/gtest.h>

#include <cctype>

namespace bp::testing {

namespace {

using cfn::Json;

bool Glob(const std::string& pattern, const std::string& value, bool fold_case) {
  size_t p = 0, a = 0, star = std::string::npos, mark = 0;
  auto same = [fold_case](char x, char y) {
    return fold_case ? std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y))
                     : x == y;
  };
  while (a < value.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], value[a]))) {
      ++p, ++a;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = a;
    } else if (star != std::string::npos) {
      p = star + 1, a = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> Strings(const Json& v) {
  if (v.is_string()) return {v.get<std::string>()};
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) {
      ADD_FAILURE() << "unresolved policy value: " << e.dump();
      continue;
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

// One condition operator over one key.
bool ConditionHolds(const std::string& op, const std::string& key, const Json& expected, const IamRequest& r) {
  auto it = r.context.find(key);
  const bool present = it != r.context.end();
  if (op == "Null") {
    const std::string v = expected.is_string() ? expected.get<std::string>() : expected.dump();
    return v == "true" ? !present : present;
  }
  std::string base = op, set;
  if (size_t colon = op.find(':'); colon != std::string::npos) set = op.substr(0, colon), base = op.substr(colon + 1);
  const bool like = base == "StringLike";
  if (base != "StringEquals" && !like) {
    ADD_FAILURE() << "the test's evaluator does not know condition operator " << op;
    return false;
  }
  auto matches = [&](const std::string& value) {
    for (const auto& e : Strings(expected))
      if (like ? Glob(e, value, false) : e == value) return true;
    return false;
  };
  if (set == "ForAllValues") {
    if (!present) return true;
    for (const auto& v : it->second)
      if (!matches(v)) return false;
    return true;
  }
  if (!set.empty() && set != "ForAnyValue") {
    ADD_FAILURE() << "unknown set operator " << op;
    return false;
  }
  if (!present) return false;
  for (const auto& v : it->second)
    if (matches(v)) return true;
  return false;
}

}  // namespace

bool ActionMatches(const std::string& pattern, const std::string& action) { return Glob(pattern, action, true); }

bool PolicyAllows(const Json& policy, const IamRequest& r, std::string* why) {
  for (const auto& s : policy["Statement"]) {
    EXPECT_EQ(s["Effect"], "Allow") << "the evaluator knows Allow statements only";
    EXPECT_FALSE(s.contains("NotAction") || s.contains("NotResource") || s.contains("NotPrincipal"));
    bool action = false, resource = false;
    for (const auto& a : Strings(s["Action"])) action = action || ActionMatches(a, r.action);
    for (const auto& p : Strings(s["Resource"])) resource = resource || Glob(p, r.resource, false);
    if (!action || !resource) continue;
    bool conditions = true;
    if (s.contains("Condition"))
      for (auto op = s["Condition"].begin(); op != s["Condition"].end(); ++op)
        for (auto key = op.value().begin(); key != op.value().end(); ++key)
          conditions = conditions && ConditionHolds(op.key(), key.key(), key.value(), r);
    if (conditions) {
      *why = "allowed by " + s.value("Sid", std::string("a statement without Sid"));
      return true;
    }
  }
  *why = "no statement allows " + r.action + " on " + r.resource;
  return false;
}

}  // namespace bp::testing
