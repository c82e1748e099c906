#include "deploy/driver.h"
#include "deploy/cfn_answers.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>

#include "analysis/diff_render.h"
#include "deploy/process.h"
#include "cfn/custom_names.h"
#include "cfn/json_read.h"
#include "cfn/writer.h"
#include "util/env.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp {

using cfn_answers::Str;
using cfn_answers::TemplateBodyOf;

namespace fs = std::filesystem;
using cfn::Json;

namespace {

// Polling CloudFormation: never more often than once a second (DescribeStacks and
// DescribeStackEvents are throttled per account), slower while nothing happens, and at
// least once a minute so progress shows.
// (The quiet ceiling and the rest of polling: deploy/change_set.cc.)
constexpr int kMinPollIntervalMs = 1000;
constexpr int kMaxPollIntervalMs = 60000;

}  // namespace

std::string TemplateUrl(const AwsOptions& aws, const std::string& stack_region, const std::string& bucket,
                        const std::string& key) {
  if (!aws.endpoint_url.empty()) {
    std::string base = aws.endpoint_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/" + bucket + "/" + key;
  }
  std::string suffix = StartsWith(stack_region, "cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://" + bucket + ".s3." + stack_region + suffix + "/" + key;
}

namespace {

std::string UtcNowFormatted(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string UtcNow() { return UtcNowFormatted("%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace

std::string ChangeSetName() { return "blueprint-" + UtcNowFormatted("%Y%m%d%H%M%S"); }

StackKey KeyOf(const Stack& stack) { return StackKey{stack.account, stack.region, stack.name}; }

bool DeployOrder(const std::vector<const Stack*>& stacks, std::vector<const Stack*>* order, Diagnostics* diags) {
  std::set<std::string> names, done;
  for (const auto* s : stacks) names.insert(s->id);  // dependencies name artifact ids
  order->clear();
  while (order->size() < stacks.size()) {
    bool progressed = false;
    for (const auto* s : stacks) {
      if (done.count(s->id)) continue;
      bool ready = true;
      for (const auto& d : s->dependencies)
        if (names.count(d) && !done.count(d)) ready = false;
      if (!ready) continue;
      order->push_back(s);
      done.insert(s->id);
      progressed = true;
    }
    if (!progressed) {
      diags->Error({}, "", "the stacks' dependencies form a cycle");
      return false;
    }
  }
  return true;
}

bool ReadDriverEnvironment(DriverOptions* options, Diagnostics* diags) {
  bool poll = ParseEnvInt("BLUEPRINT_POLL_INTERVAL_MS", kMinPollIntervalMs, kMaxPollIntervalMs,
                          &options->poll_interval_ms, diags);
  bool change_set = ParseEnvInt("BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS", 1, 86400,
                                &options->change_set_timeout_seconds, diags);
  // For the tests that run the binary against the stand-in `aws` (tests/fake_aws.h):
  // the driver's clock only moves when it waits, and a wait takes no time, so the
  // floor on the poll interval stays the user's while the suite does not sleep. Never
  // for a real account: it polls CloudFormation as fast as the CLI answers.
  int virtual_clock = 0;
  bool clock = ParseEnvInt("BLUEPRINT_TEST_VIRTUAL_CLOCK", 0, 1, &virtual_clock, diags);
  if (virtual_clock == 1) {
    auto now_ms = std::make_shared<long long>(0);
    options->now_ms = [now_ms] { return *now_ms; };
    options->sleep = [now_ms](int ms) { *now_ms += ms; };
  }
  return poll && change_set && clock;
}

Driver::Driver(const AwsCli& aws, DriverOptions options) : aws_(aws), options_(std::move(options)) {}

bool Driver::Describe(const std::string& stack_name, const std::string& region, StackInfo* info, Diagnostics* diags) {
  *info = StackInfo();
  AwsResult r = aws_.Run("cloudformation", "describe-stacks", {"--stack-name", stack_name}, region);
  if (!r.ok) {
    // The one answer that means "absent". Src: DOC:AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
    if (r.error_code == "ValidationError" && r.message.find("does not exist") != std::string::npos) return true;
    diags->Error({}, stack_name, "describe-stacks: " + ErrorText(r));
    return false;
  }
  // Anything but {"Stacks": [{... "StackStatus": "..."}]} is an answer we do not
  // understand, never "the stack is absent".
  const Json& b = r.body;
  if (!(b.is_object() && b.contains("Stacks") && b["Stacks"].is_array() && b["Stacks"].size() == 1 &&
        b["Stacks"][0].is_object() && b["Stacks"][0].contains("StackStatus") &&
        b["Stacks"][0]["StackStatus"].is_string())) {
    diags->Error({}, stack_name,
                 "describe-stacks: unexpected answer " + cfn::JsonExcerpt(b, 120) +
                     " (expected {\"Stacks\": [one stack]}); is --endpoint-url a CloudFormation endpoint?");
    return false;
  }
  const Json& st = b["Stacks"][0];
  // What a caller records and passes on (outputs feed other stacks and the outputs
  // record) comes only from an answer about this stack whose lists are CloudFormation's.
  // Src: DOC:AWSCloudFormation/latest/APIReference/API_Stack.html (StackName, StackId
  // required; Outputs: array of Output; Parameters: array of Parameter),
  // API_Output.html, API_Parameter.html.
  std::string problem;
  std::string answered = Str(st, "StackName");
  if (answered != stack_name && Str(st, "StackId") != stack_name)
    problem = "it is about stack \"" + answered + "\", not " + stack_name;
  auto keyed = [&](const char* list, const char* key, const char* value) {
    if (!problem.empty() || !st.contains(list)) return;
    if (!st[list].is_array()) {
      problem = std::string(list) + " is not a list";
      return;
    }
    for (const Json& e : st[list])
      if (!(e.is_object() && e.contains(key) && e[key].is_string() && !e[key].get<std::string>().empty() &&
            (!e.contains(value) || e[value].is_string()))) {
        problem = std::string(list) + " holds an entry without a text " + key + " and " + value + ": " +
                  cfn::JsonExcerpt(e, 80);
        return;
      }
  };
  keyed("Parameters", "ParameterKey", "ParameterValue");
  keyed("Outputs", "OutputKey", "OutputValue");
  if (!problem.empty()) {
    diags->Error({}, stack_name,
                 "describe-stacks: unexpected answer (" + problem + "); nothing was recorded from it");
    return false;
  }
  info->exists = true;
  info->id = Str(st, "StackId");
  info->status = Str(st, "StackStatus");
  info->reason = Str(st, "StackStatusReason");
  info->description = Str(st, "Description");
  if (st.contains("Parameters"))
    for (const auto& p : st["Parameters"]) info->parameters.push_back(Str(p, "ParameterKey"));
  if (st.contains("Outputs"))
    for (const auto& o : st["Outputs"]) info->outputs[Str(o, "OutputKey")] = Str(o, "OutputValue");
  return true;
}

// `aws ssm get-parameters --names NAME` answers {"Parameters": [{"Name", "Type", "Value",
// ...}], "InvalidParameters": [names not found]}; a missing parameter is not a service
// error. Src: DOC:systems-manager/latest/APIReference/API_GetParameters.html.
bool Driver::ReadSsmParameter(const Stack& stack, const std::string& name, const std::string& parameter,
                              std::string* value, Diagnostics* diags, bool* call_failed) {
  AwsResult r = aws_.Run("ssm", "get-parameters", {"--names", name}, stack.region);
  std::string retry = "; or give the value yourself: --parameter " + parameter + "=VALUE";
  if (!r.ok) {
    if (call_failed) *call_failed = true;
    diags->Error({}, stack.name,
                 "reading AWS's public SSM parameter " + name + " in " + stack.region + " (ssm get-parameters): " +
                     ErrorText(r) + retry);
    return false;
  }
  const Json& b = r.body;
  if (b.is_object() && b.contains("Parameters") && b["Parameters"].is_array())
    for (const Json& p : b["Parameters"])
      if (Str(p, "Name") == name && !Str(p, "Value").empty()) {
        *value = Str(p, "Value");
        return true;
      }
  bool invalid = b.is_object() && b.contains("InvalidParameters") && b["InvalidParameters"].is_array() &&
                 std::find(b["InvalidParameters"].begin(), b["InvalidParameters"].end(), Json(name)) !=
                     b["InvalidParameters"].end();
  std::string shown = cfn::JsonExcerpt(b, 120);
  if (!invalid && call_failed) *call_failed = true;  // an answer not understood is not the user's to fix
  diags->Error({}, stack.name,
               invalid ? "AWS's public SSM parameter " + name + " does not exist in " + stack.region +
                             " (is the region right, and does AWS publish this image there?)" + retry
                       : "ssm get-parameters " + name + ": unexpected answer " + shown +
                             " (expected {\"Parameters\": [{\"Name\", \"Value\"}]})" + retry);
  return false;
}

std::vector<std::string> Driver::EventIds(const std::string& stack_name, const std::string& region) {
  std::vector<std::string> ids;
  AwsResult r = aws_.Run("cloudformation", "describe-stack-events",
                         {"--stack-name", stack_name, "--max-items", "100"}, region);
  if (r.ok && r.body.contains("StackEvents") && r.body["StackEvents"].is_array())
    for (const auto& e : r.body["StackEvents"]) ids.push_back(Str(e, "EventId"));
  return ids;
}

namespace {

bool HasResourceOfType(const Json& tmpl, const std::string& type) {
  if (!tmpl.is_object() || !tmpl.contains("Resources") || !tmpl["Resources"].is_object()) return false;
  for (const auto& [id, r] : tmpl["Resources"].items())
    if (r.is_object() && r.value("Type", "") == type) return true;
  return false;
}

}  // namespace

// Each stack's declared preflight checks (app.h Stack::preflight, declared by the module
// that needs them) for the stacks that would create the checked resource type: its
// template has one, its recorded deployment none. An answer from the service that is an
// error, but not IAM's own "is not authorized to perform" (the caller lacks the
// permission, so nothing is learned about the account), is the service refusing the
// account: AWS documents no error code for such refusals, so the check keys on who
// answers, not on a code, and quotes AWS's answer in the message.
bool Driver::RunPreflightChecks(const std::vector<const Stack*>& stacks, Diagnostics* diags,
                                const std::function<void(const Stack&, const PreflightCheck&)>& asking,
                                const std::string& going_on) {
  std::set<std::string> asked;
  bool admitted = true;
  for (const Stack* stack : stacks) {
    if (stack->preflight.empty()) continue;
    const Json body = stack->tmpl.ToJson();
    Json deployed;
    std::string recorded;
    Diagnostics unread;  // no record (never deployed here): ask
    if (ReadFile(DeployedTemplatePath(options_.state_dir, KeyOf(*stack)), &recorded, &unread)) {
      std::string unparsed;
      cfn::ParseJson(recorded, &deployed, &unparsed);
    }
    for (const PreflightCheck& check : stack->preflight) {
      if (!HasResourceOfType(body, check.resource_type)) continue;
      if (HasResourceOfType(deployed, check.resource_type)) continue;  // created before: the account has it
      if (!asked.insert(check.service + " " + check.operation + "/" + stack->account + "/" + stack->region).second)
        continue;
      if (asking) asking(*stack, check);
      AwsResult r = aws_.Run(check.service, check.operation, {}, stack->region);
      if (r.ok) continue;
      const std::string call = check.service + " " + check.operation;
      bool iam = r.message.find("is not authorized to perform") != std::string::npos;
      if (r.error_code.empty() || r.transient || r.timed_out || iam) {
        diags->Warn({}, stack->name,
                    "could not check whether " + check.question + " in " + stack->region + " (" + call + ": " +
                        ErrorText(r) + "); " + going_on);
        continue;
      }
      diags->Error({}, stack->name,
                   check.refused + " in " + stack->region + " (" + call + ": " + ErrorText(r) + "). " + check.way_out +
                       " Nothing was created.");
      admitted = false;
    }
  }
  return admitted;
}

namespace {

// When the check before `up` learned nothing (a caller that may not make the call, or a
// service that answers for an account it then refuses), CloudFormation meets the refusal
// itself: the first failure is the checked resource's create, with the handler error
// code for "insufficient permissions" (AccessDenied, Src:
// https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract-errors.html)
// but without IAM's own "is not authorized to perform". Then the failure says the way out.
void NoteRefusedCreate(const Stack& stack, const FollowResult& follow, Diagnostics* diags) {
  const std::string& why = follow.first_failure;
  bool access = why.find("HandlerErrorCode: AccessDenied") != std::string::npos ||
                why.find("AccessDeniedException") != std::string::npos;
  if (!access || why.find("is not authorized to perform") != std::string::npos) return;
  for (const PreflightCheck& check : stack.preflight)
    if (why.find("(" + check.resource_type + ") CREATE_FAILED") != std::string::npos)
      diags->Warn({}, stack.name, check.create_refused_hint);
}

}  // namespace

namespace {

// Whether going from the deployed template to `stack`'s would replace data because a
// resource it references is replaced (analysis::IsCascadeDataLoss); each such resource
// is an error in diags, worded as `preview` shows it. The same offline diff as
// `preview`, before any change set: nothing is created for a change that must not run.
bool CascadesIntoData(const Json& deployed, const Stack& stack, Diagnostics* diags) {
  analysis::TemplateDiff diff = analysis::DiffTemplates(deployed, stack.tmpl.ToJson());
  bool refuse = false;
  for (const auto& r : diff.resources)
    if (analysis::IsCascadeDataLoss(r)) {
      diags->Error({}, stack.name, analysis::CascadeLine(diff, r));
      refuse = true;
    }
  return refuse;
}

}  // namespace

Json Driver::DeployedTemplate(const Stack& stack, Diagnostics* diags) {
  Json deployed;
  bool found = false;
  Diagnostics unread;
  if (LoadJsonRecord(DeployedTemplatePath(options_.state_dir, KeyOf(stack)), &deployed, &found, &unread) && found)
    return deployed;
  // No record here (another machine deployed it, a CI runner, a fresh clone): ask.
  AwsResult r = aws_.Run("cloudformation", "get-template", {"--stack-name", stack.name}, stack.region);
  deployed = TemplateBodyOf(r);
  if (deployed.is_null())
    diags->Warn({}, stack.name,
                "cannot compare with the deployed template (get-template: " +
                    (r.ok ? std::string("no JSON template in the answer") : ErrorText(r)) +
                    (unread.HasErrors() ? "; " + unread.FirstError() : std::string()) +
                    "); the change set below still marks each replacement");
  return deployed;
}

bool Driver::FillInputs(const Stack& stack, const std::map<std::string, cfn::Json>& produced, ParameterValues* values,
                        DeployResult* result, Diagnostics* diags) {
  bool call_failed = false;
  if (FillStackInputs(*this, stack, produced, values, diags, &call_failed)) return true;
  // A producer not deployed is the user's to fix (exit 2); a failed call is not.
  result->status = call_failed ? DeployResult::Status::kFailed : DeployResult::Status::kRefused;
  return false;
}

DeployResult Driver::Deploy(const Stack& stack, const ParameterValues& given, const DriverObserver& observer,
                            Diagnostics* diags, const std::map<std::string, cfn::Json>& produced) {
  DeferInterrupts defer;  // an interrupt is answered below: what it leaves is undone or said
  DeployResult result = DeployStack(stack, given, observer, diags, produced);
  using Status = DeployResult::Status;
  if (InterruptRequested() && result.status != Status::kDeployed && result.status != Status::kNoChanges)
    result.status = Status::kInterrupted;
  return result;
}

DeployResult Driver::DeployStack(const Stack& stack, const ParameterValues& given, const DriverObserver& observer,
                                 Diagnostics* diags, const std::map<std::string, cfn::Json>& produced) {
  using Status = DeployResult::Status;
  DeployResult result;
  ParameterValues values = given;
  if (!FillInputs(stack, produced, &values, &result, diags)) return result;
  const std::string& region = stack.region;
  StackInfo info;
  if (!DescribeSettled(stack.name, region, &info, diags)) return result;
  if (info.exists && (info.status == "ROLLBACK_COMPLETE" || info.status == "ROLLBACK_FAILED" ||
                      info.status == "CREATE_FAILED" || info.status == "DELETE_FAILED")) {
    diags->Error({}, stack.name,
                 "it is " + info.status + " and cannot be updated; remove it with `blueprint destroy --stack " +
                     stack.name + "`, then run up again");
    return result;
  }
  // No flag overrides this (--allow-replace-named is about names, not data).
  if (info.exists && IsDeployed(info.status)) {
    Json deployed = DeployedTemplate(stack, diags);
    if (!deployed.is_null() && CascadesIntoData(deployed, stack, diags)) {
      result.status = Status::kRefused;
      return result;
    }
  }
  if (InterruptRequested()) return result;

  // The template goes to a file beside the record of the last deployment; it becomes
  // that record when the deploy succeeds, and goes on every other way out.
  Diagnostics io;
  std::string pending = fs::absolute(fs::path(StackRecordDir(options_.state_dir, KeyOf(stack))) /
                                    "pending.template.json")
                            .string();
  if (!SaveRecord(pending, cfn::WriteTemplateCompactJson(stack.tmpl), &io)) {
    diags->Append(io, stack.name);
    return result;
  }
  // A second interrupt ends the process before the cleanup below: it removes the file.
  RemoveOnInterrupt(pending);
  struct Forget {
    const std::string& path;
    ~Forget() { ForgetOnInterrupt(path); }
  } forget{pending};
  std::error_code ec;
  auto drop_pending = [&] { fs::remove(pending, ec); };
  auto record = [&](const StackInfo& deployed) {
    fs::rename(pending, DeployedTemplatePath(options_.state_dir, KeyOf(stack)), ec);
    if (ec) diags->Warn({}, stack.name, "cannot record the deployed template: " + ec.message());
    Diagnostics saved;
    // Outputs are recorded from a stack in a success status only (RecordOutputs).
    RecordOutputs(KeyOf(stack), deployed, &saved);
    // Whose stack it is and which one: how a later `up` finds it once the assembly no
    // longer produces it, and knows it for the one it created (DestroyLeftover).
    RecordedStack meta{KeyOf(stack), true, stack.id, RoleName(stack.role), stack.envs, deployed.id, UtcNow()};
    SaveRecord(StackMetaPath(options_.state_dir, KeyOf(stack)), StackMetaJson(meta), &saved);
    for (const auto& problem : saved.items) diags->Warn({}, stack.name, problem.message);
  };
  // Every way out before execution: the change set (and the empty stack a CREATE made)
  // is deleted, or what is left is said.
  auto discard = [&](Status status) {
    DiscardChangeSet(result.change_set, &result.left_behind, diags);
    drop_pending();
    result.status = status;
    return result;
  };

  if (observer.creating) observer.creating(stack, info.exists && info.status != "REVIEW_IN_PROGRESS" ? "UPDATE" : "CREATE");
  result.status = CreateChangeSet(stack, values, info, pending, observer, &result.change_set, diags);
  if (result.status == Status::kNoChanges) {
    DiscardChangeSet(result.change_set, &result.left_behind, diags);
    record(info);  // what is deployed is what we have: refresh the record
    result.outputs = info.outputs;
    return result;
  }
  if (result.status != Status::kPreviewed || InterruptRequested()) return discard(result.status);
  if (observer.change_set) observer.change_set(result.change_set);
  // CloudFormation cannot replace a custom-named resource: executing would fail halfway
  // and roll back. Refused before asking, unless --allow-replace-named.
  // Src: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
  if (!options_.allow_replace_named) {
    bool refuse = false;
    for (const auto& row : result.change_set.changes)
      if (analysis::ResourceChange rc = AsResourceChange(row); analysis::IsNamedReplacement(rc)) {
        diags->Error({}, stack.name, analysis::NamedReplacementLine(rc));
        refuse = true;
      }
    if (refuse) return discard(Status::kRefused);
  }
  Decision decision = observer.decide ? observer.decide(stack.name) : Decision::kYes;
  if (InterruptRequested()) return discard(Status::kInterrupted);
  if (decision != Decision::kYes) return discard(decision == Decision::kNo ? Status::kDeclined : Status::kRefused);

  std::vector<std::string> before = EventIds(stack.name, region);
  if (InterruptRequested()) return discard(Status::kInterrupted);
  AwsResult ex = aws_.Run("cloudformation", "execute-change-set",
                          {"--stack-name", stack.name, "--change-set-name", result.change_set.name}, region,
                          AwsCall{.changes_something = true, .pass_fds = {}});
  if (!ex.ok) {
    Status failed = InterruptRequested() ? Status::kInterrupted : Status::kFailed;
    // A call cut short (an interrupt, no answer in time, a lost connection) may have
    // started the execution, before the stack's status shows it: the change set says.
    bool unsure = ex.interrupted || ex.timed_out || ex.transient;
    std::string execution = unsure ? ExecutionStatus(result.change_set) : "AVAILABLE";
    bool started = StartsWith(execution, "EXECUTE_");  // IN_PROGRESS, COMPLETE, FAILED
    if (started && !ex.interrupted)
      diags->Warn({}, stack.name, "execute-change-set: " + ErrorText(ex) + "; the change set runs all the same: following it");
    else if (!ex.interrupted)
      diags->Error({}, stack.name, "execute-change-set: " + ErrorText(ex));
    if (execution == "AVAILABLE" || execution == "UNAVAILABLE") return discard(failed);
    if (!started) {  // not known: nothing is deleted, and the user is told to look
      drop_pending();
      result.follow.lost_contact = true;
      result.status = failed;
      return result;
    }
  }
  if (!InterruptRequested())
    result.follow = Follow(stack.name, region, result.change_set.changes.size(), before,
                           info.exists ? info.status : "REVIEW_IN_PROGRESS", observer, diags);
  if (InterruptRequested()) {
    result.follow.interrupted = true;  // CloudFormation goes on
    drop_pending();
    result.status = Status::kInterrupted;
    return result;
  }
  if (!IsDeploySuccess(result.follow.status)) {
    NoteRefusedCreate(stack, result.follow, diags);
    drop_pending();
    result.status = Status::kFailed;
    return result;
  }
  StackInfo after;
  if (!Describe(stack.name, region, &after, diags)) {
    drop_pending();
    result.status = Status::kFailed;
    return result;
  }
  record(after);
  result.outputs = after.outputs;
  result.status = Status::kDeployed;
  return result;
}

void Driver::RecordOutputs(const StackKey& key, const StackInfo& info, Diagnostics* diags) {
  if (!IsDeploySuccess(info.status)) return;
  SaveRecord(OutputsPath(options_.state_dir, key), cfn::WriteJson(info.outputs), diags);
}

DeployResult Driver::PreviewChangeSet(const Stack& stack, const ParameterValues& given, Diagnostics* diags,
                                      const DriverObserver& observer) {
  DeferInterrupts defer;  // the change set is deleted whatever happens
  DeployResult result = PreviewUnderDefer(stack, given, diags, observer);
  if (InterruptRequested() && result.status != DeployResult::Status::kPreviewed &&
      result.status != DeployResult::Status::kNoChanges)
    result.status = DeployResult::Status::kInterrupted;
  return result;
}

DeployResult Driver::PreviewUnderDefer(const Stack& stack, const ParameterValues& given, Diagnostics* diags,
                                       const DriverObserver& observer) {
  DeployResult result;
  ParameterValues values = given;
  if (!FillInputs(stack, {}, &values, &result, diags)) return result;
  StackInfo info;
  if (!DescribeSettled(stack.name, stack.region, &info, diags) || InterruptRequested()) return result;
  char dir_tmpl[] = "/tmp/blueprint-preview-XXXXXX";
  if (!mkdtemp(dir_tmpl)) {
    diags->Error({}, stack.name, std::string("cannot create a temporary directory: ") + std::strerror(errno));
    return result;
  }
  std::string path = std::string(dir_tmpl) + "/" + stack.name + ".template.json";
  RemoveOnInterrupt(path);
  RemoveOnInterrupt(dir_tmpl);
  std::error_code ec;
  Diagnostics io;
  if (WriteFileAtomic(path, cfn::WriteTemplateCompactJson(stack.tmpl), &io)) {
    result.status = CreateChangeSet(stack, values, info, path, observer, &result.change_set, diags);
  } else {
    diags->Append(io, stack.name);
  }
  fs::remove_all(dir_tmpl, ec);
  ForgetOnInterrupt(path);
  ForgetOnInterrupt(dir_tmpl);
  DiscardChangeSet(result.change_set, &result.left_behind, diags);
  return result;
}

OutputsResult Driver::Outputs(const Stack& stack, Diagnostics* diags) {
  using Status = OutputsResult::Status;
  const std::string& stack_name = stack.name;
  const std::string& region = stack.region;
  OutputsResult result;
  if (!Describe(stack_name, region, &result.info, diags)) return result;
  if (!result.info.exists) {
    result.status = Status::kAbsent;
    return result;
  }
  if (!IsDeployed(result.info.status)) {
    result.status = Status::kNotDeployed;
    return result;
  }
  // Recording the outputs is a convenience: failing to is a warning. A stack whose
  // last change rolled back shows its outputs, but the record keeps the last success's.
  if (!IsDeploySuccess(result.info.status))
    diags->Warn({}, stack_name,
                "it is " + result.info.status + ": these outputs are not recorded; the record (outputs --cached) "
                "keeps those of the last successful deployment");
  Diagnostics io;
  RecordOutputs(KeyOf(stack), result.info, &io);
  for (const auto& problem : io.items) diags->Warn({}, stack_name, problem.message);
  result.status = Status::kOk;
  return result;
}

}  // namespace bp
