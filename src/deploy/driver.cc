#include "deploy/driver.h"
#include "deploy/cfn_answers.h"
#include "deploy/parameter_policy.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "analysis/diff_render.h"
#include "config/secrets.h"
#include "deploy/process.h"
#include "modules/compute.h"
#include "cfn/custom_names.h"
#include "cfn/json_read.h"
#include "cfn/writer.h"
#include "util/env.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp {

using cfn_answers::Str;
using cfn_answers::TemplateBodyOf;
using cfn_answers::IsNoChangeReason;
using cfn_answers::ParseChanges;
using cfn_answers::NamePropertyOf;

namespace fs = std::filesystem;
using cfn::Json;

namespace {

// Polling CloudFormation: never more often than once a second (DescribeStacks and
// DescribeStackEvents are throttled per account), slower while nothing happens, and at
// least once a minute so progress shows.
constexpr int kMinPollIntervalMs = 1000;
constexpr int kMaxPollIntervalMs = 60000;
constexpr int kMaxQuietPollIntervalMs = 10000;
// How often a wait for a change set is said ("still waiting (N s)").
constexpr int kStillWaitingEverySeconds = 30;

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() > n && s.compare(s.size() - n, n, suffix) == 0;
}

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

// In steps of at most 100 ms, so an interrupt (DeferInterrupts) ends the wait.
void Driver::Sleep(int ms) const {
  if (options_.sleep) return options_.sleep(ms);
  for (long long end = NowMs() + ms; !InterruptRequested();) {
    long long left = end - NowMs();
    if (left <= 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(left, 100LL)));
  }
}

long long Driver::NowMs() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int Driver::NextInterval(int current) const {
  if (options_.poll_interval_ms <= 0) return 0;
  return std::min(std::max(current * 3 / 2, options_.poll_interval_ms),
                  std::max(kMaxQuietPollIntervalMs, options_.poll_interval_ms));
}

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

// Whether `t` keeps a resource when the stack goes (DeletionPolicy Retain or
// RetainExceptOnCreate).
bool HasRetainedResource(const cfn::Template& t) {
  for (const auto& [id, r] : t.resources().entries())
    if (r.deletion_policy == "Retain" || r.deletion_policy == "RetainExceptOnCreate") return true;
  return false;
}

}  // namespace

