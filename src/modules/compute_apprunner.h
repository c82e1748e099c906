// Compute module, App Runner platform: the service, its auto scaling and (optional)
// X-Ray observability configurations, a VPC connector into the private subnets with
// the app's security group (modules/compute.h), the ECR access role and the instance
// role. It fulfils the compute contract of modules/compute.h; only compute.cc calls it.
//
// The image comes from the template parameter ImageUri: empty (the default) runs a
// public placeholder image, so the stack deploys before any image exists; a private
// ECR image URI runs that image through the access role.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"
#include "modules/compute.h"
#include "modules/compute_image.h"  // kPlaceholderImage, kPlaceholderPort, kPlaceholderHealthPath
#include "util/diag.h"

namespace bp {

// Builds the service from the app's config and the contract's inputs (runtime
// variables, secrets and role statements are in the service from the start; a name
// given twice is a programming error and aborts).
ComputeOutputs AddAppRunnerCompute(const ModuleContext& ctx, const AppConfig& app, const ComputeInputs& in,
                                   cfn::Template* t);

// App Runner's sizing rules: the cpu/memory pairs it offers and its scaling limits.
// Src: reference/aws-facts.md 1.3, 1.4 (DOC:apprunner/latest/api/API_InstanceConfiguration.html,
// SCHEMA:aws-apprunner-autoscalingconfiguration).
void CheckAppRunnerConfig(const StackConfig& c, Diagnostics* diags);

}  // namespace bp
