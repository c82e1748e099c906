// What every compute platform builds the same way (only the compute modules include
// this): the image parameter with its placeholder, the sorted {Name, Value} lists of
// runtime variables and secrets, and the inline policy with the runtime statements.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"
#include "modules/common.h"
#include "modules/compute.h"

namespace bp {

// Public placeholder image: listens on 8000, answers on "/". Src: issue 4 ("the first
// deployable platform"); image source github.com/aws-containers/hello-app-runner.
inline constexpr const char* kPlaceholderImage = "public.ecr.aws/aws-containers/hello-app-runner:latest";
inline constexpr int kPlaceholderPort = 8000;
inline constexpr const char* kPlaceholderHealthPath = "/";

// The image parameter (empty: the placeholder) and the condition that is true while the
// placeholder runs, as AddImageParameter() adds them.
struct ImageParameter {
  std::string parameter;              // ctx.Id("ImageUri"): the only place the name is written
  std::string placeholder_condition;  // ctx.Id("UsePlaceholderImage")
};

// Adds the image parameter and its placeholder condition; the platform hands the
// parameter on in ComputeOutputs::image_rollout, the assembly records it as the stack's
// image input (app.h StackInput).
ImageParameter AddImageParameter(const ModuleContext& ctx, cfn::Template* t);

// `placeholder` while the placeholder image runs (condition `placeholder_condition`),
// `own` otherwise; a plain value when both agree, so the template only branches where it must.
cfn::Json WhilePlaceholder(const std::string& placeholder_condition, const cfn::Json& placeholder, const cfn::Json& own);

// [{Name, <value_key>}] sorted by Name; a name given twice is a bug in a module (aborts).
cfn::Json SortedNamed(const std::vector<std::pair<std::string, cfn::Json>>& items, const char* what,
                      const char* value_key = "Value");

// The role's inline policy "runtime-access" with the runtime inputs' statements, as an
// AWS::IAM::Role Policies list; null when there are none.
cfn::Json RuntimeAccessPolicies(const RuntimeInputs& runtime);

// The stack outputs every platform gives: ServiceUrl, ServiceArn, ServiceName
// (descriptions name `platform`, e.g. "App Runner"; `url_note` follows the URL's, e.g.
// where it answers).
void AddServiceOutputs(const ModuleContext& ctx, const ComputeOutputs& out, const std::string& platform, cfn::Template* t,
                       const std::string& url_note = "");

}  // namespace bp
