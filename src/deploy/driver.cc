#include "deploy/driver.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "analysis/diff.h"
#include "config/secrets.h"
#include "deploy/process.h"
#include "cfn/writer.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp {

namespace fs = std::filesystem;
using cfn::Json;

namespace {

// Polling CloudFormation: never more often than once a second (DescribeStacks and
// DescribeStackEvents are throttled per account), slower while nothing happens.
constexpr int kMinPollIntervalMs = 1000;
constexpr int kMaxQuietPollIntervalMs = 10000;

// The parameter whose value CI sets on each release; kept across updates unless given.
constexpr const char* kImageUriParameter = "ImageUri";

std::string Str(const Json& obj, const char* key) {
  if (obj.is_object() && obj.contains(key) && obj[key].is_string()) return obj[key];
  return "";
}

bool IsNoChangeReason(const std::string& reason) {
  // The two phrasings CloudFormation uses for an empty change set.
  return reason.find("didn't contain changes") != std::string::npos ||
         reason.find("No updates are to be performed") != std::string::npos;
}

std::string Elapsed(std::chrono::steady_clock::time_point start) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

char ActionMark(const std::string& action) {
  if (action == "Add") return '+';
  if (action == "Remove") return '-';
  if (action == "Modify") return '~';
  return '*';
}

}  // namespace

struct Driver::ChangeSet {
  std::string name;
  std::string type;   // CREATE | UPDATE
  std::string region;
  bool created_stack = false;  // the change set created a REVIEW_IN_PROGRESS stack
  std::string status;
  std::string reason;
  Json changes = Json::array();
};

std::string TemplateUrl(const AwsOptions& aws, const std::string& stack_region, const std::string& bucket,
                        const std::string& key) {
  if (!aws.endpoint_url.empty()) {
    std::string base = aws.endpoint_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/" + bucket + "/" + key;
  }
  std::string region = aws.region.empty() ? stack_region : aws.region;
  std::string suffix = StartsWith(region, "cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://" + bucket + ".s3." + region + suffix + "/" + key;
}

std::string ChangeSetName() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return std::string("blueprint-") + buf;
}

bool IsInProgress(const std::string& status) {
  return status.size() > 12 && status.compare(status.size() - 12, 12, "_IN_PROGRESS") == 0 &&
         status != "REVIEW_IN_PROGRESS";
}

bool IsDeployed(const std::string& status) {
  // A stack whose first create never ran (REVIEW_IN_PROGRESS) or failed and rolled
  // back holds no resources and no outputs.
  // Src: DOC:AWSCloudFormation/latest/UserGuide/using-cfn-describing-stacks.html (stack status codes).
  static const char* kNotDeployed[] = {"REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED",
                                       "CREATE_FAILED"};
  return std::find(std::begin(kNotDeployed), std::end(kNotDeployed), status) == std::end(kNotDeployed);
}

bool IsDeploySuccess(const std::string& status) {
  return status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE" || status == "IMPORT_COMPLETE";
}

bool DeployOrder(const std::vector<const Stack*>& stacks, std::vector<const Stack*>* order, std::string* err) {
  std::set<std::string> names, done;
  for (const auto* s : stacks) names.insert(s->name);
  order->clear();
  while (order->size() < stacks.size()) {
    bool progressed = false;
    for (const auto* s : stacks) {
      if (done.count(s->name)) continue;
      bool ready = true;
      for (const auto& d : s->dependencies)
        if (names.count(d) && !done.count(d)) ready = false;
      if (!ready) continue;
      order->push_back(s);
      done.insert(s->name);
      progressed = true;
    }
    if (!progressed) {
      *err = "the stacks' dependencies form a cycle";
      return false;
    }
  }
  return true;
}

Driver::Driver(const AwsCli& aws, DriverOptions options, Console console)
    : aws_(aws), options_(std::move(options)), console_(std::move(console)) {
  if (const char* p = std::getenv("BLUEPRINT_POLL_INTERVAL_MS"); p && *p)
    options_.poll_interval_ms = std::max(kMinPollIntervalMs, std::atoi(p));
}

