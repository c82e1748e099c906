// Deploy-time values of the app secrets' NoEcho parameters, decrypted from the config.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cli/deploy_options.h"
#include "config/secrets.h"

namespace bp::cli {
namespace {

StackConfig ConfigWithSecrets(const std::string& passphrase, const std::string& env = "prod",
                              const std::string& api_key = "key-value") {
  StackConfig c;
  c.env = env;
  c.file = env + "/stack.yaml";
  c.encryption.salt = NewSalt();
  c.encryption.iterations = 1000;  // fast for the test; the CLI writes kDefaultKdfIterations
  SecretKey k;
  Diagnostics diags;
  EXPECT_TRUE(DeriveSecretKey(passphrase, c.encryption.salt, c.encryption.iterations, &k, &diags)) << diags.FormatAll();
  c.encryption.check = MakePassphraseCheck(k);
  c.app.secrets = {{"API_KEY", EncryptSecret(k, "app.secrets.API_KEY", api_key), ""},
                   {"EXT", "", "arn:aws:ssm:eu-west-3:123456789012:parameter/ext"},
                   {"SENTRY_DSN", EncryptSecret(k, "app.secrets.SENTRY_DSN", "dsn-value"), ""}};
  return c;
}

TEST(SecretParameters, DecryptedIntoTheNoEchoParameters) {
  Loaded loaded;
  loaded.configs.push_back(ConfigWithSecrets("pp"));
  setenv(kPassphraseEnv, "pp", 1);
  StackParameterValues values;
  values.given = {{"AppSecretSENTRYDSNValue", "given explicitly"}};
  ASSERT_TRUE(AddSecretParameterValues(loaded, &values));
  Stack prod;
  prod.envs = {"prod"};
  EXPECT_EQ(values.For(prod),
            (ParameterValues{{"AppSecretAPIKEYValue", "key-value"}, {"AppSecretSENTRYDSNValue", "given explicitly"}}));
}

// Two environments name the same secret: the parameter is the same, the values are not.
// `up --all` once sent the first environment's value to every stack.
TEST(SecretParameters, EachEnvironmentsStacksGetItsOwnValues) {
  Loaded loaded;
  loaded.configs.push_back(ConfigWithSecrets("pp", "dev", "dev-key"));
  loaded.configs.push_back(ConfigWithSecrets("pp", "prod", "prod-key"));
  setenv(kPassphraseEnv, "pp", 1);
  StackParameterValues values;
  ASSERT_TRUE(AddSecretParameterValues(loaded, &values));
  Stack dev, prod, account;
  dev.envs = {"dev"};
  prod.envs = {"prod"};
  account.envs = {"dev", "prod"};
  EXPECT_EQ(values.For(dev).at("AppSecretAPIKEYValue"), "dev-key");
  EXPECT_EQ(values.For(prod).at("AppSecretAPIKEYValue"), "prod-key");
  EXPECT_TRUE(values.For(account).empty());  // a shared stack gets no environment's secret
}

TEST(SecretParameters, WrongPassphraseGivesNothing) {
  Loaded loaded;
  loaded.configs.push_back(ConfigWithSecrets("pp"));
  setenv(kPassphraseEnv, "wrong", 1);
  StackParameterValues values;
  EXPECT_FALSE(AddSecretParameterValues(loaded, &values));
  EXPECT_TRUE(values.by_environment.empty());
}

TEST(SecretParameters, NoSecretsNoPassphraseNeeded) {
  Loaded loaded;
  loaded.configs.emplace_back();
  unsetenv(kPassphraseEnv);
  StackParameterValues values;
  EXPECT_TRUE(AddSecretParameterValues(loaded, &values));
  EXPECT_TRUE(values.by_environment.empty());
}

}  // namespace
}  // namespace bp::cli
