// Installing (issue 26, in part): `make install` is `cmake --install` of the build tree
// under PREFIX, staged in DESTDIR; `make deb` is CPack's Debian package of the same files.
// The installed tool runs from a directory of the user's own, with the example
// environments it ships, and needs nothing of the source tree.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "deploy/process.h"
#include "test_util.h"

namespace bp {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kBuildDir = BLUEPRINT_BUILD_DIR;

// Copies the tree at `from` to `to`.
void CopyTree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

TEST(Install, TheInstalledToolRunsFromTheUsersOwnDirectory) {
  testing::TempDir dir;
  const std::string stage = dir.path() + "/stage";
  ProcessOptions staged;
  staged.set_env = {{"DESTDIR", stage}};
  ProcessResult install = RunProcess({"cmake", "--install", kBuildDir, "--prefix", "/usr"}, staged);
  ASSERT_TRUE(install.started) << install.error;
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  const std::string tool = stage + "/usr/bin/blueprint";
  ASSERT_TRUE(fs::exists(tool));
  EXPECT_TRUE(fs::exists(stage + "/usr/share/doc/apprunner-blueprint/README.md"));
  EXPECT_TRUE(fs::exists(stage + "/usr/share/doc/apprunner-blueprint/docs/check.md"));
  const fs::path examples = stage + "/usr/share/apprunner-blueprint/examples/environments";
  ASSERT_TRUE(fs::exists(examples / "prod" / "stack.yaml"));

  // A project of the user's own: the examples copied, the tool run there.
  const std::string project = dir.path() + "/my-project";
  CopyTree(examples, project + "/environments");
  ProcessOptions in_project;
  in_project.cwd = project;
  ProcessResult version = RunProcess({tool, "--version"}, in_project);
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_THAT(version.out, HasSubstr("blueprint 0.1.0"));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"validate"}, {"synth", "--all", "--quiet"}, {"check", "--all"}, {"cost", "--all"}}) {
    std::vector<std::string> argv = {tool};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = RunProcess(argv, in_project);
    EXPECT_EQ(r.exit_code, 0) << args[0] << "\n" << r.out << r.err;
  }
  EXPECT_TRUE(fs::exists(project + "/cdk.out/manifest.json"));
  EXPECT_TRUE(fs::exists(project + "/cdk.out/orders-api-prod.template.json"));
}

TEST(Install, TheDebianPackageHoldsTheToolDocsAndExamples) {
  if (!FindExecutable("cpack") || !FindExecutable("dpkg-deb"))
    GTEST_SKIP() << "SKIPPED: cpack or dpkg-deb not found; the Debian package was not built";
  testing::TempDir dir;
  ProcessOptions in_build;
  in_build.cwd = kBuildDir;
  ProcessResult pack = RunProcess(
      {"cpack", "-G", "DEB", "--config", kBuildDir + "/CPackConfig.cmake", "-B", dir.path() + "/pkg"}, in_build);
  ASSERT_TRUE(pack.started) << pack.error;
  ASSERT_EQ(pack.exit_code, 0) << pack.out << pack.err;
  std::string deb;
  for (const auto& e : fs::directory_iterator(dir.path() + "/pkg"))
    if (e.path().extension() == ".deb") deb = e.path().string();
  ASSERT_FALSE(deb.empty()) << pack.out;
  EXPECT_THAT(fs::path(deb).filename().string(), ::testing::StartsWith("apprunner-blueprint_0.1.0_"));
  ProcessResult info = RunProcess({"dpkg-deb", "--field", deb, "Package", "Version", "Depends"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr("Package: apprunner-blueprint"));
  EXPECT_THAT(info.out, HasSubstr("Version: 0.1.0"));
  EXPECT_THAT(info.out, HasSubstr("libc6"));
  ProcessResult files = RunProcess({"dpkg-deb", "--contents", deb});
  ASSERT_EQ(files.exit_code, 0) << files.err;
  for (const char* path : {"./usr/bin/blueprint", "./usr/share/doc/apprunner-blueprint/README.md",
                           "./usr/share/apprunner-blueprint/examples/environments/dev/stack.yaml"})
    EXPECT_THAT(files.out, HasSubstr(path));
  // Unpacked, the tool runs.
  ProcessResult unpack = RunProcess({"dpkg-deb", "-x", deb, dir.path() + "/root"});
  ASSERT_EQ(unpack.exit_code, 0) << unpack.err;
  ProcessResult version = RunProcess({dir.path() + "/root/usr/bin/blueprint", "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
}

}  // namespace
}  // namespace bp
