// The CloudFormation driver: deploys, previews and destroys one stack at a time
// through change sets, with the AWS CLI as transport. CloudFormation does the work
// (ordering, rollback, state); the driver creates the change set, hands it to the
// caller to show and decide on, executes it and follows the stack's events until the
// stack settles.
//
// The driver prints nothing. It returns what happened (results below), reports
// progress through a DriverObserver, and appends problems to a Diagnostics (path: the
// stack name); the command line (src/cli/deploy_render.*) words and prints all of it.
//
// Every call goes through AwsCli, so the whole driver runs against a stand-in `aws`
// in tests and against moto with --endpoint-url.
//
// Its files, by responsibility: driver.cc (deploy, preview, outputs, the preflight
// checks stacks declare), change_set.cc (a change set's lifecycle and the polling of
// stack operations), driver_destroy.cc (destroy planning and deletion),
// parameter_policy.cc (which parameters a change set keeps or passes), cfn_answers.cc
// (CloudFormation's vocabulary and the parsing of its answers).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "analysis/diff.h"
#include "app/app.h"
#include "deploy/aws_cli.h"
#include "deploy/state.h"
#include "util/diag.h"

namespace bp {

// Template parameter values supplied at deploy time, by parameter name: the stack's
// image input (Stack::ImageInput) from --image-uri, the NoEcho parameters its inputs
// bind to encrypted config values, decrypted, anything from --parameter. On an update,
// the image parameter and NoEcho parameters missing from the map keep their previous
// value (UsePreviousValue); other parameters missing from the map take the template's
// Default.
using ParameterValues = std::map<std::string, std::string>;

struct DriverOptions {
  std::string state_dir;            // where deployments are recorded (deploy/state.h)
  std::string s3_bucket;           // for templates over 51,200 bytes
  int poll_interval_ms = 2000;     // BLUEPRINT_POLL_INTERVAL_MS (ReadDriverEnvironment); 0: no wait (tests)
  int timeout_seconds = 3 * 3600;  // give up following a stack after this long
  // Give up on a change set CloudFormation has not computed after this long
  // (BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS); it is then deleted.
  int change_set_timeout_seconds = 600;
  // The clock and the pause between polls; empty: the steady clock and a real sleep
  // that an interrupt cuts short. Tests pass a clock that a sleep advances.
  std::function<long long()> now_ms;
  std::function<void(int ms)> sleep;
  // `up --allow-replace-named`: execute a change set that replaces a custom-named
  // resource (refused by default: CloudFormation cannot do it and rolls back).
  bool allow_replace_named = false;
};

// The settings environment variables override: BLUEPRINT_POLL_INTERVAL_MS (1000 to
// 60000) and BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS (1 to 86400); for tests,
// BLUEPRINT_TEST_VIRTUAL_CLOCK=1 (waits take no time on a clock of the driver's own). A
// bad value is an error in diags (exit 2), never a silent other number.
bool ReadDriverEnvironment(DriverOptions* options, Diagnostics* diags);

// What `describe-stacks` says about one stack.
struct StackInfo {
  bool exists = false;
  std::string id;
  std::string status;  // CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, REVIEW_IN_PROGRESS, ...
  std::string reason;
  std::string description;  // the deployed template's Description
  std::vector<std::string> parameters;  // keys the deployed stack has
  cfn::Json outputs = cfn::Json::object();  // {OutputKey: OutputValue} in CloudFormation's order
};

// One row of a change set.
struct ChangeRow {
  std::string action;       // Add | Modify | Remove | Import | Dynamic
  std::string logical_id;
  std::string type;
  std::string replacement;  // True | False | Conditional ("" unless Modify)
  std::vector<std::string> causes;  // properties, "(replace)" / "(may replace)" marked
  // The custom-name property the template sets for this resource and the change does
  // not rename (cfn::CustomNameProperty), or "": see analysis::NamedReplacementLine.
  std::string name_property;
};

// A change-set row as the offline diff sees a change, so both word risks alike
// (analysis::RiskLine, analysis::NamedReplacementLine).
analysis::ResourceChange AsResourceChange(const ChangeRow& row);

struct ChangeSet {
  std::string stack;
  std::string region;
  std::string name;
  std::string type;            // CREATE | UPDATE
  bool created_stack = false;  // a CREATE: it makes an empty REVIEW_IN_PROGRESS stack
  // create-change-set answered, or was cut short: the change set (and for a CREATE the
  // empty stack) may exist from then on, and every way out deletes it (or says it could not).
  bool created = false;
  std::string stack_id;  // the stack create-change-set named (its StackId), when it answered
  std::string status;          // CREATE_PENDING | CREATE_IN_PROGRESS | CREATE_COMPLETE | FAILED | ""
  std::string reason;
  std::vector<ChangeRow> changes;
};

// One stack event, as the user follows it.
struct StackEvent {
  int elapsed_seconds = 0;
  std::string status;  // ResourceStatus
  std::string logical_id;
  std::string type;
  std::string reason;
};

struct FollowProgress {
  std::string stack;
  size_t done = 0, total = 0;
  int elapsed_seconds = 0;
  std::string status;
};

// How a follow ended.
struct FollowResult {
  std::string status;         // the settled status; "" when not settled (see lost/timed_out)
  std::string first_failure;  // "Id (Type) STATUS: reason" of the first failed event
  bool lost_contact = false;  // the stack may still be changing
  bool timed_out = false;     // stopped following after timeout_seconds
  int elapsed_seconds = 0;
  bool interrupted = false;   // the user interrupted; CloudFormation goes on
};

enum class Decision { kYes, kNo, kRefused };  // kRefused: cannot ask (no terminal, no --yes)

// What the driver tells its caller while it works. Every member may be empty.
struct DriverObserver {
  std::function<void(const Stack&, const std::string& type)> creating;  // before create-change-set (CREATE|UPDATE)
  std::function<void(const ChangeSet&)> change_set;     // computed; shown before deciding
  std::function<Decision(const std::string& stack)> decide;  // execute it? (empty: yes)
  std::function<void(const StackEvent&)> event;          // each new stack event
  std::function<void(const FollowProgress&)> progress;  // after each poll
  // While a change set is computed: every 30 s (the change set, its status, the
  // seconds waited so far).
  std::function<void(const ChangeSet&, int seconds)> waiting;
};

// The result of `up` or `preview --remote` for one stack.
struct DeployResult {
  enum class Status {
    kDeployed,    // executed and settled in a *_COMPLETE success status
    kPreviewed,   // change set shown and deleted (preview)
    kNoChanges,   // nothing to deploy
    kDeclined,    // the user said no
    kRefused,     // refused before changing anything (a user error: exit 2)
    kFailed,      // CloudFormation or the CLI failed (exit 1)
    // The user interrupted. Before execution the change set (and an empty new stack)
    // is deleted; once executed, CloudFormation goes on (follow.interrupted).
    kInterrupted,
  };
  Status status = Status::kFailed;
  ChangeSet change_set;
  // What could not be cleaned up, one line each with the command that removes it.
  std::vector<std::string> left_behind;
  FollowResult follow;  // when executed
  cfn::Json outputs = cfn::Json::object();
};

// What destroying a stack means, from its deployed template and its resources.
struct DestroyPlan {
  struct Kept {
    std::string type, physical_id, logical_id, policy;  // Retain | RetainExceptOnCreate | Snapshot
    bool deletion_protection = false;
  };
  struct Blocker {
    std::string type, physical_id, logical_id;
    bool snapshot_policy = false;  // DeletionPolicy Snapshot with deletion protection
  };
  std::string stack, region, status;
  size_t resources = 0;              // that will be deleted
  std::vector<Kept> kept;            // remains afterwards (a resource, or a final snapshot)
  std::vector<std::string> ecr_not_emptied;  // repositories whose delete fails while they hold images
  std::vector<Blocker> blockers;     // deletion protection: CloudFormation cannot delete them
};

// Pure: the plan from the deployed template (null when unknown) and the
// list-stack-resources summaries.
DestroyPlan PlanDestroy(const std::string& stack, const std::string& region, const std::string& status,
                        const cfn::Json& deployed_template, const cfn::Json& resource_summaries);

struct DestroyResult {
  // kNotRecorded: a leftover whose name now belongs to a stack other than the one `up`
  // recorded (DestroyLeftover); nothing was deleted.
  // kInterrupted: the user interrupted; before delete-stack nothing was deleted, after
  // it CloudFormation goes on deleting (follow.interrupted or delete_requested).
  enum class Status { kDestroyed, kAbsent, kDeclined, kRefused, kNotRecorded, kFailed, kInterrupted };
  Status status = Status::kFailed;
  bool delete_requested = false;  // delete-stack was called
  bool delete_cut_short = false;  // ... and interrupted: whether it reached AWS is not known
  DestroyPlan plan;
  FollowResult follow;
};

struct OutputsResult {
  enum class Status { kOk, kAbsent, kNotDeployed, kFailed };
  Status status = Status::kFailed;
  StackInfo info;  // status and outputs
};

class Driver {
 public:
  Driver(const AwsCli& aws, DriverOptions options);