DeployResult::Status Driver::CreateChangeSet(const Stack& stack, const ParameterValues& values,
                                             const StackInfo& info, const std::string& template_path,
                                             const DriverObserver& observer, ChangeSet* cs, Diagnostics* diags) {
  using Status = DeployResult::Status;
  const std::string& region = stack.region;
  cs->stack = stack.name;
  cs->name = ChangeSetName();
  cs->region = region;
  cs->type = info.exists && info.status != "REVIEW_IN_PROGRESS" ? "UPDATE" : "CREATE";
  cs->created_stack = !info.exists;

  std::vector<std::string> args = {"--stack-name",      stack.name, "--change-set-name", cs->name,
                                   "--change-set-type", cs->type};
  // The template: inline up to 51,200 bytes (counted as sent: compact JSON), else through S3.
  std::error_code ec;
  auto size = fs::file_size(template_path, ec);
  if (size > cfn::kMaxInlineTemplateBytes) {
    if (options_.s3_bucket.empty()) {
      diags->Error({}, stack.name,
                   fmt::format("the template is {} bytes; CloudFormation takes at most 51,200 bytes inline. Give "
                               "--s3-bucket BUCKET to upload it to S3 first",
                               static_cast<size_t>(size)));
      return Status::kRefused;
    }
    std::string body;
    Diagnostics read;
    if (!ReadFile(template_path, &body, &read)) {
      diags->Append(read, stack.name);
      return Status::kFailed;
    }
    std::string key = "apprunner-blueprint/" + stack.name + "/" + StableHashHex(body, 16) + ".template.json";
    AwsResult up = aws_.Run("s3", "cp", {template_path, "s3://" + options_.s3_bucket + "/" + key}, region,
                            AwsCall{.changes_something = true, .pass_fds = {}});
    if (!up.ok) {
      diags->Error({}, stack.name,
                   "uploading the template to s3://" + options_.s3_bucket + "/" + key + ": " + up.message);
      return Status::kFailed;
    }
    args.push_back("--template-url");
    args.push_back(TemplateUrl(aws_.options(), region, options_.s3_bucket, key));
  } else {
    args.push_back("--template-body");
    args.push_back("file://" + template_path);
  }
  args.push_back("--capabilities");
  args.push_back("CAPABILITY_IAM");
  args.push_back("CAPABILITY_NAMED_IAM");
  // A retained resource with a fixed name (prod's ECR repository) outlives a deleted
  // stack, and creating the stack again would fail on its name. CloudFormation adopts
  // such a resource instead when asked to import existing resources: it must have a
  // static custom name and DeletionPolicy Retain or RetainExceptOnCreate, and belong to
  // no other stack. Src: DOC:AWSCloudFormation/latest/UserGuide/import-resources-automatically.html.
  if (cs->type == "CREATE" && HasRetainedResource(stack.tmpl)) args.push_back("--import-existing-resources");

  // Parameters travel in an anonymous in-memory file the CLI reads as /dev/fd/N, so
  // secret values never appear in a process listing, a log of the command line, or on
  // disk, whatever way this process ends.
  std::vector<std::string> missing;
  Json params = ChangeSetParameters(stack, values, info, cs->type == "UPDATE", &missing);
  if (!missing.empty()) {
    diags->Error({}, stack.name,
                 "no value for template parameter(s) " + Join(missing, ", ") +
                     " (secrets come from `blueprint config set --secret`; others from --parameter NAME=VALUE)");
    return Status::kRefused;
  }
  AwsCall create{.changes_something = true, .pass_fds = {}};
  int params_fd = -1;
  if (!params.empty()) {
    std::string text = params.dump();
    params_fd = MemoryFile("blueprint-parameters", text);
    WipeString(&text);
    if (params_fd < 0) {
      diags->Error({}, stack.name, std::string("cannot create an in-memory parameters file: ") + std::strerror(errno));
      return Status::kFailed;
    }
    create.pass_fds.push_back(params_fd);
    args.push_back("--parameters");
    args.push_back("file:///dev/fd/" + std::to_string(params_fd));
  }
  AwsResult r = aws_.Run("cloudformation", "create-change-set", args, region, create);
  if (params_fd >= 0) close(params_fd);
  // From here the change set may exist: even a call cut short, or one whose answer was
  // lost (a 5xx, a broken connection), may have reached AWS.
  cs->created = r.ok || r.interrupted || r.timed_out || r.transient;
  cs->stack_id = Str(r.body, "StackId");
  if (InterruptRequested()) return Status::kInterrupted;
  if (!r.ok) {
    diags->Error({}, stack.name, "create-change-set: " + ErrorText(r));
    return Status::kFailed;
  }

  // Wait for CloudFormation to compute the changes, within change_set_timeout_seconds,
  // saying so every kStillWaitingEverySeconds.
  // Src: DOC:AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html (Status:
  // CREATE_PENDING | CREATE_IN_PROGRESS | CREATE_COMPLETE | DELETE_* | FAILED).
  long long start = NowMs();
  const long long every_ms = 1000LL * kStillWaitingEverySeconds;
  long long next_word = start + every_ms;
  int interval = 0;
  for (;;) {
    AwsResult d = aws_.Run("cloudformation", "describe-change-set",
                           {"--stack-name", stack.name, "--change-set-name", cs->name}, region);
    if (InterruptRequested()) return Status::kInterrupted;
    if (!d.ok) {
      diags->Error({}, stack.name, "describe-change-set: " + ErrorText(d));
      return Status::kFailed;
    }
    if (!(d.body.is_object() && d.body.contains("Status") && d.body["Status"].is_string())) {
      diags->Error({}, stack.name,
                   "describe-change-set: unexpected answer " + cfn::JsonExcerpt(d.body, 120) +
                       " (expected {\"Status\": ..., \"Changes\": [...]})");
      return Status::kFailed;
    }
    cs->status = Str(d.body, "Status");
    cs->reason = Str(d.body, "StatusReason");
    if (d.body.contains("Changes")) cs->changes = ParseChanges(d.body["Changes"]);
    for (auto& row : cs->changes) row.name_property = NamePropertyOf(row, stack.tmpl);
    if (cs->status == "CREATE_COMPLETE" || cs->status == "FAILED") break;
    if (cs->status != "CREATE_PENDING" && cs->status != "CREATE_IN_PROGRESS") {
      diags->Error({}, stack.name, "change set " + cs->name + " is " + cs->status + " (" + cs->reason +
                                       "): something else is deleting it");
      return Status::kFailed;
    }
    long long now = NowMs();
    int waited = static_cast<int>((now - start) / 1000);
    if (waited >= options_.change_set_timeout_seconds) {
      diags->Error({}, stack.name,
                   fmt::format("change set {} still {} after {} s; giving up (BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS "
                               "sets the bound, {} s now)",
                               cs->name, cs->status, waited, options_.change_set_timeout_seconds));
      return Status::kFailed;
    }
    if (now >= next_word) {
      if (observer.waiting) observer.waiting(*cs, waited);
      next_word = now + every_ms;
    }
    interval = NextInterval(interval);
    Sleep(interval);
  }
  if (cs->status == "FAILED") {
    if (IsNoChangeReason(cs->reason)) return Status::kNoChanges;
    diags->Error({}, stack.name, "change set " + cs->name + " failed: " + cs->reason);
    return Status::kFailed;
  }
  return Status::kPreviewed;
}

