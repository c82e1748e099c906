// The CloudFormation driver: deploys, previews and destroys one stack at a time
// through change sets, with the AWS CLI as transport. CloudFormation does the work
// (ordering, rollback, state); the driver creates the change set, shows it, asks,
// executes it and follows the stack's events until the stack settles.
//
// Every call goes through AwsCli, so the whole driver runs against a stand-in `aws`
// in tests and against moto with --endpoint-url.
#pragma once
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/app.h"
#include "deploy/aws_cli.h"
#include "deploy/state.h"

namespace bp {

// Template parameter values supplied at deploy time, by parameter name: ImageUri
// from --image-uri, the NoEcho parameters that carry app secrets from the secrets
// store, anything from --parameter. On an update, ImageUri and NoEcho parameters
// missing from the map keep their previous value (UsePreviousValue); other
// parameters missing from the map take the template's Default.
using ParameterValues = std::map<std::string, std::string>;

// Where the driver talks to the user.
struct Console {
  FILE* out = stdout;
  FILE* err = stderr;
  bool live = false;         // stdout is a terminal: one progress line rewritten in place
  bool interactive = false;  // stdin is a terminal: the driver may ask
  std::function<bool(const std::string& question)> ask;  // y/N; only called when interactive
};

struct DriverOptions {
  std::string state_dir = kDefaultStateDir;
  std::string s3_bucket;         // for templates over 51,200 bytes
  bool assume_yes = false;       // --yes
  int poll_interval_ms = 2000;   // BLUEPRINT_POLL_INTERVAL_MS overrides (tests, moto)
  int timeout_seconds = 3 * 3600;  // give up following a stack after this long
};

enum class Outcome {
  kDone,       // deployed, previewed or destroyed
  kNoChanges,  // nothing to deploy
  kDeclined,   // the user said no
  kUserError,  // refused before touching anything (exit 2)
  kFailed,     // CloudFormation or the CLI failed (exit 1)
};

// What `describe-stacks` says about one stack.
struct StackInfo {
  bool exists = false;
  std::string id;
  std::string status;  // CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, REVIEW_IN_PROGRESS, ...
  std::string reason;
  std::vector<std::string> parameters;  // keys the deployed stack has
  cfn::Json outputs = cfn::Json::object();  // {OutputKey: OutputValue} in CloudFormation's order
};

class Driver {
 public:
  Driver(const AwsCli& aws, DriverOptions options, Console console);

  // `up` for one stack: change set (CREATE or UPDATE), show, confirm, execute, follow,
  // then record template and outputs under the state directory.
  Outcome Deploy(const Stack& stack, const ParameterValues& values);

  // `preview --remote`: the change set CloudFormation would execute, shown then deleted.
  Outcome PreviewChangeSet(const Stack& stack, const ParameterValues& values);

  // `destroy` for one stack: says what remains (Retain/Snapshot), confirms, deletes,
  // follows. Production guards are checked by the caller.
  Outcome Destroy(const std::string& stack_name, const std::string& region);

  // `outputs`: the deployed stack's outputs, also recorded under the state directory.
  Outcome Outputs(const std::string& stack_name, const std::string& region, cfn::Json* outputs);

  // describe-stacks; false (with *err) on any failure other than "does not exist".
  bool Describe(const std::string& stack_name, const std::string& region, StackInfo* info, std::string* err);

 private:
  struct ChangeSet;
  Outcome CreateChangeSet(const Stack& stack, const ParameterValues& values, const StackInfo& info,
                          const std::string& template_path, ChangeSet* cs);
  void ShowChangeSet(const std::string& stack_name, const ChangeSet& cs);
  void DiscardChangeSet(const std::string& stack_name, const std::string& region, const ChangeSet& cs);
  bool Confirm(const std::string& question, const std::string& refusal);
  // Follows the stack's events until the operation started from `initial_status`
  // settles; returns the final status (DELETE_COMPLETE once the stack is gone).
  std::string Follow(const std::string& stack_name, const std::string& region, size_t total,
                     const std::vector<std::string>& seen_events, const std::string& initial_status,
                     std::string* first_failure);
  std::vector<std::string> EventIds(const std::string& stack_name, const std::string& region);
  // Describe, printing the error; also refuses a stack with an operation in progress.
  bool DescribeSettled(const std::string& stack_name, const std::string& region, StackInfo* info);
  void PrintOutputs(const cfn::Json& outputs);
  void Sleep() const;

  const AwsCli& aws_;
  DriverOptions options_;
  Console console_;
};

// "  Name   value\n" lines, names aligned.
std::string FormatOutputs(const cfn::Json& outputs);

// A change-set name that is valid and unique enough: blueprint-YYYYMMDDHHMMSS (UTC).
std::string ChangeSetName();

// The --template-url of an uploaded template: virtual-hosted S3 address of the
// region's partition, or path style under --endpoint-url (local emulators).
// Src: DOC:AmazonS3/latest/userguide/VirtualHosting.html; DOC:general/latest/gr/s3.html.
std::string TemplateUrl(const AwsOptions& aws, const std::string& stack_region, const std::string& bucket,
                        const std::string& key);

// CloudFormation's terminal statuses, and which of them mean success.
bool IsInProgress(const std::string& status);
bool IsDeploySuccess(const std::string& status);

// Deploy order for a set of stacks: dependencies first (Stack.dependencies), stable
// otherwise. Dependencies outside `stacks` are assumed deployed. False on a cycle.
bool DeployOrder(const std::vector<const Stack*>& stacks, std::vector<const Stack*>* order, std::string* err);

}  // namespace bp
