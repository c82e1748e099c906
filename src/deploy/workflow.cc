#include "deploy/workflow.h"

#include <string_view>

#include "modules/cicd.h"

namespace bp {

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
// SARIF to code scanning. Src: github.com/github/codeql-action (README: v4 current, the
// upload-sarif action, permissions security-events: write, and actions: read in private
// repositories); docs.github.com code-scanning "Uploading a SARIF file to GitHub".
constexpr const char* kUploadSarifAction = "github/codeql-action/upload-sarif@v4";

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

// A bash word: single-quoted, so nothing in it expands.
std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

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
  y += "    if: github.event_name != 'pull_request'  # a pull request is checked, never deployed\n";
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

// The pull-request half: the repository's environments checked, the findings uploaded
// to code scanning, where they annotate the pull request's stack.yaml lines. The tool is
// built from the source the repository variables BLUEPRINT_GIT_URL and BLUEPRINT_GIT_REF
// name (docs/check.md); without them the job fails saying so, it never skips the check.
void CheckJob(const WorkflowSpec& s, std::string& y) {
  y += "  check:\n";
  y += "    name: Check the platform (blueprint check)\n";
  y += "    if: github.event_name == 'pull_request'\n";
  y += "    runs-on: ubuntu-latest\n";
  y += "    permissions:\n";
  y += "      contents: read\n";
  y += "      security-events: write  # the SARIF upload\n";
  y += "      actions: read  # the SARIF upload, in a private repository\n";
  y += "    env:\n";
  y += "      BLUEPRINT_GIT_URL: ${{ vars.BLUEPRINT_GIT_URL }}\n";
  y += "      BLUEPRINT_GIT_REF: ${{ vars.BLUEPRINT_GIT_REF }}\n";
  y += "    steps:\n";
  y += "      - uses: " + std::string(kCheckoutAction) + "\n";
  y += "        with:\n";
  y += "          persist-credentials: false\n";
  y += "      - name: Build blueprint from its source\n";
  y += "        run: |\n";
  y += "          set -euo pipefail\n";
  y += "          if [ -z \"$BLUEPRINT_GIT_URL\" ] || [ -z \"$BLUEPRINT_GIT_REF\" ]; then\n";
  y += "            echo \"::error::set the repository variables BLUEPRINT_GIT_URL and BLUEPRINT_GIT_REF (the "
       "apprunner-blueprint source and the tag or commit to build; docs/check.md)\"\n";
  y += "            exit 1\n";
  y += "          fi\n";
  y += "          git init -q \"$RUNNER_TEMP/blueprint\"\n";
  y += "          git -C \"$RUNNER_TEMP/blueprint\" fetch -q --depth 1 \"$BLUEPRINT_GIT_URL\" \"$BLUEPRINT_GIT_REF\"\n";
  y += "          git -C \"$RUNNER_TEMP/blueprint\" checkout -q FETCH_HEAD\n";
  // What the tool alone builds with (scripts/install-deps.sh less the packages of the
  // tests), from Ubuntu's archive; the tests and benchmarks off.
  y += "          sudo apt-get update -qq\n";
  y += "          sudo apt-get install -y -qq --no-install-recommends cmake ninja-build g++ pkg-config \\\n";
  y += "            nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev libssl-dev libjemalloc-dev\n";
  y += "          cmake -S \"$RUNNER_TEMP/blueprint\" -B \"$RUNNER_TEMP/blueprint-build\" -G Ninja \\\n";
  y += "            -DCMAKE_BUILD_TYPE=Release -DBLUEPRINT_TESTS=OFF\n";
  y += "          cmake --build \"$RUNNER_TEMP/blueprint-build\" --target blueprint\n";
  y += "          echo \"$RUNNER_TEMP/blueprint-build\" >> \"$GITHUB_PATH\"\n";
  y += "      - name: blueprint check " + s.check_selection + "\n";
  y += "        run: |\n";
  y += "          set +e\n";
  y += "          blueprint check " + s.check_selection + " --environments " + ShellQuote(s.environments_dir) +
       " --format sarif > blueprint-check.sarif\n";
  y += "          status=$?\n";
  y += "          # The same findings, readable in the job's log.\n";
  y += "          blueprint check " + s.check_selection + " --environments " + ShellQuote(s.environments_dir) + "\n";
  y += "          exit $status  # 3: an unacknowledged error; 2: a config the tool refuses\n";
  y += "      - name: Upload the findings to code scanning\n";
  y += "        if: ${{ !cancelled() }}\n";
  y += "        uses: " + std::string(kUploadSarifAction) + "\n";
  y += "        with:\n";
  y += "          sarif_file: blueprint-check.sarif\n";
  y += "          category: blueprint-check\n";
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
  y += "# A pull request to that branch runs `blueprint check` instead, and its findings go to\n";
  y += "# GitHub code scanning.\n";
  y += "name: " + Quote(s.name) + "\n";
  y += "on:\n";
  y += "  push:\n";
  y += "    branches: [" + Quote(s.trigger_branch) + "]\n";
  y += "  pull_request:\n";
  y += "    branches: [" + Quote(s.trigger_branch) + "]\n";
  y += "  workflow_dispatch: {}\n";
  y += "permissions:\n";
  y += "  contents: read\n";
  y += "jobs:\n";
  CheckJob(s, y);
  BuildJob(y);
  std::string previous;
  for (const auto& st : s.stages) {
    DeployJob(st, previous, y);
    previous = "deploy-" + st.env;
  }
  return y;
}

}  // namespace bp
