#include "modules/registry.h"

#include "naming/names.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;

Json EcrLifecyclePolicy(int untagged_expiry_days, int keep_tagged) {
  // Rules run by rulePriority, lowest first. Src: reference/aws-facts.md 1.2
  // (DOC:AmazonECR/latest/userguide/LifecyclePolicies.html).
  return Json{
      {"rules",
       Json::array(
           {Object({{"rulePriority", 1},
                    {"description", "Expire untagged images after " + std::to_string(untagged_expiry_days) + " days"},
                    {"selection", Object({{"tagStatus", "untagged"},
                                          {"countType", "sinceImagePushed"},
                                          {"countUnit", "days"},
                                          {"countNumber", untagged_expiry_days}})},
                    {"action", Object({{"type", "expire"}})}}),
            Object({{"rulePriority", 2},
                    {"description", "Keep the newest " + std::to_string(keep_tagged) + " tagged images"},
                    {"selection", Object({{"tagStatus", "tagged"},
                                          {"tagPatternList", Json::array({"*"})},
                                          {"countType", "imageCountMoreThan"},
                                          {"countNumber", keep_tagged}})},
                    {"action", Object({{"type", "expire"}})}})})}};
}

RegistryOutputs AddRegistry(const ModuleContext& ctx, const RegistryConfig& args, cfn::Template* t) {
  RegistryOutputs out;
  out.repository_name = FitName(NameKind::kEcrRepository, ctx.name_prefix);
  // Src: reference/aws-facts.md 1.2 (SCHEMA:aws-ecr-repository): RepositoryName and EncryptionConfiguration
  // are create-only; EmptyOnDelete defaults to false.
  auto& repo = t->AddResource(
      ctx.Id("Repository"), "AWS::ECR::Repository",
      Object({{"RepositoryName", out.repository_name},
              {"ImageScanningConfiguration", Object({{"ScanOnPush", true}})},
              {"EncryptionConfiguration", Object({{"EncryptionType", "AES256"}})},
              {"ImageTagMutability", args.immutable_tags ? "IMMUTABLE" : "MUTABLE"},
              {"LifecyclePolicy", Object({{"LifecyclePolicyText",
                                           EcrLifecyclePolicy(args.untagged_expiry_days, args.keep_tagged).dump()}})},
              {"EmptyOnDelete", args.empty_on_delete},
              {"Tags", ctx.Tags()}}));
  if (!args.empty_on_delete) {
    // Images stay when the stack goes; so does the repository that holds them.
    repo.deletion_policy = "Retain";
    repo.update_replace_policy = "Retain";
  }
  out.repository_uri = GetAtt(ctx.Id("Repository"), "RepositoryUri");
  out.repository_arn = GetAtt(ctx.Id("Repository"), "Arn");
  t->AddOutput(ctx.Id("RepositoryUri"), {out.repository_uri, "ECR repository URI (push images here)", "", ""});
  t->AddOutput(ctx.Id("RepositoryArn"), {out.repository_arn, "ECR repository ARN", "", ""});
  return out;
}

}  // namespace bp
