// The local record of what `up` deployed, per stack: template.json (the exact template
// CloudFormation accepted) and outputs.json (the stack's outputs as {name: value}),
// under STATE/<account>/<region>/<stack>/. The state directory lives beside the
// environments directory (<project>/.blueprint for <project>/environments), so every
// command finds the same record from wherever it runs. CloudFormation stays the
// source of truth; this record only lets `preview` diff offline and scripts read
// outputs without AWS credentials. A third file, stack.json, says whose stack it is
// (RecordedStack below), so a stack the assembly no longer produces is still found and
// known for the one `up` created.
#pragma once
#include <string>
#include <vector>

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

// STATE/<account>/<region>/<stack>/stack.json
std::string StackMetaPath(const std::string& state_dir, const StackKey& key);

// What `up` records about whom a stack serves and which stack it is, in stack.json.
// Records written before stack.json existed have only the key (has_meta false).
struct RecordedStack {
  StackKey key;
  bool has_meta = false;
  std::string artifact;                   // Stack::id in the assembly that deployed it
  std::string role;                       // main | global | account (RoleName)
  std::vector<std::string> environments;  // the environments it served
  // CloudFormation's unique stack ID (an ARN): a stack deleted and created again under
  // the same name has another, so it tells the stack `up` recorded from any other.
  std::string stack_id;
  std::string recorded_at;  // UTC, "2026-11-25T18:00:01Z": the last successful `up`
};

// The stack.json text of `meta` (key fields are the record's path, not repeated).
std::string StackMetaJson(const RecordedStack& meta);

// The state directory is the tool's alone: its records are written only into real
// folders, never where a symbolic link sends them (a committed or shared `.blueprint`
// link would otherwise let `up` or `outputs` overwrite whatever it points to). False,
// with a message saying how to mend it, when `state_dir` is a symlink or not a
// directory; an absent one is fine (the first record creates it). The folders above it
// are the user's choice (--state-dir, the project's own location) and may be links.
bool CheckStateDir(const std::string& state_dir, Diagnostics* diags);

// Every stack recorded under `state_dir` (a folder with a template.json), ordered by
// account, region and name. A symlinked state directory or record folder is refused
// (CheckStateDir); a stack.json that is not valid JSON is an error; a missing
// one leaves has_meta false and recorded_at the template's modification time. An absent
// state directory holds no record.
bool ListRecordedStacks(const std::string& state_dir, std::vector<RecordedStack>* out, Diagnostics* diags);

// *found is false (and the call succeeds) when nothing was recorded for the stack.
bool LoadJsonRecord(const std::string& path, cfn::Json* doc, bool* found, Diagnostics* diags);

// Writes a record file (STATE/<account>/<region>/<stack>/<file>, from the functions
// above) atomically, creating its folders as needed. Nothing is written through a link:
// a symlinked state directory or record folder is refused (CheckStateDir), and a
// symlink at the file itself is replaced by the record (what it pointed to is kept).
bool SaveRecord(const std::string& path, const std::string& contents, Diagnostics* diags);

// Removes the stack's record directory after the stack is destroyed; nothing when a
// folder on the way is a symlink (what it points to is not the tool's to remove).
void ForgetStack(const std::string& state_dir, const StackKey& key);

}  // namespace bp
