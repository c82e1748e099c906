// Whole-template golden files for every bundled environment, and byte-identical
// output across runs. To accept an intended change:
//   UPDATE_GOLDEN=1 build/tests/blueprint_tests --gtest_filter='Golden.*'
// then review `git diff tests/golden`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "deploy/process.h"

#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;

std::string GoldenDir() { return SourceDir() + "/tests/golden"; }

// `text` equals the file `golden`; on failure the unified diff (golden first, at most
// 60 lines) and how to accept an intended change. With UPDATE_GOLDEN set, writes `text`
// to `golden` instead.
::testing::AssertionResult MatchesGolden(const std::string& text, const std::string& golden) {
  if (std::getenv("UPDATE_GOLDEN")) {
    fs::create_directories(fs::path(golden).parent_path());
    std::ofstream(golden, std::ios::binary | std::ios::trunc) << text;
    return ::testing::AssertionSuccess();
  }
  if (fs::exists(golden) && text == ReadFileOrDie(golden)) return ::testing::AssertionSuccess();
  ProcessOptions o;
  o.input = text;
  o.has_input = true;
  ProcessResult d = RunProcess({"diff", "-u", "--label", golden, "--label", "synthesized", golden, "-"}, o);
  std::string diff = d.out;
  size_t at = 0;
  for (int lines = 0; lines < 60 && at != std::string::npos; ++lines) at = diff.find('\n', at + 1);
  if (at != std::string::npos) diff = diff.substr(0, at + 1) + "...\n";
  return ::testing::AssertionFailure()
         << fs::path(golden).filename().string() << " differs from " << golden << ":\n"
         << diff << "if the change is intended, run UPDATE_GOLDEN=1 build/tests/blueprint_tests "
         << "--gtest_filter='Golden.*' and review `git diff tests/`";
}

