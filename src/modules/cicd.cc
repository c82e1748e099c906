#include "modules/cicd.h"

#include <string_view>

namespace bp {

using cfn::Json;

namespace {

// Current major versions of the actions the workflow uses (checked 2026-11 against the
// repositories' tags and READMEs: actions/checkout v7.0.1, configure-aws-credentials
// v6.2.3, amazon-ecr-login v2.1.7 on node24).
// Src: github.com/actions/checkout (README, tag v7); github.com/aws-actions/configure-aws-credentials
// (README, tag v6); github.com/aws-actions/amazon-ecr-login (README, tag v2, action.yml runs node24).
constexpr const char* kCheckoutAction = "actions/checkout@v7";
constexpr const char* kCredentialsAction = "aws-actions/configure-aws-credentials@v6";
constexpr const char* kEcrLoginAction = "aws-actions/amazon-ecr-login@v2";
// The image's hand-over from the build job to the deploy jobs; both v7 (Node.js 24, the
// same artifact backend). Src: github.com/actions/upload-artifact/releases (v7.0.1);
// github.com/actions/download-artifact (README, v7).
constexpr const char* kUploadArtifactAction = "actions/upload-artifact@v7";
constexpr const char* kDownloadArtifactAction = "actions/download-artifact@v7";

Json Strings(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

Json Statement(const std::string& sid, const std::vector<std::string>& actions, Json resource) {
  return Json{{"Sid", sid}, {"Effect", "Allow"}, {"Action", Strings(actions)}, {"Resource", std::move(resource)}};
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

// YAML double-quoted scalar (the values here are names and ARNs; quoting keeps
// YAML from reading them as numbers, booleans or anchors).
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Json GithubOidcProviderArnFor() {
  return cfn::Sub(std::string("arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/") + kGithubOidcHost);
}

GithubOidcProviderOutputs AddGithubOidcProvider(const ModuleContext& ctx, cfn::Template* t) {
  // Src: aws-facts 6.1 (SCHEMA:aws-iam-oidcprovider): Url create-only; ThumbprintList is
  // optional, IAM verifies GitHub's certificate through its trusted root CAs.
  t->AddResource("GithubOidcProvider", "AWS::IAM::OIDCProvider",
                 Json{{"Url", std::string("https://") + kGithubOidcHost},
                      {"ClientIdList", Json::array({kGithubOidcAudience})},
                      {"Tags", ctx.Tags()}});
  GithubOidcProviderOutputs out;
  out.provider_arn = cfn::GetAtt("GithubOidcProvider", "Arn");
  return out;
}

std::vector<std::string> GithubSubjects(const GithubTrust& trust) {
  // Src: aws-facts 6.2 (docs.github.com/en/actions/reference/security/oidc): a job that
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
  // never holds a wildcard (the config checks refuse one). Src: aws-facts 6.2.
  auto statement = [&](const char* op, const std::vector<std::string>& subjects) {
    Json condition{{"StringEquals", Json{{aud, kGithubOidcAudience}}}};
    condition[op][sub] = Strings(subjects);
    return Json{{"Effect", "Allow"},
                {"Principal", Json{{"Federated", args.provider_arn}}},
                {"Action", "sts:AssumeRoleWithWebIdentity"},
                {"Condition", condition}};
  };
  Json statements = Json::array();
  if (!exact.empty()) statements.push_back(statement("StringEquals", exact));
  if (!patterns.empty()) statements.push_back(statement("StringLike", patterns));
  return Json{{"Version", "2012-10-17"}, {"Statement", statements}};
}

Json DeployRolePolicy(const DeployRoleArgs& args) {
  Json statements = Json::array();
  // ECR login: GetAuthorizationToken has no resource-level permissions.
  // Src: DOC:AmazonECR/latest/userguide/image-push-iam.html; aws-facts 6.3.
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
      {"Null", Json{{"cloudformation:RoleArn", "true"},
                    {"cloudformation:ImportResourceTypes", "true"},
                    {"cloudformation:ResourceTypes", "false"}}},
      {"ForAllValues:StringEquals", Json{{"cloudformation:ResourceTypes", Strings(args.rollout.resource_types)}}},
      {"StringLike", Json{{"cloudformation:ChangeSetName", std::string(kRolloutChangeSetPrefix) + "*"}}}};
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
  run["Condition"] = Json{{"StringLike", Json{{"cloudformation:ChangeSetName", std::string(kRolloutChangeSetPrefix) + "*"}}}};
  statements.push_back(run);
  // Watching the stack has no change set to name.
  statements.push_back(Statement("RolloutWatch", {"cloudformation:DescribeStackEvents", "cloudformation:DescribeStacks"},
                                 cfn::Ref("AWS::StackId")));
  // What CloudFormation then does with this role's credentials: the compute platform's
  // image update and nothing else.
  for (const auto& s : args.rollout.statements) statements.push_back(s);
  return Json{{"Version", "2012-10-17"}, {"Statement", statements}};
}

DeployRoleOutputs AddDeployRole(const ModuleContext& ctx, const DeployRoleArgs& args, cfn::Template* t) {
  // No RoleName: CloudFormation names it, so environments never clash (CAPABILITY_IAM).
  t->AddResource("GithubDeployRole", "AWS::IAM::Role",
                 Json{{"Description", "GitHub Actions deploys " + ctx.name_prefix + ": push the image, roll it out"},
                      {"AssumeRolePolicyDocument", DeployRoleTrustPolicy(args)},
                      {"MaxSessionDuration", 3600},
                      {"Policies", Json::array({Json{{"PolicyName", "deploy-image"},
                                                    {"PolicyDocument", DeployRolePolicy(args)}}})},
                      {"Tags", ctx.Tags()}});
  DeployRoleOutputs out;
  out.role_arn = cfn::GetAtt("GithubDeployRole", "Arn");
  t->AddOutput("DeployRoleArn", {out.role_arn, "Role GitHub Actions assumes (OIDC) to deploy this stack", "", ""});
  return out;
}

namespace {

// The image travels from the build job to the deploy jobs as an OCI archive, and skopeo
// pushes its blobs and manifest unchanged (--preserve-digests fails rather than
// re-encode), so every environment's repository holds the same digest. skopeo is on
// GitHub's Ubuntu runners; the line installs it where it is not (Ubuntu's package).
// Src: github.com/containers/skopeo (docs/skopeo-copy.1.md: --preserve-digests;
// docs/skopeo-manifest-digest.1.md); packages.ubuntu.com/noble/skopeo.
constexpr const char* kEnsureSkopeo =
    "command -v skopeo >/dev/null || { sudo apt-get update -qq && sudo apt-get install -y -qq skopeo; }";

void BuildJob(std::string& y) {
  y += "  build:\n";
  y += "    name: Build the image once\n";
  y += "    runs-on: ubuntu-latest\n";
  y += "    outputs:\n";
  y += "      digest: ${{ steps.image.outputs.digest }}\n";
  y += "    steps:\n";
  y += "      - uses: " + std::string(kCheckoutAction) + "\n";
  y += "        with:\n";
  y += "          persist-credentials: false\n";
  y += "      - name: Build the image (an OCI archive with one manifest)\n";
  y += "        id: image\n";
  y += "        run: |\n";
  y += "          set -euo pipefail\n";
  y += "          " + std::string(kEnsureSkopeo) + "\n";
  y += "          # One manifest, no attestation index: what App Runner and ECS pull by digest.\n";
  y += "          docker buildx create --use --driver docker-container >/dev/null\n";
  y += "          docker buildx build --provenance=false --sbom=false --output \"type=oci,dest=image.tar\" .\n";
  y += "          skopeo inspect --raw oci-archive:image.tar > manifest.json\n";
  y += "          echo \"digest=$(skopeo manifest-digest manifest.json)\" >> \"$GITHUB_OUTPUT\"\n";
  y += "      - uses: " + std::string(kUploadArtifactAction) + "\n";
  y += "        with:\n";
  y += "          name: image\n";
  y += "          path: image.tar\n";
  y += "          retention-days: 7\n";
  y += "          if-no-files-found: error\n";
}

void DeployJob(const WorkflowStage& st, const std::string& previous_job, std::string& y) {
  std::string resource_types;
  for (const auto& r : st.rollout_resource_types) resource_types += (resource_types.empty() ? "" : " ") + r;
  y += "  deploy-" + st.env + ":\n";
  y += "    name: " + Quote("Deploy to " + st.env + " (" + st.stack_name + ")") + "\n";
  y += "    needs: [build" + (previous_job.empty() ? "" : ", " + previous_job) + "]\n";
  y += "    runs-on: ubuntu-latest\n";
  if (!st.github_environment.empty()) {
    y += "    # The deploy role trusts jobs in this GitHub environment: its required reviewers and\n";
    y += "    # deployment branches (Settings > Environments) are the approval.\n";
    y += "    environment: " + Quote(st.github_environment) + "\n";
  }
  y += "    permissions:\n";
  y += "      id-token: write  # the OIDC token the deploy role trusts\n";
  y += "      contents: read\n";
  y += "    concurrency:  # one rollout of this stack at a time; a newer run waits\n";
  y += "      group: " + Quote("deploy-" + st.stack_name) + "\n";
  y += "      cancel-in-progress: false\n";
  y += "    env:\n";
  y += "      AWS_REGION: " + Quote(st.region) + "\n";
  y += "      STACK_NAME: " + Quote(st.stack_name) + "\n";
  y += "      ECR_REPOSITORY: " + Quote(st.repository_name) + "\n";
  y += "      IMAGE_PARAMETER: " + Quote(st.image_parameter) + "\n";
  y += "      ROLLOUT_RESOURCE_TYPES: " + Quote(resource_types) + "\n";
  y += "      IMAGE_DIGEST: ${{ needs.build.outputs.digest }}\n";
  y += "    steps:\n";
  y += "      - name: Fetch the image built once\n";
  y += "        uses: " + std::string(kDownloadArtifactAction) + "\n";
  y += "        with:\n";
  y += "          name: image\n";
  y += "      - name: Assume the deploy role (OIDC)\n";
  y += "        uses: " + std::string(kCredentialsAction) + "\n";
  y += "        with:\n";
  y += "          role-to-assume: " + Quote(st.role_arn) + "\n";
  y += "          aws-region: ${{ env.AWS_REGION }}\n";
  y += "      - name: Log in to Amazon ECR\n";
  y += "        id: ecr\n";
  y += "        uses: " + std::string(kEcrLoginAction) + "\n";
  y += "      - name: Push the image (the same digest as every other environment)\n";
  y += "        id: image\n";
  y += "        env:\n";
  y += "          REGISTRY: ${{ steps.ecr.outputs.registry }}\n";
  y += "        run: |\n";
  y += "          set -euo pipefail\n";
  y += "          " + std::string(kEnsureSkopeo) + "\n";
  y += "          pushed() {\n";
  y += "            aws ecr describe-images --repository-name \"$ECR_REPOSITORY\" --image-ids \"imageTag=$GITHUB_SHA\" \\\n";
  y += "              --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true\n";
  y += "          }\n";
  y += "          digest=$(pushed)\n";
  y += "          if [ -z \"$digest\" ]; then\n";
  y += "            skopeo copy --preserve-digests oci-archive:image.tar \"docker://$REGISTRY/$ECR_REPOSITORY:$GITHUB_SHA\"\n";
  y += "            digest=$(pushed)\n";
  y += "          fi\n";
  y += "          if [ \"$digest\" != \"$IMAGE_DIGEST\" ]; then\n";
  y += "            echo \"::error::$ECR_REPOSITORY:$GITHUB_SHA is ${digest:-missing}, not the image built once ($IMAGE_DIGEST)\"\n";
  y += "            exit 1\n";
  y += "          fi\n";
  y += "          echo \"uri=$REGISTRY/$ECR_REPOSITORY@$IMAGE_DIGEST\" >> \"$GITHUB_OUTPUT\"\n";
  y += "      - name: Roll out the image (change set on " + st.image_parameter + " only)\n";
  y += "        env:\n";
  y += "          IMAGE_URI: ${{ steps.image.outputs.uri }}\n";
  y += "        run: |\n";
  y += "          set -euo pipefail\n";
  y += "          change_set=\"" + std::string(kRolloutChangeSetPrefix) + "${GITHUB_SHA::12}-${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}\"\n";
  y += "          params=()\n";
  y += "          for key in $(aws cloudformation describe-stacks --stack-name \"$STACK_NAME\" \\\n";
  y += "              --query 'Stacks[0].Parameters[].ParameterKey' --output text); do\n";
  y += "            if [ \"$key\" = \"$IMAGE_PARAMETER\" ]; then\n";
  y += "              params+=(\"ParameterKey=$key,ParameterValue=$IMAGE_URI\")\n";
  y += "            else\n";
  y += "              params+=(\"ParameterKey=$key,UsePreviousValue=true\")\n";
  y += "            fi\n";
  y += "          done\n";
  y += "          # The deployed template, no service role (this role's own credentials), and only\n";
  y += "          # the compute resource types: the deploy role's policy requires all three.\n";
  y += "          aws cloudformation create-change-set --stack-name \"$STACK_NAME\" \\\n";
  y += "            --change-set-name \"$change_set\" --change-set-type UPDATE --use-previous-template \\\n";
  y += "            --capabilities CAPABILITY_IAM --resource-types $ROLLOUT_RESOURCE_TYPES \\\n";
  y += "            --parameters \"${params[@]}\" >/dev/null\n";
  y += "          if ! aws cloudformation wait change-set-create-complete --stack-name \"$STACK_NAME\" \\\n";
  y += "              --change-set-name \"$change_set\"; then\n";
  y += "            reason=$(aws cloudformation describe-change-set --stack-name \"$STACK_NAME\" \\\n";
  y += "              --change-set-name \"$change_set\" --query StatusReason --output text)\n";
  y += "            aws cloudformation delete-change-set --stack-name \"$STACK_NAME\" --change-set-name \"$change_set\"\n";
  y += "            case \"$reason\" in\n";
  y += "              *\"didn't contain changes\"*|*\"No updates are to be performed\"*)\n";
  y += "                echo \"$IMAGE_URI is already deployed\"; exit 0 ;;\n";
  y += "            esac\n";
  y += "            echo \"::error::change set failed: $reason\"; exit 1\n";
  y += "          fi\n";
  y += "          aws cloudformation execute-change-set --stack-name \"$STACK_NAME\" --change-set-name \"$change_set\"\n";
  y += "          aws cloudformation wait stack-update-complete --stack-name \"$STACK_NAME\"\n";
  y += "          echo \"deployed $IMAGE_URI to $STACK_NAME\"\n";
}

}  // namespace

std::string DeployWorkflowYaml(const WorkflowSpec& s) {
  std::string y;
  y += std::string(kWorkflowMarker) + "\n";
  y += "# Regenerate with `" + s.command + "` rather than editing: the command overwrites\n";
  y += "# only files that start with the line above.\n";
  y += "#\n";
  y += "# Builds the image once per commit and promotes that one image (one digest) through\n";
  y += "# the environments in order";
  for (size_t i = 0; i < s.stages.size(); ++i) y += (i ? " -> " : ": ") + s.stages[i].env;
  y += ".\n";
  y += "# Each environment's job pushes it to the environment's ECR repository, tagged with the\n";
  y += "# commit SHA, and rolls it out by digest, changing only the stack's image parameter.\n";
  y += "# AWS access is each environment's OIDC deploy role; no keys.\n";
  y += "name: " + Quote(s.name) + "\n";
  y += "on:\n";
  y += "  push:\n";
  y += "    branches: [" + Quote(s.trigger_branch) + "]\n";
  y += "  workflow_dispatch: {}\n";
  y += "permissions:\n";
  y += "  contents: read\n";
  y += "jobs:\n";
  BuildJob(y);
  std::string previous;
  for (const auto& st : s.stages) {
    DeployJob(st, previous, y);
    previous = "deploy-" + st.env;
  }
  return y;
}

}  // namespace bp
