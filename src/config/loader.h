// Reading environments: environments/<env>/stack.yaml -> StackConfig. Parsing,
// defaults from the profile table and every check happen here; errors carry
// file:line:col, the key path, what is wrong and what is allowed.
#pragma once
#include <string>
#include <vector>

#include "config/stack_config.h"
#include "util/diag.h"

namespace bp {

// Parses `text` as the stack.yaml of environment `env` (`file` is used in messages).
// Returns false when any error was found; warnings are appended too.
bool ParseStackConfig(const std::string& text, const std::string& file, const std::string& env,
                      StackConfig* out, Diagnostics* diags);

// Reads and parses one file.
bool LoadStackConfig(const std::string& file, const std::string& env, StackConfig* out,
                     Diagnostics* diags);

// The environment names under `dir` (sub-directories holding a stack.yaml), sorted.
bool ListEnvironments(const std::string& dir, std::vector<std::string>* envs, std::string* err);

// Loads every environment under `dir`, or just `only` when not empty.
bool LoadEnvironments(const std::string& dir, const std::vector<std::string>& only,
                      std::vector<StackConfig>* out, Diagnostics* diags);

// Checks of a single value against a FieldCheck, shared with `config set`.
// Empty when fine; otherwise what is wrong and what is allowed.
std::string CheckEnvironmentName(const std::string& env);

}  // namespace bp
