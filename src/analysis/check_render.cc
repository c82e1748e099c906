#include "analysis/check_render.h"

#include <cctype>

#include "util/strings.h"

namespace bp::analysis {

using cfn::Json;

const char* CheckSeverityName(CheckSeverity s) { return s == CheckSeverity::kError ? "error" : "warning"; }

namespace {

std::string Where(const Finding& f) {
  std::string at = f.where.file;
  if (f.where.line > 0) at += ":" + std::to_string(f.where.line);
  if (!f.key.empty()) at += std::string(" (") + f.key + (f.where.line > 0 ? "" : ", not written: its default") + ")";
  return at;
}

std::string Subject(const Finding& f) {
  if (f.stack.empty()) return "environment " + f.env;
  return f.resource.empty() ? f.stack : f.stack + "/" + f.resource;
}

std::string AcknowledgedAt(const Finding& f) {
  std::string at = f.acknowledged_by + ", " + f.acknowledged_at.file;
  if (f.acknowledged_at.line > 0) at += ":" + std::to_string(f.acknowledged_at.line);
  return at;
}

size_t CountAcknowledged(const std::vector<Finding>& findings) {
  size_t n = 0;
  for (const Finding& f : findings) n += f.Acknowledged();
  return n;
}

}  // namespace

std::string CheckText(const std::vector<Finding>& findings, const std::vector<std::string>& environments) {
  std::string out;
  for (const std::string& env : environments) {
    size_t standing = 0, accepted = 0;
    std::string list, acknowledged;
    for (const Finding& f : findings) {
      if (f.env != env) continue;
      if (f.Acknowledged()) {
        ++accepted;
        acknowledged += std::string("    ") + f.rule->id + " " + Subject(f) + ": " + f.message + "\n";
        acknowledged += "      reason: " + f.reason + " (" + AcknowledgedAt(f) + ")\n";
        continue;
      }
      ++standing;
      list += std::string("  ") + CheckSeverityName(f.Severity()) + " " + f.rule->id + " " + Subject(f) + ": " +
              f.message + "\n";
      if (!f.expired.empty())
        list +=
            "    its acknowledgement expired after " + f.expired + " (" + AcknowledgedAt(f) + "): " + f.reason + "\n";
      list += std::string("    ") + f.rule->title + ": " + f.rule->why + "\n";
      list += "    decided at " + Where(f) + "; see " + f.rule->source + "\n";
    }
    out += "Environment " + env + ":" + (standing ? "\n" + list : " no findings" + std::string(accepted ? "" : "\n"));
    if (accepted)
      out += (standing ? "  " : " (") + std::to_string(accepted) + " acknowledged" + (standing ? ":\n" : "):\n") +
             acknowledged;
  }
  const size_t errors = CheckErrors(findings), accepted = CountAcknowledged(findings);
  out += std::to_string(errors) + " error(s), " + std::to_string(findings.size() - errors - accepted) +
         " warning(s), " + std::to_string(accepted) + " acknowledged in " + std::to_string(environments.size()) +
         " environment(s); " + std::to_string(CheckRules().size()) + " rules\n";
  return out;
}

cfn::Json CheckJson(const std::vector<Finding>& findings, const std::vector<std::string>& environments) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  auto line_or_null = [](int n) { return n > 0 ? Json(n) : Json(nullptr); };
  Json list = Json::array();
  for (const Finding& f : findings) {
    Json ack = nullptr;
    if (!f.acknowledged_by.empty())
      ack = Object({{"by", f.acknowledged_by},
                    {"reason", f.reason},
                    {"file", f.acknowledged_at.file},
                    {"line", line_or_null(f.acknowledged_at.line)},
                    {"expired", text_or_null(f.expired)}});
    list.push_back(Object({{"rule", f.rule->id},
                           {"severity", CheckSeverityName(f.Severity())},
                           {"title", f.rule->title},
                           {"environment", f.env},
                           {"stack", text_or_null(f.stack)},
                           {"resource", text_or_null(f.resource)},
                           {"message", f.message},
                           {"key", text_or_null(f.key)},
                           {"file", f.where.file},
                           {"line", line_or_null(f.where.line)},
                           {"column", line_or_null(f.where.col)},
                           {"why", f.rule->why},
                           {"source", f.rule->source},
                           {"acknowledged", f.Acknowledged()},
                           {"acknowledgement", std::move(ack)}}));
  }
  const size_t errors = CheckErrors(findings), accepted = CountAcknowledged(findings);
  return Object({{"ok", errors == 0},
                 {"environments", environments},
                 {"errors", errors},
                 {"warnings", findings.size() - errors - accepted},
                 {"acknowledged", accepted},
                 {"findings", std::move(list)}});
}

