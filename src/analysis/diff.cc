#include "analysis/diff.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "cfn/custom_names.h"
#include "modules/database.h"
#include "util/strings.h"

namespace bp::analysis {

namespace {

using cfn::Json;
using cfn::Replacement;

// Types whose replacement or deletion loses data someone cares about. A new
// instance of any of these starts empty (or, for a key, cannot decrypt the old data).
constexpr const char* kStatefulTypes[] = {
    "AWS::RDS::DBInstance",        "AWS::RDS::DBCluster",     "AWS::ECR::Repository",
    "AWS::Logs::LogGroup",         "AWS::SecretsManager::Secret", "AWS::Backup::BackupVault",
    "AWS::S3::Bucket",             "AWS::DynamoDB::Table",    "AWS::EFS::FileSystem",
    "AWS::KMS::Key",               "AWS::EC2::Volume",        "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster", "AWS::SQS::Queue",      "AWS::Cognito::UserPool",
};

// Order of severity, for the "worst change of a resource".
int Rank(Replacement r) {
  switch (r) {
    case Replacement::kNever: return 0;
    case Replacement::kUnknown: return 1;
    case Replacement::kConditional: return 2;
    case Replacement::kAlways: return 3;
  }
  return 0;
}

Replacement Worse(Replacement a, Replacement b) { return Rank(a) >= Rank(b) ? a : b; }

// The field that names each element of a list of named entries: "Key" for tags,
// "Name" for App Runner's RuntimeEnvironmentVariables/Secrets and ECS's Environment;
// "" when the elements are not all objects named by that field, uniquely.
std::string ListKeyField(const Json& v) {
  if (!v.is_array() || v.empty()) return "";
  for (const char* field : {"Key", "Name"}) {
    std::vector<std::string> seen;
    bool ok = true;
    for (const auto& e : v) {
      if (!e.is_object() || !e.contains(field) || !e[field].is_string() ||
          std::find(seen.begin(), seen.end(), e[field].get<std::string>()) != seen.end()) {
        ok = false;
        break;
      }
      seen.push_back(e[field]);
    }
    if (ok) return field;
  }
  return "";
}

// The keys of `a` in order, then those only `b` has.
std::vector<std::string> UnionKeys(const Json& a, const Json& b) {
  std::vector<std::string> keys;
  for (auto it = a.begin(); it != a.end(); ++it) keys.push_back(it.key());
  for (auto it = b.begin(); it != b.end(); ++it)
    if (!a.contains(it.key())) keys.push_back(it.key());
  return keys;
}

Json Member(const Json& obj, const std::string& key) { return obj.contains(key) ? obj[key] : Json(); }

// Appends the leaf differences between `a` and `b` under `path`. Lists of named
// entries ([{Key, Value}], [{Name, Value}]) are matched by name, so that inserting one
// tag or one secret shows as one change, not as a shift of every later entry.
void DiffValues(const std::string& path, const Json& a, const Json& b, Replacement repl,
                std::vector<PropertyChange>* out) {
  if (a == b) return;
  if (a.is_object() && b.is_object()) {
    for (const auto& k : UnionKeys(a, b)) DiffValues(path + "." + k, Member(a, k), Member(b, k), repl, out);
    return;
  }
  if (std::string field = ListKeyField(a); !field.empty() && field == ListKeyField(b)) {
    auto find = [&field](const Json& list, const std::string& key) -> Json {
      for (const auto& e : list)
        if (e[field] == key) return e;
      return Json();
    };
    std::vector<std::string> keys;
    for (const auto& e : a) keys.push_back(e[field]);
    for (const auto& e : b)
      if (find(a, e[field]).is_null()) keys.push_back(e[field]);
    for (const auto& k : keys) {
      Json ae = find(a, k), be = find(b, k);
      std::string p = path + "[" + field + "=" + k + "]";
      if (ae.is_null() || be.is_null()) {
        if (ae != be) out->push_back({p, ae, be, repl, ""});
      } else {
        DiffValues(p, ae, be, repl, out);
      }
    }
    return;
  }
  if (a.is_array() && b.is_array()) {
    size_t n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      Json av = i < a.size() ? a[i] : Json();
      Json bv = i < b.size() ? b[i] : Json();
      DiffValues(path + "[" + std::to_string(i) + "]", av, bv, repl, out);
    }
    return;
  }
  out->push_back({path, a, b, repl, ""});
}

const Json& Section(const Json& doc, const char* name) {
  static const Json kEmpty = Json::object();
  if (doc.is_object() && doc.contains(name) && doc[name].is_object()) return doc[name];
  return kEmpty;
}

std::string StringField(const Json& obj, const char* key) {
  if (obj.is_object() && obj.contains(key) && obj[key].is_string()) return obj[key];
  return "";
}

ResourceChange ModifyChange(const std::string& id, const Json& old_r, const Json& new_r) {
  ResourceChange rc;
  rc.kind = ResourceChange::Kind::kModify;
  rc.logical_id = id;
  rc.type = StringField(new_r, "Type");
  rc.deletion_policy = EffectiveDeletionPolicy(StringField(old_r, "Type"), StringField(old_r, "DeletionPolicy"));
  std::string old_type = StringField(old_r, "Type");
  if (old_type != rc.type) {
    rc.changes.push_back({"Type", old_type, rc.type, Replacement::kAlways, ""});
  } else {
    const Json& op = Section(old_r, "Properties");
    const Json& np = Section(new_r, "Properties");
    for (const auto& p : UnionKeys(op, np)) {
      Json a = Member(op, p), b = Member(np, p);
      if (a != b) DiffValues("Properties." + p, a, b, cfn::ReplacementOf(rc.type, p), &rc.changes);
    }
  }
  // Resource attributes: never replace by themselves.
  for (const char* attr : {"DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata",
                           "UpdatePolicy", "CreationPolicy"}) {
    DiffValues(attr, Member(old_r, attr), Member(new_r, attr), Replacement::kNever, &rc.changes);
  }
  if (rc.type == "AWS::RDS::DBParameterGroup") {
    // CloudFormation applies dynamic parameters at once; static ones wait until the
    // instance reboots (it shows pending-reboot). Src: aws-facts 3.4.
    const std::string prefix = "Properties.Parameters.";
    for (auto& c : rc.changes)
      if (StartsWith(c.path, prefix) && IsStaticDbParameter(c.path.substr(prefix.size())))
        c.note = "static parameter: takes effect after the database reboots";
  }
  for (const auto& c : rc.changes) rc.replacement = Worse(rc.replacement, c.replacement);
  rc.stateful = IsStatefulType(rc.type) || IsStatefulType(old_type);
  rc.name_property = std::string(cfn::SetCustomNameProperty(rc.type, Section(new_r, "Properties")));
  const std::string name_path = "Properties." + rc.name_property;
  for (const auto& c : rc.changes)
    if (!rc.name_property.empty() && (c.path == name_path || StartsWith(c.path, name_path + ".") ||
                                      StartsWith(c.path, name_path + "[")))
      rc.name_property.clear();  // renamed: the replacement gets its new name
  return rc;
}

void DiffSection(const char* name, const Json& before, const Json& after, std::vector<SectionChange>* out) {
  const Json& a = Section(before, name);
  const Json& b = Section(after, name);
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (!a.contains(it.key())) out->push_back({name, it.key(), ResourceChange::Kind::kAdd});
    else if (a[it.key()] != it.value()) out->push_back({name, it.key(), ResourceChange::Kind::kModify});
  }
  for (auto it = a.begin(); it != a.end(); ++it)
    if (!b.contains(it.key())) out->push_back({name, it.key(), ResourceChange::Kind::kRemove});
}

