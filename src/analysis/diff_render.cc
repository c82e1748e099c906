// The words of a template diff (diff.h computes it): the text `preview` prints, its JSON
// form, and the loud lines for data at risk, named replacements and cascades, which the
// change-set view and `up`'s refusals share. Nothing here decides anything: every fact
// is a typed field of the diff.
#include "analysis/diff_render.h"

#include <algorithm>

#include <fmt/format.h>

namespace bp::analysis {

namespace {

using cfn::Json;
using cfn::Replacement;

std::string Show(const Json& v) {
  if (v.is_null()) return "(none)";
  std::string s = v.dump();
  if (s.size() > 100) s = s.substr(0, 97) + "...";
  return s;
}

char KindMark(ResourceChange::Kind k) {
  switch (k) {
    case ResourceChange::Kind::kAdd: return '+';
    case ResourceChange::Kind::kRemove: return '-';
    case ResourceChange::Kind::kModify: return '~';
  }
  return '?';
}

const char* KindName(ResourceChange::Kind k) {
  switch (k) {
    case ResourceChange::Kind::kAdd: return "add";
    case ResourceChange::Kind::kRemove: return "remove";
    case ResourceChange::Kind::kModify: return "modify";
  }
  return "";
}

// The config key that sets a property a cascade starts from, when one key does.
struct RootKey {
  const char* type;
  const char* property;
  const char* key;
};
constexpr RootKey kRootKeys[] = {{"AWS::EC2::VPC", "CidrBlock", "network.cidr"}};

// "Vpc's CidrBlock changes (network.cidr)": why the first resource of a chain is replaced.
std::string RootCause(const TemplateDiff& d, const std::string& id) {
  for (const auto& r : d.resources) {
    if (r.logical_id != id) continue;
    for (const auto& c : r.changes) {
      if (!c.via.empty() || c.replacement != r.replacement) continue;
      if (c.path == "Type") return id + "'s type changes";
      std::string property = TopProperty(c.path);
      std::string text = id + "'s " + (property.empty() ? c.path : property) + " changes";
      for (const auto& k : kRootKeys)
        if (r.type == k.type && property == k.property) text += std::string(" (") + k.key + ")";
      return text;
    }
  }
  return id + " is replaced";
}

}  // namespace

std::string CascadeLine(const TemplateDiff& d, const ResourceChange& r) {
  if (!IsCascadeDataLoss(r)) return "";
  std::string chain;
  for (const auto& id : r.cascade) chain += id + " -> ";
  chain += r.logical_id;
  return fmt::format("!! REPLACEMENT REACHES DATA: {} ({}) would be replaced by a new, empty one: {}, and the "
                     "replacement carries through references ({}). A deployed environment cannot take this "
                     "change: undo it, or, to make it, create a new environment with the new value, move the data "
                     "there (a database: restore a snapshot of it) and then destroy this one. `up` refuses it on "
                     "a deployed stack",
                     r.logical_id, r.type, RootCause(d, r.cascade.front()), chain);
}

std::string RiskLine(const ResourceChange& r) {
  switch (r.risk) {
    case DataRisk::kNone: return "";
    case DataRisk::kRetained:
      return fmt::format("note: {} ({}) leaves the stack but is kept (DeletionPolicy {})", r.logical_id, r.type,
                         r.deletion_policy);
    case DataRisk::kDeletedAfterSnapshot:
      return fmt::format("!! DATA AT RISK: {} ({}) would be DELETED (a final snapshot is taken)", r.logical_id,
                         r.type);
    case DataRisk::kDeleted:
      return fmt::format("!! DATA AT RISK: {} ({}) would be DELETED with its data", r.logical_id, r.type);
    case DataRisk::kReplaced:
      return fmt::format("!! DATA AT RISK: {} ({}) would be REPLACED: a new, empty one is created and the old one "
                         "deleted",
                         r.logical_id, r.type);
    case DataRisk::kMayBeReplaced:
      return fmt::format("!! DATA AT RISK: {} ({}) MAY BE REPLACED: check the change set (preview --remote)",
                         r.logical_id, r.type);
  }
  return "";
}

std::string NamedReplacementLine(const ResourceChange& r) {
  if (r.kind != ResourceChange::Kind::kModify || r.name_property.empty()) return "";
  // Src: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
  // ("You can't perform an update that causes a custom-named resource to be replaced.")
  if (r.replacement == Replacement::kAlways)
    return fmt::format("!! REPLACEMENT WILL FAIL: {} ({}) would be replaced, but its template sets its name ({}); "
                       "CloudFormation cannot replace a custom-named resource (the update fails and rolls back). "
                       "Undo the change that replaces it, or give the resource a new name, or delete it first; "
                       "`up` refuses this unless --allow-replace-named",
                       r.logical_id, r.type, r.name_property);
  if (r.replacement == Replacement::kConditional)
    return fmt::format("!! REPLACEMENT MAY FAIL: {} ({}) may be replaced, but its template sets its name ({}); "
                       "if CloudFormation replaces it the update fails and rolls back",
                       r.logical_id, r.type, r.name_property);
  return "";
}

const char* ReplacementWord(Replacement r) {
  switch (r) {
    case Replacement::kAlways: return "replace";
    case Replacement::kConditional: return "may replace";
    case Replacement::kUnknown: return "unknown";
    case Replacement::kNever: return "";
  }
  return "";
}

std::string SummaryLine(const TemplateDiff& d) {
  std::string s = fmt::format("{} to add, {} to modify", d.added, d.modified);
  if (d.replaced || d.may_replace)
    s += fmt::format(" ({} replace, {} may replace{})", d.replaced, d.may_replace,
                     d.cascaded ? fmt::format(", {} through references", d.cascaded) : "");
  s += fmt::format(", {} to remove", d.removed);
  if (d.stateful_at_risk) s += fmt::format("; {} STATEFUL RESOURCE(S) AT RISK", d.stateful_at_risk);
  if (d.named_replaced) s += fmt::format("; {} NAMED RESOURCE(S) CANNOT BE REPLACED", d.named_replaced);
  return s;
}

std::string FormatDiff(const std::string& stack_name, const TemplateDiff& d, bool first_deploy) {
  std::string out;
  if (first_deploy)
    out += fmt::format("Stack {}: no recorded deployment, everything would be created\n", stack_name);
  else if (d.empty())
    out += fmt::format("Stack {}: no changes\n", stack_name);
  else
    out += fmt::format("Stack {}\n", stack_name);
  size_t width = 0;
  for (const auto& r : d.resources) width = std::max(width, r.logical_id.size());
  std::vector<std::string> risks;
  for (const auto& r : d.resources) {
    std::string tag;
    if (r.kind == ResourceChange::Kind::kModify && r.replacement != Replacement::kNever) {
      std::string chain;
      for (const auto& id : r.cascade) chain += id + " -> ";
      tag = fmt::format("  [{}{}]",
                        r.replacement == Replacement::kUnknown ? "replacement unknown" : ReplacementWord(r.replacement),
                        chain.empty() ? "" : ": " + chain + r.logical_id);
    }
    out += fmt::format("  {} {:<{}}  {}{}\n", KindMark(r.kind), r.logical_id, width, r.type, tag);
    for (const auto& c : r.changes) {
      std::string word = c.replacement == Replacement::kAlways || c.replacement == Replacement::kConditional
                             ? fmt::format("  ({})", ReplacementWord(c.replacement))
                             : "";
      if (!c.note.empty()) word += "  [" + c.note + "]";
      if (c.via.empty()) {
        out += fmt::format("      {}: {} -> {}{}\n", c.path, Show(c.before), Show(c.after), word);
      } else {
        std::string via;
        for (const auto& v : c.via) via += (via.empty() ? "" : ", ") + v;
        out += fmt::format("      {}: {}, a new value: {} {} replaced{}\n", c.path, Show(c.after), via,
                           c.via.size() == 1 ? "is" : "are", word);
      }
    }
    std::string risk = RiskLine(r);
    if (!risk.empty()) risks.push_back(risk);
    if (std::string cascade = CascadeLine(d, r); !cascade.empty()) risks.push_back(cascade);
    if (std::string named = NamedReplacementLine(r); !named.empty()) risks.push_back(named);
  }
  for (const char* section : {"Parameters", "Outputs"}) {
    std::vector<std::string> items;
    for (const auto& s : d.sections)
      if (s.section == section) items.push_back(fmt::format("{}{}", KindMark(s.kind), s.name));
    if (!items.empty()) {
      out += fmt::format("  {}:", section);
      for (const auto& i : items) out += " " + i;
      out += "\n";
    }
  }
  for (const auto& r : risks) out += r + "\n";
  if (d.compute_moved) {
    const PlatformChange& p = d.compute_move;
    out += fmt::format("Platform change: {} -> {} (docs/migration.md)\n", p.from, p.to);
    for (const auto& l : p.loses) out += "  loses: " + l + "\n";
    for (const auto& g : p.gains) out += "  gains: " + g + "\n";
  }
  if (d.replacement_unknown)
    out += fmt::format("note: {} modified resource(s) with replacement unknown (property not in the resource "
                       "specification); `preview --remote` asks CloudFormation\n",
                       d.replacement_unknown);
  out += fmt::format("Plan for {}: {}\n", stack_name, SummaryLine(d));
  return out;
}

Json DiffToJson(const std::string& stack_name, const TemplateDiff& d, bool first_deploy) {
  Json j = Json::object();
  j["stack"] = stack_name;
  j["first_deploy"] = first_deploy;
  Json resources = Json::array();
  for (const auto& r : d.resources) {
    Json e = Json::object();
    e["action"] = KindName(r.kind);
    e["logical_id"] = r.logical_id;
    e["type"] = r.type;
    if (r.kind == ResourceChange::Kind::kModify) {
      e["replacement"] = r.replacement == Replacement::kNever ? "never" : ReplacementWord(r.replacement);
      Json changes = Json::array();
      for (const auto& c : r.changes) {
        Json change = {{"path", c.path},
                       {"before", c.before},
                       {"after", c.after},
                       {"replacement", c.replacement == Replacement::kNever ? "never" : ReplacementWord(c.replacement)}};
        if (!c.note.empty()) change["note"] = c.note;
        if (!c.via.empty()) change["via"] = c.via;
        changes.push_back(std::move(change));
      }
      e["changes"] = std::move(changes);
    }
    e["stateful"] = r.stateful;
    e["data_at_risk"] = IsDataAtRisk(r.risk);
    if (!r.cascade.empty()) {
      e["cascade"] = r.cascade;
      e["cascade_data_loss"] = IsCascadeDataLoss(r);
    }
    if (!r.name_property.empty()) {
      e["name_property"] = r.name_property;
      e["named_replacement"] = IsNamedReplacement(r);
    }
    resources.push_back(std::move(e));
  }
  j["resources"] = std::move(resources);
  Json sections = Json::array();
  for (const auto& s : d.sections)
    sections.push_back({{"section", s.section}, {"name", s.name}, {"action", KindName(s.kind)}});
  j["sections"] = std::move(sections);
  if (d.compute_moved)
    j["platform_change"] = {{"from", d.compute_move.from},
                            {"to", d.compute_move.to},
                            {"loses", d.compute_move.loses},
                            {"gains", d.compute_move.gains}};
  j["summary"] = {{"add", d.added},         {"modify", d.modified},
                  {"remove", d.removed},    {"replace", d.replaced},
                  {"may_replace", d.may_replace}, {"stateful_at_risk", d.stateful_at_risk},
                  {"replacement_unknown", d.replacement_unknown}, {"named_replaced", d.named_replaced},
                  {"cascaded", d.cascaded}};
  return j;
}

}  // namespace bp::analysis