namespace {

// A file name as a URI reference: relative paths stay relative (GitHub resolves them
// against the repository's root), absolute ones become file URIs; bytes outside RFC
// 3986's unreserved set and '/' are percent-encoded.
std::string FileUri(std::string path) {
  while (StartsWith(path, "./")) path.erase(0, 2);
  static const char* const kHex = "0123456789ABCDEF";
  std::string out = path.empty() || path[0] != '/' ? "" : "file://";
  for (unsigned char ch : path) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '/') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// A finding no key decides (a template's) is placed at the file's first line: code
// scanning shows results with a region.
Json PhysicalLocation(const Location& at) {
  Json region = Object({{"startLine", at.line > 0 ? at.line : 1}});
  if (at.line > 0 && at.col > 0) region["startColumn"] = at.col;
  return Object({{"artifactLocation", Object({{"uri", FileUri(at.file)}})}, {"region", std::move(region)}});
}

Json SarifRule(const CheckRule& r) {
  const std::string help = std::string(r.title) + ". Why: " + r.why + ". See " + r.source + ".";
  const bool link = StartsWith(r.source, "https://");
  const std::string markdown = std::string("**") + r.title + "**\n\n" + r.why + ".\n\nSource: " +
                               (link ? "[" + std::string(r.source) + "](" + r.source + ")" : std::string(r.source));
  Json rule = Object({{"id", r.id},
                      {"shortDescription", Object({{"text", r.title}})},
                      {"fullDescription", Object({{"text", r.why}})},
                      {"help", Object({{"text", help}, {"markdown", markdown}})},
                      {"defaultConfiguration", Object({{"level", CheckSeverityName(r.severity)}})},
                      {"properties", Object({{"tags", Json::array({CheckFamilyName(r.family)})}})}});
  // GitHub ranks security results by this score (0-10): high for an error, medium for a
  // warning. Src: docs.github.com code scanning, SARIF support ("security-severity").
  if (r.family == CheckFamily::kSecurity)
    rule["properties"]["security-severity"] = r.severity == CheckSeverity::kError ? "7.5" : "5.0";
  if (link) rule["helpUri"] = r.source;
  return rule;
}

}  // namespace

cfn::Json CheckSarif(const std::vector<Finding>& findings, const std::string& tool_version) {
  const std::vector<CheckRule>& rules = CheckRules();
  Json driver_rules = Json::array();
  for (const CheckRule& r : rules) driver_rules.push_back(SarifRule(r));
  Json results = Json::array();
  for (const Finding& f : findings) {
    Json logical = Json::array();
    if (!f.stack.empty())
      logical.push_back(Object({{"name", f.resource.empty() ? f.stack : f.resource},
                                {"fullyQualifiedName", f.env + "/" + Subject(f)},
                                {"kind", "resource"}}));
    Json location = Object({{"physicalLocation", PhysicalLocation(f.where)}});
    if (!logical.empty()) location["logicalLocations"] = std::move(logical);
    std::string message = "[" + f.env + "] " + Subject(f) + ": " + f.message;
    if (!f.expired.empty()) message += " (its acknowledgement expired after " + f.expired + ": " + f.reason + ")";
    if (!f.key.empty()) message += ". Decided by " + f.key + ".";
    Json result = Object({{"ruleId", f.rule->id},
                          {"ruleIndex", f.rule - rules.data()},
                          {"level", CheckSeverityName(f.Severity())},
                          {"message", Object({{"text", message}})},
                          {"locations", Json::array({std::move(location)})},
                          // Stable across runs and line moves: what the finding is about, not where.
                          {"partialFingerprints",
                           Object({{"blueprintFinding/v1", StableHashHex(std::string(f.rule->id) + "|" + f.env + "|" +
                                                                             f.stack + "|" + f.resource + "|" + f.key,
                                                                         16)}})},
                          {"properties", Object({{"environment", f.env}})}});
    if (f.Acknowledged())
      result["suppressions"] =
          Json::array({Object({{"kind", "inSource"},
                               {"status", "accepted"},
                               {"justification", f.reason},
                               {"location", Object({{"physicalLocation", PhysicalLocation(f.acknowledged_at)}})}})});
    results.push_back(std::move(result));
  }
  Json driver =
      Object({{"name", "apprunner-blueprint"}, {"semanticVersion", tool_version}, {"rules", std::move(driver_rules)}});
  return Object({{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                 {"version", "2.1.0"},
                 {"runs", Json::array({Object({{"tool", Object({{"driver", std::move(driver)}})},
                                               {"columnKind", "unicodeCodePoints"},
                                               {"results", std::move(results)}})})}});
}

}  // namespace bp::analysis
