// The user documentation (README.md, docs/*.md): links a reader can follow instead of
// internal source keys, and the facts and walkthroughs issue 11 asked for.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;


TEST(Docs, NoInternalSourceKeys) {
  // The source keys of reference/aws-facts.md (DOC:..., SCHEMA:...) and its section
  // numbers are for the code's comments; the docs link the AWS documentation instead.
  std::vector<std::string> files = {SourceDir() + "/README.md"};
  for (const auto& e : fs::directory_iterator(SourceDir() + "/docs"))
    if (e.path().extension() == ".md") files.push_back(e.path().string());
  ASSERT_GT(files.size(), 5u);
  for (const auto& f : files) {
    std::string text = ReadFileOrDie(f);
    for (const char* key : {"DOC:", "aws-facts", "SCHEMA:", "BOTO:", "FCK:", "CFNREF:", "LINT:"})
      EXPECT_FALSE(Contains(text, key)) << f << " still cites " << key;
  }
}

// A source comment citing the facts sheet ("reference/aws-facts.md 7.6") names a
// section the sheet has, so a reader can follow it.
TEST(Docs, EveryFactsCitationNamesASectionOfTheSheet) {
  std::string sheet = ReadFileOrDie(SourceDir() + "/reference/aws-facts.md");
  const std::regex cite(R"(reference/aws-facts\.md (?:section )?(\d+)(?:\.(\d+))?)");
  size_t citations = 0;
  for (const char* dir : {"/src", "/tests", "/bench"})
    for (const auto& e : fs::recursive_directory_iterator(SourceDir() + dir)) {
      if (!e.is_regular_file()) continue;
      std::string text = ReadFileOrDie(e.path().string());
      for (auto it = std::sregex_iterator(text.begin(), text.end(), cite); it != std::sregex_iterator(); ++it) {
        ++citations;
        std::string heading = (*it)[2].matched ? "\n### " + (*it)[1].str() + "." + (*it)[2].str() + " "
                                               : "\n## " + (*it)[1].str() + ". ";
        EXPECT_TRUE(Contains(sheet, heading)) << e.path() << " cites " << it->str() << ": no such section";
      }
    }
  EXPECT_GT(citations, 100u);
}

TEST(Docs, ReadmeSaysAppRunnerIsClosedToNewCustomersAndShowsAFirstDeploy) {
  std::string readme = ReadFileOrDie(SourceDir() + "/README.md");
  EXPECT_TRUE(Contains(readme, "App Runner is closed to new AWS customers since 2026-04-30"));
  EXPECT_TRUE(Contains(readme, "https://docs.aws.amazon.com/apprunner/latest/dg/apprunner-availability-change.html"));
  size_t walkthrough = readme.find("## First deploy of your own image");
  ASSERT_NE(walkthrough, std::string::npos);
  std::string rest = readme.substr(walkthrough);
  EXPECT_TRUE(Contains(rest, "RepositoryUri"));
  EXPECT_TRUE(Contains(rest, "docker push"));
  EXPECT_TRUE(Contains(rest, "blueprint up --stack dev --image-uri"));
}

TEST(Docs, ComputeSaysAppSecretsAreWired) {
  std::string compute = ReadFileOrDie(SourceDir() + "/docs/compute.md");
  EXPECT_FALSE(Contains(compute, "not wired"));
  EXPECT_TRUE(Contains(compute, "the secrets module gives `app.secrets`"));
}

}  // namespace
}  // namespace bp::testing
