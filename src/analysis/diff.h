// Template diff: what deploying `after` over `before` would do, computed offline
// from the two template documents. It exists so `preview` can answer "what changes,
// what gets replaced, what data is at risk" without an AWS account; the change set
// (`preview --remote`) is the authoritative answer, this is the fast one.
// Replacement comes from the resource specification (cfn::ReplacementOf); a type
// change always replaces.
//
// Replacements cascade. A replaced resource gets a new physical ID, and CloudFormation
// points every resource that references it at the new one (Src:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html),
// so a property that references it (Ref, Fn::GetAtt, Fn::Sub, at any depth) changes
// value although its text does not. DiffTemplates follows that to a fixed point: through
// a create-only property the dependent is replaced too ("may" when either step is only
// conditional), through a property updatable in place it is modified. A VPC replacement
// also replaces what RDS cannot move to another VPC in place (see kVpcBound in diff.cc).
#pragma once
#include <string>
#include <vector>

#include "cfn/intrinsics.h"
#include "cfn/spec.h"
#include "modules/compute.h"

namespace bp::analysis {

// One leaf-level difference inside a resource ("Tags[1].Value").
struct PropertyChange {
  std::string path;        // "Properties.CidrBlock", "Properties.Tags[1].Value", "DeletionPolicy", "Type"
  cfn::Json before;        // null when added
  cfn::Json after;         // null when removed
  cfn::Replacement replacement = cfn::Replacement::kNever;  // of the top-level property
  std::string note;        // e.g. a static database parameter that waits for a reboot
  // A change of value, not of text: the resources this property references that are
  // replaced (or may be), sorted. Empty for a change of the text itself.
  std::vector<std::string> via;
};

// What a change does to the data a resource holds; the one source of "data at risk" for
// the text, the JSON, the summary counts and the change-set view (diff_render.h words it).
enum class DataRisk {
  kNone,                  // holds no data, or keeps it (added, updated in place)
  kRetained,              // leaves the stack but is kept (DeletionPolicy Retain, RetainExceptOnCreate)
  kDeleted,               // deleted with its data
  kDeletedAfterSnapshot,  // deleted; a final snapshot is taken (DeletionPolicy Snapshot)
  kReplaced,              // replaced: a new, empty one is created and the old one deleted
  kMayBeReplaced,         // may be replaced (Conditional): the change set tells
};

struct ResourceChange {
  enum class Kind { kAdd, kRemove, kModify };
  Kind kind = Kind::kModify;
  std::string logical_id;
  std::string type;         // the new type (the old one when removed)
  std::vector<PropertyChange> changes;  // kModify only
  cfn::Replacement replacement = cfn::Replacement::kNever;  // worst over `changes`
  bool stateful = false;    // holds data that a replacement or removal loses
  std::string deletion_policy;  // effective policy of the old resource: Retain keeps it on removal
  // The custom-name property ("ServiceName") the new template sets and this change leaves
  // as it is, or "": a new name lets CloudFormation replace the resource.
  std::string name_property;
  // Replaced (or maybe) because a resource it references is: the chain of references
  // from the resource replaced by its own change to the one this resource references
  // ({"Vpc", "PrivateSubnet1", "DbSubnetGroup"} for the database when network.cidr
  // changes). Empty when no reference replaces it.
  std::vector<std::string> cascade;
  // DataRiskOf(*this), set by DiffTemplates (and AsResourceChange for a change-set row).
  DataRisk risk = DataRisk::kNone;
};

// Additions, removals and changes of Parameters or Outputs (no property detail).
struct SectionChange {
  std::string section;  // "Parameters" | "Outputs"
  std::string name;
  ResourceChange::Kind kind = ResourceChange::Kind::kModify;
};

struct TemplateDiff {
  std::vector<ResourceChange> resources;  // added, then modified, then removed; by id
  std::vector<SectionChange> sections;
  size_t added = 0, modified = 0, removed = 0, replaced = 0, may_replace = 0;
  size_t stateful_at_risk = 0;     // stateful resources replaced (or maybe), or removed without Retain
  size_t replacement_unknown = 0;  // modified resources whose replacement the spec does not know
  size_t named_replaced = 0;       // replaced (not "may replace") while the template fixes their name
  size_t cascaded = 0;             // replaced (or maybe) through a reference: ResourceChange::cascade
  // The service moves to another compute platform (one service type removed, another
  // added): what its users lose and gain (modules/compute.h).
  bool compute_moved = false;
  PlatformChange compute_move;
  bool empty() const { return resources.empty() && sections.empty(); }
};

// `before` may be null (nothing deployed yet): everything is added.
TemplateDiff DiffTemplates(const cfn::Json& before, const cfn::Json& after);

// Whether losing or replacing a resource of this type loses data (a database, a
// registry full of images, logs, a secret, backups).
bool IsStatefulType(const std::string& resource_type);

// The DeletionPolicy CloudFormation applies: the written one, else the type's default
// (Snapshot for RDS instances and clusters, Delete for everything else).
std::string EffectiveDeletionPolicy(const std::string& resource_type, const std::string& written);

// The risk to a change's data, from its kind, `stateful`, `deletion_policy` and
// `replacement`.
DataRisk DataRiskOf(const ResourceChange& change);

// Deleted or replaced (or maybe): what the "!! DATA AT RISK" lines and
// TemplateDiff::stateful_at_risk count. kRetained is not.
bool IsDataAtRisk(DataRisk risk);

// Whether `up` refuses the change (without --allow-replace-named): a certain
// replacement (True/kAlways) of a custom-named resource.
bool IsNamedReplacement(const ResourceChange& change);

// Whether `up` refuses the change on a deployed stack: a stateful resource that would
// certainly be replaced (kAlways) because a resource it references is (a cascade). The
// user changed something else and would lose the data without having touched it. No flag
// overrides this: the data would be gone, and a VPC move cannot even complete.
bool IsCascadeDataLoss(const ResourceChange& change);

// The top-level property of a change path ("Properties.Tags[Key=Name].Value" -> "Tags"),
// or "" for a change outside Properties.
std::string TopProperty(const std::string& path);

}  // namespace bp::analysis
