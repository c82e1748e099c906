// Deploy-time values of the app secrets' NoEcho parameters, decrypted from the config.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cli/deploy_options.h"
#include "config/secrets.h"

namespace bp::cli {
namespace {

StackConfig ConfigWithSecrets(const std::string& passphrase) {
  StackConfig c;
  c.file = "prod/stack.yaml";
  c.encryption.salt = NewSalt();
  c.encryption.iterations = 1000;  // fast for the test; the CLI writes kDefaultKdfIterations
  SecretKey k;
  Diagnostics diags;
  EXPECT_TRUE(DeriveSecretKey(passphrase, c.encryption.salt, c.encryption.iterations, &k, &diags)) << diags.FormatAll();
  c.encryption.check = MakePassphraseCheck(k);
  c.app.secrets = {{"API_KEY", EncryptSecret(k, "app.secrets.API_KEY", "key-value"), ""},
                   {"EXT", "", "arn:aws:ssm:eu-west-3:123456789012:parameter/ext"},
                   {"SENTRY_DSN", EncryptSecret(k, "app.secrets.SENTRY_DSN", "dsn-value"), ""}};
  return c;
}

TEST(SecretParameters, DecryptedIntoTheNoEchoParameters) {
  Loaded loaded;
  loaded.configs.push_back(ConfigWithSecrets("pp"));
  setenv(kPassphraseEnv, "pp", 1);
  ParameterValues values{{"AppSecretSENTRYDSNValue", "given explicitly"}};
  ASSERT_TRUE(AddSecretParameterValues(loaded, &values));
  EXPECT_EQ(values, (ParameterValues{{"AppSecretAPIKEYValue", "key-value"}, {"AppSecretSENTRYDSNValue", "given explicitly"}}));
}

TEST(SecretParameters, WrongPassphraseGivesNothing) {
  Loaded loaded;
  loaded.configs.push_back(ConfigWithSecrets("pp"));
  setenv(kPassphraseEnv, "wrong", 1);
  ParameterValues values;
  EXPECT_FALSE(AddSecretParameterValues(loaded, &values));
  EXPECT_TRUE(values.empty());
}

TEST(SecretParameters, NoSecretsNoPassphraseNeeded) {
  Loaded loaded;
  loaded.configs.emplace_back();
  unsetenv(kPassphraseEnv);
  ParameterValues values;
  EXPECT_TRUE(AddSecretParameterValues(loaded, &values));
  EXPECT_TRUE(values.empty());
}

}  // namespace
}  // namespace bp::cli
