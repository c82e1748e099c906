// `blueprint config` end to end, through the built binary: exit statuses, refused
// edits, and secrets that decrypt only with the right passphrase.
#include <gtest/gtest.h>

#include "cli_helpers.h"

namespace bp {
namespace {

using testing::RunResult;
using testing::Scratch;
using testing::Slurp;
using testing::Spit;

const std::string kPass = "BLUEPRINT_CONFIG_PASSPHRASE=correct-horse-battery";

TEST(ConfigCli, SetKeepsCommentsAndGetReadsBack) {
  Scratch s;
  std::string before = Slurp(s.Env("dev"));
  RunResult r = s.Run("config set --stack dev network.az_count 3");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string after = Slurp(s.Env("dev"));
  EXPECT_EQ(after.substr(0, after.find("profile:")), before.substr(0, before.find("profile:")));  // header comment
  EXPECT_NE(after.find("  az_count: 3\n"), std::string::npos);
  r = s.Run("config get --stack dev network.az_count");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "3\n");
  r = s.Run("config get --stack dev database.log_statement");  // a profile default
  EXPECT_EQ(r.out, "all\n");
}

TEST(ConfigCli, InvalidSetRefusedAndNothingWritten) {
  Scratch s;
  std::string before = Slurp(s.Env("prod"));
  for (const char* args : {"config set --stack prod network.az_count 9", "config set --stack prod features.waf false",
                           "config set --stack prod app.name Bad_Name", "config rm --stack prod app.name",
                           "config set --stack prod nosuch.key 1", "config set --stack prod app.secrets.X plain"}) {
    RunResult r = s.Run(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(Slurp(s.Env("prod")), before) << args;
  }
  EXPECT_NE(s.Run("config set --stack prod features.waf false").err.find("guards"), std::string::npos);
}

TEST(ConfigCli, ListShowsSources) {
  Scratch s;
  RunResult r = s.Run("config list --stack prod --defaults");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("database.multi_az"), std::string::npos);
  EXPECT_NE(r.out.find("profile prod"), std::string::npos);
  EXPECT_NE(r.out.find("stack.yaml:4"), std::string::npos);  // region
}

TEST(ConfigCli, SecretRoundTripAndRejections) {
  Scratch s;
  const std::string value = "postgres://sentry:hunter2@example/42";
  RunResult r = s.Run("config set --stack dev --secret SENTRY_DSN", kPass, value + "\n");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string file = Slurp(s.Env("dev"));
  EXPECT_EQ(file.find("hunter2"), std::string::npos);
  EXPECT_NE(file.find("SENTRY_DSN: {secure: \"v1:"), std::string::npos);
  EXPECT_NE(file.find("encryption:\n  salt: "), std::string::npos);

  r = s.Run("config get --stack dev app.secrets.SENTRY_DSN");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "[secret]\n");
  r = s.Run("config get --stack dev --show-secrets app.secrets.SENTRY_DSN", kPass);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, value + "\n");

  // A second secret needs the same passphrase.
  r = s.Run("config set --stack dev --secret API_KEY", "BLUEPRINT_CONFIG_PASSPHRASE=wrong", "abc\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
  EXPECT_EQ(Slurp(s.Env("dev")), file);

  r = s.Run("config get --stack dev --show-secrets app.secrets.SENTRY_DSN", "BLUEPRINT_CONFIG_PASSPHRASE=wrong");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos);
  EXPECT_EQ(r.out, "");

  // Tampered ciphertext: one character changed.
  size_t at = file.find("{secure: \"v1:") + 20;
  std::string tampered = file;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  Spit(s.Env("dev"), tampered);
  r = s.Run("config list --stack dev --show-secrets", kPass);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot decrypt"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");

  // A value moved under another name does not decrypt either.
  std::string swapped = file;
  swapped.replace(swapped.find("SENTRY_DSN:"), 11, "OTHER_NAME:");
  Spit(s.Env("dev"), swapped);
  r = s.Run("config get --stack dev --show-secrets app.secrets.OTHER_NAME", kPass);
  EXPECT_EQ(r.status, 2);
}

TEST(ConfigCli, NoPassphraseNoTerminal) {
  Scratch s;
  RunResult r = s.Run("config set --stack dev --secret X", "-u BLUEPRINT_CONFIG_PASSPHRASE setsid -w", "v\n");
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace bp