  // `up` for one stack: change set (CREATE or UPDATE), observer.change_set, decide,
  // execute, follow, then record template and outputs under the state directory.
  // The parameters other stacks' outputs feed are filled first (FillStackInputs): from
  // `produced`, the outputs of stacks deployed earlier in this run, or from the producers.
  DeployResult Deploy(const Stack& stack, const ParameterValues& values, const DriverObserver& observer,
                      Diagnostics* diags, const std::map<std::string, cfn::Json>& produced = {});

  // `preview --remote`: the change set CloudFormation would execute, then deleted.
  // Its input parameters are filled like Deploy's, from the producers' deployed outputs.
  DeployResult PreviewChangeSet(const Stack& stack, const ParameterValues& values, Diagnostics* diags,
                                const DriverObserver& observer = {});

  // `destroy` for one stack: the plan (handed to plan_ready before deciding), decide,
  // delete, follow, forget the record. Production guards are the caller's.
  DestroyResult Destroy(const Stack& stack, const std::function<void(const DestroyPlan&)>& plan_ready,
                        const DriverObserver& observer, Diagnostics* diags);

  // `destroy` for a recorded stack the assembly no longer produces (deploy/leftovers.h),
  // which only a stack `up` created may go through: the stack of that name must be the
  // recorded one, by the recorded stack ID, or for a record older than stack IDs by its
  // description (the recorded template's, which every template of this tool starts with
  // "apprunner-blueprint: "). Anything else is kNotRecorded and nothing is deleted.
  // Then as Destroy: the same plan, deletion-protection refusal and decision; the
  // delete names the stack by its ID, so it reaches the stack that was checked.
  DestroyResult DestroyLeftover(const RecordedStack& record, const std::function<void(const DestroyPlan&)>& plan_ready,
                                const DriverObserver& observer, Diagnostics* diags);

