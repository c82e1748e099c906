#include "deploy/state.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

// Whether `dir` may hold records: a real directory, or absent (*exists false). A symlink
// or anything else there is an error that says how to mend it.
bool RealFolder(const fs::path& dir, bool* exists, Diagnostics* diags) {
  struct stat st;
  *exists = false;
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    diags->Error({}, "", dir.string() + ": cannot read: " + std::strerror(errno));
    return false;
  }
  *exists = true;
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    fs::path to = fs::read_symlink(dir, ec);
    diags->Error({}, "", dir.string() + ": is a symbolic link" + (ec ? "" : " (to " + to.string() + ")") +
                             "; blueprint keeps its records (deployed templates, outputs) in folders of its own and "
                             "never writes where a link points: replace the link with a directory (move out what "
                             "you keep, remove the link, mkdir), or choose another place with --state-dir");
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    diags->Error({}, "", dir.string() + ": is not a directory; blueprint keeps its records there: move it away, "
                                        "or choose another place with --state-dir");
    return false;
  }
  return true;
}

// "state/" names the folder itself, not what a link there points to (lstat follows a
// trailing slash).
fs::path WithoutTrailingSlash(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  if (!p.has_filename() && p.has_relative_path()) p = p.parent_path();
  return p;
}

// The state directory and the three folders of a record directory below it, from the
// top: STATE, STATE/<account>, STATE/<account>/<region>, STATE/<account>/<region>/<stack>.
std::vector<fs::path> RecordFolders(const fs::path& record_dir) {
  std::vector<fs::path> out;
  fs::path dir = WithoutTrailingSlash(record_dir.string());
  for (int i = 0; i < 4 && !dir.empty(); ++i, dir = dir.parent_path()) out.insert(out.begin(), dir);
  return out;
}

// Sub-folders of `dir`, sorted (directory order is the file system's, not stable). A
// symlink among them is an error: records are never read or written through a link.
bool SubDirs(const fs::path& dir, std::vector<std::string>* out, Diagnostics* diags) {
  out->clear();
  bool ok = true;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    bool exists = false;
    std::error_code kind;
    if (it->is_symlink(kind)) ok = RealFolder(it->path(), &exists, diags) && ok;
    else if (it->is_directory(kind)) out->push_back(it->path().filename().string());
  }
  std::sort(out->begin(), out->end());
  return ok;
}

}  // namespace

bool ListRecordedStacks(const std::string& state_dir, std::vector<RecordedStack>* out, Diagnostics* diags) {
  out->clear();
  if (!CheckStateDir(state_dir, diags)) return false;
  bool ok = true;
  std::vector<std::string> accounts, regions, stacks;
  ok = SubDirs(state_dir, &accounts, diags) && ok;
  for (const auto& account : accounts) {
    ok = SubDirs(fs::path(state_dir) / account, &regions, diags) && ok;
    for (const auto& region : regions) {
      ok = SubDirs(fs::path(state_dir) / account / region, &stacks, diags) && ok;
      for (const auto& stack : stacks) {
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
    }
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

bool CheckStateDir(const std::string& state_dir, Diagnostics* diags) {
  bool exists = false;
  return RealFolder(WithoutTrailingSlash(state_dir), &exists, diags);
}

bool SaveRecord(const std::string& path, const std::string& contents, Diagnostics* diags) {
  std::vector<fs::path> folders = RecordFolders(fs::path(path).parent_path());
  for (size_t i = 0; i < folders.size(); ++i) {
    bool exists = false;
    if (!RealFolder(folders[i], &exists, diags)) return false;
    if (exists) continue;
    // The folders above the state directory are the user's (links allowed); below it,
    // each folder is made here, one at a time, after checking that none is a link.
    std::error_code ec;
    if (i == 0) fs::create_directories(folders[i], ec);
    else fs::create_directory(folders[i], ec);
    if (ec) {
      diags->Error({}, "", folders[i].string() + ": cannot create: " + ec.message());
      return false;
    }
  }
  return WriteFileAtomic(path, contents, diags, AtLink::kReplace);
}

void ForgetStack(const std::string& state_dir, const StackKey& key) {
  Diagnostics links;
  for (const auto& folder : RecordFolders(StackRecordDir(state_dir, key))) {
    bool exists = false;
    if (!RealFolder(folder, &exists, &links) || !exists) return;
  }
  std::error_code ec;
  fs::remove_all(StackRecordDir(state_dir, key), ec);
}

}  // namespace bp
