// The local record of what `up` deployed, per stack: template.json (the exact template
// CloudFormation accepted) and outputs.json (the stack's outputs as {name: value}),
// under STATE/<account>/<region>/<stack>/. The state directory lives beside the
// environments directory (<project>/.blueprint for <project>/environments), so every
// command finds the same record from wherever it runs. CloudFormation stays the
// source of truth; this record only lets `preview` diff offline and scripts read
// outputs without AWS credentials.
#pragma once
#include <string>

#include "cfn/intrinsics.h"
#include "util/diag.h"

namespace bp {

// What identifies a deployed stack: the same name may be deployed in several regions
// and accounts (the account stack is, by design).
struct StackKey {
  std::string account;  // 12-digit ID; "" when the config names none ("unknown-account")
  std::string region;
  std::string stack;
};

// <project>/.blueprint for the environments directory <project>/environments.
std::string DefaultStateDir(const std::string& environments_dir);

// STATE/<account>/<region>/<stack>
std::string StackRecordDir(const std::string& state_dir, const StackKey& key);
std::string DeployedTemplatePath(const std::string& state_dir, const StackKey& key);
std::string OutputsPath(const std::string& state_dir, const StackKey& key);

// *found is false (and the call succeeds) when nothing was recorded for the stack.
bool LoadJsonRecord(const std::string& path, cfn::Json* doc, bool* found, Diagnostics* diags);

// Writes the file atomically, creating its directory as needed.
bool SaveRecord(const std::string& path, const std::string& contents, Diagnostics* diags);

// Removes the stack's record directory after the stack is destroyed.
void ForgetStack(const std::string& state_dir, const StackKey& key);

}  // namespace bp
