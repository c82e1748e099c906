// Reading environments: environments/<env>/stack.yaml -> StackConfig. Parsing,
// defaults from the profile table and every check happen here; errors carry
// file:line:col, the key path, what is wrong and what is allowed.
#pragma once
#include <string>
#include <vector>

#include "util/json.h"

#include "config/stack_config.h"
#include "util/diag.h"

namespace bp {

// Parses `text` as the stack.yaml of environment `env` (`file` is used in messages).
// Returns false when any error was found; warnings are appended too.
bool ParseStackConfig(const std::string& text, const std::string& file, const std::string& env,
                      StackConfig* out, Diagnostics* diags);

// One key's effective value after the profile's defaults: what `config get` and
// `config list` print. Values are JSON (string, number, bool, list or map).
struct ConfigValue {
  std::string key;
  bp::Json value;
  bool from_profile = false;  // not written in the file
  Location where;             // the file's line when written there
  std::string derived_from;   // not written, and decided by another key (StackConfig::derived)
};

// Parses and checks like ParseStackConfig, then returns every key that has a value,
// in the schema's order.
bool ParseStackValues(const std::string& text, const std::string& file, const std::string& env,
                      std::vector<ConfigValue>* out, Diagnostics* diags);

// The largest stack.yaml read (a real one is a few kB; the limit keeps a file linked
// to something endless from being read forever).
inline constexpr size_t kMaxStackFileBytes = 4u << 20;  // 4 MiB

// Reads and parses one file: a regular file of at most kMaxStackFileBytes.
bool LoadStackConfig(const std::string& file, const std::string& env, StackConfig* out,
                     Diagnostics* diags);

// The environment names under `dir` (sub-directories holding a stack.yaml), sorted.
// What looks meant as one but is not read gets a warning naming the file expected: a
// folder without stack.yaml (one with stack.yml or Stack.yaml: rename it), a YAML file
// directly in `dir`. Folders whose name starts with '.' are skipped without a word.
bool ListEnvironments(const std::string& dir, std::vector<std::string>* envs, Diagnostics* diags);

// Loads every environment under `dir`, or just `only` when not empty. Its own listing
// adds errors only: the warnings are ListEnvironments' (its callers list first).
bool LoadEnvironments(const std::string& dir, const std::vector<std::string>& only,
                      std::vector<StackConfig>* out, Diagnostics* diags);

// Checks of a single value against a FieldCheck, shared with `config set`.
// Empty when fine; otherwise what is wrong and what is allowed.
std::string CheckEnvironmentName(const std::string& env);

}  // namespace bp
