// Diagnostics: the one error style of the project.
//
// 1. Anything a user can cause (a config value, a file or directory, an argument, a
//    passphrase, an answer from AWS) is reported as data: the function appends a
//    Diagnostic to the caller's Diagnostics and returns false (or an empty result).
//    A diagnostic carries where (file:line:col and a key path) and what is wrong and
//    what to do. The command line prints them and exits 2; nothing throws across
//    layers, nothing prints below the command line.
//    A function that knows what failed but not where in the config (a file it could
//    not read: ReadFile, WriteFileAtomic) files its message with an empty location and
//    path; a caller that knows more adds it (Diagnostics::Append with a path).
// 2. Value checks that know no location (CheckValue, ParseCidr) return their message
//    as a string, "" when fine; the caller files it with the location.
// 3. std::abort() only for programming errors: an invariant no input can break (a
//    module adding the same logical ID twice, libcrypto failing on valid sizes).
//    A user must never reach one; the mutation test (tests/mutation_test.cc) checks.
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

  // "file:line:col: error: path: message", controls escaped (EscapeControls)
  std::string Format() const;
};

struct Diagnostics {
  std::vector<Diagnostic> items;

  void Error(const Location& where, std::string path, std::string message);
  void Warn(const Location& where, std::string path, std::string message);
  // Appends every diagnostic of `other`; those without a path get `path` (what the
  // caller was doing: the stack, the option).
  void Append(const Diagnostics& other, const std::string& path = "");
  bool HasErrors() const;
  size_t ErrorCount() const;
  // The message of the first error, "" when there is none: for a caller that words
  // its own error around it.
  std::string FirstError() const;
  // Every diagnostic, one per line, errors and warnings in the order found.
  std::string FormatAll() const;
};

}  // namespace bp
