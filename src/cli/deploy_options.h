// Options and helpers shared by the commands that talk to AWS (preview --remote, up,
// destroy, outputs): the AWS CLI pass-through options, the state directory, the
// deploy-time parameter values, and the terminal console.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cli/common.h"
#include "cli/deploy_render.h"
#include "deploy/driver.h"
#include "deploy/process.h"

namespace bp::cli {

struct AwsFlags {
  AwsOptions aws;
  DriverOptions driver;   // the settings read from the environment (ReadDriverEnvironment)
  std::string state_dir;  // "" = .blueprint beside the environments directory
};

// --profile, --region, --endpoint-url, --state-dir; and once the arguments are parsed,
// the settings environment variables give (ReadAwsEnvironment, ReadDriverEnvironment):
// a bad value ends the command with exit 2 before anything is read or asked.
void AddAwsOptions(CLI::App* cmd, AwsFlags* flags);

// Where deploy-time template parameter values come from.
struct ParameterFlags {
  std::string image_uri;                // --image-uri -> each stack's image input
  std::vector<std::string> assignments;  // --parameter NAME=VALUE (repeatable)
  std::string file;                      // --parameters-file: JSON {"NAME": "VALUE"}
};

void AddParameterOptions(CLI::App* cmd, ParameterFlags* flags);

// Deploy-time parameter values of a selection, each from the source the assembly
// recorded for it (Stack::inputs). --parameter values go to every stack that has the
// parameter, --image-uri to each stack's image input; the values decrypted from an
// environment's stack.yaml go to the stacks that recorded them only: two environments'
// app secrets share parameter names, and `up --all` must never send dev's value to prod.
struct StackParameterValues {
  ParameterValues given;  // from --parameter and --parameters-file
  std::string image_uri;  // from --image-uri, "" when not given
  std::map<std::string, ParameterValues> by_stack;  // decrypted config secrets, by stack id
  // The values for `stack`: the given ones, the image for its image input (--image-uri
  // wins over --parameter), and the secrets recorded on it (a given value wins).
  ParameterValues For(const Stack& stack) const;
};

// Fills `values` from the flags; every --parameter name must be a parameter of one of
// the selected stacks, and --image-uri needs a selected stack with an image input.
// Prints the error and returns false on a user error. Then adds the config secrets
// (AddSecretParameterValues).
bool CollectParameterValues(const ParameterFlags& flags, const Loaded& loaded, StackParameterValues* values);

// The value of each parameter the selected stacks' recorded inputs bind to an
// encrypted config value (InputSource::kConfigSecret: the app secrets, the CloudFront
// origin secret, whatever a module adds next), decrypted from the stack.yaml of the
// environment the stack serves with the config passphrase, unless given by the flags,
// into `values->by_stack[stack id]`. A key the config does not set fills nothing (the
// deploy then names the parameter that has no value).
// Asks for the passphrase only when such a value is needed. Prints the error and
// returns false on a wrong passphrase, an altered value or an unusable origin secret.
bool AddSecretParameterValues(const Loaded& loaded, StackParameterValues* values);

// The console on the real terminal: live progress when stdout is a TTY, questions
// when stdin is a TTY; `assume_yes` from --yes.
Console TerminalConsole(bool assume_yes = false);

// Loads and assembles the selection (LoadAndAssemble) and lists its stacks in deploy
// order, dependencies first. Prints the error and returns false on a user error.
bool LoadSelectedStacks(const Selection& sel, Loaded* loaded, std::vector<const Stack*>* order);

// The state directory: --state-dir, else .blueprint beside the environments directory.
std::string StateDirFor(const AwsFlags& flags, const Selection& sel);

// The driver settings every AWS command shares: the state directory and those from the
// environment.
DriverOptions DriverOptionsFor(const AwsFlags& flags, const Selection& sel);

// A --region that contradicts a selected stack's own region is refused (each stack
// deploys in its region: stack.yaml's for main stacks, us-east-1 for global and
// account stacks). Prints the error and returns false.
bool CheckRegion(const AwsFlags& flags, const std::vector<const Stack*>& stacks);

// Before any stack is touched (`up`, `preview --remote`): the stacks' preflight checks
// (an account App Runner no longer admits is refused here, with the way out, rather than
// by CloudFormation halfway through a deploy; Driver::RunPreflightChecks). Says what it
// asks on console.out and prints its errors and warnings; false: exit 2, nothing was
// created.
bool RunPreflightChecks(Driver& driver, const std::vector<const Stack*>& stacks, const Console& console,
                        const std::string& going_on);

// The environment config a stack came from.
const StackConfig* ConfigOf(const Loaded& loaded, const Stack& stack);

// The recorded stacks the selection no longer produces (deploy/leftovers.h): every one
// with --all, the selected environment's with --stack ENV, none when --stack names one
// stack. Prints the error and returns false when a record cannot be read, or when the
// state directory is a symlink (CheckStateDir: refused whatever the selection).
bool SelectedLeftovers(const Selection& sel, const AwsFlags& flags, const Loaded& loaded, std::vector<Leftover>* out);

// Why only `destroy --force-prod` may delete a leftover, or "": its environment has
// production guards, or is gone, so whether it had them is unknown.
std::string LeftoverGuard(const Loaded& loaded, const Leftover& leftover);

// How `up` and `destroy` delete leftovers, after the stacks they deploy or destroy.
struct LeftoverDeletion {
  bool confirmed = false;   // delete without asking: `up --delete-leftovers`, `destroy --yes`
  bool force_prod = false;  // `destroy --force-prod`
  bool by_up = false;       // `up`: asks even with --yes; declining is not a failure
  std::string up_command;   // the `up` command line to suggest with --delete-leftovers
};

// Reports each leftover (RenderLeftover); deletes those neither shared nor guarded
// (unless force_prod) through Driver::DestroyLeftover, showing the destroy plan and
// asking unless confirmed. Returns the exit status: a refusal (deletion protection) is
// a user error, a failed delete an internal one; a stack that is not the recorded one
// is never deleted.
int DeleteLeftovers(Driver& driver, const Loaded& loaded, const std::vector<Leftover>& leftovers,
                    const Console& console, const LeftoverDeletion& how);

}  // namespace bp::cli
