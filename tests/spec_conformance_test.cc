// Every template the tool can produce, checked twice: by our own validator (against
// the bundled resource specification) and by cfn-lint, AWS's CloudFormation linter,
// for the template's region. The combinations are every bundled environment plus,
// on one base config, every mix of the feature switches that change which resources
// exist. New modules are covered as soon as they land: nothing here lists resources.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "app/app.h"
#include "cfn/spec.h"
#include "cfn/writer.h"
#include "config/loader.h"
#include "test_util.h"

namespace bp {
namespace {

extern "C" char** environ;

struct ToolResult {
  int exit_code = -1;  // -1: could not be started
  std::string output;  // stdout and stderr together
};

// Runs `argv[0]` found on the PATH with no shell (file names need no quoting) and no
// standard input; its output goes through a file in `scratch`.
ToolResult RunTool(const std::vector<std::string>& argv, const testing::TempDir& scratch) {
  std::string out_file = scratch.path() + "/tool.out";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  ToolResult r;
  int err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return r;
  int status = 0;
  waitpid(pid, &status, 0);
  // posix_spawnp may report a missing program only through the child's exit (127).
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = testing::ReadFileOrDie(out_file);
  return r;
}

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
  EXPECT_TRUE(LoadEnvironments(testing::SourceDir() + "/environments", {}, &envs, &diags))
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

TEST(SpecConformance, CfnLintAcceptsEveryCombination) {
  testing::TempDir dir;
  ToolResult version = RunTool({"cfn-lint", "--version"}, dir);
  if (version.exit_code != 0) GTEST_SKIP() << "SKIPPED: cfn-lint not found (pip install cfn-lint to run this check)";
  if (!version.output.empty() && version.output.back() == '\n') version.output.pop_back();

  // One cfn-lint process per region (it is slow to start), over all of that region's files.
  std::map<std::string, std::vector<std::string>> files_by_region;
  auto combos = AllCombinations();
  for (const auto& c : combos) {
    App app;
    Diagnostics diags;
    ASSERT_TRUE(Assemble(c.config, &app, &diags)) << c.name << ":\n" << diags.FormatAll();
    for (const auto& s : app.stacks) {
      files_by_region[s.region].push_back(
          dir.Write(s.name + ".template.json", cfn::WriteJson(s.tmpl.ToJson())));
    }
  }

  // The hand-written fixture our validator must accept (spec_test.cc) must satisfy
  // cfn-lint too, so the two never drift apart on valid input.
  files_by_region["eu-west-3"].push_back(std::string(BLUEPRINT_TESTS_DIR) + "/spec_fixtures/platform.template.json");

  auto start = std::chrono::steady_clock::now();
  size_t files = 0;
  for (const auto& [region, paths] : files_by_region) {
    std::vector<std::string> argv = {"cfn-lint", "--regions", region};
    for (const auto& [rule, reason] : kIgnoredLintRules) argv.insert(argv.end(), {"--ignore-checks", rule});
    argv.push_back("--");
    argv.insert(argv.end(), paths.begin(), paths.end());
    ToolResult r = RunTool(argv, dir);
    EXPECT_EQ(r.exit_code, 0) << "cfn-lint (" << region << ") reported:\n" << r.output;
    EXPECT_EQ(r.output, "") << "cfn-lint (" << region << ") reported:\n" << r.output;
    files += paths.size();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu templates (%zu combinations and a fixture), %zu region(s), %.1f s\n", version.output.c_str(), files,
              combos.size(), files_by_region.size(), seconds);
}

}  // namespace
}  // namespace bp
