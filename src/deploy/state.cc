#include "deploy/state.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>

#include "cfn/json_read.h"
#include "cfn/writer.h"
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

std::string StackMetaPath(const std::string& state_dir, const StackKey& key) {
  return (fs::path(StackRecordDir(state_dir, key)) / "stack.json").string();
}

std::string StackMetaJson(const RecordedStack& meta) {
  cfn::Json doc = cfn::Json::object();
  doc["artifact"] = meta.artifact;
  doc["role"] = meta.role;
  doc["environments"] = meta.environments;
  doc["stackId"] = meta.stack_id;
  doc["recordedAt"] = meta.recorded_at;
  return cfn::WriteJson(doc);
}

namespace {

std::string UtcTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string JsonString(const cfn::Json& doc, const char* key) {
  return doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : "";
}

// Sub-folders of `dir`, sorted (directory order is the file system's, not stable).
std::vector<std::string> SubDirs(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec)) out.push_back(it->path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool ListRecordedStacks(const std::string& state_dir, std::vector<RecordedStack>* out, Diagnostics* diags) {
  out->clear();
  bool ok = true;
  for (const auto& account : SubDirs(state_dir))
    for (const auto& region : SubDirs(fs::path(state_dir) / account))
      for (const auto& stack : SubDirs(fs::path(state_dir) / account / region)) {
        RecordedStack r;
        r.key = {account == "unknown-account" ? "" : account, region, stack};
        std::string tmpl = DeployedTemplatePath(state_dir, r.key);
        struct stat st{};
        if (stat(tmpl.c_str(), &st) != 0) continue;  // no deployment recorded (a pending template only)
        cfn::Json meta;
        bool found = false;
        if (!LoadJsonRecord(StackMetaPath(state_dir, r.key), &meta, &found, diags)) {
          ok = false;
          continue;
        }
        r.has_meta = found && meta.is_object();
        if (r.has_meta) {
          r.artifact = JsonString(meta, "artifact");
          r.role = JsonString(meta, "role");
          if (meta.contains("environments") && meta["environments"].is_array())
            for (const auto& e : meta["environments"])
              if (e.is_string()) r.environments.push_back(e);
          r.stack_id = JsonString(meta, "stackId");
          r.recorded_at = JsonString(meta, "recordedAt");
        }
        if (r.recorded_at.empty()) r.recorded_at = UtcTime(st.st_mtime);
        out->push_back(std::move(r));
      }
  return ok;
}

bool LoadJsonRecord(const std::string& path, cfn::Json* doc, bool* found, Diagnostics* diags) {
  std::error_code ec;
  *found = fs::exists(path, ec);
  if (!*found) return true;
  std::string text;
  if (!ReadFile(path, &text, diags)) return false;
  std::string why;
  if (!cfn::ParseJson(text, doc, &why)) {
    diags->Error({}, "", path + ": " + why);
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
