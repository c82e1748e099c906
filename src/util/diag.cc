#include "util/diag.h"

#include "util/strings.h"

namespace bp {

std::string Diagnostic::Format() const {
  std::string out;
  if (!where.file.empty()) {
    out += where.file;
    if (where.line > 0) {
      out += ":" + std::to_string(where.line);
      if (where.col > 0) out += ":" + std::to_string(where.col);
    }
    out += ": ";
  }
  out += severity == Severity::kError ? "error: " : "warning: ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return EscapeControls(out);  // messages quote AWS's answers: for a person, never a terminal's commands
}

void Diagnostics::Error(const Location& where, std::string path, std::string message) {
  items.push_back({Diagnostic::Severity::kError, where, std::move(path), CutLongQuotes(std::move(message))});
}

void Diagnostics::Warn(const Location& where, std::string path, std::string message) {
  items.push_back({Diagnostic::Severity::kWarning, where, std::move(path), CutLongQuotes(std::move(message))});
}

void Diagnostics::Append(const Diagnostics& other, const std::string& path) {
  for (Diagnostic d : other.items) {
    if (d.path.empty()) d.path = path;
    items.push_back(std::move(d));
  }
}

std::string Diagnostics::FirstError() const {
  for (const auto& d : items)
    if (d.severity == Diagnostic::Severity::kError) return d.message;
  return "";
}

bool Diagnostics::HasErrors() const { return ErrorCount() > 0; }

size_t Diagnostics::ErrorCount() const {
  size_t n = 0;
  for (const auto& d : items) n += d.severity == Diagnostic::Severity::kError;
  return n;
}

std::string Diagnostics::FormatAll() const {
  std::string out;
  for (const auto& d : items) out += d.Format() + "\n";
  return out;
}

}  // namespace bp