bool Retains(const std::string& policy) { return policy == "Retain" || policy == "RetainExceptOnCreate"; }

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

std::string RiskLineOf(const ResourceChange& r) {
  if (!r.stateful) return "";
  if (r.kind == ResourceChange::Kind::kRemove) {
    if (Retains(r.deletion_policy))
      return fmt::format("note: {} ({}) leaves the stack but is kept (DeletionPolicy {})", r.logical_id, r.type,
                         r.deletion_policy);
    if (r.deletion_policy == "Snapshot")
      return fmt::format("!! DATA AT RISK: {} ({}) would be DELETED (a final snapshot is taken)", r.logical_id,
                         r.type);
    return fmt::format("!! DATA AT RISK: {} ({}) would be DELETED with its data", r.logical_id, r.type);
  }
  if (r.kind == ResourceChange::Kind::kModify && r.replacement == Replacement::kAlways)
    return fmt::format("!! DATA AT RISK: {} ({}) would be REPLACED: a new, empty one is created and the old one "
                       "deleted",
                       r.logical_id, r.type);
  if (r.kind == ResourceChange::Kind::kModify && r.replacement == Replacement::kConditional)
    return fmt::format("!! DATA AT RISK: {} ({}) MAY BE REPLACED: check the change set (preview --remote)",
                       r.logical_id, r.type);
  return "";
}

}  // namespace

std::string RiskLine(const ResourceChange& change) { return RiskLineOf(change); }

