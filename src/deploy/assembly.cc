#include "deploy/assembly.h"

#include <unistd.h>

#include <filesystem>

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
    if (!in.ssm_parameter.empty()) {
      cfn::Json data = {{"parameter", in.parameter}, {"ssmParameter", in.ssm_parameter}, {"region", s.region}};
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
    files.push_back({file, cfn::Write(s.tmpl.ToJson(), format)});
    cfn::Json a = cfn::Json::object();
    a["type"] = "aws:cloudformation:stack";
    a["environment"] = ManifestEnvironment(s);
    a["properties"] = cfn::Json{{"templateFile", file}, {"stackName", s.name}};
    if (!s.dependencies.empty()) a["dependencies"] = s.dependencies;
    // Metadata entries are free-form for the CDK toolkit (it acts on aws:cdk:* types
    // only); other deployers read which parameters another stack's output fills here.
    cfn::Json metadata = cfn::Json::array();
    metadata.push_back({{"type", kStackRoleMetadataType}, {"data", RoleName(s.role)}});
    for (auto& e : StackInputsMetadata(s)) metadata.push_back(std::move(e));
    a["metadata"] = cfn::Json{{"/" + s.id, std::move(metadata)}};
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

bool IsReplaceable(const std::filesystem::path& out, Diagnostics* diags) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::symlink_status(out, ec);
  if (ec || !fs::exists(st)) return true;  // nothing there yet
  if (!fs::is_directory(fs::status(out, ec))) {
    diags->Error({}, "", out.string() + " exists and is not a directory; nothing was written (choose another --out)");
    return false;
  }
  if (fs::is_regular_file(out / kAssemblyMarker, ec)) return true;
  if (fs::is_empty(out, ec) && !ec) return true;
  diags->Error({}, "", out.string() + " exists and is not an assembly written by blueprint synth (it has no " + kAssemblyMarker +
         " file); nothing was touched. Choose a new or empty directory for --out, or move that one away yourself");
  return false;
}

}  // namespace

bool WriteAssembly(const std::vector<AssemblyFile>& files, const std::string& out_dir, Diagnostics* diags) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path out = fs::absolute(out_dir, ec).lexically_normal();
  if (!out.has_filename()) out = out.parent_path();  // "out/" -> "out"
  if (!IsReplaceable(out, diags)) return false;
  fs::path parent = out.parent_path();
  fs::create_directories(parent, ec);
  fs::path tmp = parent / (out.filename().string() + ".tmp-" + std::to_string(getpid()));
  fs::remove_all(tmp, ec);
  if (!fs::create_directory(tmp, ec)) {
    diags->Error({}, "", tmp.string() + ": cannot create: " + ec.message());
    return false;
  }
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
