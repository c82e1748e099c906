// blueprint workflow: writes the GitHub Actions workflow that builds the app's image,
// pushes it with the environment's OIDC deploy role and rolls it out by changing only
// the stack's image parameter (src/modules/cicd.h). What each stage needs of the stack
// (its image parameter, ECR repository and the resource types the deploy role's change
// set may change) is what the assembly recorded (Stack::inputs, Stack::delivery). It
// never overwrites a file it did not write: an existing file must start with the
// generated marker line.
#include <cctype>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fnmatch.h>

#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "deploy/driver.h"
#include "deploy/state.h"
#include "deploy/workflow.h"
#include "naming/arn.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp::cli {

namespace {

struct WorkflowOptions {
  Selection sel;
  std::string out;       // default .github/workflows/deploy-<stack>.yml
  std::string branch;    // default: the first configured branch without a wildcard, else main
  std::string role_arn;  // default: DeployRoleArn recorded by `blueprint up`
  std::string state_dir;  // "" = .blueprint beside the environments directory
};

bool OnlyChars(const std::string& s, std::string_view extra) {
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && extra.find(ch) == std::string_view::npos) return false;
  return true;
}

// arn:<partition>:iam::<12 digits>:role/<path and name>
bool IsRoleArn(const std::string& text) {
  std::optional<Arn> arn = ParseArn(text);
  if (!arn || !IsAwsPartition(arn->partition) || arn->service != "iam" || !arn->region.empty() ||
      !IsAccountId(arn->account) || !StartsWith(arn->resource, "role/") || arn->resource.size() == 5)
    return false;
  return OnlyChars(arn->resource, "+=,.@_/-");
}

bool BranchTrusted(const std::string& branch, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns)
    if (fnmatch(p.c_str(), branch.c_str(), 0) == 0) return true;
  return false;
}

// The main stack of environment `env`.
const Stack* MainStackOf(const Loaded& loaded, const std::string& env) {
  for (const auto& s : loaded.app.stacks)
    if (s.role == StackRole::kMain && s.envs.at(0) == env) return &s;
  return nullptr;
}

// The job's subject for one environment: the environment form when the job runs in a
// GitHub environment, else the branch form of the trigger branch. Either must be one
// the role trusts; "" when it is, else why not.
std::string TrustProblem(const StackConfig& c, const std::string& environment, const std::string& branch) {
  if (environment.find('*') != std::string::npos)
    return c.file + ": the first github.environments entry '" + environment +
           "' is a pattern; list the environment the deploy job runs in first";
  if (environment.empty() && !BranchTrusted(branch, c.github.branches))
    return c.env + "'s deploy role trusts branches " + Join(c.github.branches, ", ") + " but the workflow would run on '" +
           branch + "'; pass --branch with one of them or add it to github.branches in " + c.file;
  return "";
}

// What the trust relies on in GitHub: printed after writing the workflow.
void PrintGithubSettings(const std::vector<const StackConfig*>& envs, const std::vector<WorkflowStage>& stages,
                         const std::string& branch) {
  const StackConfig& first = *envs.front();
  std::printf("\nGitHub settings the deploy roles rely on (repository %s/%s, Settings > Environments):\n",
              first.github.org.c_str(), first.github.repo.c_str());
  for (size_t i = 0; i < stages.size(); ++i) {
    const StackConfig& c = *envs[i];
    const WorkflowStage& st = stages[i];
    if (st.github_environment.empty()) {
      std::printf("  %s: no GitHub environment; the role trusts any workflow run on branch %s, with no approval\n",
                  c.env.c_str(), branch.c_str());
      continue;
    }
    std::printf("  %s: environment '%s' (create it if it does not exist):\n", c.env.c_str(), st.github_environment.c_str());
    std::printf("    - Required reviewers: the people who approve a deploy to %s; the role trusts every job that\n"
                "      runs in '%s', so without reviewers there is no approval\n",
                c.env.c_str(), st.github_environment.c_str());
    std::printf("    - Prevent self-review: on, so the author of a change cannot approve its deploy\n");
    std::printf("    - Deployment branches and tags: Selected branches, '%s' only, so a job on another branch\n"
                "      cannot run in '%s'\n",
                branch.c_str(), st.github_environment.c_str());
    if (!c.github.branches.empty())
      std::printf("    - note: %s also trusts branch subjects (%s, written in %s): a job on those branches that\n"
                  "      names no environment deploys without the reviewers; remove github.branches there to\n"
                  "      make the environment the only way in\n",
                  c.env.c_str(), Join(c.github.branches, ", ").c_str(), c.file.c_str());
  }
}

