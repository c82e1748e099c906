// Deploy-time values of the parameters the assembly binds to encrypted config values
// (Stack::inputs, InputSource::kConfigSecret), decrypted from the config the way `up`
// and `preview --remote` collect them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "app/app.h"
#include "cli/deploy_options.h"
#include "config/loader.h"
#include "config/secrets.h"

namespace bp::cli {
namespace {

// Environment `env` of app orders-api (dev profile) with {secure} app secrets encrypted
// under `passphrase`, and one {arn} secret, which no parameter carries.
StackConfig ConfigWithSecrets(const std::string& passphrase, const std::string& env = "prod",
                              const std::string& api_key = "key-value") {
  StackConfig c;
  Diagnostics diags;
  EXPECT_TRUE(ParseStackConfig("profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n", env + "/stack.yaml", env,
                               &c, &diags))
      << diags.FormatAll();
  c.encryption.salt = NewSalt();
  c.encryption.iterations = 1000;  // fast for the test; the CLI writes kDefaultKdfIterations
  SecretKey k;
  EXPECT_TRUE(DeriveSecretKey(passphrase, c.encryption.salt, c.encryption.iterations, &k, &diags)) << diags.FormatAll();
  c.encryption.check = MakePassphraseCheck(k);
  c.app.secrets = {{"API_KEY", EncryptSecret(k, "app.secrets.API_KEY", api_key), ""},
                   {"EXT", "", "arn:aws:ssm:eu-west-3:123456789012:parameter/ext"},
                   {"PARTNER_TOKEN", EncryptSecret(k, "app.secrets.PARTNER_TOKEN", "token-of-" + env), ""},
                   {"SENTRY_DSN", EncryptSecret(k, "app.secrets.SENTRY_DSN", "dsn-value"), ""}};
  return c;
}

// `configs` assembled as `up` loads them.
Loaded Assembled(std::vector<StackConfig> configs) {
  Loaded loaded;
  Diagnostics diags;
  EXPECT_TRUE(Assemble(configs, &loaded.app, &diags)) << diags.FormatAll();
  loaded.configs = std::move(configs);
  return loaded;
}

TEST(SecretParameters, TheAssemblyRecordsWhichConfigValueFillsEachParameter) {
  Loaded loaded = Assembled({ConfigWithSecrets("pp")});
  const Stack* main = loaded.app.Find("orders-api-prod");
  ASSERT_NE(main, nullptr);
  std::vector<std::pair<std::string, std::string>> secrets;  // parameter, config key
  for (const StackInput& in : main->inputs)
    if (in.source == InputSource::kConfigSecret) secrets.emplace_back(in.parameter, in.config_key);
  EXPECT_EQ(secrets, (std::vector<std::pair<std::string, std::string>>{
                         {"AppSecretAPIKEYValue", "app.secrets.API_KEY"},
                         {"AppSecretPARTNERTOKENValue", "app.secrets.PARTNER_TOKEN"},
                         {"AppSecretSENTRYDSNValue", "app.secrets.SENTRY_DSN"}}));
  for (const auto& [parameter, key] : secrets) {
    const cfn::Parameter* p = main->tmpl.parameters().Find(parameter);
    ASSERT_NE(p, nullptr) << parameter;
    EXPECT_TRUE(p->no_echo) << parameter;
  }
}

TEST(SecretParameters, DecryptedIntoTheNoEchoParameters) {
  Loaded loaded = Assembled({ConfigWithSecrets("pp")});
  setenv(kPassphraseEnv, "pp", 1);
  StackParameterValues values;
  values.given = {{"AppSecretSENTRYDSNValue", "given explicitly"}};
  ASSERT_TRUE(AddSecretParameterValues(loaded, &values));
  EXPECT_EQ(values.For(*loaded.app.Find("orders-api-prod")),
            (ParameterValues{{"AppSecretAPIKEYValue", "key-value"},
                             {"AppSecretPARTNERTOKENValue", "token-of-prod"},
                             {"AppSecretSENTRYDSNValue", "given explicitly"}}));
}

// Two environments name the same secret: the parameter is the same, the values are not.
// `up --all` once sent the first environment's value to every stack.
TEST(SecretParameters, EachEnvironmentsStacksGetItsOwnValues) {
  Loaded loaded = Assembled({ConfigWithSecrets("pp", "dev", "dev-key"), ConfigWithSecrets("pp", "prod", "prod-key")});
  setenv(kPassphraseEnv, "pp", 1);
  StackParameterValues values;
  ASSERT_TRUE(AddSecretParameterValues(loaded, &values));
  EXPECT_EQ(values.For(*loaded.app.Find("orders-api-dev")).at("AppSecretAPIKEYValue"), "dev-key");
  EXPECT_EQ(values.For(*loaded.app.Find("orders-api-prod")).at("AppSecretAPIKEYValue"), "prod-key");
  Stack account;  // a stack shared by both gets no environment's secret
  account.id = kAccountStackName;
  account.envs = {"dev", "prod"};
  EXPECT_TRUE(values.For(account).empty());
}

TEST(SecretParameters, WrongPassphraseGivesNothing) {
  Loaded loaded = Assembled({ConfigWithSecrets("pp")});
  setenv(kPassphraseEnv, "wrong", 1);
  StackParameterValues values;
  EXPECT_FALSE(AddSecretParameterValues(loaded, &values));
  EXPECT_TRUE(values.by_stack.empty());
}

TEST(SecretParameters, NoSecretsNoPassphraseNeeded) {
  StackConfig c = ConfigWithSecrets("pp");
  c.app.secrets.clear();
  Loaded loaded = Assembled({c});
  unsetenv(kPassphraseEnv);
  StackParameterValues values;
  EXPECT_TRUE(AddSecretParameterValues(loaded, &values));
  EXPECT_TRUE(values.by_stack.empty());
}

// The acceptance test of issue 24 ("a test adds a new secret parameter in one module and
// nothing else changes for the command line to fill it"). A module the tool does not
// have adds a NoEcho parameter and returns its name; the composition records which
// config secret fills it, as assemble.cc does for the tool's own modules. The code path
// `up` runs to collect parameter values (CollectParameterValues, then For per stack)
// then passes the decrypted value to that parameter, without a change to src/cli.
struct PartnerWebhookOutputs {
  std::string token_parameter;
};

PartnerWebhookOutputs AddPartnerWebhook(cfn::Template* t) {
  cfn::Parameter p;
  p.description = "Token the partner's webhook presents";
  p.no_echo = true;
  t->AddParameter("PartnerWebhookToken", p);
  t->AddResource("PartnerWebhookSecret", "AWS::SecretsManager::Secret",
                 cfn::Json{{"SecretString", cfn::Ref("PartnerWebhookToken")}});
  return {"PartnerWebhookToken"};
}

TEST(SecretParameters, ANewModulesSecretParameterIsFilledFromTheRecordedInputAlone) {
  Loaded loaded = Assembled({ConfigWithSecrets("pp", "dev"), ConfigWithSecrets("pp", "prod")});
  setenv(kPassphraseEnv, "pp", 1);
  Stack* dev = loaded.app.Find("orders-api-dev");
  ASSERT_NE(dev, nullptr);

  // Composed into dev's main stack; the parameter alone fills nothing.
  PartnerWebhookOutputs webhook = AddPartnerWebhook(&dev->tmpl);
  StackParameterValues unrecorded;
  ASSERT_TRUE(CollectParameterValues(ParameterFlags{}, loaded, &unrecorded));
  EXPECT_EQ(unrecorded.For(*dev).count(webhook.token_parameter), 0u);

  // Recorded where it is composed: the value reaches it, and only in dev's stack.
  dev->inputs.push_back(InputFromConfigSecret(webhook.token_parameter, "app.secrets.PARTNER_TOKEN"));
  StackParameterValues values;
  ASSERT_TRUE(CollectParameterValues(ParameterFlags{}, loaded, &values));
  EXPECT_EQ(values.For(*dev).at(webhook.token_parameter), "token-of-dev");
  EXPECT_EQ(values.For(*loaded.app.Find("orders-api-prod")).count(webhook.token_parameter), 0u);
}

}  // namespace
}  // namespace bp::cli