std::string Driver::ExecutionStatus(const ChangeSet& cs) {
  // Src: DOC:AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
  // (ExecutionStatus: UNAVAILABLE | AVAILABLE | EXECUTE_IN_PROGRESS | EXECUTE_COMPLETE |
  // EXECUTE_FAILED | OBSOLETE).
  AwsResult d = aws_.Run("cloudformation", "describe-change-set",
                         {"--stack-name", cs.stack, "--change-set-name", cs.name}, cs.region);
  return d.ok ? Str(d.body, "ExecutionStatus") : "";
}

void Driver::DiscardChangeSet(const ChangeSet& cs, std::vector<std::string>* left_behind, Diagnostics* diags) {
  if (!cs.created) return;
  std::string region = " --region " + cs.region;
  if (!cs.created_stack) {
    AwsResult r = aws_.Run("cloudformation", "delete-change-set",
                           {"--stack-name", cs.stack, "--change-set-name", cs.name}, cs.region);
    // Not there: a create cut short that never reached AWS (ChangeSetNotFound, the code
    // of DescribeChangeSet and ExecuteChangeSet; the message says "does not exist").
    if (r.ok || r.error_code == "ChangeSetNotFound" || r.message.find("does not exist") != std::string::npos) return;
    // One still being computed cannot be deleted yet: InvalidChangeSetStatus ("the
    // change set status might be CREATE_IN_PROGRESS").
    // Src: DOC:AWSCloudFormation/latest/APIReference/API_DeleteChangeSet.html (Errors).
    diags->Warn({}, cs.stack, "could not delete change set " + cs.name + " (" + ErrorText(r) + "); it is left behind");
    left_behind->push_back("change set " + cs.name + " of stack " + cs.stack +
                           (r.error_code == "InvalidChangeSetStatus" ? ", once CloudFormation has computed it" : "") +
                           ": aws cloudformation delete-change-set --stack-name " + cs.stack + " --change-set-name " +
                           cs.name + region);
    return;
  }
  // A CREATE change set made an empty stack in REVIEW_IN_PROGRESS: deleting the stack
  // takes its change sets with it. Only while it is that stack and still empty: another
  // change set of it that was executed meanwhile (a second `up` at the same time) made a
  // stack that is not ours to delete.
  std::string target = cs.stack_id.empty() ? cs.stack : cs.stack_id;
  std::string command = "aws cloudformation delete-stack --stack-name " + target + region;
  StackInfo info;
  Diagnostics unread;
  if (!Describe(cs.stack, cs.region, &info, &unread)) {
    diags->Warn({}, cs.stack, "could not check the empty stack the change set made: " + unread.FirstError());
    left_behind->push_back("stack " + cs.stack + ", if it is REVIEW_IN_PROGRESS (empty): " + command);
    return;
  }
  if (!info.exists || info.status != "REVIEW_IN_PROGRESS" || (!cs.stack_id.empty() && info.id != cs.stack_id)) return;
  AwsResult d = aws_.Run("cloudformation", "delete-stack", {"--stack-name", target}, cs.region);
  if (!d.ok) {
    diags->Warn({}, cs.stack, "could not delete the empty stack (REVIEW_IN_PROGRESS): " + ErrorText(d));
    left_behind->push_back("stack " + cs.stack + " (REVIEW_IN_PROGRESS, empty): " + command);
  }
}