TEST(Golden, BundledEnvironmentsMatch) {
  TempDir dir;
  CommandResult r = RunBlueprint({"synth", "--all", "--environments", SourceDir() + "/environments",
                                  "--out", dir.path() + "/out", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> files = ListFiles(dir.path() + "/out");
  ASSERT_FALSE(files.empty());
  if (std::getenv("UPDATE_GOLDEN")) {
    fs::remove_all(GoldenDir());
    fs::create_directories(GoldenDir());
    for (const auto& f : files) fs::copy_file(dir.path() + "/out/" + f, GoldenDir() + "/" + f);
    GTEST_SKIP() << "golden files rewritten in " << GoldenDir();
  }
  EXPECT_EQ(files, ListFiles(GoldenDir())) << "the set of synthesized files changed";
  for (const auto& f : files) {
    std::string golden = GoldenDir() + "/" + f;
    if (fs::exists(golden)) {
      EXPECT_TRUE(MatchesGolden(ReadFileOrDie(dir.path() + "/out/" + f), golden));
    }
  }
}

// The bundled prod environment moved to ECS Express Mode (issue 14): its main stack
// against tests/golden-ecs-express/ (same UPDATE_GOLDEN=1 switch).
TEST(Golden, ProdOnEcsExpressMatches) {
  TempDir dir;
  fs::copy(SourceDir() + "/environments", dir.path() + "/environments", fs::copy_options::recursive);
  std::string prod = dir.path() + "/environments/prod/stack.yaml";
  {
    std::ofstream append(prod, std::ios::app);
    append << "compute:\n  platform: ecs-express\n";
  }
  CommandResult r = RunBlueprint({"synth", "--stack", "prod", "--environments", dir.path() + "/environments", "--out",
                                  dir.path() + "/out", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Its default layout (compute.ingress edge): the main stack and the global one with
  // CloudFront on a VPC origin.
  for (const std::string file : {"orders-api-prod.template.json", "orders-api-prod-global.template.json"}) {
    EXPECT_TRUE(MatchesGolden(ReadFileOrDie(dir.path() + "/out/" + file),
                              SourceDir() + "/tests/golden-ecs-express/" + file));
  }
  ASSERT_THAT(ReadFileOrDie(dir.path() + "/out/orders-api-prod.template.json"),
              ::testing::HasSubstr("AWS::ECS::ExpressGatewayService"));
}

// The bundled prod environment behind CloudFront with a custom domain (issue 12): its
// main stack (the service's origin guard) and global stack (distribution, CLOUDFRONT web
// ACL, certificate, records, edge dashboard) against tests/golden-edge/ (same
// UPDATE_GOLDEN=1 switch). No bundled profile turns CloudFront on (docs/edge.md).
TEST(Golden, ProdBehindCloudFrontMatches) {
  TempDir dir;
  fs::copy(SourceDir() + "/environments", dir.path() + "/environments", fs::copy_options::recursive);
  {
    std::ofstream append(dir.path() + "/environments/prod/stack.yaml", std::ios::app);
    append << "domain:\n  name: www.orders.example\n  hosted_zone_id: Z0123456789ABCDEFGHIJ\n";
  }
  CommandResult set = RunBlueprint({"config", "set", "--stack", "prod", "features.cloudfront", "true", "--environments",
                                    dir.path() + "/environments"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  CommandResult r = RunBlueprint({"synth", "--stack", "prod", "--environments", dir.path() + "/environments", "--out",
                                  dir.path() + "/out", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string golden_dir = SourceDir() + "/tests/golden-edge";
  for (const std::string file : {"orders-api-prod.template.json", "orders-api-prod-global.template.json"})
    EXPECT_TRUE(MatchesGolden(ReadFileOrDie(dir.path() + "/out/" + file), golden_dir + "/" + file));
  if (std::getenv("UPDATE_GOLDEN")) GTEST_SKIP() << "golden files rewritten in " << golden_dir;
}

TEST(Golden, SynthTwiceIsByteIdentical) {
  for (std::string format : {"json", "yaml"}) {
    TempDir a, b;
    for (const auto* d : {&a, &b}) {
      CommandResult r = RunBlueprint({"synth", "--all", "--environments", SourceDir() + "/environments",
                                      "--out", d->path() + "/out", "--format", format, "--quiet"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::vector<std::string> files = ListFiles(a.path() + "/out");
    ASSERT_EQ(files, ListFiles(b.path() + "/out"));
    for (const auto& f : files)
      EXPECT_TRUE(ReadFileOrDie(a.path() + "/out/" + f) == ReadFileOrDie(b.path() + "/out/" + f)) << f;
  }
}

TEST(Golden, ManifestDescribesEveryStack) {
  TempDir dir;
  CommandResult r = RunBlueprint({"synth", "--environments", SourceDir() + "/environments", "--out",
                                  dir.path() + "/out", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto manifest = nlohmann::json::parse(ReadFileOrDie(dir.path() + "/out/manifest.json"));
  ASSERT_TRUE(manifest.contains("version"));
  for (const auto& [id, artifact] : manifest["artifacts"].items()) {
    EXPECT_EQ(artifact["type"], "aws:cloudformation:stack");
    EXPECT_TRUE(artifact["environment"].get<std::string>().rfind("aws://unknown-account/", 0) == 0);
    std::string file = artifact["properties"]["templateFile"];
    EXPECT_TRUE(fs::exists(dir.path() + "/out/" + file)) << file;
    for (const auto& dep : artifact.value("dependencies", nlohmann::json::array()))
      EXPECT_TRUE(manifest["artifacts"].contains(dep.get<std::string>())) << dep;
  }
}

TEST(Golden, StackSelection) {
  TempDir dir;
  CommandResult r = RunBlueprint({"synth", "--stack", "prod", "--environments", SourceDir() + "/environments",
                                  "--out", dir.path() + "/out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& f : ListFiles(dir.path() + "/out"))
    EXPECT_TRUE(f == "manifest.json" || f == ".blueprint-assembly" || f.find("-prod") != std::string::npos) << f;
  r = RunBlueprint({"synth", "--stack", "prd", "--environments", SourceDir() + "/environments", "--out",
                    dir.path() + "/out2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("did you mean 'prod'")) << r.err;
  EXPECT_FALSE(fs::exists(dir.path() + "/out2"));
}

}  // namespace
}  // namespace bp::testing
