// The one ARN parser (naming/arn.h) and the checks built on it.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "config/checks.h"
#include "modules/app_secrets.h"
#include "naming/arn.h"

namespace bp {
namespace {

// "partition|service|region|account|resource", or "not an ARN".
std::string Fields(std::string_view text) {
  std::optional<Arn> a = ParseArn(text);
  if (!a) return "not an ARN";
  return a->partition + "|" + a->service + "|" + a->region + "|" + a->account + "|" + a->resource;
}

TEST(Arn, SplitsTheFiveFieldsAndKeepsColonsInTheResource) {
  EXPECT_EQ(Fields("arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf:password::"),
            "aws|secretsmanager|eu-west-3|123456789012|secret:db-AbCdEf:password::");
}

TEST(Arn, GlobalAndAwsOwnedResourcesHaveEmptyRegionOrAccount) {
  EXPECT_EQ(Fields("arn:aws-cn:iam::123456789012:role/path/deploy"), "aws-cn|iam||123456789012|role/path/deploy");
  EXPECT_EQ(Fields("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"), "aws|iam||aws|policy/AWSXRayDaemonWriteAccess");
  EXPECT_EQ(Fields("arn:aws:s3:::my-bucket/key"), "aws|s3|||my-bucket/key");
}

TEST(Arn, RefusesTextThatIsNotAnArn) {
  for (const char* bad : {"", "arn", "arn:", "arn:aws", "arn:aws:iam::123456789012", "arn:aws:iam::123456789012:",
                          "ARN:aws:iam::123456789012:role/x", "arn::iam::123456789012:role/x",
                          "arn:aws::eu-west-3:123456789012:thing", "urn:aws:iam::123456789012:role/x",
                          "my-secret-name"})
    EXPECT_FALSE(ParseArn(bad)) << bad;
}

TEST(Arn, FormatGivesTheTextBack) {
  for (const char* text : {"arn:aws:ssm:eu-west-3:123456789012:parameter/app/key", "arn:aws:s3:::b",
                           "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x-AbCdEf:k:AWSCURRENT:"}) {
    std::optional<Arn> a = ParseArn(text);
    ASSERT_TRUE(a) << text;
    EXPECT_EQ(FormatArn(*a), text);
  }
}

TEST(Arn, PartitionsAndAccountIds) {
  for (const char* p : {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-f", "aws-eusc", "aws-iso-e"})
    EXPECT_TRUE(IsAwsPartition(p)) << p;
  for (const char* p : {"", "aw", "awsx", "aws-", "aws-cn-", "aws-iso-B", "aws-iso1", "AWS"}) EXPECT_FALSE(IsAwsPartition(p)) << p;
  EXPECT_TRUE(IsAccountId("012345678901"));
  for (const char* a : {"", "aws", "12345678901", "1234567890123", "12345678901a"}) EXPECT_FALSE(IsAccountId(a)) << a;
}

// The callers that take ARNs apart answer through it: a secret reference's resource part,
// a GitHub OIDC provider's fields, the secret's own ARN for IAM.
TEST(Arn, CallersCheckTheFieldsTheyNeed) {
  struct Case {
    const char* reference;
    bool accepted;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf", true},
           {"arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf:password::", true},
           {"arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf:password", false},  // 3 of 4 suffix fields
           {"arn:aws:ssm:eu-west-3:123456789012:secret:db-AbCdEf", false},
           {"arn:aws:secretsmanager:eu-west-3:123456789012:parameter:db-AbCdEf", false},
           {"xyz:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf", false}})
    EXPECT_EQ(CheckSecretReference(c.reference).empty(), c.accepted) << c.reference;

  const std::string provider = ":oidc-provider/token.actions.githubusercontent.com";
  for (const Case& c : std::initializer_list<Case>{{"arn:aws:iam::123456789012", true},
                                                   {"arn:aws-iso-b:iam::123456789012", true},
                                                   {"arn:aws:iam:eu-west-3:123456789012", false},
                                                   {"arn:aws:sts::123456789012", false},
                                                   {"arn:aws:iam::12345678901", false},
                                                   {"arn:awsx:iam::123456789012", false}})
    EXPECT_EQ(CheckValue(FieldCheck::kOidcProviderArn, c.reference + provider).empty(), c.accepted) << c.reference;
  EXPECT_NE(CheckValue(FieldCheck::kOidcProviderArn, "arn:aws:iam::123456789012" + provider + "x"), "");

  EXPECT_EQ(SecretArnOf("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf:password:AWSCURRENT:"),
            "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf");
  EXPECT_EQ(SecretArnOf("arn:aws:ssm:eu-west-3:123456789012:parameter/a:b"), "arn:aws:ssm:eu-west-3:123456789012:parameter/a:b");
}

}  // namespace
}  // namespace bp
