// The cloud assembly: one template file per stack plus manifest.json in the format
// the AWS CDK toolkit reads (artifacts of type aws:cloudformation:stack with
// environment aws://ACCOUNT/REGION, ACCOUNT "unknown-account" when the config names
// none, and dependencies), so `cdk ls/synth --app DIR` and `aws cloudformation deploy`
// work on synth's output. Each artifact's metadata also records the stack's role and
// every parameter filled at deploy time (type kStackInputMetadataType): from another
// stack's output (data {parameter, producer, producerStackName, output, producerRegion[,
// producerAccount]}) or from one of AWS's public SSM parameters read in the stack's
// region (data {parameter, ssmParameter, region}), so other deployers can fill them.
// Src: CDK:cloud-assembly-schema (schema/cloud-assembly.schema.json); reference/aws-facts.md 14.
#pragma once
#include <string>
#include <vector>

#include "app/app.h"
#include "cfn/writer.h"

namespace bp {

struct AssemblyFile {
  std::string name;      // file name inside the output directory
  std::string contents;
};

inline constexpr const char* kStackRoleMetadataType = "apprunner-blueprint:stack-role";
inline constexpr const char* kStackInputMetadataType = "apprunner-blueprint:stack-input";

// Every file of the assembly for `app`, in a stable order. Templates are JSON (the
// CDK toolkit reads JSON) unless `format` is YAML, in which case the templates are
// written as <StackId>.template.yaml and the manifest points at them.
std::vector<AssemblyFile> BuildAssembly(const App& app, cfn::Format format);

// "aws://ACCOUNT/REGION" of a stack, "aws://unknown-account/REGION" without an account.
std::string ManifestEnvironment(const Stack& s);

// Whether WriteAssembly may write `out_dir`: refused (false, with the way out) when it
// is empty or names no folder of its own (".", "..", "/"), is a symlink (replacing it
// would put a directory in the link's place), or exists and is neither empty nor an
// assembly synth wrote (a regular file .blueprint-assembly, not a link to one). Looks
// only: nothing is created or removed.
bool CheckAssemblyOut(const std::string& out_dir, Diagnostics* diags);

// Writes the files into a fresh temporary directory beside `out_dir` and renames it
// over `out_dir`, so a reader never sees a half-written assembly; an interrupt waits
// until the swap is done or undone (SignalsHeld). `out_dir` must pass
// CheckAssemblyOut; anything else is an error and is left untouched.
bool WriteAssembly(const std::vector<AssemblyFile>& files, const std::string& out_dir, Diagnostics* diags);

std::string TemplateFileName(const std::string& stack_name, cfn::Format format);

}  // namespace bp
