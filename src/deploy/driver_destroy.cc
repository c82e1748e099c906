// Destroy planning and `destroy`: what deleting a deployed stack keeps, loses or is
// blocked by (PlanDestroy), and the deletion of a stack or of a recorded leftover
// (Driver::Destroy, Driver::DestroyLeftover). Moved unchanged from driver.cc.
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "analysis/diff.h"
#include "cfn/json_read.h"
#include "deploy/cfn_answers.h"
#include "deploy/driver.h"
#include "deploy/process.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp {

namespace fs = std::filesystem;
using cfn::Json;
using cfn_answers::Str;
using cfn_answers::TemplateBodyOf;

DestroyPlan PlanDestroy(const std::string& stack, const std::string& region, const std::string& status,
                        const Json& deployed_template, const Json& resource_summaries) {
  DestroyPlan plan;
  plan.stack = stack;
  plan.region = region;
  plan.status = status;
  std::map<std::string, std::string> physical;
  if (resource_summaries.is_array())
    for (const auto& r : resource_summaries) {
      physical[Str(r, "LogicalResourceId")] = Str(r, "PhysicalResourceId");
      if (Str(r, "ResourceStatus") != "DELETE_COMPLETE") ++plan.resources;
    }
  const Json& t = deployed_template;
  if (!(t.is_object() && t.contains("Resources") && t["Resources"].is_object())) return plan;
  for (auto it = t["Resources"].begin(); it != t["Resources"].end(); ++it) {
    const Json& r = it.value();
    std::string type = Str(r, "Type");
    std::string policy = analysis::EffectiveDeletionPolicy(type, Str(r, "DeletionPolicy"));
    std::string name = physical.count(it.key()) && !physical[it.key()].empty() ? physical[it.key()] : it.key();
    const Json& props = r.contains("Properties") && r["Properties"].is_object() ? r["Properties"] : Json::object();
    bool protected_db =
        type == "AWS::RDS::DBInstance" && props.contains("DeletionProtection") && props["DeletionProtection"] == true;
    bool retained = policy == "Retain" || policy == "RetainExceptOnCreate";
    if (retained || policy == "Snapshot") plan.kept.push_back({type, name, it.key(), policy, protected_db});
    if (protected_db && !retained) plan.blockers.push_back({type, name, it.key(), policy == "Snapshot"});
    if (type == "AWS::ECR::Repository" && policy == "Delete" &&
        !(props.contains("EmptyOnDelete") && props["EmptyOnDelete"] == true))
      plan.ecr_not_emptied.push_back(name);
  }
  return plan;
}

DestroyResult Driver::Destroy(const Stack& stack, const std::function<void(const DestroyPlan&)>& plan_ready,
                              const DriverObserver& observer, Diagnostics* diags) {
  return DestroyStack(KeyOf(stack), nullptr, plan_ready, observer, diags);
}

DestroyResult Driver::DestroyLeftover(const RecordedStack& record,
                                      const std::function<void(const DestroyPlan&)>& plan_ready,
                                      const DriverObserver& observer, Diagnostics* diags) {
  return DestroyStack(record.key, &record, plan_ready, observer, diags);
}

bool Driver::ReadDestroyInputs(const std::string& stack_name, const std::string& region, const std::string& status,
                               Json* tmpl, Json* summaries, Diagnostics* diags) {
  const std::string nothing = "; nothing was deleted";
  // A stack left in REVIEW_IN_PROGRESS by a create change set that never ran holds no
  // resources and may have no template to read.
  if (status == "REVIEW_IN_PROGRESS") {
    *tmpl = Json::object();
    *summaries = Json::array();
    return true;
  }
  AwsResult gt = aws_.Run("cloudformation", "get-template", {"--stack-name", stack_name}, region);
  *tmpl = TemplateBodyOf(gt);
  if (!(tmpl->is_object() && tmpl->contains("Resources") && (*tmpl)["Resources"].is_object())) {
    diags->Error({}, stack_name,
                 "cannot read the deployed template (get-template: " +
                     (gt.ok ? "no JSON template with Resources in the answer " + cfn::JsonExcerpt(gt.body, 120)
                            : ErrorText(gt)) +
                     "), so the plan cannot say what is kept or protected" + nothing);
    return false;
  }
  // Src: DOC:AWSCloudFormation/latest/APIReference/API_ListStackResources.html
  // (StackResourceSummaries: LogicalResourceId, ResourceType, ResourceStatus required);
  // the CLI follows NextToken itself, so the list is whole.
  AwsResult lr = aws_.Run("cloudformation", "list-stack-resources", {"--stack-name", stack_name}, region);
  std::string problem;
  if (!lr.ok) {
    problem = ErrorText(lr);
  } else if (!(lr.body.is_object() && lr.body.contains("StackResourceSummaries") &&
               lr.body["StackResourceSummaries"].is_array())) {
    problem = "unexpected answer " + cfn::JsonExcerpt(lr.body, 120) + " (expected {\"StackResourceSummaries\": [...]})";
  } else {
    for (const Json& r : lr.body["StackResourceSummaries"])
      if (Str(r, "LogicalResourceId").empty() || Str(r, "ResourceStatus").empty()) {
        problem = "an entry without LogicalResourceId or ResourceStatus: " + cfn::JsonExcerpt(r, 80);
        break;
      }
    // A deployed stack holds its template's resources: an empty list for it is an
    // answer that cannot be right.
    if (problem.empty() && lr.body["StackResourceSummaries"].empty() && IsDeployed(status) &&
        !(*tmpl)["Resources"].empty())
      problem = fmt::format("no resources, for a {} stack whose template has {}", status, (*tmpl)["Resources"].size());
  }
  if (!problem.empty()) {
    diags->Error({}, stack_name,
                 "cannot read the stack's resources (list-stack-resources: " + problem +
                     "), so the plan cannot say what is deleted" + nothing);
    return false;
  }
  *summaries = lr.body["StackResourceSummaries"];
  return true;
}

