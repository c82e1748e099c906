// Issue 23: layouts and values that passed `validate` and then failed at deploy or
// misled every command (points 2, 11, 13 and 16): one stack id for two stacks, AWS's
// limits on tags, role policies and App Runner variable names, a flood of errors from
// a file of unknown keys, and YAML templates that read back differently from JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "app/app.h"
#include "cfn/writer.h"
#include "config/loader.h"
#include "deploy/process.h"
#include "test_util.h"

namespace bp::testing {
namespace {

// A small dev environment: `extra` goes at the top level, `app_extra` under app:.
std::string Yaml(const std::string& app_name, const std::string& extra = "", const std::string& app_extra = "") {
  return "profile: dev\nregion: eu-west-3\n" + extra + "app:\n  name: " + app_name + "\n  port: 8080\n" + app_extra +
         "network:\n  cidr: 10.0.0.0/22\n  nat: none\n";
}

StackConfig Parse(const std::string& yaml, const std::string& env) {
  StackConfig c;
  Diagnostics d;
  EXPECT_TRUE(ParseStackConfig(yaml, env + "/stack.yaml", env, &c, &d)) << d.FormatAll();
  return c;
}

// Assembles `configs`; the diagnostics, formatted.
std::string AssembleErrors(const std::vector<StackConfig>& configs, bool* ok) {
  App app;
  Diagnostics d;
  *ok = Assemble(configs, &app, &d);
  return d.FormatAll();
}

// --- Point 2: stack ids are unique in the assembly -------------------------------

// Environments are directories, so their names differ, but `<app>-<env>` can still
// meet: app "aa-bb" in environment "cc" and app "aa" in environment "bb-cc" give aa-bb-cc.
// In different accounts no AWS name clashes, yet files, manifest keys and dependencies
// are keyed by the stack id: synth wrote one template and up reported a false cycle.
TEST(ConfigLimits, TwoEnvironmentsWithOneStackIdAreRefused) {
  bool ok = true;
  std::string errors = AssembleErrors({Parse(Yaml("aa-bb", "account: '111111111111'\n"), "cc"),
                                       Parse(Yaml("aa", "account: '222222222222'\n"), "bb-cc")},
                                      &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(errors,
              ::testing::HasSubstr(
                  "bb-cc/stack.yaml:5:3: error: app.name: the main stack of environment 'bb-cc' is named aa-bb-cc, "
                  "like the main stack of environment 'cc' (cc/stack.yaml, app aa-bb)"))
      << errors;
  EXPECT_THAT(errors, ::testing::HasSubstr("change app.name or rename one of the environments")) << errors;
  EXPECT_THAT(errors, ::testing::Not(::testing::HasSubstr("cycle"))) << errors;

  // A global stack's name is taken too: environment bb's global stack aa-bb-global and
  // the main stack of an environment called bb-global, even in other regions.
  std::string other_region = Yaml("aa", "account: '222222222222'\n");
  other_region.replace(other_region.find("eu-west-3"), 9, "eu-west-1");
  errors = AssembleErrors({Parse(Yaml("aa", "account: '111111111111'\n"), "bb"), Parse(other_region, "bb-global")},
                          &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(errors, ::testing::HasSubstr(
                          "the main stack of environment 'bb-global' is named aa-bb-global, like the global stack of "
                          "environment 'bb'"))
      << errors;
}

TEST(ConfigLimits, SynthRefusesOneStackIdTwiceAndWritesNothing) {
  TempDir dir;
  dir.Write("environments/cc/stack.yaml", Yaml("aa-bb", "account: '111111111111'\n"));
  dir.Write("environments/bb-cc/stack.yaml", Yaml("aa", "account: '222222222222'\n"));
  CommandResult r = RunBlueprint({"synth", "--environments", "environments", "--out", "out", "--quiet"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err,
              ::testing::HasSubstr(
                  "cc/stack.yaml:5:3: error: app.name: the main stack of environment 'cc' is named aa-bb-cc, like "
                  "the main stack of environment 'bb-cc'"))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/out"));
}

// Environments naming an account and environments naming none: the unnamed ones may be
// in one of the named accounts, and then one account would hold two account stacks of
// one name. The rule: every environment names its account, or none does.
TEST(ConfigLimits, MixingNamedAndUnnamedAccountsIsRefused) {
  bool ok = true;
  std::string errors = AssembleErrors(
      {Parse(Yaml("orders-api", "account: '111111111111'\n"), "dev"), Parse(Yaml("orders-api"), "prod")}, &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(errors, ::testing::HasSubstr(
                          "prod/stack.yaml:1:1: error: account: environment 'prod' names no account, while dev names "
                          "one; set `account:` in every environment or in none"))
      << errors;
  AssembleErrors({Parse(Yaml("orders-api", "account: '111111111111'\n"), "dev"),
                  Parse(Yaml("orders-api", "account: '111111111111'\n"), "prod")},
                 &ok);
  EXPECT_TRUE(ok);
  AssembleErrors({Parse(Yaml("orders-api"), "dev"), Parse(Yaml("orders-api"), "prod")}, &ok);
  EXPECT_TRUE(ok);
}

// --- Point 11: AWS limits checked by validate ---------------------------------------

std::string ParseErrors(const std::string& yaml, const std::string& env = "dev") {
  StackConfig c;
  Diagnostics d;
  EXPECT_FALSE(ParseStackConfig(yaml, env + "/stack.yaml", env, &c, &d)) << yaml;
  return d.FormatAll();
}

// Src: tag values have at most 256 characters (Tagging AWS resources).
TEST(ConfigLimits, TagValuesOver256CharactersAreRefused) {
  std::string errors = ParseErrors(Yaml("orders-api", "tags:\n  extra:\n    Owner: " + std::string(257, 'o') + "\n"));
  EXPECT_THAT(errors, ::testing::HasSubstr(
                          "dev/stack.yaml:5:5: error: tags.extra.Owner: the tag value has 257 characters; AWS allows "
                          "at most 256"))
      << errors;
  errors = ParseErrors(Yaml("orders-api", "tags:\n  cost_center: " + std::string(300, 'c') + "\n"));
  EXPECT_THAT(errors,
              ::testing::HasSubstr("error: tags.cost_center: the tag value has 300 characters; AWS allows at most 256"))
      << errors;
  StackConfig c;
  Diagnostics d;
  EXPECT_TRUE(ParseStackConfig(Yaml("orders-api", "tags:\n  extra:\n    Owner: " + std::string(256, 'o') + "\n"),
                               "dev/stack.yaml", "dev", &c, &d))
      << d.FormatAll();
}

std::string ExtraTags(size_t n) {
  std::string out = "tags:\n  cost_center: engineering\n  extra:\n";
  for (size_t i = 0; i < n; ++i) out += "    Team" + std::to_string(100 + i) + ": t\n";
  return out;
}

// 46 tags.extra entries plus the tool's own tags (Project, Environment, ManagedBy,
// CostCenter, and a Name on some resources) cross AWS's 50 tags per resource.
TEST(ConfigLimits, MoreThan50TagsOnAResourceAreRefused) {
  bool ok = true;
  std::string errors = AssembleErrors({Parse(Yaml("orders-api", ExtraTags(46)), "dev")}, &ok);
  EXPECT_FALSE(ok);
  EXPECT_THAT(errors, ::testing::HasSubstr("dev/stack.yaml:5:3: error: tags.extra: ")) << errors;
  EXPECT_THAT(errors, ::testing::HasSubstr(
                          " has 51 tags (46 from tags.extra); AWS allows 50 per resource: remove 1 or more entries "
                          "from tags.extra"))
      << errors;
  AssembleErrors({Parse(Yaml("orders-api", ExtraTags(45)), "dev")}, &ok);
  EXPECT_TRUE(ok);
}

std::string Github(size_t branches) {
  std::string out = "github:\n  org: acme\n  repo: orders-api\n  branches:\n";
  for (size_t i = 0; i < branches; ++i) out += "    - release/2026-" + std::to_string(1000 + i) + "-hotfix\n";
  return out;
}

// The deploy role's trust policy lists one subject per branch and environment. IAM
// takes 2,048 characters by default and 4,096 when the account's quota is raised.
TEST(ConfigLimits, TrustPolicyOverIamLimitIsRefused) {
  App app;
  Diagnostics d;
  EXPECT_FALSE(Assemble(Parse(Yaml("orders-api", Github(80)), "dev"), &app, &d));
  std::string errors = d.FormatAll();
  EXPECT_THAT(errors,
              ::testing::HasSubstr(
                  "dev/stack.yaml:6:3: error: github.branches: the trust policy of role GithubDeployRole (stack "
                  "orders-api-dev) has about "))
      << errors;
  EXPECT_THAT(errors, ::testing::HasSubstr(
                          " characters; IAM allows at most 4,096 (2,048 unless the account's quota \"Role trust policy "
                          "length\" was raised): list fewer branches or environments"))
      << errors;

  Diagnostics warned;
  EXPECT_TRUE(Assemble(Parse(Yaml("orders-api", Github(30)), "dev"), &app, &warned)) << warned.FormatAll();
  EXPECT_THAT(warned.FormatAll(),
              ::testing::HasSubstr("warning: github.branches: the trust policy of role GithubDeployRole (stack "
                                   "orders-api-dev) has about "))
      << warned.FormatAll();
  EXPECT_THAT(warned.FormatAll(),
              ::testing::HasSubstr("over IAM's default 2,048: deploying needs the quota \"Role trust policy length\" "
                                   "raised (Service Quotas, IAM)"))
      << warned.FormatAll();
}

std::string ArnSecrets(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    std::string name = "SECRET_" + std::to_string(1000 + i);
    out += "    " + name + ": {arn: 'arn:aws:secretsmanager:eu-west-3:111111111111:secret:orders-api/" + name +
           "-AbCdEf'}\n";
  }
  return "  secrets:\n" + out;
}

// Every {arn} secret adds its ARN to the run-time role's inline policy; IAM allows
// 10,240 characters of inline policies per role (white space not counted).
TEST(ConfigLimits, InlinePoliciesOverIamLimitAreRefused) {
  App app;
  Diagnostics d;
  EXPECT_FALSE(Assemble(Parse(Yaml("orders-api", "", ArnSecrets(130)), "dev"), &app, &d));
  std::string errors = d.FormatAll();
  EXPECT_THAT(errors, ::testing::HasSubstr(
                          "dev/stack.yaml:6:3: error: app.secrets: the inline policies of role ServiceInstanceRole "
                          "(stack orders-api-dev) have about "))
      << errors;
  EXPECT_THAT(errors,
              ::testing::HasSubstr(
                  " characters; IAM allows 10,240 per role: reference fewer secrets (one Secrets Manager secret "
                  "can hold several values as JSON keys)"))
      << errors;
  Diagnostics fine;
  EXPECT_TRUE(Assemble(Parse(Yaml("orders-api", "", ArnSecrets(60)), "dev"), &app, &fine)) << fine.FormatAll();
}

// App Runner reserves variable names starting with AWSAPPRUNNER.
TEST(ConfigLimits, AppRunnerReservedVariableNamesAreRefused) {
  App app;
  Diagnostics d;
  EXPECT_FALSE(Assemble(Parse(Yaml("orders-api", "", "  env:\n    AWSAPPRUNNER_MODE: x\n"), "dev"), &app, &d));
  EXPECT_THAT(d.FormatAll(),
              ::testing::HasSubstr("dev/stack.yaml:7:5: error: app.env.AWSAPPRUNNER_MODE: App Runner reserves names "
                                   "starting with AWSAPPRUNNER; choose another name"))
      << d.FormatAll();
}

// --- Point 13: a file of unknown keys ----------------------------------------------

// 19,500 unknown keys gave 19,500 errors, each listing every allowed key (8.6 MiB),
// and a did-you-mean over the whole schema for each (13 s).
TEST(ConfigLimits, ManyUnknownKeysStopAfterFiftyErrors) {
  std::string yaml = Yaml("orders-api");
  for (int i = 0; i < 19500; ++i) yaml += "unknown_key_" + std::to_string(i) + ": 1\n";
  std::string errors = ParseErrors(yaml);
  size_t lines = std::count(errors.begin(), errors.end(), '\n');
  EXPECT_LE(lines, 51u) << errors.substr(0, 2000);
  EXPECT_THAT(errors, ::testing::HasSubstr("… and 19450 more errors in this file (the first 50 are shown)"))
      << errors.substr(errors.size() > 2000 ? errors.size() - 2000 : 0);
}

// A key far longer than any key of the schema gets no did-you-mean: the edit distance
// costs its length times each candidate's, and such a key is no typo.
TEST(ConfigLimits, LongUnknownKeysGetNoDidYouMean) {
  const std::string junk = "profile" + std::string(200, 'x');
  std::string errors = ParseErrors(Yaml("orders-api") + junk + ": 1\n" + "cidrr: 1\n");
  EXPECT_THAT(errors, ::testing::HasSubstr("error: " + junk + ": unknown key; keys allowed at the top level"))
      << errors;
  EXPECT_THAT(errors, ::testing::HasSubstr("error: cidrr: unknown key (did you mean 'network.cidr'?)")) << errors;
}

// --- Mutation findings: nesting ------------------------------------------------------

// yaml-cpp recurses once per level and stops at 2,000 with "bad file"; the loader
// refuses deep nesting first, at its line, in block and in flow style.
TEST(ConfigLimits, DeepNestingIsRefusedBeforeParsing) {
  std::string block = "deep:\n";
  for (size_t d = 1; d <= 100; ++d) block += std::string(d, ' ') + "k:\n";
  std::string errors = ParseErrors(Yaml("orders-api") + block);
  EXPECT_THAT(errors, ::testing::HasSubstr("dev/stack.yaml:73:65: error: nested more than 64 levels deep here"))
      << errors.substr(0, 2000);
  errors = ParseErrors(Yaml("orders-api") + "deep: " + std::string(3000, '[') + std::string(3000, ']') + "\n");
  EXPECT_THAT(errors, ::testing::HasSubstr(
                          "dev/stack.yaml:9:71: error: nested more than 64 levels deep here; a stack.yaml needs four"))
      << errors.substr(0, 2000);
  // Brackets in quotes, comments and block scalars are text.
  StackConfig c;
  Diagnostics d;
  std::string text = std::string("profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n  env:\n") +
                     "    A: '" + std::string(100, '[') + "'\n    B: \"" + std::string(100, '{') + "\"\n" +
                     "    C: |\n      " + std::string(100, '[') + "\n" + "# " + std::string(100, '[') + "\n";
  EXPECT_TRUE(ParseStackConfig(text, "dev/stack.yaml", "dev", &c, &d)) << d.FormatAll();
}

// --- Point 16: YAML templates say what JSON says ------------------------------------

// U+0085, U+2028 and U+2029 are line breaks to YAML 1.1 readers and fold inside a
// scalar; the other C1 controls and U+FEFF are not printable. Written raw in a
// double-quoted scalar, a YAML reader returned another string than the JSON holds.
TEST(ConfigLimits, YamlEscapesUnicodeLineBreaks) {
  const std::string nel = "\xc2\x85", ls = "\xe2\x80\xa8", ps = "\xe2\x80\xa9", c1 = "\xc2\x9b", bom = "\xef\xbb\xbf";
  cfn::Json doc = {{"Description", "one" + nel + "two" + ls + "three" + ps + "four"},
                   {"Resources", {{"Topic", {{"Type", "AWS::SNS::Topic"},
                                             {"Properties", {{"DisplayName", "csi" + c1 + "[31m" + bom + "end"},
                                                             {"Key" + ls, "value"}}}}}}}};
  std::string yaml = cfn::WriteYaml(doc);
  for (const std::string& raw : {nel, ls, ps, c1, bom})
    EXPECT_THAT(yaml, ::testing::Not(::testing::HasSubstr(raw))) << "raw bytes in:\n" << yaml;
  EXPECT_THAT(yaml, ::testing::HasSubstr("\"one\\x85two\\u2028three\\u2029four\"")) << yaml;

  // Read back with yaml-cpp: the same strings as the JSON.
  YAML::Node back = YAML::Load(yaml);
  EXPECT_EQ(back["Description"].as<std::string>(), doc["Description"].get<std::string>());
  EXPECT_EQ(back["Resources"]["Topic"]["Properties"]["DisplayName"].as<std::string>(),
            doc["Resources"]["Topic"]["Properties"]["DisplayName"].get<std::string>());
  EXPECT_EQ(back["Resources"]["Topic"]["Properties"]["Key" + ls].as<std::string>(), "value");

  // And with a YAML 1.1 reader (PyYAML, what most CloudFormation tools use), when present.
  TempDir dir;
  std::string file = dir.Write("t.yaml", yaml);
  std::string json_file = dir.Write("t.json", cfn::WriteJson(doc));
  ProcessResult has_yaml = RunProcess({"python3", "-c", "import yaml"});
  if (!has_yaml.started || has_yaml.exit_code != 0) GTEST_SKIP() << "SKIPPED: python3 with PyYAML not found";
  ProcessResult r = RunProcess({"python3", "-c",
                                "import sys, json, yaml\n"
                                "a = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))\n"
                                "b = json.load(open(sys.argv[2], encoding='utf-8'))\n"
                                "sys.exit(0 if a == b else 3)\n",
                                file, json_file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace bp::testing
