// Every template the tool can produce, checked twice: by our own validator (against
// the bundled resource specification) and by cfn-lint, AWS's CloudFormation linter,
// for the template's region. The combinations are every bundled environment plus,
// on one base config, every mix of the feature switches that change which resources
// exist. New modules are covered as soon as they land: nothing here lists resources.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "app/app.h"
#include "cfn/spec.h"
#include "cfn/writer.h"
#include "config/loader.h"
#include "deploy/process.h"
#include "test_util.h"

namespace bp {
namespace {

struct ToolResult {
  int exit_code = -1;  // -1: could not be started
  std::string output;  // stdout and stderr together
};

// Runs `argv[0]` found on the PATH through the project's process runner (no shell, no
// standard input).
ToolResult RunTool(const std::vector<std::string>& argv) {
  ProcessResult p = RunProcess(argv);
  ToolResult r;
  if (!p.started) return r;
  r.exit_code = p.exit_code < 128 ? p.exit_code : -1;
  r.output = p.out + p.err;
  return r;
}

// cfn-lint rules the project deliberately disagrees with, by id, with the reason.
// Empty: every rule applies.
const std::vector<std::pair<std::string, std::string>> kIgnoredLintRules = {};

struct Combination {
  std::string name;  // environment name; also names the stacks
  StackConfig config;
};

// A config per profile with the switches that change the template's shape set.
// (Keys of features not built yet are refused, so they have no combinations.)
std::string BaseConfigYaml(const std::string& profile, const std::string& nat, bool tracing) {
  return "profile: " + profile + "\n" +
         "region: us-west-2\n"
         "app:\n  name: orders-api\n  port: 8080\n  tracing: " + (tracing ? "true" : "false") +
         "\n  health_check:\n    path: /health\n"
         "network:\n  cidr: 10.1.0.0/24\n  nat: " + nat + "\n" +
         // Operations: subscriptions everywhere; budgets and anomaly detection (the global
         // stack) with tracing, so both shapes are checked. Backups follow the profile.
         "alerts:\n  emails: [oncall@acme.example]\n"
         "features:\n  cost_budget: " + (tracing ? "true" : "false") + "\n  cost_anomaly: " + (tracing ? "true" : "false") +
         "\n";
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
  for (const char* profile : {"dev", "staging", "prod"})
    for (const auto& [nat, nat_code] : kNat)
      for (bool tracing : {false, true}) {
        std::string env = std::string(profile) + "-" + nat_code + "-t" + (tracing ? "1" : "0");
        Combination c{env, {}};
        std::string yaml = BaseConfigYaml(profile, nat, tracing);
        EXPECT_TRUE(ParseStackConfig(yaml, env + "/stack.yaml", env, &c.config, &diags))
            << env << ":\n" << diags.FormatAll();
        out.push_back(std::move(c));
      }
  // ECS Express Mode (compute.platform: ecs-express): the bundled environments (NAT
  // instance and gateway, tracing in prod) and one NAT gateway per AZ without tracing; the
  // platform adds the same resources whatever else is set, so more would only slow cfn-lint.
  for (auto& c : testing::BundledEnvironmentsWith("  platform: ecs-express\n")) {
    c.env += "-ecs";
    std::string env = c.env;
    out.push_back({env, std::move(c)});
  }
  Combination ecs{"staging-gpa-ecs", {}};
  std::string yaml = BaseConfigYaml("staging", "gateway-per-az", false) + "compute:\n  platform: ecs-express\n";
  EXPECT_TRUE(ParseStackConfig(yaml, ecs.name + "/stack.yaml", ecs.name, &ecs.config, &diags)) << diags.FormatAll();
  out.push_back(std::move(ecs));
  // The edge (issue 12): WAF x CloudFront x custom domain x platform. A domain needs
  // CloudFront (refused without), so CloudFront's three states are off, on, on with a domain.
  for (const char* platform : {"apprunner", "ecs-express"})
    for (bool waf : {false, true})
      for (int edge = 0; edge < 3; ++edge) {
        std::string env = std::string("edge-") + (platform[0] == 'a' ? "ar" : "ecs") + "-w" + (waf ? "1" : "0") +
                          "-c" + std::to_string(edge);
        // ECS Express without CloudFront is its public layout (edge, its default, is CloudFront).
        std::string yaml = BaseConfigYaml("dev", "gateway", false) + "  waf: " + (waf ? "true" : "false") +
                           "\n  cloudfront: " + (edge > 0 ? "true" : "false") + "\ncompute:\n  platform: " + platform +
                           "\n" + (platform[0] == 'e' && edge == 0 ? "  ingress: public\n" : "") +
                           (edge == 2 ? "domain:\n  name: www.orders.example\n  hosted_zone_id: Z0123456789ABCDEFGHIJ\n"
                                      : "") +
                           // The body-size override (issue 22) on every web ACL that inspects.
                           (waf ? "waf:\n  large_bodies: true\n" : "");
        Combination c{env, {}};
        EXPECT_TRUE(ParseStackConfig(yaml, env + "/stack.yaml", env, &c.config, &diags)) << env << ":\n"
                                                                                          << diags.FormatAll();
        out.push_back(std::move(c));
      }
  // The main stack in us-east-1 (issue 22), beside its global stack: cfn-lint's schemas
  // differ by region, and us-east-1's AWS::CloudWatch::Dashboard has no Tags.
  for (const char* platform : {"apprunner", "ecs-express"}) {
    std::string env = std::string("use1-") + (platform[0] == 'a' ? "ar" : "ecs");
    // Tracing where the platform has it (ECS Express Mode refuses app.tracing).
    std::string yaml = BaseConfigYaml("prod", "gateway", platform[0] == 'a') + "  waf: true\n  cloudfront: true\ncompute:\n  platform: " +
                       platform + "\n";
    yaml.replace(yaml.find("us-west-2"), 9, "us-east-1");
    Combination c{env, {}};
    EXPECT_TRUE(ParseStackConfig(yaml, env + "/stack.yaml", env, &c.config, &diags)) << env << ":\n" << diags.FormatAll();
    out.push_back(std::move(c));
  }
  // The ingress layouts of ECS Express Mode (issue 21) with and without a NAT: VPC
  // endpoints appear with public, or without a NAT.
  for (const char* ingress : {"public", "private", "edge"})
    for (const char* nat : {"gateway", "none"}) {
      std::string env = std::string("in-") + ingress + "-" + (std::string(nat) == "gateway" ? "gw" : "none");
      std::string yaml = BaseConfigYaml("staging", nat, false) + "compute:\n  platform: ecs-express\n  ingress: " + ingress + "\n";
      Combination c{env, {}};
      EXPECT_TRUE(ParseStackConfig(yaml, env + "/stack.yaml", env, &c.config, &diags)) << env << ":\n"
                                                                                        << diags.FormatAll();
      out.push_back(std::move(c));
    }
  return out;
}

TEST(SpecConformance, OwnValidatorAcceptsEveryCombination) {
  auto combos = AllCombinations();
  EXPECT_EQ(combos.size(), 3u + 24u + 3u + 1u + 12u + 2u + 6u);
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

// cfn-lint over every combination starts when the test program starts, when
// SpecConformance.CfnLintAcceptsEveryCombination is selected, and runs beside the other
// tests; the test waits for it. cfn-lint is slow to start and then spends its time on one
// core: one process per region, the larger regions cut in pieces.
struct LintRun {
  std::unique_ptr<testing::TempDir> dir;
  std::string version;  // "cfn-lint 1.51.0"; "" when cfn-lint is not found
  std::vector<pid_t> pids;
  std::vector<std::string> logs, regions;
  std::vector<std::string> problems;  // combinations that did not assemble
  size_t templates = 0, distinct = 0, combinations = 0, region_count = 0;
  std::chrono::steady_clock::time_point start;
};
LintRun& Lint() {
  static LintRun run;
  return run;
}

// Starts `argv` with stdin from /dev/null and stdout+stderr to `log`; -1 when it cannot.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

class LintInBackground : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!testing::TestWillRun("SpecConformance", "CfnLintAcceptsEveryCombination")) return;
    LintRun& run = Lint();
    ToolResult version = RunTool({"cfn-lint", "--version"});
    if (version.exit_code != 0) return;
    run.version = version.output;
    if (!run.version.empty() && run.version.back() == '\n') run.version.pop_back();
    run.dir = std::make_unique<testing::TempDir>();

