// Registry module: the environment's ECR repository `<app>-<env>`, scanned on push,
// AES256-encrypted, with lifecycle rules that expire untagged images and keep the
// newest tagged ones. A repository that is not emptied on delete is retained, so a
// stack deletion never fails on (or silently drops) images.
#pragma once
#include <string>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"

namespace bp {

struct RegistryOutputs {
  std::string repository_name;  // physical name
  cfn::Json repository_uri;     // <acct>.dkr.ecr.<region>.amazonaws.com/<name>
  cfn::Json repository_arn;
};

// `registry` comes from the config (registry.*, defaults from the profile table).
RegistryOutputs AddRegistry(const ModuleContext& ctx, const RegistryConfig& registry, cfn::Template* t);

// The lifecycle policy document (LifecyclePolicyText is this, serialised).
cfn::Json EcrLifecyclePolicy(int untagged_expiry_days, int keep_tagged);

}  // namespace bp
