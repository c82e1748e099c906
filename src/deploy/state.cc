#include "deploy/state.h"

#include <filesystem>

#include "util/files.h"

namespace bp {

namespace fs = std::filesystem;

std::string DeployedTemplatePath(const std::string& state_dir, const std::string& stack) {
  return (fs::path(state_dir) / stack / "template.json").string();
}

std::string OutputsPath(const std::string& state_dir, const std::string& stack) {
  return (fs::path(state_dir) / stack / "outputs.json").string();
}

bool LoadJsonRecord(const std::string& path, cfn::Json* doc, bool* found, std::string* err) {
  std::error_code ec;
  *found = fs::exists(path, ec);
  if (!*found) return true;
  std::string text;
  if (!ReadFile(path, &text, err)) return false;
  *doc = cfn::Json::parse(text, nullptr, false);
  if (doc->is_discarded()) {
    *err = path + ": not valid JSON";
    return false;
  }
  return true;
}

bool SaveRecord(const std::string& path, const std::string& contents, std::string* err) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) {
    *err = fs::path(path).parent_path().string() + ": cannot create: " + ec.message();
    return false;
  }
  return WriteFileAtomic(path, contents, err);
}

void ForgetStack(const std::string& state_dir, const std::string& stack) {
  std::error_code ec;
  fs::remove_all(fs::path(state_dir) / stack, ec);
}

}  // namespace bp
