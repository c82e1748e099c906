// What every module receives besides its own config: a name prefix for physical
// names, the tags every taggable resource carries and the module instance, which
// scopes logical IDs so the same module can be added twice to one template. Modules
// are pure functions of their inputs: no files, no globals, no environment-name checks.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"

namespace bp {

struct ModuleContext {
  std::string name_prefix;  // "<app>-<env>", the stem of physical names
  std::vector<std::pair<std::string, std::string>> tags;  // Key, Value in output order
  // "" for the one instance of a module in a stack: logical IDs as they have always
  // been ("Vpc"). Another instance ("replica") prefixes every logical ID of the module
  // (resources, parameters, conditions, outputs: "ReplicaVpc") and its physical names
  // ("<app>-<env>-replica").
  std::string instance = {};
  // The tags that change only when name_prefix does (Project, Environment, ManagedBy),
  // a prefix of `tags`. For resources whose Tags are create-only and whose names are
  // fixed (App Runner's): a tag edit there would be a replacement that fails on the name.
  std::vector<std::pair<std::string, std::string>> fixed_tags = {};

  // The logical ID of `local` ("Vpc") in this instance.
  std::string Id(const std::string& local) const;
  // A context for another instance `name` of a module, in the same stack.
  ModuleContext Instance(const std::string& name) const;

  // Tags plus a Name tag, in CloudFormation's [{Key, Value}] form.
  cfn::Json TagsWithName(const std::string& name) const;
  cfn::Json Tags() const;
  cfn::Json FixedTags() const;
};

// A template parameter a module adds whose value `up` reads at deploy time from one of
// AWS's public SSM parameters, in the stack's region. The assembly records it with the
// stack's other deploy-time inputs (app.h StackInput).
struct SsmParameterInput {
  std::string parameter;      // logical ID of the template parameter
  std::string ssm_parameter;  // "/aws/service/ami-amazon-linux-latest/..."
};

// What a compute platform needs to roll out a new image through a stack update that
// changes only the image parameter: the IAM statements CloudFormation's update of its
// resource calls for, and those resources' types. The delivery module grants exactly
// these to the deploy role.
struct ImageRollout {
  std::string image_parameter;              // the template parameter naming the image (AddImageParameter)
  std::vector<cfn::Json> statements;        // e.g. apprunner:UpdateService on the service
  std::vector<std::string> resource_types;  // e.g. AWS::AppRunner::Service
};

// A read-only question to AWS before any change set (`up`, `preview --remote`), declared
// by the module whose resource AWS may refuse to create for the account as a whole (App
// Runner, closed to new customers): CloudFormation would otherwise meet the refusal only
// after everything created before that resource, and roll it all back. The deploy
// driver asks it for each stack that would create `resource_type` (its deployed
// template has none), once per account and region.
struct PreflightCheck {
  std::string resource_type;       // "AWS::AppRunner::Service"
  std::string service, operation;  // the read-only call: `aws apprunner list-services`
  std::string question;            // "App Runner admits this AWS account" (what the call settles)
  std::string refused;             // the error's first words: "App Runner does not admit this AWS account"
  std::string way_out;             // what to change, a sentence naming the stack.yaml setting
  // The warning when CloudFormation's create of `resource_type` fails with an access
  // error IAM did not raise (the question learned nothing, or AWS answered it and refused
  // later).
  std::string create_refused_hint;
};

// An IAM trust policy letting one AWS service principal ("tasks.apprunner.amazonaws.com")
// assume a role; with `this_account`, only on behalf of this account's resources
// (aws:SourceAccount, against the confused deputy), for the services that document it.
cfn::Json ServiceTrustPolicy(const std::string& service_principal, bool this_account = false);

}  // namespace bp
