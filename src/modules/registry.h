// Registry module: the environment's ECR repository `<app>-<env>`, scanned on push,
// AES256-encrypted, with lifecycle rules that expire untagged images and keep the
// newest tagged ones. A repository that is not emptied on delete is retained, so a
// stack deletion never fails on (or silently drops) images.
#pragma once
#include <string>

#include "cfn/template.h"
#include "modules/common.h"

namespace bp {

struct RegistryArgs {
  int untagged_expiry_days = 7;  // @default 7 (dev), 14 (staging), 30 (prod)
  int keep_tagged = 5;           // @default 5 (dev), 10 (staging), 20 (prod)
  bool immutable_tags = false;   // @default true in prod
  bool empty_on_delete = true;   // @default false in prod: images outlive the stack
};

struct RegistryOutputs {
  std::string repository_name;  // physical name
  cfn::Json repository_uri;     // <acct>.dkr.ecr.<region>.amazonaws.com/<name>
  cfn::Json repository_arn;
};

RegistryOutputs AddRegistry(const ModuleContext& ctx, const RegistryArgs& args, cfn::Template* t);

// The lifecycle policy document (LifecyclePolicyText is this, serialised).
cfn::Json EcrLifecyclePolicy(int untagged_expiry_days, int keep_tagged);

}  // namespace bp
