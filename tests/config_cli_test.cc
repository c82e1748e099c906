// `blueprint config` end to end, through the built binary: exit statuses, refused
// edits, and secrets that decrypt only with the right passphrase.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;

class ConfigCli : public ScratchEnvironments {
 protected:
  CommandResult Config(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), "config");
    return RunBlueprint(args, dir_.path(), input);
  }
};

TEST_F(ConfigCli, SetKeepsCommentsAndGetReadsBack) {
  std::string before = Read("dev");
  CommandResult r = Config({"set", "--stack", "dev", "network.max_az_count", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string after = Read("dev");
  EXPECT_EQ(after.substr(0, after.find("profile:")), before.substr(0, before.find("profile:")));  // header comment
  EXPECT_THAT(after, ::testing::HasSubstr("  max_az_count: 3\n"));
  r = Config({"get", "--stack", "dev", "network.max_az_count"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "3\n");
  r = Config({"get", "--stack", "dev", "database.log_statement"});  // a profile default
  EXPECT_EQ(r.out, "ddl\n");
}

TEST_F(ConfigCli, InvalidEditRefusedAndNothingWritten) {
  std::string before = Read("prod");
  const std::vector<std::vector<std::string>> edits = {
      {"set", "--stack", "prod", "network.az_count", "9"},
      {"set", "--stack", "prod", "database.multi_az", "false"},
      {"set", "--stack", "prod", "domain.name", "www.orders.example"},
      {"set", "--stack", "prod", "app.cpu", "3 vCPU"},
      {"set", "--stack", "prod", "app.name", "Bad_Name"},
      {"rm", "--stack", "prod", "app.name"},
      {"set", "--stack", "prod", "nosuch.key", "1"},
      {"set", "--stack", "prod", "app.secrets.X", "plain"},
      {"set", "--stack", "prod", "encryption.iterations", "1000"},
  };
  for (const auto& e : edits) {
    CommandResult r = Config(e);
    EXPECT_EQ(r.exit_code, 2) << e[3];
    EXPECT_EQ(Read("prod"), before) << e[3];
  }
  EXPECT_THAT(Config({"set", "--stack", "prod", "database.multi_az", "false"}).err, ::testing::HasSubstr("guards"));
  EXPECT_THAT(Config({"set", "--stack", "prod", "domain.name", "www.orders.example"}).err,
              ::testing::HasSubstr("domain.hosted_zone_id go together"));
  EXPECT_THAT(Config({"set", "--stack", "prod", "app.cpu", "3 vCPU"}).err,
              ::testing::HasSubstr("App Runner does not offer"));
}

TEST_F(ConfigCli, ListShowsSources) {
  CommandResult r = Config({"list", "--stack", "prod", "--defaults"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("database.multi_az"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("profile prod"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("stack.yaml:4"));  // region
}

// Values the platform or the layout decides (compute.ingress, features.cloudfront,
// app.tracing) show their effective value and what decided it, not the profile's.
TEST_F(ConfigCli, DerivedValuesSayWhatDecidedThem) {
  ASSERT_EQ(Config({"set", "--stack", "prod", "compute.platform", "ecs-express"}).exit_code, 0);
  CommandResult r = Config({"get", "--stack", "prod", "compute.ingress", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("\"value\": \"edge\"")) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("\"source\": \"compute.platform ecs-express\"")) << r.out;
  r = Config({"list", "--stack", "prod", "--defaults"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* row : {"features.cloudfront", "app.tracing"}) {
    size_t at = r.out.find(std::string(row) + " ");
    ASSERT_NE(at, std::string::npos) << row << r.out;
    std::string line = r.out.substr(at, r.out.find('\n', at) - at);
    EXPECT_THAT(line, ::testing::HasSubstr(std::string(row) == "app.tracing" ? "false" : "true")) << line;
    EXPECT_THAT(line, ::testing::HasSubstr(std::string(row) == "app.tracing" ? "compute.platform ecs-express"
                                                                             : "compute.ingress edge"))
        << line;
  }
}

TEST_F(ConfigCli, SecretRoundTripAndRejections) {
  const std::string value = "postgres://sentry:hunter2@example/42";
  CommandResult r = Config({"set", "--stack", "dev", "--secret", "SENTRY_DSN"}, value + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string file = Read("dev");
  EXPECT_THAT(file, ::testing::Not(::testing::HasSubstr("hunter2")));
  EXPECT_THAT(file, ::testing::HasSubstr("SENTRY_DSN: {secure: \"v1:"));
  EXPECT_THAT(file, ::testing::HasSubstr("encryption:\n  salt: "));

  r = Config({"get", "--stack", "dev", "app.secrets.SENTRY_DSN"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "[secret]\n");
  r = Config({"get", "--stack", "dev", "--show-secrets", "app.secrets.SENTRY_DSN"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, value + "\n");

  // Another passphrase is refused, for reading and for adding a second secret.
  setenv("BLUEPRINT_CONFIG_PASSPHRASE", "wrong", 1);
  r = Config({"set", "--stack", "dev", "--secret", "API_KEY"}, "abc\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("wrong passphrase")) << r.err;
  EXPECT_EQ(Read("dev"), file);
  r = Config({"get", "--stack", "dev", "--show-secrets", "app.secrets.SENTRY_DSN"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("wrong passphrase"));
  EXPECT_EQ(r.out, "");
  setenv("BLUEPRINT_CONFIG_PASSPHRASE", kPassphrase, 1);

  // Tampered ciphertext: one character changed.
  size_t at = file.find("{secure: \"v1:") + 20;
  std::string tampered = file;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  Replace("dev", tampered);
  r = Config({"list", "--stack", "dev", "--show-secrets"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("cannot decrypt")) << r.err;
  EXPECT_EQ(r.out, "");

  // A value moved under another name does not decrypt either.
  std::string swapped = file;
  swapped.replace(swapped.find("SENTRY_DSN:"), 11, "OTHER_NAME:");
  Replace("dev", swapped);
  r = Config({"get", "--stack", "dev", "--show-secrets", "app.secrets.OTHER_NAME"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(ConfigCli, RekeyKeepsValuesUnderTheNewPassphraseOnly) {
  ASSERT_EQ(Config({"set", "--stack", "dev", "--secret", "A"}, "alpha\n").exit_code, 0);
  ASSERT_EQ(Config({"set", "--stack", "dev", "--secret", "B"}, "beta\n").exit_code, 0);
  std::string before = Read("dev");
  setenv("BLUEPRINT_CONFIG_NEW_PASSPHRASE", "a-new-passphrase", 1);
  CommandResult r = Config({"rekey", "--stack", "dev"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string after = Read("dev");
  EXPECT_NE(after, before);
  EXPECT_EQ(after.substr(0, after.find("app:")), before.substr(0, before.find("app:")));  // comments kept
  EXPECT_EQ(Config({"get", "--stack", "dev", "--show-secrets", "app.secrets.A"}).exit_code, 2);  // old one
  setenv("BLUEPRINT_CONFIG_PASSPHRASE", "a-new-passphrase", 1);
  EXPECT_EQ(Config({"get", "--stack", "dev", "--show-secrets", "app.secrets.A"}).out, "alpha\n");
  EXPECT_EQ(Config({"get", "--stack", "dev", "--show-secrets", "app.secrets.B"}).out, "beta\n");
  // A wrong old passphrase changes nothing.
  setenv("BLUEPRINT_CONFIG_PASSPHRASE", "wrong", 1);
  EXPECT_EQ(Config({"rekey", "--stack", "dev"}).exit_code, 2);
  EXPECT_EQ(Read("dev"), after);
  unsetenv("BLUEPRINT_CONFIG_NEW_PASSPHRASE");
}

TEST_F(ConfigCli, NoPassphraseAndNoTerminalIsAnError) {
  unsetenv("BLUEPRINT_CONFIG_PASSPHRASE");
  // RunBlueprint starts it in a new session: no controlling terminal, so no prompt is possible.
  EXPECT_EQ(Config({"set", "--stack", "dev", "--secret", "X", "v"}).exit_code, 2);
}

}  // namespace
}  // namespace bp::testing