namespace {

// Every template this tool writes starts its Description so (app/stacks.cc).
constexpr const char* kDescriptionPrefix = "apprunner-blueprint: ";

// Why the deployed stack `info` is not the one `record` holds, or "" when it is.
// A stack ID names one stack for its whole life: a stack deleted and created again
// under the same name has another.
// Src: DOC:AWSCloudFormation/latest/APIReference/API_DescribeStacks.html (StackName:
// "Running stacks: You can specify either the stack's name or its unique stack ID").
std::string NotTheRecordedStack(const RecordedStack& record, const StackInfo& info, const std::string& state_dir) {
  if (!record.stack_id.empty()) {
    if (info.id == record.stack_id) return "";
    return "its stack ID is " + (info.id.empty() ? std::string("not given") : info.id) + ", the recorded one " +
           record.stack_id;
  }
  // A record older than stack IDs: the description of the template `up` recorded.
  Json recorded;
  bool found = false;
  Diagnostics ignored;
  LoadJsonRecord(DeployedTemplatePath(state_dir, record.key), &recorded, &found, &ignored);
  std::string expected = found ? Str(recorded, "Description") : "";
  if (!StartsWith(expected, kDescriptionPrefix))
    return "the record holds neither its stack ID nor a description of this tool";
  if (info.description != expected)
    return "its description is \"" + info.description + "\", the recorded template's \"" + expected + "\"";
  return "";
}

}  // namespace

DestroyResult Driver::DestroyStack(const StackKey& key, const RecordedStack* record,
                                   const std::function<void(const DestroyPlan&)>& plan_ready,
                                   const DriverObserver& observer, Diagnostics* diags) {
  DeferInterrupts defer;  // an interrupt before delete-stack deletes nothing; after it, says so
  DestroyResult result = DestroyUnderDefer(key, record, plan_ready, observer, diags);
  if (InterruptRequested() && result.status != DestroyResult::Status::kDestroyed &&
      result.status != DestroyResult::Status::kAbsent)
    result.status = DestroyResult::Status::kInterrupted;
  return result;
}

DestroyResult Driver::DestroyUnderDefer(const StackKey& key, const RecordedStack* record,
                                        const std::function<void(const DestroyPlan&)>& plan_ready,
                                        const DriverObserver& observer, Diagnostics* diags) {
  using Status = DestroyResult::Status;
  const std::string& stack_name = key.stack;
  const std::string& region = key.region;
  DestroyResult result;
  StackInfo info;
  if (!DescribeSettled(stack_name, region, &info, diags)) return result;
  if (!info.exists) {
    ForgetStack(options_.state_dir, key);
    result.status = Status::kAbsent;
    return result;
  }
  // The name a leftover's delete goes to: the stack checked here, not whatever holds
  // the name by then.
  std::string target = stack_name;
  if (record) {
    if (std::string why = NotTheRecordedStack(*record, info, options_.state_dir); !why.empty()) {
      diags->Error({}, stack_name,
                   "the stack of this name in " + region + " is not the one `up` recorded (" + why +
                       "): not deleting it");
      result.status = Status::kNotRecorded;
      return result;
    }
    if (!info.id.empty()) target = info.id;
  }
  // The plan comes from the deployed template (deletion policies, deletion protection)
  // and the resource list (what is deleted, physical names), both as read; without them
  // nothing can be said about what the delete takes, so nothing is deleted.
  Json tmpl, summaries;
  if (!ReadDestroyInputs(stack_name, region, info.status, &tmpl, &summaries, diags)) return result;
  if (InterruptRequested()) return result;
  result.plan = PlanDestroy(stack_name, region, info.status, tmpl, summaries);
  if (plan_ready) plan_ready(result.plan);
  if (!result.plan.blockers.empty()) {
    result.status = Status::kRefused;
    return result;
  }
  Decision decision = observer.decide ? observer.decide(stack_name) : Decision::kYes;
  if (InterruptRequested()) return result;
  if (decision != Decision::kYes) {
    result.status = decision == Decision::kNo ? Status::kDeclined : Status::kRefused;
    return result;
  }
  std::vector<std::string> before = EventIds(stack_name, region);
  if (InterruptRequested()) return result;
  // DeleteStack is idempotent (deleting a stack being deleted changes nothing), so it may be retried.
  result.delete_requested = true;
  AwsResult d = aws_.Run("cloudformation", "delete-stack", {"--stack-name", target}, region);
  result.delete_cut_short = d.interrupted;
  if (!d.ok && !d.interrupted) {
    diags->Error({}, stack_name, "delete-stack: " + ErrorText(d));
    return result;
  }
  if (!InterruptRequested())
    result.follow = Follow(stack_name, region, result.plan.resources, before, info.status, observer, diags);
  if (InterruptRequested()) {
    result.follow.interrupted = true;
    return result;
  }
  if (result.follow.status != "DELETE_COMPLETE") return result;
  ForgetStack(options_.state_dir, key);
  result.status = Status::kDestroyed;
  return result;
}

}  // namespace bp
