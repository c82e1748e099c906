// Every template the tool can produce, checked twice: by our own validator (against
// the bundled resource specification) and by cfn-lint, AWS's CloudFormation linter,
// for the template's region. The combinations are every bundled environment plus,
// on one base config, every mix of the feature switches that change which resources
// exist. New modules are covered as soon as they land: nothing here lists resources.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "app.h"
#include "cfn/spec.h"
#include "cfn/writer.h"
#include "config/loader.h"

namespace bp {
namespace {

namespace fs = std::filesystem;

// cfn-lint rules the project deliberately disagrees with, by id, with the reason.
// Empty: every rule applies.
const std::vector<std::pair<std::string, std::string>> kIgnoredLintRules = {};

struct Combination {
  std::string name;  // environment name; also names the stacks
  StackConfig config;
};

// A staging-profile config with the switches set; cost features alert alerts.emails.
std::string BaseConfigYaml(bool cloudfront, bool waf, const std::string& nat, bool budget, bool anomaly) {
  auto b = [](bool v) { return v ? "true" : "false"; };
  return std::string("profile: staging\n") +
         "region: us-west-2\n"
         "app:\n  name: orders-api\n  port: 8080\n  health_check:\n    path: /health\n"
         "github:\n  org: acme\n  repo: orders-api\n  environments: [staging]\n"
         "network:\n  cidr: 10.1.0.0/24\n  nat: " + nat + "\n"
         "features:\n  cloudfront: " + b(cloudfront) + "\n  waf: " + b(waf) +
         "\n  cost_budget: " + b(budget) + "\n  cost_anomaly: " + b(anomaly) + "\n"
         "alerts:\n  emails: [platform@acme.example]\n"
         "budget:\n  monthly_usd: 150\n";
}

std::vector<Combination> AllCombinations() {
  std::vector<Combination> out;
  Diagnostics diags;
  std::vector<StackConfig> envs;
  EXPECT_TRUE(LoadEnvironments(std::string(BLUEPRINT_SOURCE_DIR) + "/environments", {}, &envs, &diags))
      << diags.FormatAll();
  for (auto& c : envs) out.push_back({c.env, std::move(c)});
  const std::pair<std::string, std::string> kNat[] = {
      {"gateway", "gw"}, {"gateway-per-az", "gpa"}, {"instance", "inst"}, {"none", "none"}};
  for (bool cloudfront : {false, true})
    for (bool waf : {false, true})
      for (const auto& [nat, nat_code] : kNat)
        for (bool budget : {false, true})
          for (bool anomaly : {false, true}) {
            std::string env = std::string("cf") + (cloudfront ? "1" : "0") + "-waf" + (waf ? "1" : "0") + "-" +
                              nat_code + "-b" + (budget ? "1" : "0") + "-a" + (anomaly ? "1" : "0");
            Combination c{env, {}};
            std::string yaml = BaseConfigYaml(cloudfront, waf, nat, budget, anomaly);
            EXPECT_TRUE(ParseStackConfig(yaml, env + "/stack.yaml", env, &c.config, &diags))
                << env << ":\n" << diags.FormatAll();
            out.push_back(std::move(c));
          }
  return out;
}

TEST(SpecConformance, OwnValidatorAcceptsEveryCombination) {
  auto combos = AllCombinations();
  EXPECT_EQ(combos.size(), 3u + 64u);
  size_t stacks = 0;
  for (const auto& c : combos) {
    App app;
    Diagnostics diags;
    ASSERT_TRUE(Assemble(c.config, &app, &diags)) << c.name << ":\n" << diags.FormatAll();
    for (const auto& s : app.stacks) {
      cfn::CheckAgainstSpec(s.name, s.tmpl, &diags);
      ++stacks;
    }
    EXPECT_EQ(diags.ErrorCount(), 0u) << c.name << ":\n" << diags.FormatAll();
  }
  EXPECT_GE(stacks, combos.size());
}

// `command` with stdout and stderr captured; the exit status in *status.
std::string RunCapture(const std::string& command, int* status) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) {
    *status = -1;
    return "popen failed";
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

TEST(SpecConformance, CfnLintAcceptsEveryCombination) {
  int status = 0;
  std::string version = RunCapture("cfn-lint --version", &status);
  if (!version.empty() && version.back() == '\n') version.pop_back();
  if (status != 0) GTEST_SKIP() << "SKIPPED: cfn-lint not found (pip install cfn-lint to run this check)";

  std::string tmpl = (fs::temp_directory_path() / "blueprint-cfn-lint-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  fs::path dir = tmpl;

  // One cfn-lint process per region (it is slow to start), over all of that region's files.
  std::map<std::string, std::vector<std::string>> files_by_region;
  auto combos = AllCombinations();
  for (const auto& c : combos) {
    App app;
    Diagnostics diags;
    ASSERT_TRUE(Assemble(c.config, &app, &diags)) << c.name << ":\n" << diags.FormatAll();
    for (const auto& s : app.stacks) {
      fs::path file = dir / (s.name + ".template.json");
      std::ofstream(file) << cfn::WriteJson(s.tmpl.ToJson());
      files_by_region[s.region].push_back(file.string());
    }
  }

  std::string ignore;
  for (const auto& [rule, reason] : kIgnoredLintRules) ignore += " --ignore-checks " + rule;
  auto start = std::chrono::steady_clock::now();
  size_t files = 0;
  for (const auto& [region, paths] : files_by_region) {
    std::string cmd = "cfn-lint --regions " + region + ignore + " --";
    for (const auto& p : paths) cmd += " " + ShellQuote(p);
    std::string out = RunCapture(cmd, &status);
    EXPECT_EQ(status, 0) << "cfn-lint (" << region << ") reported:\n" << out;
    EXPECT_EQ(out, "") << "cfn-lint (" << region << ") reported:\n" << out;
    files += paths.size();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu templates from %zu combinations, %zu region(s), %.1f s\n", version.c_str(), files,
              combos.size(), files_by_region.size(), seconds);
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace bp
