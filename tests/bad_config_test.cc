// Every file under tests/bad_configs/ is a stack.yaml a user could write by
// mistake. Each must make `synth` exit 2 with the file and line in the message,
// say what is wrong (the `# expect:` header), and write nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>

#include <filesystem>

#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;

struct BadConfig {
  std::string name;
  int line = 0;
  std::string expect;
};

std::vector<BadConfig> Cases() {
  std::vector<BadConfig> cases;
  for (const auto& e : fs::directory_iterator(SourceDir() + "/tests/bad_configs")) {
    BadConfig c;
    c.name = e.path().filename().string();
    std::string text = ReadFileOrDie(e.path().string());
    auto header = [&](const std::string& name) {
      size_t at = text.find("# " + name + ": ");
      if (at == std::string::npos) return std::string();
      at += name.size() + 4;
      return text.substr(at, text.find('\n', at) - at);
    };
    if (std::string line = header("expect-line"); !line.empty()) c.line = std::stoi(line);
    c.expect = header("expect");
    if (text.empty()) {  // an empty file cannot carry its own expectation
      c.line = 1;
      c.expect = "the file is empty";
    }
    cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return cases;
}

TEST(BadConfigs, AtLeastTwentyFive) { EXPECT_GE(Cases().size(), 25u); }

// One test per file, named after it (BadConfigFiles/Each.ExitsTwo.../05_typo_key).
class Each : public ::testing::TestWithParam<BadConfig> {};

TEST_P(Each, ExitsTwoWithFileLineAndReasonAndWritesNothing) {
  const BadConfig& c = GetParam();
  ASSERT_FALSE(c.expect.empty()) << "missing '# expect:' header";
  ASSERT_GT(c.line, 0) << "missing '# expect-line:' header";
  TempDir dir;
  std::string file = dir.Write("envs/bad/stack.yaml", ReadFileOrDie(SourceDir() + "/tests/bad_configs/" + c.name));
  std::string out = dir.path() + "/out";
  CommandResult r = RunBlueprint({"synth", "--environments", dir.path() + "/envs", "--out", out});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr(file + ":" + std::to_string(c.line) + ":"));
  EXPECT_THAT(r.err, ::testing::HasSubstr(c.expect));
  EXPECT_FALSE(fs::exists(out)) << "synth wrote output despite the error";
  // No temporary leftovers beside the output either.
  EXPECT_EQ(ListFiles(dir.path()), std::vector<std::string>{"envs/bad/stack.yaml"});
}

INSTANTIATE_TEST_SUITE_P(BadConfigFiles, Each, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<BadConfig>& info) {
                           std::string name = info.param.name.substr(0, info.param.name.rfind('.'));
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

TEST(BadConfigs, ValidateAlsoExitsTwo) {
  TempDir dir;
  dir.Write("envs/bad/stack.yaml", ReadFileOrDie(SourceDir() + "/tests/bad_configs/05-typo-key.yaml"));
  CommandResult r = RunBlueprint({"validate", "--environments", dir.path() + "/envs"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("did you mean 'port'")) << r.err;
}

TEST(BadConfigs, ExistingOutputSurvivesAFailedSynth) {
  TempDir dir;
  dir.Write("out/keep.txt", "previous");
  dir.Write("envs/bad/stack.yaml", "profile: dev\napp: {name: Bad_Name}\n");
  CommandResult r = RunBlueprint({"synth", "--environments", dir.path() + "/envs", "--out", dir.path() + "/out"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(ReadFileOrDie(dir.path() + "/out/keep.txt"), "previous");
}

}  // namespace
}  // namespace bp::testing
