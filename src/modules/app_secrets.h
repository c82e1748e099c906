// App secrets module: the app.secrets of the config, as the running app receives them.
//
// - {secure} values become AWS::SecretsManager::Secret resources whose SecretString is
//   a NoEcho template parameter: the value is passed at deploy time (decrypted from
//   stack.yaml) and is never in the template.
// - {arn} values (an existing Secrets Manager secret or SSM parameter) are used as is.
// Both reach the app as App Runner runtime environment secrets, and the instance role
// may read exactly those secrets and parameters.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"
#include "modules/compute.h"

namespace bp {

struct AppSecretsArgs {
  std::vector<AppSecret> secrets;  // sorted by name
};

struct AppSecretsOutputs {
  // Runtime secrets (environment variable NAME -> secret or parameter ARN) and the
  // statements that let the app's role read exactly those.
  RuntimeInputs runtime;
  // Secret NAME -> the NoEcho parameter the deploy step must fill with its value
  // (the assembly records each as filled from app.secrets.NAME, app.h StackInput).
  std::vector<std::pair<std::string, std::string>> parameters;
};

AppSecretsOutputs AddAppSecrets(const ModuleContext& ctx, const AppSecretsArgs& args, cfn::Template* t);

// The NoEcho parameter of each {secure} secret (NAME -> parameter name), in the
// order AddAppSecrets declares them (and returns them in AppSecretsOutputs::parameters).
// `ctx` scopes the names to a module instance (the default context: the stack's one).
std::vector<std::pair<std::string, std::string>> AppSecretParameters(const std::vector<AppSecret>& secrets,
                                                                     const ModuleContext& ctx = {});

// The secret's own ARN in an App Runner secret reference: a Secrets Manager ARN
// without the ":<json key>:<version stage>:<version id>" suffix; what IAM authorizes
// GetSecretValue against. Other ARNs come back unchanged.
std::string SecretArnOf(const std::string& reference);

}  // namespace bp
