// {arn} app secrets: App Runner gets the reference as written, IAM gets the secret's own
// ARN (GetSecretValue is authorized against it, not against ":jsonkey:stage:version"),
// and a partial ARN is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "modules/app_secrets.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

constexpr const char* kSecret = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:api-AbCdEf";
constexpr const char* kParameter = "arn:aws:ssm:eu-west-3:123456789012:parameter/ext";

std::string WithSecrets(const std::string& secrets) {
  return "profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n  secrets:\n" + secrets + "network:\n  nat: none\n";
}

TEST(AppSecretArn, PolicyResourceIsTheSecretsOwnArn) {
  EXPECT_EQ(SecretArnOf(kSecret), kSecret);
  EXPECT_EQ(SecretArnOf(std::string(kSecret) + ":password::"), kSecret);
  EXPECT_EQ(SecretArnOf(std::string(kSecret) + ":password:AWSCURRENT:"), kSecret);
  EXPECT_EQ(SecretArnOf(kParameter), kParameter);

  Json t = Synth(WithSecrets("    API_KEY: {arn: \"" + std::string(kSecret) + ":token::\"}\n"
                             "    API_USER: {arn: \"" + std::string(kSecret) + ":user::\"}\n"
                             "    EXT: {arn: \"" + std::string(kParameter) + "\"}\n"));
  const Json& res = t["Resources"];
  std::map<std::string, Json> secrets;
  for (const auto& e : res["Service"]["Properties"]["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"]
                          ["RuntimeEnvironmentSecrets"])
    secrets[e["Name"]] = e["Value"];
  EXPECT_EQ(secrets["API_KEY"], std::string(kSecret) + ":token::");  // App Runner: the JSON key
  EXPECT_EQ(secrets["API_USER"], std::string(kSecret) + ":user::");
  std::map<std::string, Json> by_sid;
  for (const auto& st : res["ServiceInstanceRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"])
    by_sid[st["Sid"]] = st;
  EXPECT_EQ(by_sid["ReadAppSecrets"]["Resource"], Json::array({kSecret}));  // IAM: the secret, once
  EXPECT_EQ(by_sid["ReadAppParameters"]["Resource"], Json::array({kParameter}));
}

TEST(AppSecretArn, PartialOrMalformedArnsAreRefused) {
  for (const std::string bad : {"arn:aws:secretsmanager:eu-west-3:123456789012:secret:api",
                                "arn:aws:secretsmanager:eu-west-3:123456789012:secret:api-key",
                                "arn:aws:secretsmanager:eu-west-3:123456789012:secret:api-AbCdEf:password",
                                "arn:aws:secretsmanager:eu-west-3:123456789012:rotation:api-AbCdEf"}) {
    SCOPED_TRACE(bad);
    StackConfig c;
    Diagnostics d;
    EXPECT_FALSE(ParseStackConfig(WithSecrets("    API_KEY: {arn: \"" + bad + "\"}\n"), "stack.yaml", "dev", &c, &d));
    EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("complete ARN")) << d.FormatAll();
  }
}

}  // namespace
}  // namespace bp