bool IsNamedReplacement(const ResourceChange& r) {
  return r.kind == ResourceChange::Kind::kModify && !r.name_property.empty() && r.replacement == Replacement::kAlways;
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

std::string EffectiveDeletionPolicy(const std::string& type, const std::string& written) {
  if (!written.empty()) return written;
  // Src: DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html (aws-facts.md 3.2):
  // a DB instance outside a cluster defaults to Snapshot; a cluster too.
  if (type == "AWS::RDS::DBInstance" || type == "AWS::RDS::DBCluster") return "Snapshot";
  return "Delete";
}

bool IsStatefulType(const std::string& type) {
  for (const char* t : kStatefulTypes)
    if (type == t) return true;
  return false;
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

TemplateDiff DiffTemplates(const Json& before, const Json& after) {
  TemplateDiff d;
  const Json& old_res = Section(before, "Resources");
  const Json& new_res = Section(after, "Resources");
  std::vector<ResourceChange> added, modified, removed;
  for (auto it = new_res.begin(); it != new_res.end(); ++it) {
    if (!old_res.contains(it.key())) {
      ResourceChange rc;
      rc.kind = ResourceChange::Kind::kAdd;
      rc.logical_id = it.key();
      rc.type = StringField(it.value(), "Type");
      rc.stateful = IsStatefulType(rc.type);
      added.push_back(std::move(rc));
    } else if (old_res[it.key()] != it.value()) {
      ResourceChange rc = ModifyChange(it.key(), old_res[it.key()], it.value());
      if (!rc.changes.empty()) modified.push_back(std::move(rc));
    }
  }
  for (auto it = old_res.begin(); it != old_res.end(); ++it) {
    if (new_res.contains(it.key())) continue;
    ResourceChange rc;
    rc.kind = ResourceChange::Kind::kRemove;
    rc.logical_id = it.key();
    rc.type = StringField(it.value(), "Type");
    rc.deletion_policy = EffectiveDeletionPolicy(rc.type, StringField(it.value(), "DeletionPolicy"));
    rc.stateful = IsStatefulType(rc.type);
    removed.push_back(std::move(rc));
  }
  auto by_id = [](const ResourceChange& a, const ResourceChange& b) { return a.logical_id < b.logical_id; };
  std::sort(added.begin(), added.end(), by_id);
  std::sort(modified.begin(), modified.end(), by_id);
  std::sort(removed.begin(), removed.end(), by_id);
  d.added = added.size();
  d.modified = modified.size();
  d.removed = removed.size();
  for (auto* group : {&added, &modified, &removed})
    for (auto& r : *group) {
      if (r.replacement == Replacement::kAlways) ++d.replaced;
      if (r.replacement == Replacement::kConditional) ++d.may_replace;
      if (r.kind == ResourceChange::Kind::kModify && r.replacement == Replacement::kUnknown) ++d.replacement_unknown;
      if (!RiskLine(r).empty() && RiskLine(r).rfind("!!", 0) == 0) ++d.stateful_at_risk;
      if (IsNamedReplacement(r)) ++d.named_replaced;
      d.resources.push_back(std::move(r));
    }
  DiffSection("Parameters", before, after, &d.sections);
  DiffSection("Outputs", before, after, &d.sections);
  std::vector<std::string> types_removed, types_added;
  for (const auto& r : d.resources)
    (r.kind == ResourceChange::Kind::kRemove ? types_removed : types_added).push_back(r.type);
  d.compute_moved = FindPlatformChange(types_removed, types_added, &d.compute_move);
  return d;
}

std::string SummaryLine(const TemplateDiff& d) {
  std::string s = fmt::format("{} to add, {} to modify", d.added, d.modified);
  if (d.replaced || d.may_replace) s += fmt::format(" ({} replace, {} may replace)", d.replaced, d.may_replace);
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
    if (r.kind == ResourceChange::Kind::kModify && r.replacement != Replacement::kNever)
      tag = fmt::format("  [{}]", r.replacement == Replacement::kUnknown ? "replacement unknown"
                                                                            : ReplacementWord(r.replacement));
    out += fmt::format("  {} {:<{}}  {}{}\n", KindMark(r.kind), r.logical_id, width, r.type, tag);
    for (const auto& c : r.changes) {
      std::string word = c.replacement == Replacement::kAlways || c.replacement == Replacement::kConditional
                             ? fmt::format("  ({})", ReplacementWord(c.replacement))
                             : "";
      if (!c.note.empty()) word += "  [" + c.note + "]";
      out += fmt::format("      {}: {} -> {}{}\n", c.path, Show(c.before), Show(c.after), word);
    }
    std::string risk = RiskLine(r);
    if (!risk.empty()) risks.push_back(risk);
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
        changes.push_back(std::move(change));
      }
      e["changes"] = std::move(changes);
    }
    e["stateful"] = r.stateful;
    std::string risk = RiskLine(r);
    e["data_at_risk"] = !risk.empty() && risk.rfind("!!", 0) == 0;
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
                  {"replacement_unknown", d.replacement_unknown}, {"named_replaced", d.named_replaced}};
  return j;
}

}  // namespace bp::analysis