  // Before `up` creates anything: the preflight checks the stacks' modules declared
  // (app.h Stack::preflight; App Runner's: does it admit the AWS account?), for each
  // stack that would create the checked resource type (its template has one, its
  // recorded deployment none). One read-only call per check, account and region. False,
  // with an error saying what to change, when the service refuses the account; an
  // answer that settles nothing (the caller may not make the call, throttling, no
  // connection) is a warning and the command goes on (the warning ends with `going_on`:
  // "deploying anyway"). `asking` runs before each call (the caller says what it waits for).
  bool RunPreflightChecks(const std::vector<const Stack*>& stacks, Diagnostics* diags,
                          const std::function<void(const Stack&, const PreflightCheck&)>& asking = {},
                          const std::string& going_on = "deploying anyway");

  // `outputs`: the deployed stack's outputs (result.info.outputs), also recorded
  // under the state directory when the stack is in a success status (CREATE_COMPLETE,
  // UPDATE_COMPLETE, IMPORT_COMPLETE); in another (an update rolled back) they are
  // returned with a warning and the record keeps those of the last success.
  OutputsResult Outputs(const Stack& stack, Diagnostics* diags);

  // The value of AWS's public SSM parameter `name` in `stack`'s region (ssm
  // get-parameters), for the template parameter `parameter`. False, with the problem in
  // diags (path: the stack name), when it does not exist there or the call fails (then
  // *call_failed is set).
  bool ReadSsmParameter(const Stack& stack, const std::string& name, const std::string& parameter, std::string* value,
                        Diagnostics* diags, bool* call_failed = nullptr);

  // describe-stacks; false (with the problem in diags) on any failure other than
  // "does not exist", including an answer that is not about `stack_name` or not of
  // CloudFormation's shape (Outputs and Parameters lists of keyed entries).
  bool Describe(const std::string& stack_name, const std::string& region, StackInfo* info, Diagnostics* diags);

  // The wait between polls (DriverOptions::poll_interval_ms), and the next
  // one after a poll where nothing happened: 1.5 times longer, at most 10 s.
  int poll_interval_ms() const { return options_.poll_interval_ms; }
  int NextInterval(int current) const;

