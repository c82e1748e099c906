// App: the stacks one environment produces. Assemble() is the single place that
// composes the modules from a StackConfig; every environment goes through it, so
// environments differ by data, never by code.
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "util/diag.h"

namespace bp {

struct Stack {
  std::string name;    // CloudFormation stack name, also the cloud-assembly artifact id
  std::string region;
  std::string role;    // "main" | "global" | "account"
  cfn::Template tmpl;
  std::vector<std::string> dependencies;  // names of stacks deployed before this one
};

struct App {
  std::string env;
  std::vector<Stack> stacks;
};

// Builds the stacks of one environment and runs the synth-time checks on them
// (references, the resource specification, limits). Returns false on error.
bool Assemble(const StackConfig& config, App* app, Diagnostics* diags);

// Checks every stack of an assembled app: references, the resource specification
// (cfn/spec.h) and CloudFormation limits.
void ValidateApp(const App& app, Diagnostics* diags);

}  // namespace bp