void Driver::Sleep(int ms) const {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

int Driver::NextInterval(int current) const {
  if (options_.poll_interval_ms <= 0) return 0;
  return std::min(std::max(current * 3 / 2, options_.poll_interval_ms),
                  std::max(kMaxQuietPollIntervalMs, options_.poll_interval_ms));
}

bool Driver::Describe(const std::string& stack_name, const std::string& region, StackInfo* info, std::string* err) {
  *info = StackInfo();
  AwsResult r = aws_.Run("cloudformation", "describe-stacks", {"--stack-name", stack_name}, region);
  if (!r.ok) {
    // The one answer that means "absent". Src: DOC:AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
    if (r.error_code == "ValidationError" && r.message.find("does not exist") != std::string::npos) return true;
    *err = "describe-stacks " + stack_name + ": " + ErrorText(r);
    return false;
  }
  // Anything but {"Stacks": [{... "StackStatus": "..."}]} is an answer we do not
  // understand, never "the stack is absent".
  const Json* s = nullptr;
  if (r.body.is_object() && r.body.contains("Stacks") && r.body["Stacks"].is_array() && r.body["Stacks"].size() == 1 &&
      r.body["Stacks"][0].is_object() && r.body["Stacks"][0].contains("StackStatus") &&
      r.body["Stacks"][0]["StackStatus"].is_string())
    s = &r.body["Stacks"][0];
  if (!s) {
    std::string shown = r.body.dump();
    if (shown.size() > 120) shown = shown.substr(0, 120) + "...";
    *err = "describe-stacks " + stack_name + ": unexpected answer " + shown +
           " (expected {\"Stacks\": [one stack]}); is --endpoint-url a CloudFormation endpoint?";
    return false;
  }
  const Json& st = *s;
  info->exists = true;
  info->id = Str(st, "StackId");
  info->status = Str(st, "StackStatus");
  info->reason = Str(st, "StackStatusReason");
  if (st.contains("Parameters") && st["Parameters"].is_array())
    for (const auto& p : st["Parameters"]) info->parameters.push_back(Str(p, "ParameterKey"));
  if (st.contains("Outputs") && st["Outputs"].is_array())
    for (const auto& o : st["Outputs"]) info->outputs[Str(o, "OutputKey")] = Str(o, "OutputValue");
  return true;
}

bool Driver::Confirm(const std::string& question, const std::string& refusal) {
  if (options_.assume_yes) return true;
  if (!console_.interactive || !console_.ask) {
    std::fprintf(console_.err, "error: %s: stdin is not a terminal; run again with --yes to confirm\n",
                 refusal.c_str());
    return false;
  }
  return console_.ask(question);
}

std::vector<std::string> Driver::EventIds(const std::string& stack_name, const std::string& region) {
  std::vector<std::string> ids;
  AwsResult r = aws_.Run("cloudformation", "describe-stack-events",
                         {"--stack-name", stack_name, "--max-items", "100"}, region);
  if (r.ok && r.body.contains("StackEvents") && r.body["StackEvents"].is_array())
    for (const auto& e : r.body["StackEvents"]) ids.push_back(Str(e, "EventId"));
  return ids;
}

Outcome Driver::CreateChangeSet(const Stack& stack, const ParameterValues& values, const StackInfo& info,
                                const std::string& template_path, ChangeSet* cs) {
  const std::string& region = stack.region;
  cs->name = ChangeSetName();
  cs->region = region;
  cs->type = info.exists && info.status != "REVIEW_IN_PROGRESS" ? "UPDATE" : "CREATE";
  cs->created_stack = !info.exists;

  std::vector<std::string> args = {"--stack-name",       stack.name, "--change-set-name", cs->name,
                                   "--change-set-type",  cs->type};
  // The template: inline up to 51,200 bytes, else through S3.
  std::error_code ec;
  auto size = fs::file_size(template_path, ec);
  if (size > cfn::kMaxInlineTemplateBytes) {
    if (options_.s3_bucket.empty()) {
      std::fprintf(console_.err,
                   "error: %s: the template is %zu bytes; CloudFormation takes at most 51,200 bytes inline. "
                   "Give --s3-bucket BUCKET to upload it to S3 first\n",
                   stack.name.c_str(), static_cast<size_t>(size));
      return Outcome::kUserError;
    }
    std::string body;
    std::string err;
    if (!ReadFile(template_path, &body, &err)) {
      std::fprintf(console_.err, "error: %s\n", err.c_str());
      return Outcome::kFailed;
    }
    std::string key = "apprunner-blueprint/" + stack.name + "/" + StableHashHex(body, 16) + ".template.json";
    AwsResult up = aws_.Run("s3", "cp", {template_path, "s3://" + options_.s3_bucket + "/" + key}, region,
                            AwsCall{.changes_something = true});
    if (!up.ok) {
      std::fprintf(console_.err, "error: uploading the template to s3://%s/%s: %s\n", options_.s3_bucket.c_str(),
                   key.c_str(), up.message.c_str());
      return Outcome::kFailed;
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
  Json doc = stack.tmpl.ToJson();
  if (doc.contains("Transform")) args.push_back("CAPABILITY_AUTO_EXPAND");

  // Parameters travel in an anonymous in-memory file the CLI reads as /dev/fd/N, so
  // secret values never appear in a process listing, a log of the command line, or on
  // disk, whatever way this process ends.
  Json params = Json::array();
  std::vector<std::string> missing;
  for (const auto& [name, p] : stack.tmpl.parameters().entries()) {
    auto it = values.find(name);
    bool deployed = std::find(info.parameters.begin(), info.parameters.end(), name) != info.parameters.end();
    if (it != values.end()) {
      params.push_back({{"ParameterKey", name}, {"ParameterValue", it->second}});
    } else if (cs->type == "UPDATE" && deployed && (name == kImageUriParameter || p.no_echo)) {
      params.push_back({{"ParameterKey", name}, {"UsePreviousValue", true}});
    } else if (p.default_value.is_null()) {
      missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    std::fprintf(console_.err,
                 "error: %s: no value for template parameter(s) %s (secrets come from `blueprint config set "
                 "--secret`; others from --parameter NAME=VALUE)\n",
                 stack.name.c_str(), Join(missing, ", ").c_str());
    return Outcome::kUserError;
  }
  AwsCall create{.changes_something = true, .pass_fds = {}};
  int params_fd = -1;
  if (!params.empty()) {
    std::string text = params.dump();
    params_fd = MemoryFile("blueprint-parameters", text);
    WipeString(&text);
    if (params_fd < 0) {
      std::fprintf(console_.err, "error: cannot create an in-memory parameters file: %s\n", std::strerror(errno));
      return Outcome::kFailed;
    }
    create.pass_fds.push_back(params_fd);
    args.push_back("--parameters");
    args.push_back("file:///dev/fd/" + std::to_string(params_fd));
  }
  AwsResult r = aws_.Run("cloudformation", "create-change-set", args, region, create);
  if (params_fd >= 0) close(params_fd);
  if (!r.ok) {
    std::fprintf(console_.err, "error: %s: create-change-set: %s\n", stack.name.c_str(), ErrorText(r).c_str());
    return Outcome::kFailed;
  }

  // Wait for CloudFormation to compute the changes.
  auto start = std::chrono::steady_clock::now();
  int interval = 0;
  for (;;) {
    AwsResult d = aws_.Run("cloudformation", "describe-change-set",
                           {"--stack-name", stack.name, "--change-set-name", cs->name}, region);
    if (!d.ok) {
      std::fprintf(console_.err, "error: %s: describe-change-set: %s\n", stack.name.c_str(), ErrorText(d).c_str());
      return Outcome::kFailed;
    }
    cs->status = Str(d.body, "Status");
    cs->reason = Str(d.body, "StatusReason");
    if (d.body.contains("Changes") && d.body["Changes"].is_array()) cs->changes = d.body["Changes"];
    if (cs->status == "CREATE_COMPLETE" || cs->status == "FAILED") break;
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(options_.timeout_seconds)) {
      std::fprintf(console_.err, "error: %s: change set %s still %s; giving up\n", stack.name.c_str(),
                   cs->name.c_str(), cs->status.c_str());
      return Outcome::kFailed;
    }
    interval = NextInterval(interval);
    Sleep(interval);
  }
  if (cs->status == "FAILED") return IsNoChangeReason(cs->reason) ? Outcome::kNoChanges : Outcome::kFailed;
  return Outcome::kDone;
}

void Driver::ShowChangeSet(const std::string& stack_name, const ChangeSet& cs) {
  std::string out = fmt::format("Change set {} for {} ({}): {} change(s)\n", cs.name, stack_name, cs.type,
                                cs.changes.size());
  size_t id_width = 0, type_width = 0;
  for (const auto& c : cs.changes) {
    const Json& rc = c.contains("ResourceChange") ? c["ResourceChange"] : Json::object();
    id_width = std::max(id_width, Str(rc, "LogicalResourceId").size());
    type_width = std::max(type_width, Str(rc, "ResourceType").size());
  }
  std::vector<std::string> risks;
  for (const auto& c : cs.changes) {
    const Json& rc = c.contains("ResourceChange") ? c["ResourceChange"] : Json::object();
    std::string action = Str(rc, "Action");
    std::string id = Str(rc, "LogicalResourceId");
    std::string type = Str(rc, "ResourceType");
    std::string replacement = Str(rc, "Replacement");
    std::string line = fmt::format("  {} {:<7} {:<{}}  {:<{}}", ActionMark(action), action, id, id_width, type,
                                   type_width);
    if (action == "Modify" && !replacement.empty()) {
      line += "  Replacement: " + replacement;
      std::vector<std::string> props;
      if (rc.contains("Details") && rc["Details"].is_array())
        for (const auto& d : rc["Details"]) {
          const Json& t = d.contains("Target") ? d["Target"] : Json::object();
          std::string name = Str(t, "Name");
          if (name.empty()) name = Str(t, "Attribute");
          std::string rr = Str(t, "RequiresRecreation");
          if (rr == "Always" || rr == "Conditionally") name += rr == "Always" ? " (replace)" : " (may replace)";
          if (!name.empty() && std::find(props.begin(), props.end(), name) == props.end()) props.push_back(name);
        }
      if (!props.empty()) line += "  [" + Join(props, ", ") + "]";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (analysis::IsStatefulType(type)) {
      if (action == "Remove")
        risks.push_back(fmt::format("!! DATA AT RISK: {} ({}) would be REMOVED", id, type));
      else if (action == "Modify" && replacement == "True")
        risks.push_back(fmt::format("!! DATA AT RISK: {} ({}) would be REPLACED", id, type));
      else if (action == "Modify" && replacement == "Conditional")
        risks.push_back(fmt::format("!! DATA AT RISK: {} ({}) MAY BE REPLACED", id, type));
    }
  }
  for (const auto& r : risks) out += r + "\n";
  std::fputs(out.c_str(), console_.out);
  std::fflush(console_.out);
}

void Driver::DiscardChangeSet(const std::string& stack_name, const std::string& region, const ChangeSet& cs) {
  AwsResult r = aws_.Run("cloudformation", "delete-change-set",
                         {"--stack-name", stack_name, "--change-set-name", cs.name}, region);
  if (!r.ok)
    std::fprintf(console_.err, "warning: could not delete change set %s: %s\n", cs.name.c_str(), r.message.c_str());
  // A CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS; remove it too.
  if (cs.created_stack) {
    AwsResult d = aws_.Run("cloudformation", "delete-stack", {"--stack-name", stack_name}, region);
    if (!d.ok)
      std::fprintf(console_.err, "warning: could not delete the empty stack %s (REVIEW_IN_PROGRESS): %s\n",
                   stack_name.c_str(), d.message.c_str());
  }
}

std::string Driver::Follow(const std::string& stack_name, const std::string& region, size_t total,
                           const std::vector<std::string>& seen_events, const std::string& initial_status,
                           std::string* first_failure) {
  std::set<std::string> seen(seen_events.begin(), seen_events.end());
  std::set<std::string> done;
  auto start = std::chrono::steady_clock::now();
  std::string status;
  bool line_open = false;
  bool stack_settled_event = false;
  int interval = options_.poll_interval_ms;
  auto lost = [&](const std::string& why) {
    if (line_open) std::fputs("\n", console_.out);
    std::fprintf(console_.err,
                 "error: lost contact with CloudFormation while following %s: %s\n"
                 "  the stack may still be updating: CloudFormation goes on without us. Look with `blueprint "
                 "outputs --stack %s` or `aws cloudformation describe-stacks --stack-name %s --region %s`, or in "
                 "the CloudFormation console\n",
                 stack_name.c_str(), why.c_str(), stack_name.c_str(), stack_name.c_str(), region.c_str());
    return std::string("UNKNOWN");
  };
  for (;;) {
    Sleep(interval);
    AwsResult ev = aws_.Run("cloudformation", "describe-stack-events",
                            {"--stack-name", stack_name, "--max-items", "100"}, region);
    // A stack that is gone has no events to describe: that is the end of a delete.
    bool gone = !ev.ok && ev.error_code == "ValidationError" && ev.message.find("does not exist") != std::string::npos;
    if (!ev.ok && !gone) return lost("describe-stack-events: " + ErrorText(ev));
    if (ev.ok && !(ev.body.is_object() && ev.body.contains("StackEvents") && ev.body["StackEvents"].is_array()))
      return lost("describe-stack-events: unexpected answer (no StackEvents list)");
    std::vector<Json> fresh;  // newest first, as CloudFormation returns them
    if (ev.ok)
      for (const auto& e : ev.body["StackEvents"]) {
        std::string id = Str(e, "EventId");
        if (seen.count(id)) break;
        fresh.push_back(e);
      }
    for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
      const Json& e = *it;
      seen.insert(Str(e, "EventId"));
      std::string rs = Str(e, "ResourceStatus");
      std::string logical = Str(e, "LogicalResourceId");
      std::string type = Str(e, "ResourceType");
      bool is_stack = type == "AWS::CloudFormation::Stack" && logical == stack_name;
      if (is_stack && !IsInProgress(rs) && rs != "REVIEW_IN_PROGRESS") stack_settled_event = true;
      if (!is_stack && rs.size() > 9 && rs.compare(rs.size() - 9, 9, "_COMPLETE") == 0) done.insert(logical);
      if (first_failure->empty() && rs.size() > 7 && rs.compare(rs.size() - 7, 7, "_FAILED") == 0 &&
          !Str(e, "ResourceStatusReason").empty() &&
          Str(e, "ResourceStatusReason").find("Resource creation cancelled") == std::string::npos)
        *first_failure = fmt::format("{} ({}) {}: {}", logical, type, rs, Str(e, "ResourceStatusReason"));
      if (!console_.live) {
        std::string reason = Str(e, "ResourceStatusReason");
        std::fprintf(console_.out, "  %s  %-24s %-40s %s%s\n", Elapsed(start).c_str(), rs.c_str(), logical.c_str(),
                     type.c_str(), reason.empty() ? "" : ("  " + reason).c_str());
      }
    }
    interval = fresh.empty() ? NextInterval(interval) : options_.poll_interval_ms;
    StackInfo info;
    std::string err;
    if (!Describe(stack_name, region, &info, &err)) return lost(err);
    status = info.exists ? info.status : "DELETE_COMPLETE";
    if (console_.live) {
      std::fprintf(console_.out, "\r\033[K  %s  %zu/%zu resources  %s  %s", stack_name.c_str(),
                   std::min(done.size(), total), total, Elapsed(start).c_str(), status.c_str());
      line_open = true;
    }
    std::fflush(console_.out);
    // Settled: a terminal status that belongs to this operation. Right after the call
    // the stack may still show its previous status (REVIEW_IN_PROGRESS, or the last
    // UPDATE_COMPLETE), so an unchanged status counts only once the stack's own
    // terminal event has arrived.
    bool terminal = !IsInProgress(status) && status != "REVIEW_IN_PROGRESS";
    if (terminal && (status != initial_status || stack_settled_event)) break;
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(options_.timeout_seconds)) {
      if (line_open) std::fputs("\n", console_.out);
      std::fprintf(console_.err, "error: %s still %s after %d s; stopped following it (CloudFormation goes on)\n",
                   stack_name.c_str(), status.c_str(), options_.timeout_seconds);
      return status;
    }
  }
  if (line_open) std::fputs("\n", console_.out);
  std::fprintf(console_.out, "%s: %s after %s\n", stack_name.c_str(), status.c_str(), Elapsed(start).c_str());
  std::fflush(console_.out);
  return status;
}

std::string FormatOutputs(const Json& outputs) {
  size_t width = 0;
  for (auto it = outputs.begin(); it != outputs.end(); ++it) width = std::max(width, it.key().size());
  std::string out;
  for (auto it = outputs.begin(); it != outputs.end(); ++it)
    out += fmt::format("  {:<{}}  {}\n", it.key(), width, it.value().is_string() ? it.value().get<std::string>()
                                                                                   : it.value().dump());
  return out;
}

void Driver::PrintOutputs(const Json& outputs) {
  if (outputs.empty()) return;
  std::fputs(("Outputs:\n" + FormatOutputs(outputs)).c_str(), console_.out);
}

bool Driver::DescribeSettled(const std::string& stack_name, const std::string& region, StackInfo* info) {
  std::string err;
  if (!Describe(stack_name, region, info, &err)) {
    std::fprintf(console_.err, "error: %s\n", err.c_str());
    return false;
  }
  if (info->exists && IsInProgress(info->status)) {
    std::fprintf(console_.err, "error: %s is %s: another operation is running; try again when it settles\n",
                 stack_name.c_str(), info->status.c_str());
    return false;
  }
  return true;
}

Outcome Driver::Deploy(const Stack& stack, const ParameterValues& values) {
  const std::string& region = stack.region;
  StackInfo info;
  std::string err;
  std::fprintf(console_.out, "%s (%s): reading the stack's status (aws cloudformation describe-stacks)\n",
               stack.name.c_str(), region.c_str());
  std::fflush(console_.out);
  if (!DescribeSettled(stack.name, region, &info)) return Outcome::kFailed;
  if (info.exists && (info.status == "ROLLBACK_COMPLETE" || info.status == "ROLLBACK_FAILED" ||
                      info.status == "CREATE_FAILED" || info.status == "DELETE_FAILED")) {
    std::fprintf(console_.err,
                 "error: %s is %s and cannot be updated; remove it with `blueprint destroy --stack %s`, then run "
                 "up again\n",
                 stack.name.c_str(), info.status.c_str(), stack.name.c_str());
    return Outcome::kFailed;
  }

  // The template goes to a file beside the record of the last deployment; it becomes
  // that record when the deploy succeeds.
  std::string body = cfn::WriteCompactJson(stack.tmpl.ToJson());
  std::string pending = fs::absolute(fs::path(options_.state_dir) / stack.name / "pending.template.json").string();
  if (!SaveRecord(pending, body, &err)) {
    std::fprintf(console_.err, "error: %s\n", err.c_str());
    return Outcome::kFailed;
  }
  std::error_code ec;
  auto drop_pending = [&] { fs::remove(pending, ec); };

  std::fprintf(console_.out, "%s (%s): creating change set (%s)\n", stack.name.c_str(), region.c_str(),
               info.exists && info.status != "REVIEW_IN_PROGRESS" ? "update" : "create");
  std::fflush(console_.out);
  ChangeSet cs;
  Outcome o = CreateChangeSet(stack, values, info, pending, &cs);
  if (o == Outcome::kNoChanges) {
    std::fprintf(console_.out, "%s: no changes to deploy\n", stack.name.c_str());
    DiscardChangeSet(stack.name, region, cs);
    // What is deployed is what we have: refresh the record.
    fs::rename(pending, DeployedTemplatePath(options_.state_dir, stack.name), ec);
    if (!SaveRecord(OutputsPath(options_.state_dir, stack.name), cfn::WriteJson(info.outputs), &err))
      std::fprintf(console_.err, "warning: %s\n", err.c_str());
    return Outcome::kNoChanges;
  }
  if (o != Outcome::kDone) {
    if (!cs.status.empty()) {
      std::fprintf(console_.err, "error: %s: change set %s failed: %s\n", stack.name.c_str(), cs.name.c_str(),
                   cs.reason.c_str());
      DiscardChangeSet(stack.name, region, cs);
    }
    drop_pending();
    return o;
  }
  ShowChangeSet(stack.name, cs);
  if (!Confirm(fmt::format("Deploy these changes to {}?", stack.name), "refusing to deploy " + stack.name)) {
    bool refused = options_.assume_yes || !console_.interactive;
    if (!refused) std::fprintf(console_.out, "%s: not deployed\n", stack.name.c_str());
    DiscardChangeSet(stack.name, region, cs);
    drop_pending();
    return refused ? Outcome::kUserError : Outcome::kDeclined;
  }

  std::vector<std::string> before = EventIds(stack.name, region);
  AwsResult ex = aws_.Run("cloudformation", "execute-change-set",
                          {"--stack-name", stack.name, "--change-set-name", cs.name}, region,
                          AwsCall{.changes_something = true});
  if (!ex.ok) {
    std::fprintf(console_.err, "error: %s: execute-change-set: %s\n", stack.name.c_str(), ex.message.c_str());
    drop_pending();
    return Outcome::kFailed;
  }
  size_t total = cs.changes.size();
  std::string failure;
  std::string status = Follow(stack.name, region, total, before, info.exists ? info.status : "REVIEW_IN_PROGRESS",
                              &failure);
  if (status == "UNKNOWN" || IsInProgress(status)) {  // not settled: Follow said how to look
    drop_pending();
    return Outcome::kFailed;
  }
  if (!IsDeploySuccess(status)) {
    std::fprintf(console_.err, "error: %s: deploy failed\n", stack.name.c_str());
    if (!failure.empty()) std::fprintf(console_.err, "  first failure: %s\n", failure.c_str());
    std::string rollback;
    if (status == "UPDATE_ROLLBACK_COMPLETE")
      rollback = "rolled back: the previous version is running again";
    else if (status == "ROLLBACK_COMPLETE")
      rollback = "rolled back: nothing was kept; run `blueprint destroy --stack " + stack.name +
                 "` before the next up";
    else if (status.find("ROLLBACK_FAILED") != std::string::npos)
      rollback = "the rollback failed too: the stack needs attention in the CloudFormation console "
                 "(continue-update-rollback)";
    else
      rollback = "stack status " + status;
    std::fprintf(console_.err, "  rollback: %s (%s)\n", rollback.c_str(), status.c_str());
    drop_pending();
    return Outcome::kFailed;
  }
  StackInfo after;
  if (!Describe(stack.name, region, &after, &err)) {
    std::fprintf(console_.err, "error: %s\n", err.c_str());
    drop_pending();
    return Outcome::kFailed;
  }
  fs::rename(pending, DeployedTemplatePath(options_.state_dir, stack.name), ec);
  if (ec) std::fprintf(console_.err, "warning: cannot record the deployed template: %s\n", ec.message().c_str());
  if (!SaveRecord(OutputsPath(options_.state_dir, stack.name), cfn::WriteJson(after.outputs), &err))
    std::fprintf(console_.err, "warning: %s\n", err.c_str());
  PrintOutputs(after.outputs);
  return Outcome::kDone;
}

Outcome Driver::PreviewChangeSet(const Stack& stack, const ParameterValues& values) {
  const std::string& region = stack.region;
  StackInfo info;
  std::string err;
  std::fprintf(console_.out, "%s (%s): reading the stack's status, then creating a change set to preview\n",
               stack.name.c_str(), region.c_str());
  std::fflush(console_.out);
  if (!DescribeSettled(stack.name, region, &info)) return Outcome::kFailed;
  std::string body = cfn::WriteCompactJson(stack.tmpl.ToJson());
  char dir_tmpl[] = "/tmp/blueprint-preview-XXXXXX";
  if (!mkdtemp(dir_tmpl)) {
    std::fprintf(console_.err, "error: cannot create a temporary directory\n");
    return Outcome::kFailed;
  }
  std::string path = std::string(dir_tmpl) + "/" + stack.name + ".template.json";
  RemoveOnInterrupt(path);
  RemoveOnInterrupt(dir_tmpl);
  std::error_code ec;
  auto remove_tmp = [&] {
    fs::remove_all(dir_tmpl, ec);
    ForgetOnInterrupt(path);
    ForgetOnInterrupt(dir_tmpl);
  };
  if (!WriteFileAtomic(path, body, &err)) {
    std::fprintf(console_.err, "error: %s\n", err.c_str());
    remove_tmp();
    return Outcome::kFailed;
  }
  ChangeSet cs;
  Outcome o = CreateChangeSet(stack, values, info, path, &cs);
  remove_tmp();
  if (o == Outcome::kNoChanges) {
    std::fprintf(console_.out, "%s: no changes\n", stack.name.c_str());
  } else if (o == Outcome::kDone) {
    ShowChangeSet(stack.name, cs);
  } else if (!cs.status.empty()) {
    std::fprintf(console_.err, "error: %s: change set %s failed: %s\n", stack.name.c_str(), cs.name.c_str(),
                 cs.reason.c_str());
  }
  if (!cs.status.empty()) DiscardChangeSet(stack.name, region, cs);
  return o == Outcome::kNoChanges ? Outcome::kDone : o;
}

Outcome Driver::Destroy(const std::string& stack_name, const std::string& region) {
  StackInfo info;
  std::fprintf(console_.out, "%s (%s): reading the stack's status (aws cloudformation describe-stacks)\n",
               stack_name.c_str(), region.c_str());
  std::fflush(console_.out);
  if (!DescribeSettled(stack_name, region, &info)) return Outcome::kFailed;
  if (!info.exists) {
    std::fprintf(console_.out, "%s: no such stack in %s; nothing to destroy\n", stack_name.c_str(), region.c_str());
    ForgetStack(options_.state_dir, stack_name);
    return Outcome::kDone;
  }
  // What the deployed template says about deletion, and the physical names.
  AwsResult t = aws_.Run("cloudformation", "get-template", {"--stack-name", stack_name}, region);
  Json tmpl = t.ok && t.body.contains("TemplateBody") ? t.body["TemplateBody"] : Json();
  if (tmpl.is_string()) {
    Json parsed = Json::parse(tmpl.get<std::string>(), nullptr, false);
    tmpl = parsed.is_discarded() ? Json() : parsed;  // a YAML body: no policy details
  }
  AwsResult lr = aws_.Run("cloudformation", "list-stack-resources", {"--stack-name", stack_name}, region);
  std::map<std::string, std::string> physical;
  size_t count = 0;
  if (lr.ok && lr.body.contains("StackResourceSummaries"))
    for (const auto& r : lr.body["StackResourceSummaries"]) {
      physical[Str(r, "LogicalResourceId")] = Str(r, "PhysicalResourceId");
      if (Str(r, "ResourceStatus") != "DELETE_COMPLETE") ++count;
    }

  std::vector<std::string> remains, warnings, blockers;
  if (tmpl.is_object() && tmpl.contains("Resources") && tmpl["Resources"].is_object())
    for (auto it = tmpl["Resources"].begin(); it != tmpl["Resources"].end(); ++it) {
      const Json& r = it.value();
      std::string type = Str(r, "Type");
      std::string policy = analysis::EffectiveDeletionPolicy(type, Str(r, "DeletionPolicy"));
      std::string name = physical.count(it.key()) && !physical[it.key()].empty() ? physical[it.key()] : it.key();
      const Json& props = r.contains("Properties") && r["Properties"].is_object() ? r["Properties"] : Json::object();
      bool protected_db = type == "AWS::RDS::DBInstance" && props.contains("DeletionProtection") &&
                          props["DeletionProtection"] == true;
      if (policy == "Retain" || policy == "RetainExceptOnCreate") {
        remains.push_back(fmt::format("{} {} ({}): kept (DeletionPolicy {}){}", type, name, it.key(), policy,
                                      protected_db ? ", deletion protection on" : ""));
      } else if (policy == "Snapshot") {
        if (protected_db)
          blockers.push_back(fmt::format(
              "{} {} ({}) has deletion protection: CloudFormation cannot delete it and the stack would end in "
              "DELETE_FAILED. Turn it off first (database deletion_protection: false, then `blueprint up`)",
              type, name, it.key()));
        remains.push_back(fmt::format("final snapshot of {} {} ({}; DeletionPolicy Snapshot, named by "
                                      "CloudFormation)",
                                      type, name, it.key()));
      } else if (protected_db) {
        blockers.push_back(fmt::format("{} {} ({}) has deletion protection; turn it off first", type, name, it.key()));
      }
      if (type == "AWS::ECR::Repository" && policy == "Delete" &&
          !(props.contains("EmptyOnDelete") && props["EmptyOnDelete"] == true))
        warnings.push_back(fmt::format("{} {}: EmptyOnDelete is off, so the delete fails if it still holds images",
                                       type, name));
    }

  std::string out = fmt::format("{} ({}, {}): {} resource(s) will be deleted\n", stack_name, region, info.status,
                                count);
  if (remains.empty()) out += "  nothing remains afterwards\n";
  else {
    out += "  remains afterwards:\n";
    for (const auto& r : remains) out += "    " + r + "\n";
  }
  for (const auto& w : warnings) out += "  warning: " + w + "\n";
  std::fputs(out.c_str(), console_.out);
  std::fflush(console_.out);
  if (!blockers.empty()) {
    for (const auto& b : blockers) std::fprintf(console_.err, "error: %s\n", b.c_str());
    return Outcome::kUserError;
  }
  if (!Confirm(fmt::format("Delete stack {} and its resources?", stack_name), "refusing to destroy " + stack_name)) {
    bool refused = options_.assume_yes || !console_.interactive;
    if (!refused) std::fprintf(console_.out, "%s: not destroyed\n", stack_name.c_str());
    return refused ? Outcome::kUserError : Outcome::kDeclined;
  }
  std::vector<std::string> before = EventIds(stack_name, region);
  // DeleteStack is idempotent (deleting a stack being deleted changes nothing), so it may be retried.
  AwsResult d = aws_.Run("cloudformation", "delete-stack", {"--stack-name", stack_name}, region);
  if (!d.ok) {
    std::fprintf(console_.err, "error: %s: delete-stack: %s\n", stack_name.c_str(), d.message.c_str());
    return Outcome::kFailed;
  }
  std::string failure;
  std::string status = Follow(stack_name, region, count, before, info.status, &failure);
  if (status == "UNKNOWN" || IsInProgress(status)) return Outcome::kFailed;  // Follow said how to look
  if (status != "DELETE_COMPLETE") {
    std::fprintf(console_.err, "error: %s: delete failed (%s)\n", stack_name.c_str(), status.c_str());
    if (!failure.empty()) std::fprintf(console_.err, "  first failure: %s\n", failure.c_str());
    return Outcome::kFailed;
  }
  ForgetStack(options_.state_dir, stack_name);
  if (!remains.empty()) {
    std::string rest = "Remaining after destroy:\n";
    for (const auto& r : remains) rest += "  " + r + "\n";
    std::fputs(rest.c_str(), console_.out);
  }
  return Outcome::kDone;
}

Outcome Driver::Outputs(const std::string& stack_name, const std::string& region, Json* outputs) {
  StackInfo info;
  std::string err;
  if (!Describe(stack_name, region, &info, &err)) {
    std::fprintf(console_.err, "error: %s\n", err.c_str());
    return Outcome::kFailed;
  }
  if (!info.exists) {
    std::fprintf(console_.err, "error: stack %s does not exist in %s (deploy it with `blueprint up`)\n",
                 stack_name.c_str(), region.c_str());
    return Outcome::kUserError;
  }
  if (!IsDeployed(info.status)) {
    std::fprintf(console_.err,
                 "error: stack %s in %s is %s: it is not deployed (a first `up` that did not finish). Remove it "
                 "with `blueprint destroy --stack %s`, then run `blueprint up`\n",
                 stack_name.c_str(), region.c_str(), info.status.c_str(), stack_name.c_str());
    return Outcome::kUserError;
  }
  *outputs = info.outputs;
  if (!SaveRecord(OutputsPath(options_.state_dir, stack_name), cfn::WriteJson(info.outputs), &err))
    std::fprintf(console_.err, "warning: %s\n", err.c_str());
  return Outcome::kDone;
}

}  // namespace bp
