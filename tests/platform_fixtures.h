// Helpers for the networking / registry / compute tests: synthesize the main stack of
// a stack.yaml text or of the bundled environments, and read the template back.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/reachability.h"
#include "app/app.h"
#include "config/loader.h"
#include "template_match.h"
#include "test_util.h"

namespace bp::fixtures {

using cfn::Json;

// A small valid stack.yaml; `extra` is appended verbatim (more top-level sections).
inline std::string StackYaml(const std::string& profile, const std::string& nat, const std::string& app_name = "orders-api",
                             const std::string& network_extra = "", const std::string& extra = "") {
  return "profile: " + profile + "\nregion: eu-west-3\napp:\n  name: " + app_name +
         "\n  port: 8080\n  health_check:\n    path: /health\n  env:\n    LOG_LEVEL: info\n"
         "network:\n  cidr: 10.0.0.0/22\n  nat: " + nat + "\n" + network_extra + extra +
         // prod guards an alert address (guards.allow_no_alerts).
         (profile == "prod" && extra.find("alerts:") == std::string::npos ? "alerts:\n  emails: [oncall@acme.example]\n" : "");
}

// The main stack's template as JSON.
inline Json MainTemplate(const App& app) {
  for (const auto& s : app.stacks)
    if (s.role == StackRole::kMain) return s.tmpl.ToJson();
  ADD_FAILURE() << "no main stack";
  return Json::object();
}

// The main stack's template among one environment's templates (analysis::TemplatesOf),
// to edit before a check or a reachability evaluation.
inline Json& MainOf(std::vector<analysis::StackTemplate>& stacks) {
  for (auto& s : stacks)
    if (s.role == StackRole::kMain) return s.tmpl;
  ADD_FAILURE() << "no main stack";
  static Json none;
  return none;
}

inline Json MainTemplate(const StackConfig& c) {
  App app;
  Diagnostics d;
  EXPECT_TRUE(Assemble(c, &app, &d)) << d.FormatAll();
  return MainTemplate(app);
}

inline Json Synth(const std::string& yaml, const std::string& env = "dev") {
  return MainTemplate(testing::SynthFromYaml(yaml, env));
}

inline std::vector<StackConfig> BundledEnvironments() {
  std::vector<StackConfig> configs;
  Diagnostics d;
  EXPECT_TRUE(LoadEnvironments(std::string(BLUEPRINT_SOURCE_DIR) + "/environments", {}, &configs, &d))
      << d.FormatAll();
  return configs;
}

inline const char* const kNatModes[] = {"gateway", "gateway-per-az", "instance", "none"};

// Finding resources: tests/template_match.h.
using testing::OnlyOfType;
using testing::ResourcesOfType;

// Parses `yaml` as environment `env` and assembles it; the diagnostics' text in `out`.
inline bool Check(const std::string& yaml, std::string* out, const std::string& env = "dev") {
  StackConfig c;
  Diagnostics d;
  App app;
  bool ok = ParseStackConfig(yaml, env + "/stack.yaml", env, &c, &d) && Assemble(c, &app, &d);
  *out = d.FormatAll();
  return ok;
}

// `v` with every Fn::If decided by `condition_value` and every Ref AWS::NoValue removed:
// what CloudFormation sees once the condition is evaluated.
inline Json Resolve(const Json& v, const std::string& condition, bool condition_value) {
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& e : v) {
      Json r = Resolve(e, condition, condition_value);
      if (r != Json{{"Ref", "AWS::NoValue"}}) out.push_back(r);
    }
    return out;
  }
  if (!v.is_object()) return v;
  if (v.size() == 1 && v.contains("Fn::If") && v["Fn::If"][0] == condition)
    return Resolve(v["Fn::If"][condition_value ? 1 : 2], condition, condition_value);
  Json out = Json::object();
  for (const auto& [k, e] : v.items()) {
    Json r = Resolve(e, condition, condition_value);
    if (r != Json{{"Ref", "AWS::NoValue"}}) out[k] = r;
  }
  return out;
}

}  // namespace bp::fixtures
