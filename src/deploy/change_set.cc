// The change set's lifecycle and CloudFormation polling, the part of the Driver
// (deploy/driver.h) between "what to deploy" and "what it did": creating a change set
// and waiting for it to be computed, discarding one (with the empty stack of a CREATE),
// following a stack operation's events until it settles, and the clock those waits use
// (DriverOptions injects it in tests).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "cfn/writer.h"
#include "config/secrets.h"
#include "deploy/cfn_answers.h"
#include "deploy/driver.h"
#include "deploy/parameter_policy.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp {

using cfn_answers::IsNoChangeReason;
using cfn_answers::NamePropertyOf;
using cfn_answers::ParseChanges;
using cfn_answers::Str;

namespace fs = std::filesystem;
using cfn::Json;

namespace {

// Polling CloudFormation (the floor and ceiling a user may set: deploy/driver.cc): slower
// while nothing happens, and at least every ten seconds then so progress shows.
constexpr int kMaxQuietPollIntervalMs = 10000;
// How often a wait for a change set is said ("still waiting (N s)").
constexpr int kStillWaitingEverySeconds = 30;

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() > n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

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

}  // namespace bp