int RunWorkflow(const WorkflowOptions& o, const std::string& command) {
  Loaded loaded;
  if (!LoadAndAssemble(o.sel, &loaded)) return kUserError;
  if (!o.sel.stack.empty() && (loaded.configs.size() != 1 || !MainStackOf(loaded, loaded.configs[0].env)))
    return Fail("'" + o.sel.stack + "' is not an environment or its main stack; give the environment name");

  // The environments that deploy from GitHub, in promotion order: the profiles' order
  // (dev, staging, prod), then by name.
  std::vector<const StackConfig*> envs;
  for (const auto& c : loaded.configs)
    if (!c.github.org.empty()) envs.push_back(&c);
  if (envs.empty()) {
    const std::string where = loaded.configs.size() == 1 ? loaded.configs[0].file : "any environment's stack.yaml";
    return Fail(where + ": github.org and github.repo are not set, so there is no deploy role; set them "
                "(and github.branches or github.environments), run `blueprint up`, then this command");
  }
  std::stable_sort(envs.begin(), envs.end(), [](const StackConfig* a, const StackConfig* b) {
    return std::make_pair(static_cast<int>(a->profile), a->env) < std::make_pair(static_cast<int>(b->profile), b->env);
  });
  for (const StackConfig* c : envs)
    if (c->github.org != envs[0]->github.org || c->github.repo != envs[0]->github.repo)
      return Fail("one workflow runs in one repository, but " + envs[0]->env + " deploys from " + envs[0]->github.org +
                  "/" + envs[0]->github.repo + " and " + c->env + " from " + c->github.org + "/" + c->github.repo +
                  "; run `blueprint workflow --stack ENV` in each repository");
  if (!o.role_arn.empty() && envs.size() != 1)
    return Fail("--role-arn names one environment's deploy role; use it with --stack ENV");

  // The trigger branch: --branch, else the first branch without a wildcard that an
  // environment trusts, else main.
  std::string branch = o.branch;
  for (const StackConfig* c : envs)
    for (const auto& b : c->github.branches)
      if (branch.empty() && b.find('*') == std::string::npos) branch = b;
  if (branch.empty()) branch = "main";
  if (branch.size() > 255 || !OnlyChars(branch, "._/-") || branch[0] == '-' || branch.find("..") != std::string::npos)
    return Fail("--branch '" + branch + "' is not a branch name");

  const std::string state_dir = o.state_dir.empty() ? DefaultStateDir(o.sel.environments_dir) : o.state_dir;
  WorkflowSpec spec;
  spec.command = command;
  spec.trigger_branch = branch;
  spec.check_selection = o.sel.stack.empty() ? "--all" : "--stack " + o.sel.stack;
  // The check job runs at the repository's root: the directory holding .github/workflows
  // when the workflow is written there (the default), else this one. The environments
  // directory is given relative to it; one outside it cannot be (a note says so).
  namespace fs = std::filesystem;
  std::error_code rel_ec;
  const fs::path out_path = fs::absolute(o.out.empty() ? fs::path(".github/workflows/x.yml") : fs::path(o.out), rel_ec);
  fs::path root = fs::current_path(rel_ec);
  if (out_path.parent_path().filename() == "workflows" && out_path.parent_path().parent_path().filename() == ".github")
    root = out_path.parent_path().parent_path().parent_path();
  const fs::path environments_rel =
      fs::absolute(o.sel.environments_dir, rel_ec).lexically_normal().lexically_relative(root.lexically_normal());
  const bool outside = environments_rel.empty() || StartsWith(environments_rel.generic_string(), "..");
  spec.environments_dir =
      outside ? fs::path(o.sel.environments_dir).generic_string() : environments_rel.generic_string();
  if (spec.environments_dir.find('\n') != std::string::npos) return Fail("--environments: a newline in the path");
  std::vector<std::string> undeployed;
  for (const StackConfig* c : envs) {
    const Stack* main = MainStackOf(loaded, c->env);
    if (!main) return Fail("internal: no main stack for " + c->env);  // LCOV_EXCL_LINE
    WorkflowStage st;
    st.env = c->env;
    st.stack_name = main->name;
    st.region = main->region;
    st.repository_name = main->delivery.repository_name;
    st.github_environment = c->github.environments.empty() ? "" : c->github.environments.front();
    st.rollout_resource_types = main->delivery.rollout_resource_types;
    const StackInput* image = main->ImageInput();
    if (st.repository_name.empty() || st.rollout_resource_types.empty() || !image)
      return Fail("internal: the main stack of " + c->env + " has no ECR repository, deploy role or image parameter");  // LCOV_EXCL_LINE
    st.image_parameter = image->parameter;
    if (std::string problem = TrustProblem(*c, st.github_environment, branch); !problem.empty()) return Fail(problem);
    st.role_arn = o.role_arn;
    if (st.role_arn.empty()) {
      cfn::Json outputs;
      bool found = false;
      Diagnostics read;
      if (!LoadJsonRecord(OutputsPath(state_dir, KeyOf(*main)), &outputs, &found, &read)) return Fail(read);
      if (found && outputs.contains("DeployRoleArn") && outputs["DeployRoleArn"].is_string())
        st.role_arn = outputs["DeployRoleArn"].get<std::string>();
    }
    if (st.role_arn.empty()) {
      undeployed.push_back(c->env);
      continue;
    }
    if (!IsRoleArn(st.role_arn))
      return Fail("'" + st.role_arn + "' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
    spec.stages.push_back(std::move(st));
  }
  if (!undeployed.empty()) {
    std::string how;
    for (const auto& env : undeployed) how += (how.empty() ? "" : ", ") + ("`blueprint up --stack " + env + "`");
    return Fail("no DeployRoleArn recorded for " + Join(undeployed, ", ") + " under " + state_dir + "; deploy first (" +
                how + ")" + (envs.size() == 1 ? " or pass --role-arn ARN (the stack's DeployRoleArn output)" : ""));
  }
  // One environment keeps the file it always had; several share the app's.
  const std::string subject = o.sel.stack.empty() ? envs.front()->app.name : spec.stages.front().stack_name;
  spec.name = "Deploy " + subject;
  std::string text = DeployWorkflowYaml(spec);

  std::string path = o.out.empty() ? ".github/workflows/deploy-" + subject + ".yml" : o.out;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::string existing;
    Diagnostics read;
    if (!ReadFile(path, &existing, &read)) return Fail(read);
    if (!StartsWith(existing, std::string(kWorkflowMarker) + "\n"))
      return Fail(path + " exists and was not written by `blueprint workflow`; refusing to overwrite it. "
                  "Move it away or pass --out OTHER_FILE");
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) return Fail("cannot create " + parent.string() + ": " + ec.message());
  }
  Diagnostics written;
  if (!WriteFileAtomic(path, text, &written)) return Fail(written);
  std::string order;
  for (const auto& st : spec.stages) order += (order.empty() ? "" : " -> ") + st.env;
  std::printf(
      "wrote %s (on pushes to %s: builds the image once, then deploys %s; on pull requests to %s: "
      "blueprint check, its findings to code scanning)\n",
      path.c_str(), branch.c_str(), order.c_str(), branch.c_str());
  // A workflow written earlier for one environment deploys it a second time, from its own build.
  for (const auto& st : spec.stages) {
    std::filesystem::path older = parent / ("deploy-" + st.stack_name + ".yml");
    std::string existing;
    Diagnostics ignored;
    if (older != std::filesystem::path(path) && std::filesystem::is_regular_file(older, ec) &&
        ReadFile(older.string(), &existing, &ignored) && StartsWith(existing, std::string(kWorkflowMarker) + "\n"))
      std::printf("note: %s (written earlier by `blueprint workflow --stack %s`) also deploys %s; delete it\n",
                  older.string().c_str(), st.env.c_str(), st.env.c_str());
  }
  if (outside)
    std::printf(
        "note: the environments directory %s is outside the repository (%s): the pull-request check job "
        "runs `blueprint check --environments %s` there; correct that line if it lives elsewhere\n",
        o.sel.environments_dir.c_str(), root.string().c_str(), spec.environments_dir.c_str());
  PrintGithubSettings(envs, spec.stages, branch);
  std::printf(
      "  repository variables (Settings > Secrets and variables > Actions > Variables): BLUEPRINT_GIT_URL "
      "and BLUEPRINT_GIT_REF, the apprunner-blueprint source and tag or commit the pull-request check "
      "builds (docs/check.md)\n");
  return kOk;
}

}  // namespace

void RegisterWorkflow(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<WorkflowOptions>();
  AddSelectionOptions(cmd, &o->sel);
  cmd->add_option("--out", o->out, "Workflow file (default .github/workflows/deploy-<stack>.yml)");
  cmd->add_option("--branch", o->branch, "Branch whose pushes deploy (default: the first of github.branches, else main)");
  cmd->add_option("--role-arn", o->role_arn, "Deploy role ARN, with --stack (default: the DeployRoleArn output recorded by up)");
  cmd->add_option("--state-dir", o->state_dir, "Where up recorded the outputs (default: .blueprint beside the environments directory)");
  cmd->callback([o, rc] {
    *rc = RunWorkflow(*o, o->sel.stack.empty() ? "blueprint workflow" : "blueprint workflow --stack " + o->sel.stack);
  });
}

}  // namespace bp::cli
