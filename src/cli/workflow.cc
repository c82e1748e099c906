// blueprint workflow: writes the GitHub Actions workflow that builds the app's image,
// pushes it with the environment's OIDC deploy role and rolls it out by changing only
// the stack's image parameter (src/modules/cicd.h). It never overwrites a file it did
// not write: an existing file must start with the generated marker line.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fnmatch.h>

#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "deploy/driver.h"
#include "deploy/state.h"
#include "modules/cicd.h"
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

// The deploy role's rollout resource types, read from its policy, so the workflow passes
// exactly what the role requires.
std::vector<std::string> RolloutTypes(const cfn::Template& t) {
  for (const auto& [id, r] : t.resources().entries()) {
    if (r.type != "AWS::IAM::Role" || !r.properties.contains("Policies")) continue;
    for (const auto& policy : r.properties["Policies"])
      for (const auto& s : policy["PolicyDocument"]["Statement"])
        if (s.value("Sid", "") == "RolloutChangeSet")
          return s["Condition"]["ForAllValues:StringEquals"]["cloudformation:ResourceTypes"].get<std::vector<std::string>>();
  }
  return {};
}

std::string RepositoryName(const cfn::Template& t) {
  for (const auto& [id, r] : t.resources().entries())
    if (r.type == "AWS::ECR::Repository" && r.properties["RepositoryName"].is_string())
      return r.properties["RepositoryName"].get<std::string>();
  return "";
}

bool OnlyChars(const std::string& s, std::string_view extra) {
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && extra.find(ch) == std::string_view::npos) return false;
  return true;
}

// arn:<partition>:iam::<12 digits>:role/<path and name>
bool IsRoleArn(const std::string& arn) {
  std::vector<std::string> f = SplitString(arn, ':');
  if (f.size() != 6 || f[0] != "arn" || !StartsWith(f[1], "aws") || f[2] != "iam" || !f[3].empty()) return false;
  if (f[4].size() != 12 || !OnlyChars(f[4], "") || !StartsWith(f[5], "role/") || f[5].size() == 5) return false;
  for (char ch : f[4])
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
  return OnlyChars(f[5], "+=,.@_/-");
}

bool BranchTrusted(const std::string& branch, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns)
    if (fnmatch(p.c_str(), branch.c_str(), 0) == 0) return true;
  return false;
}

int RunWorkflow(const WorkflowOptions& o, const std::string& command) {
  if (o.sel.stack.empty()) return Fail("--stack is required: the workflow deploys one environment");
  Loaded loaded;
  if (!LoadAndAssemble(o.sel, &loaded)) return kUserError;
  const Stack* main = nullptr;
  for (const auto& s : loaded.app.stacks)
    if (s.role == StackRole::kMain) main = &s;
  if (!main || loaded.configs.empty())
    return Fail("'" + o.sel.stack + "' is not an environment or its main stack; give the environment name");
  const StackConfig* config = nullptr;
  for (const auto& candidate : loaded.configs)
    if (candidate.env == main->envs.at(0)) config = &candidate;
  if (!config) return Fail("internal: no config for " + main->id);  // LCOV_EXCL_LINE
  const StackConfig& c = *config;
  if (c.github.org.empty())
    return Fail(c.file + ": github.org and github.repo are not set, so the stack has no deploy role; set them "
                "(and github.branches or github.environments), run `blueprint up`, then this command");

  // The job's subject: the environment form when it runs in a GitHub environment, else the
  // branch form of the branch that triggers it. Either must be one the role trusts.
  std::string environment = c.github.environments.empty() ? "" : c.github.environments.front();
  std::string branch = o.branch;
  if (branch.empty()) {
    for (const auto& b : c.github.branches)
      if (b.find('*') == std::string::npos) {
        branch = b;
        break;
      }
    if (branch.empty()) branch = "main";
  }
  if (branch.size() > 255 || !OnlyChars(branch, "._/-") || branch[0] == '-' || branch.find("..") != std::string::npos)
    return Fail("--branch '" + branch + "' is not a branch name");
  if (environment.find('*') != std::string::npos)
    return Fail(c.file + ": the first github.environments entry '" + environment +
                "' is a pattern; list the environment the deploy job runs in first");
  if (environment.empty() && !BranchTrusted(branch, c.github.branches))
    return Fail("the deploy role trusts branches " + Join(c.github.branches, ", ") + " but the workflow would run on '" +
                branch + "'; pass --branch with one of them or add it to github.branches in " + c.file);

  std::string role_arn = o.role_arn;
  if (role_arn.empty()) {
    cfn::Json outputs;
    bool found = false;
    Diagnostics read;
    std::string state_dir = o.state_dir.empty() ? DefaultStateDir(o.sel.environments_dir) : o.state_dir;
    if (!LoadJsonRecord(OutputsPath(state_dir, KeyOf(*main)), &outputs, &found, &read)) return Fail(read);
    if (found && outputs.contains("DeployRoleArn") && outputs["DeployRoleArn"].is_string())
      role_arn = outputs["DeployRoleArn"].get<std::string>();
    if (role_arn.empty())
      return Fail("no DeployRoleArn recorded for " + main->name + " under " + state_dir +
                  "; deploy it first (`blueprint up --stack " + c.env + "`) or pass --role-arn ARN "
                  "(the stack's DeployRoleArn output)");
  }
  if (!IsRoleArn(role_arn))
    return Fail("'" + role_arn + "' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)");

  WorkflowSpec spec;
  spec.command = command;
  spec.stack_name = main->name;
  spec.region = main->region;
  spec.repository_name = RepositoryName(main->tmpl);
  spec.role_arn = role_arn;
  spec.trigger_branch = branch;
  spec.github_environment = environment;
  spec.rollout_resource_types = RolloutTypes(main->tmpl);
  if (spec.repository_name.empty() || spec.rollout_resource_types.empty())
    return Fail("internal: the main stack of " + c.env + " has no ECR repository or deploy role");  // LCOV_EXCL_LINE
  std::string text = DeployWorkflowYaml(spec);

  std::string path = o.out.empty() ? ".github/workflows/deploy-" + main->name + ".yml" : o.out;
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
  std::printf("wrote %s (deploys %s on pushes to %s%s)\n", path.c_str(), main->name.c_str(), branch.c_str(),
              environment.empty() ? "" : (", in GitHub environment " + environment).c_str());
  if (!environment.empty())
    std::printf("approval: add required reviewers to the '%s' environment (repository Settings > Environments)\n",
                environment.c_str());
  return kOk;
}

}  // namespace

void RegisterWorkflow(CLI::App* app, int* rc) {
  auto o = std::make_shared<WorkflowOptions>();
  auto* cmd = app->add_subcommand("workflow", "Write the GitHub Actions workflow that deploys an environment's image");
  AddSelectionOptions(cmd, &o->sel);
  cmd->add_option("--out", o->out, "Workflow file (default .github/workflows/deploy-<stack>.yml)");
  cmd->add_option("--branch", o->branch, "Branch whose pushes deploy (default: the first of github.branches, else main)");
  cmd->add_option("--role-arn", o->role_arn, "Deploy role ARN (default: the DeployRoleArn output recorded by up)");
  cmd->add_option("--state-dir", o->state_dir, "Where up recorded the outputs (default: .blueprint beside the environments directory)");
  cmd->callback([o, rc] {
    *rc = RunWorkflow(*o, "blueprint workflow --stack " + o->sel.stack);
  });
}

}  // namespace bp::cli
