#include "analysis/diff.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "cfn/custom_names.h"
#include "cfn/references.h"
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
        if (ae != be) out->push_back({p, ae, be, repl, "", {}});
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
  out->push_back({path, a, b, repl, "", {}});
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
    rc.changes.push_back({"Type", old_type, rc.type, Replacement::kAlways, "", {}});
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
    // instance reboots (it shows pending-reboot). Src: reference/aws-facts.md 3.4.
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

// Properties the specification updates in place but whose values must stay in the
// resource's VPC: when what they reference moves to another VPC (a replaced VPC, or a
// resource replaced because its VPC is), the resource cannot follow in place.
// RDS refuses to modify a DB subnet group to subnets of another VPC ("The new Subnets are
// not in the same Vpc as the existing subnet group"; Src:
// https://github.com/hashicorp/terraform-provider-aws/issues/27459, /issues/16419); a DB
// instance moves to another VPC only by taking another DB subnet group (Src:
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html,
// DBSubnetGroupName), which CloudFormation does by replacing the instance (create-only in
// the specification).
struct VpcBound {
  const char* type;
  const char* property;
};
constexpr VpcBound kVpcBound[] = {{"AWS::RDS::DBSubnetGroup", "SubnetIds"}};

bool IsVpcBound(const std::string& type, const std::string& property) {
  for (const auto& v : kVpcBound)
    if (type == v.type && property == v.property) return true;
  return false;
}

}  // namespace

std::string TopProperty(const std::string& path) {
  const std::string prefix = "Properties.";
  if (!StartsWith(path, prefix)) return "";
  std::string rest = path.substr(prefix.size());
  return rest.substr(0, rest.find_first_of(".["));
}

namespace {

// What a reference to a replaced resource does through a property whose own update
// behaviour is `property`: a create-only property passes the upstream replacement on
// (Always or Conditional), a conditional one makes it "may", the others keep theirs
// (Never: an in-place update; Unknown: not in the specification).
Replacement Through(Replacement upstream, Replacement property) {
  if (property == Replacement::kAlways) return upstream;
  return property;
}

bool Replaces(Replacement r) { return r == Replacement::kAlways || r == Replacement::kConditional; }

// The cascade (see diff.h): adds to `modified` (sorted by id afterwards by the caller)
// the property changes that a referenced resource's replacement causes, until nothing
// more changes; resources only reached this way are added as modified.
void Cascade(const Json& old_res, const Json& new_res, std::vector<ResourceChange>* modified) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < modified->size(); ++i) index[(*modified)[i].logical_id] = i;
  // Worst direct (text) change per resource and top-level property.
  std::map<std::string, std::map<std::string, Replacement>> direct;
  for (const auto& rc : *modified)
    for (const auto& c : rc.changes)
      if (std::string p = TopProperty(c.path); !p.empty()) {
        auto [it, fresh] = direct[rc.logical_id].emplace(p, c.replacement);
        if (!fresh) it->second = Worse(it->second, c.replacement);
      }
  std::map<std::string, std::map<std::string, PropertyChange>> cascades;  // id -> property -> change
  std::set<std::string> moves_vpc;  // replaced into another VPC
  auto level = [&](const std::string& id) {
    Replacement r = Replacement::kNever;
    if (auto it = index.find(id); it != index.end()) r = (*modified)[it->second].replacement;
    if (auto it = cascades.find(id); it != cascades.end())
      for (const auto& [p, c] : it->second) r = Worse(r, c.replacement);
    return r;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = new_res.begin(); it != new_res.end(); ++it) {
      const std::string& id = it.key();
      if (!old_res.contains(id)) continue;  // added: created new, nothing to replace
      const std::string type = StringField(it.value(), "Type");
      if (type != StringField(old_res[id], "Type")) continue;  // replaced by its type change already
      bool moves = type == "AWS::EC2::VPC" && Replaces(level(id));
      const Json& props = Section(it.value(), "Properties");
      for (auto p = props.begin(); p != props.end(); ++p) {
        std::vector<std::string> via;
        Replacement upstream = Replacement::kNever;
        bool into_other_vpc = false;
        for (const auto& name : cfn::ReferencedNames(p.value())) {
          if (name == id || !new_res.contains(name) || !old_res.contains(name)) continue;
          Replacement l = level(name);
          if (!Replaces(l)) continue;
          via.push_back(name);
          upstream = Worse(upstream, l);
          if (moves_vpc.count(name)) into_other_vpc = true;
        }
        if (via.empty()) continue;
        Replacement property = cfn::ReplacementOf(type, p.key());
        std::string note;
        if (into_other_vpc && !Replaces(property) && IsVpcBound(type, p.key())) {
          property = Replacement::kAlways;
          note = "moves to another VPC, which " + type + " cannot do in place: the update would fail";
        }
        Replacement result = Through(upstream, property);
        if (into_other_vpc && Replaces(result)) moves = true;
        auto d = direct.find(id);
        if (d != direct.end() && d->second.count(p.key()) && Rank(result) <= Rank(d->second[p.key()]))
          continue;  // its text change already says as much
        PropertyChange& slot = cascades[id][p.key()];
        if (slot.path.empty() || slot.replacement != result) changed = true;
        const Json& old_props = Section(old_res[id], "Properties");
        slot = {"Properties." + p.key(), Member(old_props, p.key()), p.value(), result, note, via};
      }
      if (moves && moves_vpc.insert(id).second) changed = true;
    }
  }
  // In template order, each resource's cascaded changes in property order after its own.
  for (auto it = new_res.begin(); it != new_res.end(); ++it) {
    auto found = cascades.find(it.key());
    if (found == cascades.end()) continue;
    if (!index.count(it.key())) {
      index[it.key()] = modified->size();
      modified->push_back(ModifyChange(it.key(), old_res[it.key()], it.value()));
    }
    ResourceChange& rc = (*modified)[index[it.key()]];
    const Json& props = Section(it.value(), "Properties");
    for (auto p = props.begin(); p != props.end(); ++p)
      if (auto c = found->second.find(p.key()); c != found->second.end()) {
        rc.replacement = Worse(rc.replacement, c->second.replacement);
        rc.changes.push_back(std::move(c->second));
      }
  }
  // The chain behind each cascaded replacement: through its first cascaded change at the
  // resource's own level, to the first resource it references at the level that change
  // needs, back to a resource no reference replaces.
  std::map<std::string, std::vector<std::string>> chains;
  std::function<const std::vector<std::string>&(const std::string&, size_t)> chain =
      [&](const std::string& id, size_t depth) -> const std::vector<std::string>& {
    static const std::vector<std::string> kNone;
    if (auto c = chains.find(id); c != chains.end()) return c->second;
    auto i = index.find(id);
    if (i == index.end() || depth > index.size()) return kNone;  // a cycle only a hand-written file has
    const ResourceChange& rc = (*modified)[i->second];
    std::vector<std::string> out;
    for (const auto& c : rc.changes) {
      if (c.via.empty() || c.replacement != rc.replacement || !Replaces(c.replacement)) continue;
      std::string from = c.via.front();
      for (const auto& v : c.via)
        if (level(v) == Replacement::kAlways || c.replacement != Replacement::kAlways) {
          from = v;
          break;
        }
      out = chain(from, depth + 1);
      out.push_back(from);
      break;
    }
    return chains[id] = out;
  };
  for (auto& rc : *modified) rc.cascade = chain(rc.logical_id, 0);
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

}  // namespace

