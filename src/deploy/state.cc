#include "deploy/state.h"

#include <filesystem>

#include "util/files.h"

namespace bp {

namespace fs = std::filesystem;

std::string DefaultStateDir(const std::string& environments_dir) {
  fs::path env = fs::absolute(environments_dir).lexically_normal();
  if (env.filename().empty()) env = env.parent_path();  // "environments/"
  return (env.parent_path() / ".blueprint").string();
}

std::string StackRecordDir(const std::string& state_dir, const StackKey& key) {
  return (fs::path(state_dir) / (key.account.empty() ? "unknown-account" : key.account) / key.region / key.stack)
      .string();
}

std::string DeployedTemplatePath(const std::string& state_dir, const StackKey& key) {
  return (fs::path(StackRecordDir(state_dir, key)) / "template.json").string();
}

std::string OutputsPath(const std::string& state_dir, const StackKey& key) {
  return (fs::path(StackRecordDir(state_dir, key)) / "outputs.json").string();
}

bool LoadJsonRecord(const std::string& path, cfn::Json* doc, bool* found, Diagnostics* diags) {
  std::error_code ec;
  *found = fs::exists(path, ec);
  if (!*found) return true;
  std::string text;
  if (!ReadFile(path, &text, diags)) return false;
  *doc = cfn::Json::parse(text, nullptr, false);
  if (doc->is_discarded()) {
    diags->Error({}, "", path + ": not valid JSON");
    return false;
  }
  return true;
}

bool SaveRecord(const std::string& path, const std::string& contents, Diagnostics* diags) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) {
    diags->Error({}, "", fs::path(path).parent_path().string() + ": cannot create: " + ec.message());
    return false;
  }
  return WriteFileAtomic(path, contents, diags);
}

void ForgetStack(const std::string& state_dir, const StackKey& key) {
  std::error_code ec;
  fs::remove_all(StackRecordDir(state_dir, key), ec);
}

}  // namespace bp
