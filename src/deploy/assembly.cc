#include "deploy/assembly.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "util/files.h"

namespace bp {

// The manifest schema version this writer follows; the CDK CLI reads older versions.
constexpr const char* kManifestVersion = "36.0.0";

std::string TemplateFileName(const std::string& stack_name, cfn::Format format) {
  return stack_name + (format == cfn::Format::kJson ? ".template.json" : ".template.yaml");
}

std::string ManifestEnvironment(const Stack& s) {
  return "aws://" + (s.account.empty() ? std::string("unknown-account") : s.account) + "/" + s.region;
}

cfn::Json StackInputsMetadata(const Stack& s) {
  cfn::Json entries = cfn::Json::array();
  for (const auto& in : s.inputs) {
    // Which key the data has says the source; values never appear (a secret's is the
    // config key that holds it encrypted). docs/architecture.md shows each form.
    if (in.source == InputSource::kSsmParameter) {
      cfn::Json data = {{"parameter", in.parameter}, {"ssmParameter", in.ssm_parameter}, {"region", s.region}};
      entries.push_back({{"type", kStackInputMetadataType}, {"data", std::move(data)}});
      continue;
    }
    if (in.source == InputSource::kConfigSecret) {
      cfn::Json data = {{"parameter", in.parameter}, {"configSecret", in.config_key}};
      entries.push_back({{"type", kStackInputMetadataType}, {"data", std::move(data)}});
      continue;
    }
    if (in.source == InputSource::kImage) {
      cfn::Json data = {{"parameter", in.parameter}, {"containerImage", true}};
      entries.push_back({{"type", kStackInputMetadataType}, {"data", std::move(data)}});
      continue;
    }
    cfn::Json data = {{"parameter", in.parameter},       {"producer", in.producer},
                      {"producerStackName", in.producer_stack}, {"output", in.output},
                      {"producerRegion", in.producer_region}};
    if (!in.producer_account.empty()) data["producerAccount"] = in.producer_account;
    entries.push_back({{"type", kStackInputMetadataType}, {"data", std::move(data)}});
  }
  return entries;
}

std::vector<AssemblyFile> BuildAssembly(const App& app, cfn::Format format) {
  std::vector<AssemblyFile> files;
  cfn::Json artifacts = cfn::Json::object();
  for (const auto& s : app.stacks) {
    std::string file = TemplateFileName(s.id, format);
    files.push_back({file, cfn::WriteTemplate(s.tmpl, format)});
    cfn::Json a = cfn::Json::object();
    a["type"] = "aws:cloudformation:stack";
    a["environment"] = ManifestEnvironment(s);
    a["properties"] = Object({{"templateFile", file}, {"stackName", s.name}});
    if (!s.dependencies.empty()) a["dependencies"] = s.dependencies;
    // Metadata entries are free-form for the CDK toolkit (it acts on aws:cdk:* types
    // only); other deployers read which parameters another stack's output fills here.
    cfn::Json metadata = cfn::Json::array();
    metadata.push_back({{"type", kStackRoleMetadataType}, {"data", RoleName(s.role)}});
    for (auto& e : StackInputsMetadata(s)) metadata.push_back(std::move(e));
    a["metadata"] = Object({{"/" + s.id, std::move(metadata)}});
    a["displayName"] = s.id;
    artifacts[s.id] = std::move(a);
  }
  cfn::Json manifest = cfn::Json::object();
  manifest["version"] = kManifestVersion;
  manifest["artifacts"] = std::move(artifacts);
  files.push_back({"manifest.json", cfn::WriteJson(manifest)});
  return files;
}

namespace {

// Written into every assembly; synth replaces only a directory that holds it (or an
// empty one), so `--out` can never wipe a directory of the user's.
constexpr const char* kAssemblyMarker = ".blueprint-assembly";

// `out_dir` as an absolute path without a trailing slash ("out/" -> "/cwd/out").
std::filesystem::path AbsoluteOut(const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::path out = std::filesystem::absolute(out_dir, ec).lexically_normal();
  if (!out.has_filename() && out.has_relative_path()) out = out.parent_path();
  return out;
}

}  // namespace

bool CheckAssemblyOut(const std::string& out_dir, Diagnostics* diags) {
  namespace fs = std::filesystem;
  if (out_dir.empty()) {
    diags->Error({}, "--out", "empty; name the directory to write the assembly to (default cdk.out)");
    return false;
  }
  std::string last = fs::path(out_dir).lexically_normal().filename().string();
  fs::path out = AbsoluteOut(out_dir);
  if (last == "." || last == ".." || !out.has_relative_path()) {
    diags->Error({}, "--out", out_dir + ": names no folder of its own; synth replaces --out as a whole, so name "
                                        "a folder for the assembly alone (e.g. " +
                                        (out_dir == "/" ? std::string("/tmp/cdk.out") : out_dir + "/cdk.out") + ")");
    return false;
  }
  std::error_code ec;
  fs::file_status st = fs::symlink_status(out, ec);
  if (ec || !fs::exists(st)) return true;  // nothing there yet
  if (fs::is_symlink(st)) {
    fs::path to = fs::read_symlink(out, ec);
    diags->Error({}, "--out", out.string() + ": is a symbolic link" + (ec ? "" : " (to " + to.string() + ")") +
                                  "; synth replaces --out as a whole and would put a directory in the link's "
                                  "place; nothing was touched. Pass the folder it points to, or another --out");
    return false;
  }
  if (!fs::is_directory(st)) {
    diags->Error({}, "--out", out.string() + " exists and is not a directory; nothing was written (choose another --out)");
    return false;
  }
  fs::file_status marker = fs::symlink_status(out / kAssemblyMarker, ec);
  if (fs::is_regular_file(marker)) return true;
  if (fs::exists(marker)) {
    diags->Error({}, "--out", (out / kAssemblyMarker).string() +
                                  " is not the marker file synth writes (it is a link or a folder), so " + out.string() +
                                  " is not known to be an assembly; nothing was touched. Choose a new or empty "
                                  "directory for --out, or move that one away yourself");
    return false;
  }
  if (fs::is_empty(out, ec) && !ec) return true;
  diags->Error({}, "--out", out.string() + " exists and is not an assembly written by blueprint synth (it has no " +
                                kAssemblyMarker + " file); nothing was touched. Choose a new or empty directory for "
                                "--out, or move that one away yourself");
  return false;
}

bool WriteAssembly(const std::vector<AssemblyFile>& files, const std::string& out_dir, Diagnostics* diags) {
  namespace fs = std::filesystem;
  if (!CheckAssemblyOut(out_dir, diags)) return false;
  fs::path out = AbsoluteOut(out_dir);
  fs::path parent = out.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  SignalsHeld held;  // an interrupt acts once the temporary folder is renamed or removed
  std::string tmpl = (parent / (out.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (!mkdtemp(name.data())) {
    diags->Error({}, "", tmpl + ": cannot create: " + std::strerror(errno));
    return false;
  }
  fs::path tmp = name.data();
  mode_t mask = umask(0);  // mkdtemp makes it 0700; the assembly gets the usual mode
  umask(mask);
  fs::permissions(tmp, static_cast<fs::perms>(0777 & ~mask), ec);
  std::vector<AssemblyFile> all = files;
  all.push_back({kAssemblyMarker, "Written by blueprint synth. The next synth with this --out replaces this directory as a whole.\n"});
  for (const auto& f : all) {
    if (!WriteFileAtomic((tmp / f.name).string(), f.contents, diags)) {
      fs::remove_all(tmp, ec);
      return false;
    }
  }
  // Swap: move the old directory aside, move the new one in, drop the old one.
  fs::path old = parent / (out.filename().string() + ".old-" + std::to_string(getpid()));
  bool had_old = fs::exists(out, ec);
  if (had_old) {
    fs::rename(out, old, ec);
    if (ec) {
      diags->Error({}, "", out.string() + ": cannot replace: " + ec.message());
      fs::remove_all(tmp, ec);
      return false;
    }
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    diags->Error({}, "", out.string() + ": cannot move the new assembly into place: " + ec.message());
    if (had_old) fs::rename(old, out, ec);
    fs::remove_all(tmp, ec);
    return false;
  }
  if (had_old) fs::remove_all(old, ec);
  return true;
}

}  // namespace bp