DataRisk DataRiskOf(const ResourceChange& r) {
  if (!r.stateful) return DataRisk::kNone;
  if (r.kind == ResourceChange::Kind::kRemove) {
    if (Retains(r.deletion_policy)) return DataRisk::kRetained;
    return r.deletion_policy == "Snapshot" ? DataRisk::kDeletedAfterSnapshot : DataRisk::kDeleted;
  }
  if (r.kind == ResourceChange::Kind::kModify && r.replacement == Replacement::kAlways) return DataRisk::kReplaced;
  if (r.kind == ResourceChange::Kind::kModify && r.replacement == Replacement::kConditional)
    return DataRisk::kMayBeReplaced;
  return DataRisk::kNone;
}

bool IsDataAtRisk(DataRisk risk) { return risk != DataRisk::kNone && risk != DataRisk::kRetained; }

bool IsNamedReplacement(const ResourceChange& r) {
  return r.kind == ResourceChange::Kind::kModify && !r.name_property.empty() && r.replacement == Replacement::kAlways;
}

bool IsCascadeDataLoss(const ResourceChange& r) {
  return r.kind == ResourceChange::Kind::kModify && r.stateful && r.replacement == Replacement::kAlways &&
         !r.cascade.empty();
}

std::string EffectiveDeletionPolicy(const std::string& type, const std::string& written) {
  if (!written.empty()) return written;
  // Src: DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html (reference/aws-facts.md 3.2):
  // a DB instance outside a cluster defaults to Snapshot; a cluster too.
  if (type == "AWS::RDS::DBInstance" || type == "AWS::RDS::DBCluster") return "Snapshot";
  return "Delete";
}

bool IsStatefulType(const std::string& type) {
  for (const char* t : kStatefulTypes)
    if (type == t) return true;
  return false;
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
  Cascade(old_res, new_res, &modified);
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
      r.risk = DataRiskOf(r);
      if (IsDataAtRisk(r.risk)) ++d.stateful_at_risk;
      if (IsNamedReplacement(r)) ++d.named_replaced;
      if (!r.cascade.empty()) ++d.cascaded;
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

}  // namespace bp::analysis
