// Delivery module: GitHub Actions deploys through OIDC, without stored AWS keys.
//
// Two pieces, in two stacks:
//  1. The GitHub OIDC provider (token.actions.githubusercontent.com). IAM allows one
//     per URL per account, so it lives in the account stack every environment of that
//     account shares, or the config names an existing provider and none is created.
//  2. A deploy role per environment (main stack), assumable only by workflows of the
//     configured repository, branches and GitHub environments, allowed to push to this
//     environment's ECR repository and to roll out a new image of this stack: a change
//     set on this one stack that reuses the deployed template (UsePreviousTemplate) and
//     changes the image parameter (ImageRollout::image_parameter). The change set runs with the role's own
//     credentials (no CloudFormation service role may be passed), and the role can
//     change nothing but the compute resource, so a change set with another template
//     fails and rolls back. docs/delivery.md lists every action and why.
//
// deploy/workflow.h writes the GitHub Actions workflow that uses the role
// (`blueprint workflow`).
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "modules/common.h"

namespace bp {

// Src: reference/aws-facts.md 6.1 (SCHEMA:aws-iam-oidcprovider; docs.github.com/en/actions/reference/security/oidc).
inline constexpr const char* kGithubOidcHost = "token.actions.githubusercontent.com";
inline constexpr const char* kGithubOidcAudience = "sts.amazonaws.com";

// The provider's ARN is fixed by its URL, so a stack that only trusts it can name it
// without a cross-stack reference (reference/aws-facts.md 6.1).
cfn::Json GithubOidcProviderArnFor();

struct GithubOidcProviderOutputs {
  cfn::Json provider_arn;
};

// Adds the account's GitHub OIDC provider (the caller publishes its ARN).
GithubOidcProviderOutputs AddGithubOidcProvider(const ModuleContext& ctx, cfn::Template* t);

// Who may assume the deploy role: the `sub` claims GitHub presents.
struct GithubTrust {
  std::string org;    // owner login
  std::string repo;   // repository name (no owner)
  // Numeric IDs: set both for repositories that present immutable subjects
  // (created or renamed since 2026-07-15, or opted in). Then the subjects pin the IDs.
  std::string owner_id;
  std::string repo_id;
  std::vector<std::string> branches;      // ref form: repo:ORG/REPO:ref:refs/heads/BRANCH
  std::vector<std::string> environments;  // environment form: repo:ORG/REPO:environment:NAME
};

// The exact `sub` values, branches first, in config order. A '*' in a branch or
// environment name (config allows it) is an IAM StringLike wildcard.
std::vector<std::string> GithubSubjects(const GithubTrust& trust);

struct DeployRoleArgs {
  GithubTrust trust;
  cfn::Json provider_arn;    // the OIDC provider to trust (GithubOidcProviderArnFor() or an existing ARN)
  cfn::Json repository_arn;  // this environment's ECR repository
  ImageRollout rollout;       // from the compute platform (modules/common.h)
};

struct DeployRoleOutputs {
  cfn::Json role_arn;
};

// The role's trust policy and permission policy documents (also used by the tests).
cfn::Json DeployRoleTrustPolicy(const DeployRoleArgs& args);
cfn::Json DeployRolePolicy(const DeployRoleArgs& args);

// Change sets the deploy role may create are named with this prefix.
inline constexpr const char* kRolloutChangeSetPrefix = "image-";

// Adds the deploy role and the DeployRoleArn output.
DeployRoleOutputs AddDeployRole(const ModuleContext& ctx, const DeployRoleArgs& args, cfn::Template* t);

}  // namespace bp
