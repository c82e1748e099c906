// The cloud assembly written by `synth` is read by the AWS CDK toolkit: `cdk ls` and
// `cdk synth` from the pinned local install in tools/cdk (aws-cdk 2.1148.1,
// package-lock.json). The first run does `npm ci` there; later runs reuse
// tools/cdk/node_modules. Skips, saying so, when Node.js is absent.
#include <unistd.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "deploy/assembly.h"
#include "deploy/process.h"
#include "stacks_fixtures.h"
#include "test_util.h"
#include "util/strings.h"

namespace bp {
namespace {

namespace fs = std::filesystem;

const std::string kSource = BLUEPRINT_SOURCE_DIR;
const std::string kCdkDir = kSource + "/tools/cdk";
const std::string kPinned = "2.1148.1";

// The pinned cdk CLI, installed on first use; "" with *skip set when it cannot be.
std::string PinnedCdk(std::string* skip) {
  if (!testing::NpmTool(kCdkDir, "node_modules/.bin/cdk", "the assembly was not checked with the CDK toolkit", skip))
    return "";
  setenv("CDK_DISABLE_VERSION_CHECK", "1", 1);
  setenv("CDK_DISABLE_CLI_TELEMETRY", "true", 1);
  return kCdkDir + "/node_modules/.bin/cdk";
}

TEST(CdkToolkit, ListsAndSynthesizesTheAssembly) {
  std::string skip;
  std::string cdk = PinnedCdk(&skip);
  if (cdk.empty()) GTEST_SKIP() << skip;
  ProcessResult version = RunProcess({cdk, "--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_TRUE(StartsWith(version.out, kPinned)) << version.out;

  std::string dir = (fs::temp_directory_path() / ("bp-cdk-" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  ProcessOptions in_dir;
  in_dir.cwd = dir;  // whatever cdk writes lands here
  std::string out = dir + "/cdk.out";
  ProcessResult synth = RunProcess({BLUEPRINT_BINARY, "synth", "--all", "--environments", kSource + "/environments",
                                    "--out", out, "--quiet"}, in_dir);
  ASSERT_EQ(synth.exit_code, 0) << synth.err;

  ProcessResult ls = RunProcess({cdk, "ls", "--app", out, "--no-notices"}, in_dir);
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  for (const char* stack : {"orders-api-dev\n", "orders-api-staging\n", "orders-api-prod\n"})
    EXPECT_THAT(ls.out, ::testing::HasSubstr(stack)) << ls.out;

  ProcessResult tmpl = RunProcess({cdk, "synth", "--app", out, "--no-notices", "orders-api-dev"}, in_dir);
  ASSERT_EQ(tmpl.exit_code, 0) << tmpl.err;
  EXPECT_THAT(tmpl.out, ::testing::HasSubstr("Description: \"apprunner-blueprint: orders-api (dev")) << tmpl.out;
  EXPECT_THAT(tmpl.out, ::testing::HasSubstr("Type: AWS::EC2::VPC")) << tmpl.out;
  if (!HasFailure()) fs::remove_all(dir);
}

// `cdk ls --show-dependencies` on an assembly whose stacks depend on each other
// (environments in two accounts, a test-only module in the account and global stacks).
TEST(CdkToolkit, ListsEveryStackWithItsDependencies) {
  std::string skip;
  std::string cdk = PinnedCdk(&skip);
  if (cdk.empty()) GTEST_SKIP() << skip;
  App app = fixtures::AssembleWithTestModule(
      {{"dev", "eu-west-3", "111111111111"}, {"prod", "eu-central-1", "222222222222"}});
  std::string dir = (fs::temp_directory_path() / ("bp-cdk-deps-" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  Diagnostics diags;
  ASSERT_TRUE(WriteAssembly(BuildAssembly(app, cfn::Format::kJson), dir + "/cdk.out", &diags)) << diags.FormatAll();
  ProcessOptions in_dir;
  in_dir.cwd = dir;
  ProcessResult ls =
      RunProcess({cdk, "ls", "--app", dir + "/cdk.out", "--no-notices", "--show-dependencies"}, in_dir);
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  // Every stack, each with its dependencies (the account stacks also show their shared
  // CloudFormation name).
  const std::string account1 = "apprunner-blueprint-account-111111111111 (apprunner-blueprint-account)";
  const std::string account2 = "apprunner-blueprint-account-222222222222 (apprunner-blueprint-account)";
  EXPECT_EQ(ls.out,
            "- id: " + account1 + "\n  dependencies: []\n"
            "- id: " + account2 + "\n  dependencies: []\n"
            "- id: orders-api-dev\n  dependencies:\n"
            "    - id: orders-api-dev-global\n      dependencies: []\n"
            "    - id: " + account1 + "\n      dependencies: []\n"
            "- id: orders-api-dev-global\n  dependencies: []\n"
            "- id: orders-api-prod\n  dependencies:\n"
            "    - id: orders-api-prod-global\n      dependencies: []\n"
            "    - id: " + account2 + "\n      dependencies: []\n"
            "- id: orders-api-prod-global\n  dependencies: []\n\n");
  EXPECT_EQ(app.stacks.size(), 6u);
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace bp
