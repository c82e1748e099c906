// Helpers shared by the tests: temporary directories, running the built binary,
// reading files, and synthesizing configs through the library.
#pragma once
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/app.h"
#include "config/stack_config.h"
#include "template_match.h"

namespace bp {

// The tests' folder and the bundled environments (one definition for every test file:
// the tests are compiled a few files at a time, tests/CMakeLists.txt).
inline const std::string kTests = BLUEPRINT_TESTS_DIR;
inline const std::string kEnvironments = std::string(BLUEPRINT_SOURCE_DIR) + "/environments";

// The day every test runs on: the binary's BLUEPRINT_TODAY (docs/check.md), set for the
// whole test program (test_util.cc), so an acknowledgement's expiry in the bundled
// environments never turns a test red on a later date.
inline constexpr const char* kTestToday = "2026-12-07";

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace bp

namespace bp::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Write(const std::string& relative, const std::string& contents) const;

 private:
  std::string path_;
};

// Runs build/blueprint with `args` through the project's process runner (no shell),
// in `cwd` when given, with `input` on its standard input and no controlling terminal.
CommandResult RunBlueprint(const std::vector<std::string>& args, const std::string& cwd = "",
                           const std::string& input = "");

// A pinned npm tool of the repository (tools/<name>: package.json, package-lock.json),
// installed by `npm ci` on first use, under a lock so the tests ctest runs in parallel
// never see it half-installed. True when `probe` (a path in the tool's directory) exists
// afterwards; false with *skip saying why (no Node.js, no registry) otherwise.
bool NpmTool(const std::string& tool_dir, const std::string& probe, const std::string& what, std::string* skip);

std::string ReadFileOrDie(const std::string& path);
std::string SourceDir();  // the repository root

// Parses `yaml` as environment `env` and assembles it; fails the test on error.
App SynthFromYaml(const std::string& yaml, const std::string& env = "dev");

// The bundled environments (environments/*/stack.yaml) with `compute:` lines appended
// (e.g. "  platform: ecs-express\n"), parsed as the loader would: the platform's defaults
// (compute.ingress, app.tracing) apply as for a user's file. Fails the test on error.
std::vector<StackConfig> BundledEnvironmentsWith(const std::string& compute_lines);

// The main stack of `app` (a test failure, and the first stack, when there is none).
const Stack& MainStack(const App& app);

// Every file (relative path) under `dir`, sorted.
std::vector<std::string> ListFiles(const std::string& dir);

// True when the test `suite`.`name` is selected in this run (filters applied): for
// work started at program start on its behalf (a ::testing::Environment's SetUp).
bool TestWillRun(const std::string& suite, const std::string& name);

// Fixture: a scratch copy of the bundled environments/ in `dir_`, with the config
// passphrase kPassphrase set, for tests that run the binary on them.
class ScratchEnvironments : public ::testing::Test {
 protected:
  static constexpr const char* kPassphrase = "correct-horse-battery";
  void SetUp() override;
  std::string Env(const std::string& env) const;  // its stack.yaml
  std::string Read(const std::string& env) const;
  void Replace(const std::string& env, const std::string& text) const;

  TempDir dir_;
};

}  // namespace bp::testing
