#include "analysis/check_render.h"

namespace bp::analysis {

const char* CheckSeverityName(CheckSeverity s) { return s == CheckSeverity::kError ? "error" : "warning"; }

size_t CheckErrors(const std::vector<Finding>& findings) {
  size_t n = 0;
  for (const Finding& f : findings) n += f.rule->severity == CheckSeverity::kError;
  return n;
}

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

}  // namespace

std::string CheckText(const std::vector<Finding>& findings, const std::vector<std::string>& environments) {
  std::string out;
  for (const std::string& env : environments) {
    size_t n = 0;
    for (const Finding& f : findings) {
      if (f.env != env) continue;
      if (n++ == 0) out += "Environment " + env + ":\n";
      out += std::string("  ") + CheckSeverityName(f.rule->severity) + " " + f.rule->id + " " + Subject(f) + ": " +
             f.message + "\n";
      out += std::string("    ") + f.rule->title + ": " + f.rule->why + "\n";
      out += "    decided at " + Where(f) + "; see " + f.rule->source + "\n";
    }
    if (n == 0) out += "Environment " + env + ": no findings\n";
  }
  size_t errors = CheckErrors(findings);
  out += std::to_string(errors) + " error(s), " + std::to_string(findings.size() - errors) + " warning(s) in " +
         std::to_string(environments.size()) + " environment(s); " + std::to_string(CheckRules().size()) + " rules\n";
  return out;
}

cfn::Json CheckJson(const std::vector<Finding>& findings, const std::vector<std::string>& environments) {
  using cfn::Json;
  Json list = Json::array();
  for (const Finding& f : findings)
    list.push_back(Object({{"rule", f.rule->id},
                           {"severity", CheckSeverityName(f.rule->severity)},
                           {"title", f.rule->title},
                           {"environment", f.env},
                           {"stack", f.stack.empty() ? Json(nullptr) : Json(f.stack)},
                           {"resource", f.resource.empty() ? Json(nullptr) : Json(f.resource)},
                           {"message", f.message},
                           {"key", f.key.empty() ? Json(nullptr) : Json(f.key)},
                           {"file", f.where.file},
                           {"line", f.where.line > 0 ? Json(f.where.line) : Json(nullptr)},
                           {"column", f.where.col > 0 ? Json(f.where.col) : Json(nullptr)},
                           {"why", f.rule->why},
                           {"source", f.rule->source}}));
  size_t errors = CheckErrors(findings);
  return Object({{"ok", errors == 0},
                 {"environments", environments},
                 {"errors", errors},
                 {"warnings", findings.size() - errors},
                 {"findings", std::move(list)}});
}

}  // namespace bp::analysis
