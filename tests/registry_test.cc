// Registry acceptance tests: the ECR repository's name, scanning, encryption, tag
// mutability, lifecycle rules and deletion behaviour per profile.
#include <gtest/gtest.h>

#include "modules/registry.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

TEST(Registry, DevRepositoryIsEmptiedWithTheStack) {
  Json t = Synth(StackYaml("dev", "gateway"));
  const Json& repo = t["Resources"]["Repository"];
  EXPECT_EQ(repo["Type"], "AWS::ECR::Repository");
  EXPECT_EQ(repo["Properties"]["RepositoryName"], "orders-api-dev");
  EXPECT_EQ(repo["Properties"]["ImageScanningConfiguration"]["ScanOnPush"], true);
  EXPECT_EQ(repo["Properties"]["EncryptionConfiguration"]["EncryptionType"], "AES256");
  EXPECT_EQ(repo["Properties"]["ImageTagMutability"], "MUTABLE");
  EXPECT_EQ(repo["Properties"]["EmptyOnDelete"], true);
  EXPECT_FALSE(repo.contains("DeletionPolicy"));

  Json policy = Json::parse(repo["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"].get<std::string>());
  ASSERT_EQ(policy["rules"].size(), 2u);
  EXPECT_EQ(policy["rules"][0]["selection"]["tagStatus"], "untagged");
  EXPECT_EQ(policy["rules"][0]["selection"]["countNumber"], 7);
  EXPECT_EQ(policy["rules"][1]["selection"]["tagStatus"], "tagged");
  EXPECT_EQ(policy["rules"][1]["selection"]["countType"], "imageCountMoreThan");
  EXPECT_EQ(policy["rules"][1]["selection"]["countNumber"], 5);
  EXPECT_EQ(t["Outputs"]["RepositoryUri"]["Value"], Json({{"Fn::GetAtt", Json::array({"Repository", "RepositoryUri"})}}));
  EXPECT_EQ(t["Outputs"]["RepositoryArn"]["Value"], Json({{"Fn::GetAtt", Json::array({"Repository", "Arn"})}}));
}

TEST(Registry, ProdRepositoryIsImmutableAndRetained) {
  Json t = Synth(StackYaml("prod", "gateway"), "prod");
  const Json& repo = t["Resources"]["Repository"];
  EXPECT_EQ(repo["Properties"]["ImageTagMutability"], "IMMUTABLE");
  EXPECT_EQ(repo["Properties"]["EmptyOnDelete"], false);
  EXPECT_EQ(repo["DeletionPolicy"], "Retain");
  EXPECT_EQ(repo["UpdateReplacePolicy"], "Retain");
  Json policy = Json::parse(repo["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"].get<std::string>());
  EXPECT_EQ(policy["rules"][0]["selection"]["countNumber"], 30);
  EXPECT_EQ(policy["rules"][1]["selection"]["countNumber"], 20);
}

TEST(Registry, ConfigOverridesTheProfile) {
  Json t = Synth(StackYaml("staging", "gateway", "orders-api", "",
                           "registry:\n  untagged_expiry_days: 3\n  keep_tagged: 42\n  immutable_tags: true\n"
                           "  empty_on_delete: false\n"),
                 "staging");
  const Json& repo = t["Resources"]["Repository"];
  EXPECT_EQ(repo["Properties"]["RepositoryName"], "orders-api-staging");
  EXPECT_EQ(repo["Properties"]["ImageTagMutability"], "IMMUTABLE");
  EXPECT_EQ(repo["DeletionPolicy"], "Retain");
  Json policy = Json::parse(repo["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"].get<std::string>());
  EXPECT_EQ(policy["rules"][0]["selection"]["countNumber"], 3);
  EXPECT_EQ(policy["rules"][1]["selection"]["countNumber"], 42);
}

TEST(Registry, LifecycleTextWithinEcrLimits) {
  // LifecyclePolicyText: 100 to 30,720 characters. Src: reference/aws-facts.md 1.2 (SCHEMA:aws-ecr-repository).
  std::string text = EcrLifecyclePolicy(3650, 1000).dump();
  EXPECT_GE(text.size(), 100u);
  EXPECT_LE(text.size(), 30720u);
}

}  // namespace
}  // namespace bp
