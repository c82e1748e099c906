// The command line through the built binary: --version, "did you mean" for commands
// and options, the `error:` prefix and exit 2 for argument errors, help that says what
// is required, --stack with a stack name, and --json output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

class Cli : public ScratchEnvironments {
 protected:
  CommandResult Run(const std::vector<std::string>& args) const { return RunBlueprint(args, dir_.path()); }
};

TEST_F(Cli, Version) {
  CommandResult r = Run({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("blueprint ", 0), 0u) << r.out;
}

// `--version` alone is answered before the command line is built (cli::Run); with
// another argument after it, CLI11's version flag answers. Both print the same.
TEST_F(Cli, VersionAloneIsWhatTheVersionFlagPrints) {
  CommandResult alone = Run({"--version"});
  CommandResult flag = Run({"--version", "synth"});
  EXPECT_EQ(alone.exit_code, 0);
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_EQ(alone.out, flag.out);
  EXPECT_EQ(alone.out.rfind("blueprint ", 0), 0u) << alone.out;
}

// A command named first is built alone (cli::Run): each command the top-level help
// lists must then still parse, and its help name it.
TEST_F(Cli, EveryListedCommandRunsItsHelpWhenNamedFirst) {
  CommandResult help = Run({"--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  size_t at = help.out.find("Subcommands:\n");
  ASSERT_NE(at, std::string::npos) << help.out;
  std::vector<std::string> commands;
  for (size_t line = at + 13; line < help.out.size();) {
    size_t end = help.out.find('\n', line);
    std::string text = help.out.substr(line, end - line);
    size_t start = text.find_first_not_of(' ');
    if (start != std::string::npos) commands.push_back(text.substr(start, text.find(' ', start) - start));
    if (end == std::string::npos) break;
    line = end + 1;
  }
  EXPECT_GE(commands.size(), 11u) << help.out;
  for (const auto& c : commands) {
    CommandResult r = Run({c, "--help"});
    EXPECT_EQ(r.exit_code, 0) << c << ": " << r.err;
    EXPECT_THAT(r.out, ::testing::HasSubstr("blueprint " + c)) << c << ": " << r.out;
  }
}

// The top-level help names the commands without building them; a command named after
// it is built whole, so its help still lists its options.
TEST_F(Cli, HelpBeforeACommandShowsThatCommandsOptions) {
  CommandResult r = Run({"--help", "synth"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("Usage: blueprint synth [OPTIONS]"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("--environments"));
  r = Run({"-h", "config", "set"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("Usage: blueprint config set [OPTIONS] key [value]"));
}

TEST_F(Cli, MistypedCommandAndOptionGetDidYouMeanAndExitTwo) {
  CommandResult r = Run({"synht"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: unknown command 'synht' (did you mean 'synth'?)", 0), 0u) << r.err;
  r = Run({"config", "lst", "--stack", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("(did you mean 'list'?)")) << r.err;
  r = Run({"synth", "--stak", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: unknown option '--stak' for 'blueprint synth' (did you mean '--stack'?)", 0), 0u)
      << r.err;
  r = Run({"synth", "--format", "xml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  r = Run({"up"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--stack")) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--all")) << r.err;
}

TEST_F(Cli, UpAndDestroyHelpSayStackIsRequiredAndOfferAll) {
  for (const char* cmd : {"up", "destroy"}) {
    CommandResult r = Run({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_THAT(r.out, ::testing::HasSubstr("--stack")) << r.out;
    EXPECT_THAT(r.out, ::testing::HasSubstr("Required (or --all)")) << r.out;
    EXPECT_THAT(r.out, ::testing::HasSubstr("--all")) << r.out;
  }
}

TEST_F(Cli, StackNameWorksWhereAnEnvironmentDoesAndConfigRefusesIt) {
  CommandResult r = Run({"validate", "--stack", "orders-api-dev"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Run({"synth", "--stack", "orders-api-dev", "--out", "out", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_.path() + "/out/orders-api-dev.template.json"));
  r = Run({"config", "get", "--stack", "orders-api-dev", "app.name"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("'orders-api-dev' is a stack, of environment 'dev'")) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--stack dev")) << r.err;
}

TEST_F(Cli, JsonOutputHasOneShape) {
  CommandResult r = Run({"stacks", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_EQ(j["environments"].size(), 3u);
  EXPECT_EQ(j["environments"][0]["environment"], "dev");
  EXPECT_EQ(j["environments"][0]["status"], "ok");
  bool listed = false;
  for (const auto& id : j["environments"][0]["stacks"]) listed = listed || id == "orders-api-dev";
  EXPECT_TRUE(listed) << r.out;
  bool described = false;
  for (const auto& s : j["stacks"])
    if (s["id"] == "orders-api-dev") {
      described = true;
      EXPECT_EQ(s["role"], "main");
      EXPECT_EQ(s["environments"], Json::array({"dev"}));
      EXPECT_FALSE(s["region"].get<std::string>().empty());
    }
  EXPECT_TRUE(described) << r.out;
  // One environment: the same shape (a list), not a bare object.
  fs::remove_all(dir_.path() + "/environments/staging");
  fs::remove_all(dir_.path() + "/environments/prod");
  r = Run({"stacks", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Json::parse(r.out)["environments"].is_array());
  EXPECT_TRUE(Json::parse(r.out)["stacks"].is_array());

  r = Run({"validate", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_TRUE(j["diagnostics"].is_array());

  Replace("dev", "profile: dev\napp:\n  name: orders-api\n  port: 70000\n");
  r = Run({"validate", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  j = Json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  bool found = false;
  for (const auto& d : j["diagnostics"])
    if (d["key"] == "app.port") {
      found = true;
      EXPECT_EQ(d["severity"], "error");
      EXPECT_EQ(d["line"], 4);
      EXPECT_EQ(d["column"], 9);
      EXPECT_THAT(d["file"].get<std::string>(), ::testing::HasSubstr("dev/stack.yaml"));
      EXPECT_THAT(d["message"].get<std::string>(), ::testing::HasSubstr("out of range"));
    }
  EXPECT_TRUE(found) << r.out;
}

TEST_F(Cli, ConfigGetAndListJson) {
  CommandResult r = Run({"config", "get", "--stack", "dev", "app.env.LOG_LEVEL", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["key"], "app.env.LOG_LEVEL");
  EXPECT_EQ(j["value"], "debug");
  r = Run({"config", "get", "--stack", "dev", "network.az_count", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Json::parse(r.out);
  EXPECT_TRUE(j["value"].is_number_integer());
  EXPECT_EQ(j["source"], "profile dev");
  r = Run({"config", "list", "--stack", "dev", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(j["environment"], "dev");
  bool port = false;
  for (const auto& row : j["values"])
    if (row["key"] == "app.port") port = row["value"] == 8080;
  EXPECT_TRUE(port) << r.out;
}

}  // namespace
}  // namespace bp::testing
