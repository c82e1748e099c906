// File helpers that keep the "nothing half-written" rule: output goes to a
// temporary sibling and is renamed into place only when complete.
#pragma once
#include <string>

namespace bp {

bool ReadFile(const std::string& path, std::string* contents, std::string* err);
// Writes to "<path>.tmp-<pid>" then renames over `path`.
bool WriteFileAtomic(const std::string& path, const std::string& contents, std::string* err);

}  // namespace bp
