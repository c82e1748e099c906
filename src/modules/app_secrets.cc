#include "modules/app_secrets.h"

#include <algorithm>
#include <optional>
#include <set>

#include "naming/arn.h"
#include "util/strings.h"

namespace bp {

using cfn::Json;
using cfn::Ref;

namespace {

// Logical IDs drop the '_' of environment variable names, so two names can meet
// (A_B and AB); the later one, in name order, gets a stable hash suffix.
std::vector<std::pair<std::string, std::string>> ResourceIds(const std::vector<AppSecret>& secrets,
                                                             const ModuleContext& ctx) {
  std::vector<std::pair<std::string, std::string>> ids;
  std::set<std::string> used;
  for (const auto& s : secrets) {
    if (s.secure_value.empty()) continue;
    std::string id = ctx.Id(cfn::LogicalId({"app", "secret", s.name}));
    if (!used.insert(id).second) {
      id = ctx.Id(cfn::LogicalId({"app", "secret", s.name, StableHashHex(s.name, 8)}));
      used.insert(id);
    }
    ids.emplace_back(s.name, id);
  }
  return ids;
}

}  // namespace

std::string SecretArnOf(const std::string& reference) {
  // arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 chars>[:<json key>:<stage>:<version id>]
  // Src: DOC:secretsmanager/latest/userguide/auth-and-access_resources.html (the secret's ARN),
  // DOC:apprunner/latest/dg/env-variable.html (the reference's suffix), reference/aws-facts.md 15.
  std::optional<Arn> arn = ParseArn(reference);
  if (!arn || arn->service != "secretsmanager") return reference;
  std::vector<std::string> resource = SplitString(arn->resource, ':');  // secret, name[, key, stage, version]
  if (resource.size() < 2) return reference;
  arn->resource = resource[0] + ":" + resource[1];
  return FormatArn(*arn);
}

std::vector<std::pair<std::string, std::string>> AppSecretParameters(const std::vector<AppSecret>& secrets,
                                                                     const ModuleContext& ctx) {
  auto ids = ResourceIds(secrets, ctx);
  for (auto& [name, id] : ids) id += "Value";
  return ids;
}

AppSecretsOutputs AddAppSecrets(const ModuleContext& ctx, const AppSecretsArgs& args, cfn::Template* t) {
  AppSecretsOutputs out;
  out.parameters = AppSecretParameters(args.secrets, ctx);
  auto ids = ResourceIds(args.secrets, ctx);
  Json secret_arns = Json::array(), parameter_arns = Json::array();
  size_t i = 0;
  for (const auto& s : args.secrets) {
    if (!s.arn.empty()) {
      // App Runner gets the reference as written (a JSON key and version may follow the
      // secret's ARN); IAM authorizes GetSecretValue against the secret's own ARN.
      out.runtime.secrets.emplace_back(s.name, s.arn);
      if (std::optional<Arn> arn = ParseArn(s.arn); arn && arn->service == "ssm")
        parameter_arns.push_back(s.arn);
      else if (std::find(secret_arns.begin(), secret_arns.end(), Json(SecretArnOf(s.arn))) == secret_arns.end())
        secret_arns.push_back(SecretArnOf(s.arn));
      continue;
    }
    const std::string& id = ids[i].second;
    const std::string& param = out.parameters[i].second;
    ++i;
    cfn::Parameter p;
    p.description = "Value of the app secret " + s.name + " (decrypted from stack.yaml at deploy time)";
    p.no_echo = true;  // masked in the console and API. Src: reference/aws-facts.md 12 (parameters-section-structure).
    t->AddParameter(param, p);
    // No Name: Secrets Manager names are create-only (reference/aws-facts.md 2); CloudFormation
    // generates one. Encrypted with the aws/secretsmanager key, so the instance role
    // needs no kms:Decrypt (reference/aws-facts.md 1.3).
    t->AddResource(id, "AWS::SecretsManager::Secret",
                   Object({{"Description", "App secret " + s.name + " of " + ctx.name_prefix},
                           {"SecretString", Ref(param)},
                           {"Tags", ctx.Tags()}}));
    out.runtime.secrets.emplace_back(s.name, Ref(id));  // Ref = the secret's ARN
    secret_arns.push_back(Ref(id));
  }
  // Src: reference/aws-facts.md 1.3 (DOC:apprunner/latest/dg/env-variable.html): the instance role
  // reads every secret and parameter named in RuntimeEnvironmentSecrets.
  if (!secret_arns.empty())
    out.runtime.policy_statements.push_back(Object({{"Sid", "ReadAppSecrets"},
                                                    {"Effect", "Allow"},
                                                    {"Action", "secretsmanager:GetSecretValue"},
                                                    {"Resource", secret_arns}}));
  if (!parameter_arns.empty())
    out.runtime.policy_statements.push_back(Object({{"Sid", "ReadAppParameters"},
                                                    {"Effect", "Allow"},
                                                    {"Action", "ssm:GetParameters"},
                                                    {"Resource", parameter_arns}}));
  return out;
}

}  // namespace bp