    // Each distinct template once (many combinations share their global or account
    // stack byte for byte), grouped by region: cfn-lint's schemas differ by region.
    std::map<std::string, std::vector<std::string>> files_by_region;
    std::set<std::pair<std::string, std::string>> seen;  // (region, text)
    auto combos = AllCombinations();
    run.combinations = combos.size();
    for (const auto& c : combos) {
      App app;
      Diagnostics diags;
      if (!Assemble(c.config, &app, &diags)) {
        run.problems.push_back(c.name + ":\n" + diags.FormatAll());
        continue;
      }
      for (const auto& st : app.stacks) {
        ++run.templates;
        std::string text = cfn::WriteJson(st.tmpl.ToJson());
        if (!seen.insert({st.region, text}).second) continue;
        files_by_region[st.region].push_back(run.dir->Write(c.name + "-" + st.name + ".template.json", text));
      }
    }
    run.distinct = seen.size();
    // The hand-written fixture our validator must accept (spec_test.cc) must satisfy
    // cfn-lint too, so the two never drift apart on valid input.
    files_by_region["eu-west-3"].push_back(std::string(BLUEPRINT_TESTS_DIR) + "/spec_fixtures/platform.template.json");
    run.region_count = files_by_region.size();

    size_t files = run.distinct + 1;
    const size_t cores = std::max(2u, std::thread::hardware_concurrency());
    const size_t per_process = std::max<size_t>(8, (files + cores - 1) / cores);
    run.start = std::chrono::steady_clock::now();
    for (const auto& [region, paths] : files_by_region)
      for (size_t i = 0; i < paths.size(); i += per_process) {
        std::vector<std::string> argv = {"cfn-lint", "--regions", region};
        for (const auto& [rule, reason] : kIgnoredLintRules) argv.insert(argv.end(), {"--ignore-checks", rule});
        argv.push_back("--");
        argv.insert(argv.end(), paths.begin() + i, paths.begin() + std::min(paths.size(), i + per_process));
        run.logs.push_back(run.dir->path() + "/lint-" + std::to_string(run.pids.size()) + ".log");
        run.regions.push_back(region);
        run.pids.push_back(Spawn(argv, run.logs.back()));
      }
  }
  void TearDown() override {  // a run that never reached the test still waits for its children
    for (pid_t pid : Lint().pids)
      if (pid > 0) waitpid(pid, nullptr, 0);
    Lint().pids.clear();
    Lint().dir.reset();
  }
};
const bool kLintRegistered = (::testing::AddGlobalTestEnvironment(new LintInBackground), true);

TEST(SpecConformance, CfnLintAcceptsEveryCombination) {
  LintRun& run = Lint();
  if (run.version.empty()) GTEST_SKIP() << "SKIPPED: cfn-lint not found (pip install cfn-lint to run this check)";
  for (const auto& p : run.problems) ADD_FAILURE() << p;
  for (size_t i = 0; i < run.pids.size(); ++i) {
    ASSERT_GT(run.pids[i], 0) << "cfn-lint could not be started";
    int status = 0;
    while (waitpid(run.pids[i], &status, 0) < 0 && errno == EINTR) {
    }
    run.pids[i] = -1;
    std::string output = testing::ReadFileOrDie(run.logs[i]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "cfn-lint (" << run.regions[i] << ") reported:\n"
                                                               << output;
    EXPECT_EQ(output, "") << "cfn-lint (" << run.regions[i] << ") reported:\n" << output;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
  std::printf("%s: %zu distinct templates of %zu (%zu combinations) and a fixture, %zu region(s), %zu processes, "
              "%.1f s since they started\n",
              run.version.c_str(), run.distinct, run.templates, run.combinations, run.region_count, run.logs.size(),
              seconds);
}

}  // namespace
}  // namespace bp
