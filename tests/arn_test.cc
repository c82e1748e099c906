// The one ARN parser (naming/arn.h) and the checks built on it.
#include <gtest/gtest.h>

#include "config/checks.h"
#include "modules/app_secrets.h"
#include "naming/arn.h"

namespace bp {
namespace {

TEST(Arn, SplitsTheFiveFieldsAndKeepsColonsInTheResource) {
  std::optional<Arn> a = ParseArn("arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf:password::");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->partition, "aws");
  EXPECT_EQ(a->service, "secretsmanager");
  EXPECT_EQ(a->region, "eu-west-3");
  EXPECT_EQ(a->account, "123456789012");
  EXPECT_EQ(a->resource, "secret:db-AbCdEf:password::");
}

TEST(Arn, GlobalAndAwsOwnedResourcesHaveEmptyRegionOrAccount) {
  std::optional<Arn> role = ParseArn("arn:aws-cn:iam::123456789012:role/path/deploy");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->partition, "aws-cn");
  EXPECT_EQ(role->region, "");
  EXPECT_EQ(role->resource, "role/path/deploy");
  std::optional<Arn> policy = ParseArn("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess");
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->account, "aws");
  std::optional<Arn> bucket = ParseArn("arn:aws:s3:::my-bucket/key");
  ASSERT_TRUE(bucket);
  EXPECT_EQ(bucket->region, "");
  EXPECT_EQ(bucket->account, "");
  EXPECT_EQ(bucket->resource, "my-bucket/key");
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
  for (const char* p : {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-f"})
    EXPECT_TRUE(IsAwsPartition(p)) << p;
  for (const char* p : {"", "aw", "awsx", "aws-eu", "aws-iso-B", "aws-iso1", "AWS"}) EXPECT_FALSE(IsAwsPartition(p)) << p;
  EXPECT_TRUE(IsAccountId("012345678901"));
  for (const char* a : {"", "aws", "12345678901", "1234567890123", "12345678901a"}) EXPECT_FALSE(IsAccountId(a)) << a;
}

// The callers that take ARNs apart answer through it: a secret reference's resource part,
// a GitHub OIDC provider's fields, the secret's own ARN for IAM.
TEST(Arn, CallersCheckTheFieldsTheyNeed) {
  EXPECT_EQ(CheckSecretReference("arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf"), "");
  EXPECT_EQ(CheckSecretReference("arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf:password::"), "");
  EXPECT_NE(CheckSecretReference("arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf:password"), "");
  EXPECT_NE(CheckSecretReference("arn:aws:ssm:eu-west-3:123456789012:secret:db-AbCdEf"), "");
  EXPECT_NE(CheckSecretReference("arn:aws:secretsmanager:eu-west-3:123456789012:parameter:db-AbCdEf"), "");
  EXPECT_NE(CheckSecretReference("xyz:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf"), "");

  const std::string provider = "oidc-provider/token.actions.githubusercontent.com";
  EXPECT_EQ(CheckValue(FieldCheck::kOidcProviderArn, "arn:aws:iam::123456789012:" + provider), "");
  EXPECT_EQ(CheckValue(FieldCheck::kOidcProviderArn, "arn:aws-iso-b:iam::123456789012:" + provider), "");
  EXPECT_NE(CheckValue(FieldCheck::kOidcProviderArn, "arn:aws:iam:eu-west-3:123456789012:" + provider), "");
  EXPECT_NE(CheckValue(FieldCheck::kOidcProviderArn, "arn:aws:sts::123456789012:" + provider), "");
  EXPECT_NE(CheckValue(FieldCheck::kOidcProviderArn, "arn:aws:iam::12345678901:" + provider), "");
  EXPECT_NE(CheckValue(FieldCheck::kOidcProviderArn, "arn:aws:iam::123456789012:" + provider + "x"), "");

  EXPECT_EQ(SecretArnOf("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf:password:AWSCURRENT:"),
            "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf");
  EXPECT_EQ(SecretArnOf("arn:aws:ssm:eu-west-3:123456789012:parameter/a:b"), "arn:aws:ssm:eu-west-3:123456789012:parameter/a:b");
}

}  // namespace
}  // namespace bp
