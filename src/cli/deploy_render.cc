#include "cli/deploy_render.h"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/diff_render.h"
#include "cli/common.h"
#include "util/strings.h"

namespace bp::cli {

namespace {

char ActionMark(const std::string& action) {
  if (action == "Add") return '+';
  if (action == "Import") return '<';  // an existing resource adopted by the stack
  if (action == "Remove") return '-';
  if (action == "Modify") return '~';
  return '*';
}

}  // namespace

std::string Elapsed(int seconds) { return fmt::format("{}:{:02}", seconds / 60, seconds % 60); }

std::string RenderChangeSet(const ChangeSet& cs) {
  std::string out =
      fmt::format("Change set {} for {} ({}): {} change(s)\n", cs.name, cs.stack, cs.type, cs.changes.size());
  size_t id_width = 0, type_width = 0;
  for (const auto& c : cs.changes) {
    id_width = std::max(id_width, c.logical_id.size());
    type_width = std::max(type_width, c.type.size());
  }
  std::vector<std::string> risks;
  for (const auto& c : cs.changes) {
    std::string line = fmt::format("  {} {:<7} {:<{}}  {:<{}}", ActionMark(c.action), c.action, c.logical_id,
                                   id_width, c.type, type_width);
    if (c.action == "Modify" && !c.replacement.empty()) {
      line += "  Replacement: " + c.replacement;
      if (!c.causes.empty()) line += "  [" + Join(c.causes, ", ") + "]";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    analysis::ResourceChange rc = AsResourceChange(c);
    if (std::string risk = analysis::RiskLine(rc); !risk.empty()) risks.push_back(risk);
    if (std::string named = analysis::NamedReplacementLine(rc); !named.empty()) risks.push_back(named);
  }
  for (const auto& r : risks) out += r + "\n";
  return out;
}

std::string RenderEvent(const StackEvent& e) {
  return fmt::format("  {}  {:<24} {:<40} {}{}\n", Elapsed(e.elapsed_seconds), e.status, e.logical_id, e.type,
                     e.reason.empty() ? "" : "  " + e.reason);
}

std::string RenderProgress(const FollowProgress& p) {
  return fmt::format("  {}  {}/{} resources  {}  {}", p.stack, p.done, p.total, Elapsed(p.elapsed_seconds), p.status);
}

std::string RenderDeployFailure(const std::string& stack, const std::string& region, const FollowResult& f) {
  if (f.lost_contact || f.timed_out || f.status.empty())
    return fmt::format(
        "  the stack may still be updating: CloudFormation goes on without us. Look with `blueprint outputs "
        "--stack {0}` or `aws cloudformation describe-stacks --stack-name {0} --region {1}`, or in the "
        "CloudFormation console\n",
        stack, region);
  std::string out = fmt::format("error: {}: deploy failed\n", stack);
  if (!f.first_failure.empty()) out += "  first failure: " + f.first_failure + "\n";
  std::string rollback;
  if (f.status == "UPDATE_ROLLBACK_COMPLETE")
    rollback = "rolled back: the previous version is running again";
  else if (f.status == "ROLLBACK_COMPLETE")
    rollback = "rolled back: nothing was kept; run `blueprint destroy --stack " + stack + "` before the next up";
  else if (f.status.find("ROLLBACK_FAILED") != std::string::npos)
    rollback = "the rollback failed too: the stack needs attention in the CloudFormation console "
               "(continue-update-rollback)";
  else
    rollback = "stack status " + f.status;
  out += fmt::format("  rollback: {} ({})\n", rollback, f.status);
  return out;
}

std::string RenderStillWaiting(const ChangeSet& cs, int seconds) {
  return fmt::format("  {}: change set {} is {}; still waiting ({} s)\n", cs.stack, cs.name, cs.status, seconds);
}

std::string RenderLeftBehind(const std::vector<std::string>& left_behind) {
  if (left_behind.empty()) return "";
  std::string out = "  left behind, and how to remove it:\n";
  for (const auto& line : left_behind) out += "    " + line + "\n";
  return out;
}

std::string RenderDeployInterrupted(const std::string& stack, const std::string& region, const DeployResult& r) {
  if (r.follow.interrupted) {
    bool update = r.change_set.type == "UPDATE";
    return fmt::format(
        "interrupted: CloudFormation goes on {0} {1}; an interrupt stops only this command. Follow it with "
        "`aws cloudformation describe-stack-events --stack-name {1} --region {2}` or in the CloudFormation console, "
        "and run `blueprint up` again once it settles (it records the deployment). {3}\n",
        update ? "updating" : "creating", stack, region,
        update ? fmt::format("To stop it: `aws cloudformation cancel-update-stack --stack-name {} --region {}` "
                             "(it rolls back)",
                             stack, region)
               : fmt::format("To stop it: `blueprint destroy --stack {}` once it settles", stack));
  }
  if (r.follow.lost_contact)
    return fmt::format(
        "interrupted while asking CloudFormation to execute the change set: whether {0} is changing is not known. "
        "Look with `aws cloudformation describe-stacks --stack-name {0} --region {1}`, and run `blueprint up` "
        "again once it settles\n",
        stack, region);
  return "interrupted: nothing was deployed to " + stack +
         (r.left_behind.empty() ? "; nothing is left behind\n" : "; see what is left behind above\n");
}

std::string RenderDestroyPlan(const DestroyPlan& plan) {
  std::string out =
      fmt::format("{} ({}, {}): {} resource(s) will be deleted\n", plan.stack, plan.region, plan.status, plan.resources);
  if (plan.kept.empty()) {
    out += "  nothing remains afterwards\n";
  } else {
    out += "  remains afterwards:\n";
    out += RenderRemaining(plan);
  }
  for (const auto& repo : plan.ecr_not_emptied)
    out += fmt::format("  warning: AWS::ECR::Repository {}: EmptyOnDelete is off, so the delete fails if it still "
                       "holds images\n",
                       repo);
  return out;
}

std::string RenderRemaining(const DestroyPlan& plan) {
  std::string out;
  for (const auto& k : plan.kept) {
    if (k.policy == "Snapshot")
      out += fmt::format("    final snapshot of {} {} ({}; DeletionPolicy Snapshot, named by CloudFormation)\n", k.type,
                         k.physical_id, k.logical_id);
    else
      out += fmt::format("    {} {} ({}): kept (DeletionPolicy {}){}\n", k.type, k.physical_id, k.logical_id, k.policy,
                         k.deletion_protection ? ", deletion protection on" : "");
  }
  return out;
}

std::string RenderDestroyBlockers(const DestroyPlan& plan) {
  std::string out;
  for (const auto& b : plan.blockers)
    out += fmt::format(
        "error: {} {} ({}) has deletion protection: CloudFormation cannot delete it and the stack would end in "
        "DELETE_FAILED. Turn it off first (database deletion_protection: false, then `blueprint up`)\n",
        b.type, b.physical_id, b.logical_id);
  return out;
}

std::string RenderLeftover(const Leftover& l, const std::string& guard) {
  const StackKey& k = l.record.key;
  std::string where = k.account.empty() ? k.region : k.region + ", account " + k.account;
  // "2026-11-25T18:00:01Z" -> "2026-11-25 18:00 UTC"
  const std::string& at = l.record.recorded_at;
  std::string when = at.size() >= 16 ? at.substr(0, 10) + " " + at.substr(11, 5) + " UTC" : at;
  std::string out = fmt::format("no longer produced: {} ({}), recorded by up on {}, still running and billing; ",
                                k.stack, where, when);
  if (l.shared)
    return out + fmt::format(
                     "it is shared by every app of this tool in the account, so no command of this one deletes it: "
                     "if no other app uses it, `aws cloudformation delete-stack --stack-name {} --region {}`\n",
                     k.stack, k.region);
  if (!guard.empty())
    return out + fmt::format("`up` does not delete it ({}): `blueprint destroy --stack {} --force-prod`\n", guard,
                             k.stack);
  return out + "`up` offers to delete it\n";
}

std::string FormatOutputs(const cfn::Json& outputs) {
  size_t width = 0;
  for (auto it = outputs.begin(); it != outputs.end(); ++it) width = std::max(width, it.key().size());
  std::string out;
  for (auto it = outputs.begin(); it != outputs.end(); ++it)
    out += fmt::format("  {:<{}}  {}\n", it.key(), width,
                       it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
  return out;
}

ConsoleObserver::ConsoleObserver(Console console, std::function<std::string(const std::string&)> question,
                                 std::string verb)
    : console_(std::move(console)), question_(std::move(question)), verb_(std::move(verb)) {}

void ConsoleObserver::EndLine() {
  if (line_open_) std::fputs("\n", console_.out);
  line_open_ = false;
  std::fflush(console_.out);
}

DriverObserver ConsoleObserver::observer() {
  DriverObserver o;
  o.creating = [this](const Stack& s, const std::string& type) {
    std::fprintf(console_.out, "%s (%s): creating change set (%s)\n", s.name.c_str(), s.region.c_str(),
                 ToLower(type).c_str());
    std::fflush(console_.out);
  };
  o.change_set = [this](const ChangeSet& cs) { Show(console_.out, RenderChangeSet(cs)); };
  o.decide = [this](const std::string& stack) {
    if (console_.assume_yes) return Decision::kYes;
    if (!console_.interactive || !console_.ask) {
      std::fprintf(console_.err, "error: refusing to %s %s: stdin is not a terminal; run again with --yes to confirm\n",
                   verb_.c_str(), stack.c_str());
      return Decision::kRefused;
    }
    return console_.ask(question_(stack)) ? Decision::kYes : Decision::kNo;
  };
  o.event = [this](const StackEvent& e) {
    if (!console_.live) Show(console_.out, RenderEvent(e));
  };
  o.waiting = [this](const ChangeSet& cs, int seconds) {
    EndLine();
    Show(console_.out, RenderStillWaiting(cs, seconds));
  };
  o.progress = [this](const FollowProgress& p) {
    if (!console_.live) return;
    std::fputs("\r\033[K", console_.out);  // back to the line's start, and clear it
    Show(console_.out, RenderProgress(p));
    line_open_ = true;
  };
  return o;
}

void Show(FILE* f, const std::string& text) {
  std::fputs(EscapeControls(text).c_str(), f);
  std::fflush(f);
}

namespace {

std::string Settled(const std::string& stack, const FollowResult& f) {
  return f.status.empty() ? "" : fmt::format("{}: {} after {}\n", stack, f.status, Elapsed(f.elapsed_seconds));
}

}  // namespace

int ReportDeploy(const Stack& stack, const DeployResult& r, const Diagnostics& diags, const Console& c) {
  using Status = DeployResult::Status;
  Show(c.out, Settled(stack.name, r.follow));
  Show(c.err, diags.FormatAll() + RenderLeftBehind(r.left_behind));
  switch (r.status) {
    case Status::kInterrupted:
      Show(c.err, RenderDeployInterrupted(stack.name, stack.region, r));
      return kInternalError;
    case Status::kDeployed:
      if (!r.outputs.empty()) Show(c.out, "Outputs:\n" + FormatOutputs(r.outputs));
      return kOk;
    case Status::kNoChanges:
      Show(c.out, stack.name + ": no changes to deploy\n");
      return kOk;
    case Status::kPreviewed:  // not an outcome of up
      return kOk;
    case Status::kDeclined:
      Show(c.out, stack.name + ": not deployed\n");
      return kInternalError;
    case Status::kRefused:
      return kUserError;
    case Status::kFailed:
      if (r.follow.lost_contact || r.follow.timed_out || !r.follow.status.empty())
        Show(c.err, RenderDeployFailure(stack.name, stack.region, r.follow));
      return kInternalError;
  }
  return kInternalError;
}

int ReportPreview(const Stack& stack, const DeployResult& r, const Diagnostics& diags, const Console& c) {
  using Status = DeployResult::Status;
  if (r.status == Status::kPreviewed) Show(c.out, RenderChangeSet(r.change_set));
  if (r.status == Status::kNoChanges) Show(c.out, stack.name + ": no changes\n");
  Show(c.err, diags.FormatAll() + RenderLeftBehind(r.left_behind));
  if (r.status == Status::kInterrupted)
    Show(c.err, std::string("interrupted: nothing was changed; ") +
                    (r.left_behind.empty() ? "nothing is left behind\n" : "see what is left behind above\n"));
  if (r.status == Status::kPreviewed || r.status == Status::kNoChanges) return kOk;
  return r.status == Status::kRefused ? kUserError : kInternalError;
}

int ReportDestroy(const Stack& stack, const DestroyResult& r, const Diagnostics& diags, const Console& c) {
  using Status = DestroyResult::Status;
  Show(c.out, Settled(stack.name, r.follow));
  Show(c.err, diags.FormatAll());
  switch (r.status) {
    case Status::kInterrupted:
      Show(c.err, r.delete_cut_short
                      ? fmt::format("interrupted while asking CloudFormation to delete {0}: whether the request "
                                    "reached it is not known. Look with `aws cloudformation describe-stacks "
                                    "--stack-name {0} --region {1}`; run `blueprint destroy --stack {0}` again once "
                                    "it settles\n",
                                    stack.name, stack.region)
                  : r.delete_requested
                      ? fmt::format("interrupted: CloudFormation goes on deleting {0}; an interrupt stops only this "
                                    "command. Follow it with `aws cloudformation describe-stacks --stack-name {0} "
                                    "--region {1}`; run `blueprint destroy --stack {0}` again once it settles to "
                                    "forget its record\n",
                                    stack.name, stack.region)
                      : fmt::format("interrupted: {} was not deleted; nothing was deleted\n", stack.name));
      return kInternalError;
    case Status::kDestroyed:
      if (!r.plan.kept.empty()) Show(c.out, "Remaining after destroy:\n" + RenderRemaining(r.plan));
      return kOk;
    case Status::kAbsent:
      Show(c.out, fmt::format("{}: no such stack in {}; nothing to destroy\n", stack.name, stack.region));
      return kOk;
    case Status::kDeclined:
      Show(c.out, stack.name + ": not destroyed\n");
      return kInternalError;
    case Status::kRefused:
      Show(c.err, RenderDestroyBlockers(r.plan));
      return kUserError;
    case Status::kNotRecorded:
      Show(c.err, fmt::format("  {} stays recorded in the state directory; if that stack is meant to be there, "
                               "remove the record\n",
                               stack.name));
      return kUserError;
    case Status::kFailed:
      if (r.follow.lost_contact || r.follow.timed_out) {
        Show(c.err, RenderDeployFailure(stack.name, stack.region, r.follow));
      } else if (!r.follow.status.empty()) {
        std::string text = fmt::format("error: {}: delete failed ({})\n", stack.name, r.follow.status);
        if (!r.follow.first_failure.empty()) text += "  first failure: " + r.follow.first_failure + "\n";
        Show(c.err, text);
      }
      return kInternalError;
  }
  return kInternalError;
}

int ReportOutputs(const Stack& stack, const OutputsResult& r, const Diagnostics& diags, const Console& c) {
  using Status = OutputsResult::Status;
  Show(c.err, diags.FormatAll());
  switch (r.status) {
    case Status::kOk:
      return kOk;
    case Status::kAbsent:
      Show(c.err, fmt::format("error: stack {} does not exist in {} (deploy it with `blueprint up`)\n", stack.name,
                               stack.region));
      return kUserError;
    case Status::kNotDeployed:
      Show(c.err, fmt::format("error: stack {} in {} is {}: it is not deployed (a first `up` that did not finish). "
                               "Remove it with `blueprint destroy --stack {}`, then run `blueprint up`\n",
                               stack.name, stack.region, r.info.status, stack.name));
      return kUserError;
    case Status::kFailed:
      return kInternalError;
  }
  return kInternalError;
}

}  // namespace bp::cli
