// Diagnostics: the one error style of the project. Functions that can fail on user
// input append to a Diagnostics and return; nothing throws across layers. A
// diagnostic carries where (file:line:col and a key path) and what to do.
#pragma once
#include <string>
#include <vector>

namespace bp {

struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 = unknown
  int col = 0;   // 1-based; 0 = unknown

  bool operator==(const Location&) const = default;
};

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  Location where;
  std::string path;     // key path ("network.cidr") or resource path ("Stack/Vpc/CidrBlock")
  std::string message;  // what is wrong and what is allowed

  // "file:line:col: error: path: message"
  std::string Format() const;
};

struct Diagnostics {
  std::vector<Diagnostic> items;

  void Error(const Location& where, std::string path, std::string message);
  void Warn(const Location& where, std::string path, std::string message);
  bool HasErrors() const;
  size_t ErrorCount() const;
  // Every diagnostic, one per line, errors and warnings in the order found.
  std::string FormatAll() const;
};

}  // namespace bp
