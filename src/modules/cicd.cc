#include "modules/cicd.h"

namespace bp {

using cfn::Json;

namespace {

Json Strings(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

Json Statement(const std::string& sid, const std::vector<std::string>& actions, Json resource) {
  return Object({{"Sid", sid}, {"Effect", "Allow"}, {"Action", Strings(actions)}, {"Resource", std::move(resource)}});
}

std::string SubjectPrefix(const GithubTrust& t) {
  // Immutable subjects append the numeric IDs with '@': repo:octocat@123456/my-repo@456789:...
  // Src: github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens;
  // github.com/github/docs PR 45221 (content/actions/concepts/security/openid-connect.md).
  if (!t.owner_id.empty() && !t.repo_id.empty())
    return "repo:" + t.org + "@" + t.owner_id + "/" + t.repo + "@" + t.repo_id;
  return "repo:" + t.org + "/" + t.repo;
}

bool HasWildcard(const std::string& s) { return s.find('*') != std::string::npos; }

}  // namespace

Json GithubOidcProviderArnFor() {
  return cfn::Sub(std::string("arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/") + kGithubOidcHost);
}

GithubOidcProviderOutputs AddGithubOidcProvider(const ModuleContext& ctx, cfn::Template* t) {
  // Src: reference/aws-facts.md 6.1 (SCHEMA:aws-iam-oidcprovider): Url create-only; ThumbprintList is
  // optional, IAM verifies GitHub's certificate through its trusted root CAs.
  t->AddResource("GithubOidcProvider", "AWS::IAM::OIDCProvider",
                 Object({{"Url", std::string("https://") + kGithubOidcHost},
                         {"ClientIdList", Json::array({kGithubOidcAudience})},
                         {"Tags", ctx.Tags()}}));
  GithubOidcProviderOutputs out;
  out.provider_arn = cfn::GetAtt("GithubOidcProvider", "Arn");
  return out;
}

std::vector<std::string> GithubSubjects(const GithubTrust& trust) {
  // Src: reference/aws-facts.md 6.2 (docs.github.com/en/actions/reference/security/oidc): a job that
  // names an environment presents the environment form instead of the ref form.
  std::string prefix = SubjectPrefix(trust);
  std::vector<std::string> subjects;
  for (const auto& b : trust.branches) subjects.push_back(prefix + ":ref:refs/heads/" + b);
  for (const auto& e : trust.environments) subjects.push_back(prefix + ":environment:" + e);
  return subjects;
}

Json DeployRoleTrustPolicy(const DeployRoleArgs& args) {
  const std::string aud = std::string(kGithubOidcHost) + ":aud";
  const std::string sub = std::string(kGithubOidcHost) + ":sub";
  std::vector<std::string> exact, patterns;
  for (const auto& s : GithubSubjects(args.trust)) (HasWildcard(s) ? patterns : exact).push_back(s);
  // aud is always pinned with StringEquals; sub with StringEquals unless the config wrote a
  // wildcard, which then goes into its own StringLike statement. The repository part
  // never holds a wildcard (the config checks refuse one). Src: reference/aws-facts.md 6.2.
  auto statement = [&](const char* op, const std::vector<std::string>& subjects) {
    Json condition = Object({{"StringEquals", Json{{aud, kGithubOidcAudience}}}});
    condition[op][sub] = Strings(subjects);
    return Object({{"Effect", "Allow"},
                   {"Principal", Object({{"Federated", args.provider_arn}})},
                   {"Action", "sts:AssumeRoleWithWebIdentity"},
                   {"Condition", condition}});
  };
  Json statements = Json::array();
  if (!exact.empty()) statements.push_back(statement("StringEquals", exact));
  if (!patterns.empty()) statements.push_back(statement("StringLike", patterns));
  return Object({{"Version", "2012-10-17"}, {"Statement", statements}});
}

Json DeployRolePolicy(const DeployRoleArgs& args) {
  Json statements = Json::array();
  // ECR login: GetAuthorizationToken has no resource-level permissions.
  // Src: DOC:AmazonECR/latest/userguide/image-push-iam.html; reference/aws-facts.md 6.3.
  statements.push_back(Statement("EcrLogin", {"ecr:GetAuthorizationToken"}, "*"));
  // Push to this environment's repository only; DescribeImages lets a re-run skip an image
  // already pushed (a prod repository has immutable tags). Src: same page.
  statements.push_back(Statement("EcrPushThisRepository",
                                 {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
                                  "ecr:DescribeImages", "ecr:InitiateLayerUpload", "ecr:PutImage",
                                  "ecr:UploadLayerPart"},
                                 args.repository_arn));
  // Roll out: a change set on this stack only (AWS::StackId is this stack's exact ARN).
  // Condition keys. Src: DOC:service-authorization/latest/reference/list_awscloudformation.html
  // (CreateChangeSet: cloudformation:ChangeSetName, ImportResourceTypes, ResourceTypes, RoleArn);
  // DOC:AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html (without a role,
  // CloudFormation acts with the caller's credentials; a role once attached stays).
  //  - RoleArn absent: no service role, so the change set can do only what this role may.
  //  - ResourceTypes present and only the compute types: CloudFormation fails an update
  //    that touches any other resource type. Src: DOC:AWSCloudFormation/latest/APIReference/
  //    API_CreateChangeSet.html (ResourceTypes; "IAM uses this parameter for condition keys").
  //  - ImportResourceTypes absent: no resource import.
  //  - ChangeSetName prefixed: the role's change sets are recognisable.
  Json create = Statement("RolloutChangeSet", {"cloudformation:CreateChangeSet"}, cfn::Ref("AWS::StackId"));
  create["Condition"] = Json{
      {"Null", Object({{"cloudformation:RoleArn", "true"},
                       {"cloudformation:ImportResourceTypes", "true"},
                       {"cloudformation:ResourceTypes", "false"}})},
      {"ForAllValues:StringEquals", Object({{"cloudformation:ResourceTypes", Strings(args.rollout.resource_types)}})},
      {"StringLike", Object({{"cloudformation:ChangeSetName", std::string(kRolloutChangeSetPrefix) + "*"}})}};
  statements.push_back(create);
  // Execute, delete and read only the change sets this role creates: an operator's change
  // set under review (`up`, `preview --remote` name theirs blueprint-...) is never the
  // workflow's to run or throw away. The three actions take cloudformation:ChangeSetName;
  // Src: DOC:service-authorization/latest/reference/list_awscloudformation.html (DeleteChangeSet,
  // DescribeChangeSet, ExecuteChangeSet: condition key cloudformation:ChangeSetName, "use to
  // control which change sets IAM users can execute or delete").
  Json run = Statement("RolloutRunOwnChangeSets",
                       {"cloudformation:DeleteChangeSet", "cloudformation:DescribeChangeSet",
                        "cloudformation:ExecuteChangeSet"},
                       cfn::Ref("AWS::StackId"));
  run["Condition"] =
      Object({{"StringLike", Object({{"cloudformation:ChangeSetName", std::string(kRolloutChangeSetPrefix) + "*"}})}});
  statements.push_back(run);
  // Watching the stack has no change set to name.
  statements.push_back(Statement("RolloutWatch", {"cloudformation:DescribeStackEvents", "cloudformation:DescribeStacks"},
                                 cfn::Ref("AWS::StackId")));
  // What CloudFormation then does with this role's credentials: the compute platform's
  // image update and nothing else.
  for (const auto& s : args.rollout.statements) statements.push_back(s);
  return Object({{"Version", "2012-10-17"}, {"Statement", statements}});
}

DeployRoleOutputs AddDeployRole(const ModuleContext& ctx, const DeployRoleArgs& args, cfn::Template* t) {
  // No RoleName: CloudFormation names it, so environments never clash (CAPABILITY_IAM).
  t->AddResource(
      "GithubDeployRole", "AWS::IAM::Role",
      Object({{"Description", "GitHub Actions deploys " + ctx.name_prefix + ": push the image, roll it out"},
              {"AssumeRolePolicyDocument", DeployRoleTrustPolicy(args)},
              {"MaxSessionDuration", 3600},
              {"Policies",
               Json::array({Object({{"PolicyName", "deploy-image"}, {"PolicyDocument", DeployRolePolicy(args)}})})},
              {"Tags", ctx.Tags()}}));
  DeployRoleOutputs out;
  out.role_arn = cfn::GetAtt("GithubDeployRole", "Arn");
  t->AddOutput("DeployRoleArn", {out.role_arn, "Role GitHub Actions assumes (OIDC) to deploy this stack", "", ""});
  return out;
}

}  // namespace bp
