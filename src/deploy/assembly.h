// The cloud assembly: one template file per stack plus manifest.json in the format
// the AWS CDK toolkit reads (artifacts of type aws:cloudformation:stack with
// environment aws://unknown-account/REGION and dependencies), so `cdk deploy --app
// DIR` and `aws cloudformation deploy` both work on synth's output.
// Src: CDK:cloud-assembly-schema (schema/cloud-assembly.schema.json); aws-facts.md 14.
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

// Every file of the assembly for `apps`, in a stable order. Templates are JSON (the
// CDK toolkit reads JSON) unless `format` is YAML, in which case the templates are
// written as <Stack>.template.yaml and the manifest points at them.
std::vector<AssemblyFile> BuildAssembly(const std::vector<App>& apps, cfn::Format format);

// Writes the files into a fresh temporary directory beside `out_dir` and renames it
// over `out_dir`, so a reader never sees a half-written assembly.
bool WriteAssembly(const std::vector<AssemblyFile>& files, const std::string& out_dir, std::string* err);

std::string TemplateFileName(const std::string& stack_name, cfn::Format format);

}  // namespace bp