 private:
  // The template the stack runs: the one the last `up` here recorded, else
  // CloudFormation's (get-template); null, with a warning, when neither can be read.
  cfn::Json DeployedTemplate(const Stack& stack, Diagnostics* diags);
  // PreviewChangeSet, under its DeferInterrupts.
  DeployResult PreviewUnderDefer(const Stack& stack, const ParameterValues& values, Diagnostics* diags,
                                 const DriverObserver& observer);
  // Deploy, under its DeferInterrupts.
  DeployResult DeployStack(const Stack& stack, const ParameterValues& values, const DriverObserver& observer,
                           Diagnostics* diags, const std::map<std::string, cfn::Json>& produced);
  // Records `info`'s outputs under the state directory when the stack is in a success
  // status; a record is never replaced by outputs of a stack that rolled back.
  void RecordOutputs(const StackKey& key, const StackInfo& info, Diagnostics* diags);
  // FillStackInputs, with a failure recorded as the result's status.
  bool FillInputs(const Stack& stack, const std::map<std::string, cfn::Json>& produced, ParameterValues* values,
                  DeployResult* result, Diagnostics* diags);
  DeployResult::Status CreateChangeSet(const Stack& stack, const ParameterValues& values, const StackInfo& info,
                                       const std::string& template_path, const DriverObserver& observer,
                                       ChangeSet* cs, Diagnostics* diags);
  // Deletes a change set that may exist (cs.created) and was not executed: an UPDATE's
  // change set, or for a CREATE the empty stack it made, with its change sets, while
  // describe-stacks shows that very stack (cs.stack_id) still REVIEW_IN_PROGRESS. What
  // fails to go is a warning in diags and a line in *left_behind with the command that
  // removes it.
  void DiscardChangeSet(const ChangeSet& cs, std::vector<std::string>* left_behind, Diagnostics* diags);
  // describe-change-set's ExecutionStatus (AVAILABLE: not executed; EXECUTE_*: it was),
  // or "" when it cannot be read.
  std::string ExecutionStatus(const ChangeSet& cs);
  // Milliseconds on DriverOptions::now_ms, else the steady clock.
  long long NowMs() const;
  // Follows the stack's events until the operation started from `initial_status`
  // settles (DELETE_COMPLETE once the stack is gone), contact is lost, or time is up.
  FollowResult Follow(const std::string& stack_name, const std::string& region, size_t total,
                      const std::vector<std::string>& seen_events, const std::string& initial_status,
                      const DriverObserver& observer, Diagnostics* diags);
  std::vector<std::string> EventIds(const std::string& stack_name, const std::string& region);
  // Describe, also refusing a stack with an operation in progress.
  bool DescribeSettled(const std::string& stack_name, const std::string& region, StackInfo* info, Diagnostics* diags);
  // Destroy and DestroyLeftover: `record` null for a stack of the assembly.
  DestroyResult DestroyStack(const StackKey& key, const RecordedStack* record,
                             const std::function<void(const DestroyPlan&)>& plan_ready,
                             const DriverObserver& observer, Diagnostics* diags);
  DestroyResult DestroyUnderDefer(const StackKey& key, const RecordedStack* record,
                                  const std::function<void(const DestroyPlan&)>& plan_ready,
                                  const DriverObserver& observer, Diagnostics* diags);
  // get-template and list-stack-resources for a destroy plan: false, with what failed
  // and "nothing was deleted" in diags, unless both answers were read and are whole.
  bool ReadDestroyInputs(const std::string& stack_name, const std::string& region, const std::string& status,
                         cfn::Json* tmpl, cfn::Json* summaries, Diagnostics* diags);
  void Sleep(int ms) const;

  const AwsCli& aws_;
  DriverOptions options_;
};

// Fills the parameters filled at deploy time (Stack::inputs, see app.h) into `values`,
// unless given: another stack's output from `produced` (outputs of stacks deployed
// earlier in this run, by stack id) or else from the producer's deployed outputs, read
// with describe-stacks in the producer's own region; a public SSM parameter's current
// value, read in the stack's region (ReadSsmParameter), so every `up` and `preview
// --remote` passes the newest NAT image. The image and config secret inputs are the
// command line's to give (StackParameterValues). False, with the problem in diags, when a
// producer is not deployed or lacks the output (deploy the producer first), when the SSM
// parameter does not exist, or when reading failed (then *call_failed is set).
bool FillStackInputs(Driver& driver, const Stack& stack, const std::map<std::string, cfn::Json>& produced,
                     ParameterValues* values, Diagnostics* diags, bool* call_failed = nullptr);

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
// Whether a stack in this status holds a deployment (false for a first create that
// never ran, or failed and rolled back).
bool IsDeployed(const std::string& status);

// Where a stack's deployment is recorded: its account, region and name.
StackKey KeyOf(const Stack& stack);

// Deploy order for a set of stacks: dependencies first (Stack.dependencies), stable
// otherwise. Dependencies outside `stacks` are assumed deployed. False on a cycle.
bool DeployOrder(const std::vector<const Stack*>& stacks, std::vector<const Stack*>* order, Diagnostics* diags);

}  // namespace bp
