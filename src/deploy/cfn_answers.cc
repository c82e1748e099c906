#include "deploy/cfn_answers.h"

#include <algorithm>
#include <iterator>

#include "analysis/diff.h"
#include "cfn/custom_names.h"
#include "cfn/json_read.h"
#include "util/strings.h"

namespace bp::cfn_answers {

using cfn::Json;

std::string Str(const Json& obj, const char* key) {
  if (obj.is_object() && obj.contains(key) && obj[key].is_string()) return obj[key];
  return "";
}

Json TemplateBodyOf(const AwsResult& r) {
  Json tmpl = r.ok && r.body.is_object() && r.body.contains("TemplateBody") ? r.body["TemplateBody"] : Json();
  if (tmpl.is_string()) {
    Json parsed;
    std::string unparsed;
    cfn::ParseJson(tmpl.get<std::string>(), &parsed, &unparsed);
    tmpl = std::move(parsed);
  }
  return tmpl.is_object() ? tmpl : Json();
}

bool IsNoChangeReason(const std::string& reason) {
  // The two phrasings CloudFormation uses for an empty change set.
  return reason.find("didn't contain changes") != std::string::npos ||
         reason.find("No updates are to be performed") != std::string::npos;
}

std::vector<ChangeRow> ParseChanges(const Json& changes) {
  std::vector<ChangeRow> rows;
  if (!changes.is_array()) return rows;
  for (const auto& c : changes) {
    const Json& rc = c.is_object() && c.contains("ResourceChange") ? c["ResourceChange"] : Json::object();
    ChangeRow row;
    row.action = Str(rc, "Action");
    row.logical_id = Str(rc, "LogicalResourceId");
    row.type = Str(rc, "ResourceType");
    if (row.action == "Modify") row.replacement = Str(rc, "Replacement");
    if (row.action == "Modify" && rc.contains("Details") && rc["Details"].is_array())
      for (const auto& d : rc["Details"]) {
        const Json& t = d.is_object() && d.contains("Target") ? d["Target"] : Json::object();
        std::string name = Str(t, "Name");
        if (name.empty()) name = Str(t, "Attribute");
        std::string rr = Str(t, "RequiresRecreation");
        if (rr == "Always" || rr == "Conditionally") name += rr == "Always" ? " (replace)" : " (may replace)";
        if (!name.empty() && std::find(row.causes.begin(), row.causes.end(), name) == row.causes.end())
          row.causes.push_back(name);
      }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string NamePropertyOf(const ChangeRow& row, const cfn::Template& t) {
  if (row.action != "Modify") return "";
  const cfn::Resource* r = t.resources().Find(row.logical_id);
  if (r == nullptr) return "";
  std::string prop(cfn::SetCustomNameProperty(r->type, r->properties));
  for (const auto& cause : row.causes)
    if (cause == prop || StartsWith(cause, prop + " (")) return "";
  return prop;
}

}  // namespace bp::cfn_answers

namespace bp {

analysis::ResourceChange AsResourceChange(const ChangeRow& row) {
  analysis::ResourceChange rc;
  rc.logical_id = row.logical_id;
  rc.type = row.type;
  rc.kind = row.action == "Add"      ? analysis::ResourceChange::Kind::kAdd
            : row.action == "Remove" ? analysis::ResourceChange::Kind::kRemove
                                     : analysis::ResourceChange::Kind::kModify;
  rc.replacement = row.replacement == "True"          ? cfn::Replacement::kAlways
                   : row.replacement == "Conditional" ? cfn::Replacement::kConditional
                                                      : cfn::Replacement::kNever;
  rc.stateful = analysis::IsStatefulType(row.type);
  // The change set does not carry the deployed DeletionPolicy: the type's default.
  rc.deletion_policy = analysis::EffectiveDeletionPolicy(row.type, "");
  rc.name_property = row.name_property;
  rc.risk = analysis::DataRiskOf(rc);
  return rc;
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

}  // namespace bp