FollowResult Driver::Follow(const std::string& stack_name, const std::string& region, size_t total,
                            const std::vector<std::string>& seen_events, const std::string& initial_status,
                            const DriverObserver& observer, Diagnostics* diags) {
  FollowResult result;
  std::set<std::string> seen(seen_events.begin(), seen_events.end());
  std::set<std::string> done;
  long long start = NowMs();
  auto elapsed = [&] { return static_cast<int>((NowMs() - start) / 1000); };
  bool stack_settled_event = false;
  int interval = options_.poll_interval_ms;
  auto lost = [&](const std::string& why) {
    result.lost_contact = true;
    result.elapsed_seconds = elapsed();
    diags->Error({}, stack_name, "lost contact with CloudFormation while following it: " + why);
    return result;
  };
  // An interrupt stops the following, not CloudFormation.
  auto interrupted = [&] {
    result.interrupted = true;
    result.elapsed_seconds = elapsed();
    return result;
  };
  for (;;) {
    Sleep(interval);
    if (InterruptRequested()) return interrupted();
    AwsResult ev = aws_.Run("cloudformation", "describe-stack-events",
                            {"--stack-name", stack_name, "--max-items", "100"}, region);
    if (InterruptRequested()) return interrupted();
    // A stack that is gone has no events to describe: that is the end of a delete.
    bool gone = !ev.ok && ev.error_code == "ValidationError" && ev.message.find("does not exist") != std::string::npos;
    if (!ev.ok && !gone) return lost("describe-stack-events: " + ErrorText(ev));
    if (ev.ok && !(ev.body.is_object() && ev.body.contains("StackEvents") && ev.body["StackEvents"].is_array()))
      return lost("describe-stack-events: unexpected answer (no StackEvents list)");
    std::vector<Json> fresh;  // newest first, as CloudFormation returns them
    if (ev.ok)
      for (const auto& e : ev.body["StackEvents"]) {
        if (seen.count(Str(e, "EventId"))) break;
        fresh.push_back(e);
      }
    for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
      const Json& e = *it;
      seen.insert(Str(e, "EventId"));
      StackEvent event{elapsed(), Str(e, "ResourceStatus"), Str(e, "LogicalResourceId"), Str(e, "ResourceType"),
                       Str(e, "ResourceStatusReason")};
      const std::string& rs = event.status;
      bool is_stack = event.type == "AWS::CloudFormation::Stack" && event.logical_id == stack_name;
      if (is_stack && !IsInProgress(rs) && rs != "REVIEW_IN_PROGRESS") stack_settled_event = true;
      if (!is_stack && EndsWith(rs, "_COMPLETE")) done.insert(event.logical_id);
      if (result.first_failure.empty() && EndsWith(rs, "_FAILED") && !event.reason.empty() &&
          event.reason.find("Resource creation cancelled") == std::string::npos)
        result.first_failure =
            fmt::format("{} ({}) {}: {}", event.logical_id, event.type, rs, event.reason);
      if (observer.event) observer.event(event);
    }
    interval = fresh.empty() ? NextInterval(interval) : options_.poll_interval_ms;
    StackInfo info;
    Diagnostics describe;
    bool described = Describe(stack_name, region, &info, &describe);
    if (InterruptRequested()) return interrupted();
    if (!described) return lost(describe.items.back().message);
    std::string status = info.exists ? info.status : "DELETE_COMPLETE";
    if (observer.progress) observer.progress({stack_name, std::min(done.size(), total), total, elapsed(), status});
    // Settled: a terminal status that belongs to this operation. Right after the call
    // the stack may still show its previous status (REVIEW_IN_PROGRESS, or the last
    // UPDATE_COMPLETE), so an unchanged status counts only once the stack's own
    // terminal event has arrived.
    bool terminal = !IsInProgress(status) && status != "REVIEW_IN_PROGRESS";
    if (terminal && (status != initial_status || stack_settled_event)) {
      result.status = status;
      result.elapsed_seconds = elapsed();
      return result;
    }
    if (elapsed() > options_.timeout_seconds) {
      result.timed_out = true;
      result.elapsed_seconds = elapsed();
      diags->Error({}, stack_name,
                   fmt::format("still {} after {} s; stopped following it", status, options_.timeout_seconds));
      return result;
    }
  }
}

bool Driver::DescribeSettled(const std::string& stack_name, const std::string& region, StackInfo* info,
                             Diagnostics* diags) {
  if (!Describe(stack_name, region, info, diags)) return false;
  if (info->exists && IsInProgress(info->status)) {
    diags->Error({}, stack_name, "it is " + info->status + ": another operation is running; try again when it settles");
    return false;
  }
  return true;
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
