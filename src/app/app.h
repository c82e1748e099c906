// The stack model. An App is the whole assembly: every environment's stacks plus one
// account stack per AWS account, built by Assemble() from all environments at once
// (an account-level resource must exist once per account, not once per environment).
// docs/architecture.md explains the stacks, their regions and how references cross
// them; Assemble() is the single place that composes the modules, so environments
// differ by data, never by code.
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"
#include "util/diag.h"

namespace bp {

enum class StackRole {
  kMain,     // <app>-<env>, the environment's region: the workload
  kGlobal,   // <app>-<env>-global, us-east-1: what AWS offers only there (CloudFront WAF, CE)
  kAccount,  // apprunner-blueprint-account, us-east-1: account singletons (GitHub OIDC provider)
};
const char* RoleName(StackRole role);  // "main" | "global" | "account"

// A template parameter whose value comes from outside the template at deploy time, and
// where from. The assembly records one for every such parameter, where the module that
// adds the parameter is composed (or, for another stack's output, where FinishApp
// resolves a Reference); `up`, `preview --remote`, `workflow` and the manifest read this
// record and never re-derive it from the modules or the template.
enum class InputSource {
  kStackOutput,   // another stack's output: `up` reads the producer's outputs in the producer's region
  kConfigSecret,  // an encrypted stack.yaml value (`config_key`), decrypted with the config passphrase
  kImage,         // the container image to run: --image-uri, else the deployed value on an update
  kSsmParameter,  // one of AWS's public SSM parameters (the NAT instances' image, modules/networking.h),
                  // read in the stack's own region; an update may keep it (UsePreviousValue)
};

struct StackInput {
  std::string parameter;  // parameter name in the consuming stack
  InputSource source = InputSource::kStackOutput;
  // kStackOutput: the producer
  std::string producer;          // id of the producing stack (Stack::id)
  std::string producer_stack;    // its CloudFormation stack name
  std::string output;            // the producer's output
  std::string producer_region;
  std::string producer_account;  // "" when not given
  // kSsmParameter: the public SSM parameter's name
  std::string ssm_parameter;
  // kConfigSecret: the stack.yaml key path of the encrypted value ("app.secrets.DB_URL",
  // "cloudfront.origin_secret"), in the config of the environment the stack serves
  std::string config_key;
};

// The inputs of each source, as the assembly records them.
StackInput InputFromOutput(const std::string& parameter, const std::string& producer,
                           const std::string& producer_stack, const std::string& output,
                           const std::string& producer_region, const std::string& producer_account);
StackInput InputFromSsm(const std::string& parameter, const std::string& ssm_parameter);
StackInput InputFromConfigSecret(const std::string& parameter, const std::string& config_key);
StackInput InputFromImage(const std::string& parameter);

// What a rollout of a new image through a stack needs besides its image input (the
// generated workflow): the ECR repository CI pushes to and the resource types the deploy
// role's change set may change (modules/common.h ImageRollout). Recorded on the main
// stack of an environment that deploys from GitHub; empty elsewhere.
struct ImageDelivery {
  std::string repository_name;
  std::vector<std::string> rollout_resource_types;
};

struct Stack {
  std::string id;       // artifact id in the assembly, unique; dependencies name it
  std::string name;     // CloudFormation stack name (the account stack has one name in every account)
  std::string region;   // never rewritten after Assemble()
  std::string account;  // 12-digit AWS account ID, "" when the config names none
  StackRole role = StackRole::kMain;
  std::vector<std::string> envs;  // environments it serves: one, or every sharer of an account stack
  cfn::Template tmpl;
  std::vector<std::string> dependencies;  // ids of stacks deployed before this one (from references)
  std::vector<StackInput> inputs;         // every parameter filled at deploy time, and from where
  ImageDelivery delivery;                 // what `workflow` needs; empty without a deploy role
  std::vector<PreflightCheck> preflight;  // asked of AWS before a deploy creates anything (modules/common.h)

  // The parameter the container image fills (InputSource::kImage), or nullptr.
  const StackInput* ImageInput() const;
};

struct App {
  std::vector<Stack> stacks;  // account stacks first, then per environment main and global

  const Stack* Find(const std::string& id) const;
  Stack* Find(const std::string& id);
};

// A value produced in one stack that another module may use in any stack: the typed
// reference modules hand each other across stacks. Embed it in a template with
// ToJson(); Assemble() resolves it for the stack it ends up in:
//  - in the producer itself: `value` (a Ref/GetAtt);
//  - in a stack of the same account when `account_wide` is set: that expression (a
//    value AWS makes deterministic from the partition and account, such as the GitHub
//    OIDC provider's ARN); only the deployment order is added;
//  - anywhere else: a String parameter that `up` fills from the producer's output
//    (same region or not; docs/architecture.md says why not an export).
// The producer publishes `output` automatically; the consumer depends on the producer.
struct Reference {
  std::string stack;   // producer stack id
  std::string output;  // output name in the producer
  cfn::Json value;     // the expression inside the producer
  cfn::Json account_wide;  // null, or an expression valid in any stack of the producer's
                           // account (pseudo parameters AWS::Partition/AccountId/URLSuffix only)

  // The placeholder a module puts where the value goes; resolved by Assemble().
  cfn::Json ToJson() const;
};

// A reference to `value` (valid inside `producer`) published as `output`.
Reference Publish(const Stack& producer, const std::string& output, cfn::Json value,
                  cfn::Json account_wide = nullptr);

// The account stack's CloudFormation name: the same for every app of this tool, so two
// apps in one account share one account stack instead of clashing on its singletons.
inline constexpr const char* kAccountStackName = "apprunner-blueprint-account";

// The region of the account stack and of the global stacks for a workload `region`:
// us-east-1 in the aws partition (cn-north-1 in aws-cn, us-gov-west-1 in aws-us-gov).
std::string GlobalRegion(const std::string& region);

// --- Building an App in steps (Assemble() runs them in order; tests use them to
// put a test-only module into the account or global stacks) ---

// The empty stacks of `configs`: per account one account stack, per environment a main
// and a global stack, with names, regions, accounts and roles set.
App PlanStacks(const std::vector<StackConfig>& configs);

// The main, global and account stacks of one environment inside `app`.
struct EnvironmentStacks {
  Stack* main = nullptr;
  Stack* global = nullptr;
  Stack* account = nullptr;
};
EnvironmentStacks StacksOf(App* app, const std::string& env);

// Resolves every Reference (adding outputs, parameters, inputs and dependencies), refuses
// a reference cycle naming the stacks, drops account and global stacks that hold no
// resources, and runs ValidateApp. Returns false on error.
bool FinishApp(App* app, Diagnostics* diags);

// Builds the stacks of every environment in `configs` (all of them: the account stack's
// content depends on every environment deployed there) and checks them. Returns false
// on error.
bool Assemble(const std::vector<StackConfig>& configs, App* app, Diagnostics* diags);
// One environment alone (tests, benchmarks).
bool Assemble(const StackConfig& config, App* app, Diagnostics* diags);

// Checks every stack of an assembled app: references, the resource specification
// (cfn/spec.h) and CloudFormation limits.
void ValidateApp(const App& app, Diagnostics* diags);

// The module context of environment `c`: its name prefix `<app>-<env>`, which every
// stack and physical name of the environment starts with, and its tags.
ModuleContext ContextFor(const StackConfig& c);

}  // namespace bp
