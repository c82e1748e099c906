// Secrets never leak: a stack with known secret values (app secrets, and CloudFront's
// origin secret with its previous value) goes through every command that writes or
// prints (config set/get/list, validate, stacks, synth in both formats), and none of the
// values, nor the passphrase, appears in any output file (templates, manifest), in
// stdout or stderr, or anywhere in stack.yaml.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;

TEST(SecretsLeak, NoValueOrPassphraseInAnyOutput) {
  const std::string passphrase = "Passphrase-7f3a9c-never-printed";
  const std::vector<std::pair<std::string, std::string>> secrets = {
      {"SENTRY_DSN", "https://0a1b2c3d4e5f@o42.ingest.example/4242"},
      {"STRIPE_KEY", "sk_live_51Hq8Zt2eZvKYlo2C0FFEE"},
      {"JWT_SECRET", "jwt-secret-6b1f0e9d-aa55"},
  };
  TempDir dir;
  fs::copy(SourceDir() + "/environments", dir.path() + "/environments", fs::copy_options::recursive);
  setenv("BLUEPRINT_CONFIG_PASSPHRASE", passphrase.c_str(), 1);

  std::vector<CommandResult> runs;
  for (const auto& env : {"dev", "prod"})
    for (const auto& [name, value] : secrets) {
      runs.push_back(RunBlueprint({"config", "set", "--stack", env, "--secret", name}, dir.path(), value + "\n"));
      ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;
    }
  // CloudFront in prod, with its origin secret and, mid-rotation, the previous one.
  const std::vector<std::pair<std::string, std::string>> origin = {
      {"cloudfront.origin_secret", "0f1e2d3c4b5a69788796a5b4c3d2e1f0-origin-current"},
      {"cloudfront.origin_secret_previous", "ffeeddccbbaa99887766554433221100-origin-previous"},
  };
  runs.push_back(RunBlueprint({"config", "set", "--stack", "prod", "features.cloudfront", "true"}, dir.path()));
  ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;
  for (const auto& [key, value] : origin) {
    runs.push_back(RunBlueprint({"config", "set", "--stack", "prod", "--secret", key}, dir.path(), value + "\n"));
    ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;
    runs.push_back(RunBlueprint({"config", "get", "--stack", "prod", key}, dir.path()));
  }
  // An {arn} secret next to them: ARNs are not secret and may appear.
  runs.push_back(RunBlueprint({"config", "set", "--stack", "prod", "app.secrets.EXTERNAL",
                               "arn:aws:secretsmanager:eu-west-3:123456789012:secret:external-AbCdEf"},
                              dir.path()));
  ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;

  for (const auto& env : {"dev", "prod"}) {
    runs.push_back(RunBlueprint({"config", "list", "--stack", env, "--defaults"}, dir.path()));
    runs.push_back(RunBlueprint({"config", "get", "--stack", env, "app.secrets.STRIPE_KEY"}, dir.path()));
    runs.push_back(RunBlueprint({"config", "get", "--stack", env, "app.secrets"}, dir.path()));
  }
  runs.push_back(RunBlueprint({"validate", "--all"}, dir.path()));
  runs.push_back(RunBlueprint({"stacks"}, dir.path()));
  for (std::string format : {"json", "yaml"}) {
    runs.push_back(RunBlueprint({"synth", "--all", "--out", "out-" + format, "--format", format}, dir.path()));
    ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;
  }

  auto check = [&](const std::string& what, const std::string& text) {
    for (const auto& [name, value] : secrets)
      EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(value))) << name << " in " << what;
    for (const auto& [key, value] : origin)
      EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(value))) << key << " in " << what;
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(passphrase))) << "passphrase in " << what;
  };
  for (size_t i = 0; i < runs.size(); ++i) {
    check("stdout of run " + std::to_string(i), runs[i].out);
    check("stderr of run " + std::to_string(i), runs[i].err);
  }
  std::vector<std::string> files = ListFiles(dir.path());
  EXPECT_GT(files.size(), 8u);
  for (const auto& f : files) check(f, ReadFileOrDie(dir.path() + "/" + f));

  // And the values are really there, behind the passphrase.
  CommandResult shown = RunBlueprint({"config", "get", "--stack", "prod", "--show-secrets", "app.secrets.STRIPE_KEY"}, dir.path());
  EXPECT_EQ(shown.out, secrets[1].second + "\n");
  // The origin secret too (what a rotation copies into the previous slot); a re-key keeps it.
  CommandResult origin_shown =
      RunBlueprint({"config", "get", "--stack", "prod", "--show-secrets", "cloudfront.origin_secret"}, dir.path());
  EXPECT_EQ(origin_shown.out, origin[0].second + "\n") << origin_shown.err;
  setenv("BLUEPRINT_CONFIG_NEW_PASSPHRASE", "Another-passphrase-for-rekey", 1);
  CommandResult rekey = RunBlueprint({"config", "rekey", "--stack", "prod"}, dir.path());
  unsetenv("BLUEPRINT_CONFIG_NEW_PASSPHRASE");
  ASSERT_EQ(rekey.exit_code, 0) << rekey.err;
  setenv("BLUEPRINT_CONFIG_PASSPHRASE", "Another-passphrase-for-rekey", 1);
  origin_shown = RunBlueprint(
      {"config", "get", "--stack", "prod", "--show-secrets", "cloudfront.origin_secret_previous"}, dir.path());
  EXPECT_EQ(origin_shown.out, origin[1].second + "\n") << origin_shown.err;
  check("config rekey", rekey.out + rekey.err + ReadFileOrDie(dir.path() + "/environments/prod/stack.yaml"));
  // The synthesized prod stacks do carry CloudFront and the guarded service.
  std::string global = ReadFileOrDie(dir.path() + "/out-json/orders-api-prod-global.template.json");
  EXPECT_THAT(global, ::testing::HasSubstr("AWS::CloudFront::Distribution"));
  EXPECT_THAT(ReadFileOrDie(dir.path() + "/out-json/orders-api-prod.template.json"),
              ::testing::HasSubstr("origin-secret-required"));
}

}  // namespace
}  // namespace bp::testing
