// The local record of what `up` deployed: .blueprint/<stack>/template.json (the exact
// template CloudFormation accepted) and outputs.json (the stack's outputs as
// {name: value}). CloudFormation stays the source of truth; this record only lets
// `preview` diff offline and scripts read outputs without AWS credentials.
#pragma once
#include <string>

#include "cfn/intrinsics.h"

namespace bp {

inline constexpr const char* kDefaultStateDir = ".blueprint";

std::string DeployedTemplatePath(const std::string& state_dir, const std::string& stack);
std::string OutputsPath(const std::string& state_dir, const std::string& stack);

// *found is false (and the call succeeds) when nothing was recorded for the stack.
bool LoadJsonRecord(const std::string& path, cfn::Json* doc, bool* found, std::string* err);

// Writes the file atomically, creating .blueprint/<stack>/ as needed.
bool SaveRecord(const std::string& path, const std::string& contents, std::string* err);

// Removes .blueprint/<stack>/ after the stack is destroyed.
void ForgetStack(const std::string& state_dir, const std::string& stack);

}  // namespace bp
