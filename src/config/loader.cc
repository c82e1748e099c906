#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "util/json.h"

#include "config/checks.h"
#include "config/schema.h"
#include "naming/arn.h"
#include "naming/aws_tables.h"
#include "naming/cidr.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp {

using Json = bp::Json;

const char* ProfileName(Profile p) {
  for (const auto& row : Profiles())
    if (row.profile == p) return row.name;
  return "";
}

Location StackConfig::LocationOf(const std::string& key) const {
  auto it = locations.find(key);
  if (it != locations.end()) return it->second;
  // A map entry without its own line ("app.env.X") is reported at its field.
  for (size_t dot = key.rfind('.'); dot != std::string::npos; dot = key.rfind('.', dot - 1)) {
    it = locations.find(key.substr(0, dot));
    if (it != locations.end()) return it->second;
    if (dot == 0) break;
  }
  // Keys without a value anywhere (optional, no default) are reported at `profile:`.
  it = locations.find("profile");
  return it == locations.end() ? Location{file, 1, 1} : it->second;
}

std::string CheckEnvironmentName(const std::string& env) {
  bool ok = !env.empty() && env.size() <= 20 && std::islower(static_cast<unsigned char>(env[0]));
  for (char c : env) ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-');
  ok = ok && env.back() != '-' && env.find("--") == std::string::npos;
  if (!ok)
    return "environment directory '" + env +
           "' must be 1 to 20 lowercase letters, digits or single hyphens, starting with a letter "
           "(it becomes part of every resource name)";
  return "";
}

namespace {

// The errors one file reports while parsing; the rest are counted in one last line.
constexpr size_t kMaxParseErrors = 50;

struct Value {
  Json value;
  Location where;
  bool from_profile = false;
};

class Parser {
 public:
  Parser(const std::string& file, Diagnostics* diags) : file_(file), diags_(diags) {}

  Location At(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }

  // At most kMaxParseErrors errors are kept; the rest are counted (a file of 19,500
  // unknown keys printed 8.6 MiB of errors, each listing the allowed keys).
  void Error(const Location& where, const std::string& key, const std::string& msg) {
    if (Full()) {
      ++suppressed_;
      return;
    }
    ++errors_;
    diags_->Error(where, key, msg);
  }
  bool Full() const { return errors_ >= kMaxParseErrors; }
  size_t suppressed() const { return suppressed_; }

  // Walks a mapping at `prefix`, checking keys against the schema.
  void WalkMap(const YAML::Node& map, const std::string& prefix) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      // Copies: a Node is a handle, and `it->first` lives in a temporary the iterator
      // returns (a reference to it dangles after this statement).
      const YAML::Node k = it->first;
      const YAML::Node v = it->second;
      if (!k.IsScalar()) {
        Error(At(k), prefix, "keys must be plain names");
        continue;
      }
      std::string name = k.Scalar();
      std::string full = prefix.empty() ? name : prefix + "." + name;
      if (!seen.insert(name).second) {
        Error(At(k), full, "key appears twice in the same mapping; keep one");
        continue;
      }
      if (IsSection(full) && !FindField(full)) {
        if (v.IsNull()) continue;  // "network:" with nothing under it
        if (!v.IsMap()) {
          Error(At(v), full, "expected a mapping of keys (" + Join(KeysUnder(full), ", ") + ")");
          for (const auto& f : ConfigSchema())
            if (StartsWith(f.key, full + ".")) bad_.insert(f.key);
          continue;
        }
        sections_[full] = At(k);
        WalkMap(v, full);
        continue;
      }
      const FieldSpec* spec = FindField(full);
      if (!spec) {
        UnknownKey(At(k), prefix, name, full);
        continue;
      }
      ParseField(*spec, v, At(k));
    }
  }

  void UnknownKey(const Location& where, const std::string& prefix, const std::string& name,
                  const std::string& full) {
    if (Full()) {  // not shown: no hint to compute
      ++suppressed_;
      return;
    }
    std::vector<std::string> siblings = KeysUnder(prefix);
    // A key much longer than any of the schema's is no typo, and the edit distance costs
    // its length times each candidate's.
    const bool may_be_typo = name.size() <= LongestSchemaKey() + kTypoMargin;
    std::string hint = may_be_typo ? DidYouMean(name, siblings) : "";
    if (hint.empty() && may_be_typo) {
      // The key may belong to another section ("cidr" at the top level).
      std::vector<std::string> all;
      for (const auto& f : ConfigSchema()) {
        std::string last = f.key.substr(f.key.rfind('.') + 1);
        if (EditDistance(ToLower(last), ToLower(name)) <= std::max<int>(1, name.size() / 4))
          all.push_back(f.key);
      }
      if (!all.empty()) hint = " (did you mean '" + all.front() + "'?)";
    }
    Error(where, full,
          "unknown key" + hint + "; keys allowed " +
              (prefix.empty() ? std::string("at the top level") : "under " + prefix) + ": " +
              Join(siblings, ", "));
  }

  bool ScalarText(const YAML::Node& v, const FieldSpec& spec, const Location& where,
                  const std::string& expected, std::string* out) {
    if (!v.IsScalar()) {
      Error(At(v).line ? At(v) : where, spec.key,
            "expected " + expected + ", got " + (v.IsSequence() ? "a list" : v.IsMap() ? "a mapping" : "nothing"));
      return false;
    }
    *out = v.Scalar();
    return true;
  }

  void ParseField(const FieldSpec& spec, const YAML::Node& v, const Location& key_at) {
    Location where = At(v).line ? At(v) : key_at;
    Json value;
    if (!ParseValue(spec, v, where, &value)) {
      bad_.insert(spec.key);
      return;
    }
    values_[spec.key] = Value{std::move(value), key_at, false};
  }

  bool ParseValue(const FieldSpec& spec, const YAML::Node& v, const Location& where, Json* out) {
    std::string text;
    switch (spec.type) {
      case FieldType::kString:
        if (!ScalarText(v, spec, where, "a string", &text)) return false;
        return CheckText(spec, text, where, out);
      case FieldType::kInt: {
        if (!ScalarText(v, spec, where, "an integer", &text)) return false;
        if (!IsInteger(text)) {
          Error(where, spec.key, "expected an integer" + Bounds(spec) + ", got '" + text + "'");
          return false;
        }
        long long n = std::stoll(text);
        if (spec.min < spec.max && (n < spec.min || n > spec.max)) {
          Error(where, spec.key, std::to_string(n) + " is out of range; allowed" + Bounds(spec) + " (" + spec.doc + ")");
          return false;
        }
        *out = n;
        return true;
      }
      case FieldType::kNumber: {
        if (!ScalarText(v, spec, where, "a number", &text)) return false;
        char* end = nullptr;
        double d = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !std::isfinite(d)) {
          Error(where, spec.key, "expected a number" + Bounds(spec) + ", got '" + text + "'");
          return false;
        }
        if (spec.min < spec.max && (d < spec.min || d > spec.max)) {
          Error(where, spec.key, text + " is out of range; allowed" + Bounds(spec));
          return false;
        }
        *out = d;
        return true;
      }
      case FieldType::kBool:
        if (!ScalarText(v, spec, where, "true or false", &text)) return false;
        if (text == "true" || text == "True" || text == "TRUE") { *out = true; return true; }
        if (text == "false" || text == "False" || text == "FALSE") { *out = false; return true; }
        Error(where, spec.key, "expected true or false, got '" + text + "'");
        return false;
      case FieldType::kEnum:
        if (!ScalarText(v, spec, where, "one of " + JoinOr(spec.allowed), &text)) return false;
        if (std::find(spec.allowed.begin(), spec.allowed.end(), text) == spec.allowed.end()) {
          Error(where, spec.key,
                "'" + text + "' is not allowed" + DidYouMean(text, spec.allowed) + "; use " + JoinOr(spec.allowed));
          return false;
        }
        *out = text;
        return true;
      case FieldType::kStringList: {
        if (v.IsNull()) { *out = Json::array(); return true; }
        if (!v.IsSequence()) {
          Error(where, spec.key, "expected a list, e.g. [a, b]");
          return false;
        }
        Json list = Json::array();
        bool ok = true;
        for (const auto& item : v) {
          Location iw = At(item).line ? At(item) : where;
          if (!item.IsScalar()) {
            Error(iw, spec.key, "expected a string in the list");
            ok = false;
            continue;
          }
          Json elem;
          if (!CheckText(spec, item.Scalar(), iw, &elem)) { ok = false; continue; }
          list.push_back(elem);
        }
        *out = std::move(list);
        return ok;
      }
      case FieldType::kStringMap:
        return ParseNamedMap(spec, v, where, "a mapping of NAME: value", out,
                             [&](const std::string& key, const Location& kw, const YAML::Node& n, Json* value) {
                               if (!n.IsScalar() && !n.IsNull()) {
                                 Error(kw, key, "expected a plain value (quote it to keep it as text)");
                                 return false;
                               }
                               *value = n.IsNull() ? "" : n.Scalar();
                               return true;
                             });
      case FieldType::kSecretMap:
        return ParseNamedMap(spec, v, where, "a mapping of NAME: {secure: ...} or NAME: {arn: ...}", out,
                             [&](const std::string& key, const Location& kw, const YAML::Node& n, Json* value) {
                               return ParseSecret(key, kw, n, value);
                             });
      case FieldType::kAckMap:
        return ParseNamedMap(spec, v, where, "a mapping of RULE_ID: \"reason\"", out,
                             [&](const std::string& key, const Location& kw, const YAML::Node& n, Json* value) {
                               return ParseAcknowledgement(key, kw, n, value);
                             });
    }
    return false;
  }

  // A mapping of NAME: entry whose names pass the field's check, kept sorted by name.
  template <typename ParseEntry>
  bool ParseNamedMap(const FieldSpec& spec, const YAML::Node& v, const Location& where, const std::string& shape,
                     Json* out, ParseEntry parse_entry) {
    if (v.IsNull()) {
      *out = Json::object();
      return true;
    }
    if (!v.IsMap()) {
      Error(where, spec.key, "expected " + shape);
      return false;
    }
    std::map<std::string, Json> sorted;
    bool ok = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      Location kw = At(it->first);
      std::string name = it->first.Scalar();
      std::string key = spec.key + "." + name;
      entries_.emplace(key, kw);
      std::string err = CheckValue(spec.check, name);
      Json value;
      if (!err.empty()) Error(kw, key, err);
      else if (sorted.count(name)) Error(kw, key, "key appears twice; keep one");
      else if (parse_entry(key, kw, it->second, &value)) {
        sorted[name] = std::move(value);
        continue;
      }
      ok = false;
    }
    Json obj = Json::object();
    for (auto& [k, val] : sorted) obj[k] = std::move(val);
    *out = std::move(obj);
    return ok;
  }

  // "reason", or {reason: "...", expires: YYYY-MM-DD}: parsed to {reason, expires}.
  bool ParseAcknowledgement(const std::string& key, const Location& kw, const YAML::Node& n, Json* value) {
    std::string reason, expires;
    Location rw = At(n).line ? At(n) : kw;
    if (n.IsScalar()) {
      reason = n.Scalar();
    } else if (n.IsMap()) {
      for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string field = it->first.Scalar();
        const Location fw = At(it->first);
        if ((field != "reason" && field != "expires") || !it->second.IsScalar()) {
          Error(fw, key + "." + field,
                field == "reason" || field == "expires"
                    ? "expected a plain value"
                    : "unknown key '" + field + "'" + DidYouMean(field, {"reason", "expires"}) +
                          "; an acknowledgement is \"reason\" or {reason: ..., expires: YYYY-MM-DD}");
          return false;
        }
        (field == "reason" ? reason : expires) = it->second.Scalar();
        if (field == "reason") rw = At(it->second).line ? At(it->second) : fw;
        if (field == "expires") {
          if (std::string err = CheckDate(expires); !err.empty()) {
            Error(At(it->second).line ? At(it->second) : fw, key + ".expires", err);
            return false;
          }
        }
      }
    } else {
      Error(kw, key, "expected the reason (\"...\") or {reason: ..., expires: YYYY-MM-DD}");
      return false;
    }
    if (std::string err = CheckAcknowledgeReason(reason); !err.empty()) {
      Error(rw, key, err);
      return false;
    }
    *value = Object({{"reason", reason}, {"expires", expires}});
    return true;
  }

  // {secure: "v1:..."} or {arn: <Secrets Manager or SSM ARN>}; never a plain value.
  bool ParseSecret(const std::string& key, const Location& kw, const YAML::Node& s, Json* value) {
    if (!s.IsMap() || s.size() != 1 || !(s["secure"] || s["arn"]) || !s.begin()->second.IsScalar()) {
      Error(kw, key,
            "a secret is {secure: \"v1:...\"} (set it with `blueprint config set --secret`) or "
            "{arn: <Secrets Manager or SSM parameter ARN>}; plain values are refused so no "
            "secret is ever stored in clear text");
      return false;
    }
    std::string kind = s.begin()->first.Scalar();
    std::string val = s.begin()->second.Scalar();
    if (kind == "secure" && !StartsWith(val, "v1:")) {
      Error(kw, key, "secure values start with 'v1:'; write them with `blueprint config set --secret`");
      return false;
    }
    std::optional<Arn> arn = kind == "arn" ? ParseArn(val) : std::nullopt;
    if (kind == "arn" && !(arn && IsAwsPartition(arn->partition) &&
                           (arn->service == "secretsmanager" || arn->service == "ssm"))) {
      Error(kw, key, "'" + val + "' is not a Secrets Manager secret or SSM parameter ARN");
      return false;
    }
    if (arn && arn->service == "secretsmanager") {
      std::string err = CheckSecretReference(val);
      if (!err.empty()) {
        Error(kw, key, err);
        return false;
      }
    }
    *value = Json{{kind, val}};
    return true;
  }

  bool CheckText(const FieldSpec& spec, const std::string& text, const Location& where, Json* out) {
    std::string err = CheckValue(spec.check, text);
    if (!err.empty()) {
      Error(where, spec.key, err);
      return false;
    }
    *out = text;
    return true;
  }

  static bool IsInteger(const std::string& s) {
    if (s.empty() || s.size() > 12) return false;
    size_t i = (s[0] == '-') ? 1 : 0;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
  }

  static std::string Bounds(const FieldSpec& spec) {
    if (!(spec.min < spec.max)) return "";
    return " from " + std::to_string(static_cast<long long>(spec.min)) + " to " +
           std::to_string(static_cast<long long>(spec.max));
  }

  std::map<std::string, Value>& values() { return values_; }
  // Where a section ("app") starts, when the file has it.
  const std::map<std::string, Location>& sections() const { return sections_; }
  // Keys whose value had an error (already reported).
  const std::set<std::string>& bad() const { return bad_; }
  // Where each map entry ("app.env.LOG_LEVEL") is written.
  const std::map<std::string, Location>& entries() const { return entries_; }

 private:
  static size_t LongestSchemaKey() {
    static const size_t longest = [] {
      size_t n = 0;
      for (const auto& f : ConfigSchema()) n = std::max(n, f.key.size());
      return n;
    }();
    return longest;
  }
  static constexpr size_t kTypoMargin = 16;

  std::string file_;
  Diagnostics* diags_;
  size_t errors_ = 0, suppressed_ = 0;
  std::map<std::string, Value> values_;
  std::map<std::string, Location> sections_;
  std::set<std::string> bad_;
  std::map<std::string, Location> entries_;
};

// network.az_ids, network.az_count, network.max_az_count and the region's AZs agree.
// Src: DOC:global-infrastructure/latest/regions/aws-availability-zones.html (naming/aws_tables.cc);
// some AZs cannot host App Runner VPC connector subnets (DOC:apprunner/latest/dg/network-vpc.html,
// reference/aws-facts.md 15), which is why the config can name AZ IDs.
void CheckAvailabilityZones(StackConfig& c, Diagnostics* d) {
  auto& n = c.network;
  const RegionInfo* region = FindRegion(c.region);  // null: the region check has reported it
  if (!n.az_ids.empty()) {
    if (c.IsSetInFile("network.az_count") && n.az_count != static_cast<int>(n.az_ids.size())) {
      d->Error(c.LocationOf("network.az_count"), "network.az_count",
               "az_count is " + std::to_string(n.az_count) + " but network.az_ids names " +
                   std::to_string(n.az_ids.size()) + " AZs; remove az_count or make them agree");
      return;
    }
    n.az_count = static_cast<int>(n.az_ids.size());
    if (n.az_count < 2 || n.az_count > 6) {
      d->Error(c.LocationOf("network.az_ids"), "network.az_ids",
               "names " + std::to_string(n.az_count) + " AZs; name 2 to 6 (RDS needs two)");
      return;
    }
    std::set<std::string> seen;
    for (const auto& id : n.az_ids) {
      if (!seen.insert(id).second)
        d->Error(c.LocationOf("network.az_ids"), "network.az_ids", "'" + id + "' is listed twice");
      else if (region && std::find(region->az_ids.begin(), region->az_ids.end(), id) == region->az_ids.end())
        d->Error(c.LocationOf("network.az_ids"), "network.az_ids",
                 "'" + id + "' is not an AZ of " + c.region + DidYouMean(id, region->az_ids) + "; its AZ IDs are " +
                     Join(region->az_ids, ", "));
    }
  }
  if (region && n.az_count > static_cast<int>(region->az_ids.size())) {
    std::string key = c.IsSetInFile("network.az_count") || !c.IsSetInFile("region") ? "network.az_count" : "region";
    d->Error(c.LocationOf(key), key,
             c.region + " has " + std::to_string(region->az_ids.size()) + " Availability Zones (" +
                 Join(region->az_ids, ", ") + "); az_count " + std::to_string(n.az_count) + " asks for more");
  }
  if (n.az_count > n.max_az_count) {
    std::string key = c.IsSetInFile("network.max_az_count") ? "network.max_az_count"
                      : c.IsSetInFile("network.az_ids")     ? "network.az_ids"
                                                            : "network.az_count";
    d->Error(c.LocationOf(key), key,
             "az_count " + std::to_string(n.az_count) + " is above max_az_count " + std::to_string(n.max_az_count) +
                 ", the AZs the subnet layout reserves room for; set network.max_az_count to " +
                 std::to_string(n.az_count) + " or more before the first deploy. On a deployed stack, only a "
                 "max_az_count equal to the az_count it was deployed with keeps its subnets; any other value "
                 "moves every subnet, which EC2 refuses (docs/networking.md)");
  }
}

// What the ingress layout implies (docs/compute.md, Ingress layouts); the defaults that
// follow the compute platform are facets (ApplyDefaultFacets). Runs before the cross
// checks, so they see the effective values.
void ApplyIngressLayout(StackConfig& c, Diagnostics* d) {
  const bool ecs = c.app.platform == ComputePlatform::kEcsExpress;
  if (c.app.ingress == Ingress::kEdge) {
    if (c.IsSetInFile("features.cloudfront") && !c.features.cloudfront)
      d->Error(c.LocationOf("features.cloudfront"), "features.cloudfront",
               "compute.ingress edge makes CloudFront the service's one entry point; remove 'cloudfront: false' or "
               "choose another compute.ingress (public" + std::string(ecs ? " or private" : "") + ")");
    c.features.cloudfront = true;
    if (!c.IsSetInFile("features.cloudfront")) c.derived["features.cloudfront"] = {"true", "compute.ingress edge"};
  } else if (c.app.ingress == Ingress::kPrivate && c.features.cloudfront) {
    d->Error(c.LocationOf(c.IsSetInFile("features.cloudfront") ? "features.cloudfront" : "compute.ingress"),
             "features.cloudfront",
             "compute.ingress private answers only inside the VPC; for CloudFront in front of a private service "
             "use compute.ingress: edge (a CloudFront VPC origin), and remove features.cloudfront");
  }
}

// A job in a GitHub environment presents the environment subject, and GitHub holds it
// until the environment's protection rules (required reviewers, deployment branches)
// pass. Trusting the profile's default branch as well would let any workflow on that
// branch assume the role without them, so the default gives way to the environments;
// branches written in the file stay (the user chose both).
void ApplyGithubTrust(StackConfig& c) {
  if (c.github.environments.empty() || c.github.branches.empty() || c.IsSetInFile("github.branches")) return;
  c.github.branches.clear();
  c.derived["github.branches"] = {"[]", "github.environments"};
}

// CloudFront, its origin secret and the custom domain (docs/edge.md).
void CheckEdgeConfig(const StackConfig& c, Diagnostics* d) {
  for (const char* key : {"cloudfront.origin_secret", "cloudfront.origin_secret_previous"})
    if (c.IsSetInFile(key) && (c.encryption.salt.empty() || c.encryption.check.empty())) {
      d->Error(c.LocationOf(key), key,
               "the value is encrypted but encryption.salt or encryption.check is missing, so it can never be "
               "decrypted; write it with `blueprint config set --secret`");
      return;
    }
  if (!c.cloudfront.origin_secret_previous.empty() && c.cloudfront.origin_secret.empty())
    d->Error(c.LocationOf("cloudfront.origin_secret_previous"), "cloudfront.origin_secret_previous",
             "a previous origin secret is only kept while a new one (cloudfront.origin_secret) replaces it; set "
             "cloudfront.origin_secret or remove this key");
  // With a VPC origin nothing outside the VPC reaches the internal load balancer: no
  // secret to check (the keys' Needs facet warns when they are written).
  if (c.features.cloudfront && !UsesVpcOrigin(c.app.platform, c.app.ingress) && c.cloudfront.origin_secret.empty())
    d->Warn(c.LocationOf("features.cloudfront"), "cloudfront.origin_secret",
            "not set: `blueprint up` needs it (the service answers only requests carrying it); create one with "
            "`openssl rand -hex 32 | blueprint config set --stack " + c.env + " --secret cloudfront.origin_secret`");

  if (c.domain.name.empty() != c.domain.hosted_zone_id.empty()) {
    std::string key = c.domain.name.empty() ? "domain.hosted_zone_id" : "domain.name";
    d->Error(c.LocationOf(key), key,
             "domain.name and domain.hosted_zone_id go together (the certificate is validated and the records "
             "are written in that zone); set both or neither");
    return;
  }
  if (!c.domain.name.empty() && !c.features.cloudfront) {
    // App Runner links custom domains only through its API (no CloudFormation resource),
    // and ECS Express Mode owns its load balancer's listener and certificate: on neither
    // can a template attach the domain to the service itself. Src: reference/aws-facts.md 13.2 (ECS
    // Express custom domain: manual listener edits); DOC:apprunner/latest/dg/manage-custom-domains.html.
    std::string why = c.app.platform == ComputePlatform::kAppRunner
                          ? "App Runner links a custom domain only through its own API "
                            "(associate-custom-domain), which has no CloudFormation resource"
                          : "ECS Express Mode manages its load balancer's listener and certificate itself, "
                            "so a custom domain there is a manual change CloudFormation would undo";
    d->Error(c.LocationOf("domain.name"), "domain.name",
             "a custom domain needs features.cloudfront: " + why +
                 "; the CloudFront distribution carries the domain instead. Set features.cloudfront: true (and "
                 "cloudfront.origin_secret), or remove domain.*");
  }
}

void CrossChecks(StackConfig& c, Diagnostics* d) {
  // The compute platform's own sizing rules (cpu/memory pairs, scaling limits) are
  // checked by the platform (modules/compute.h CheckComputeConfig) at assembly.
  if (c.app.scaling.min_size > c.app.scaling.max_size)
    d->Error(c.LocationOf("app.scaling.max_size"), "app.scaling.max_size",
             "max_size " + std::to_string(c.app.scaling.max_size) + " is below min_size " +
                 std::to_string(c.app.scaling.min_size));
  if (c.app.health_check.timeout_seconds > c.app.health_check.interval_seconds)
    d->Error(c.LocationOf("app.health_check.timeout"), "app.health_check.timeout",
             "timeout " + std::to_string(c.app.health_check.timeout_seconds) +
                 " s is longer than the interval " + std::to_string(c.app.health_check.interval_seconds) + " s");

  // Environment variable names shared with secrets.
  for (const auto& s : c.app.secrets)
    for (const auto& [name, val] : c.app.env)
      if (name == s.name)
        d->Error(c.LocationOf("app.secrets." + s.name), "app.secrets." + s.name,
                 "'" + s.name + "' is both a plain variable (app.env) and a secret; keep one");

  // Encrypted secrets need the stack's key parameters.
  for (const auto& s : c.app.secrets)
    if (!s.secure_value.empty() && (c.encryption.salt.empty() || c.encryption.check.empty())) {
      d->Error(c.LocationOf("app.secrets"), "app.secrets." + s.name,
               "the value is encrypted but encryption.salt or encryption.check is missing, so it can "
               "never be decrypted; write secrets with `blueprint config set --secret`");
      break;
    }

  // Availability Zones: named IDs, the region's AZs, the reserved subnet slots.
  CheckAvailabilityZones(c, d);

  // Network capacity: room for max_az_count AZs, so adding AZs never moves a subnet.
  Ipv4Cidr vpc;
  if (ParseCidr(c.network.cidr, &vpc).empty() && c.network.az_count <= c.network.max_az_count) {
    SubnetLayout layout;
    if (std::string err = PlanSubnets(vpc, c.network.az_count, c.network.max_az_count, &layout); !err.empty()) {
      std::string key = c.IsSetInFile("network.cidr") || !c.IsSetInFile("network.max_az_count") ? "network.cidr" : "network.max_az_count";
      d->Error(c.LocationOf(key), key, err);
    } else if (!IsPrivateRange(vpc)) {
      d->Warn(c.LocationOf("network.cidr"), "network.cidr",
              c.network.cidr + " is outside the private ranges (10/8, 172.16/12, 192.168/16); "
              "addresses in it will shadow public internet addresses");
    }
  }
  // Keys that only matter with another setting say so when written: their rows' facets
  // (CheckFacets).
  CheckEdgeConfig(c, d);

  // Database.
  if (c.database.max_allocated_storage_gb < c.database.allocated_storage_gb)
    d->Error(c.LocationOf("database.max_allocated_storage"), "database.max_allocated_storage",
             std::to_string(c.database.max_allocated_storage_gb) + " GiB is below allocated_storage (" +
                 std::to_string(c.database.allocated_storage_gb) + " GiB)");
  // The daily backup window must not overlap the weekly maintenance window. Src: reference/aws-facts.md 3.1
  // (SCHEMA:aws-rds-dbinstance PreferredBackupWindow).
  {
    auto minute = [](const std::string& hhmm) { return std::stoi(hhmm.substr(0, 2)) * 60 + std::stoi(hhmm.substr(3, 2)); };
    const std::string& b = c.database.backup_window;
    const std::string& w = c.database.maintenance_window;  // ddd:hh:mm-ddd:hh:mm
    int b0 = minute(b.substr(0, 5)), b1 = minute(b.substr(6, 5));
    int m0 = minute(w.substr(4, 5)), m1 = minute(w.substr(14, 5));
    auto inside = [](int t, int from, int to) { return from <= to ? (t >= from && t < to) : (t >= from || t < to); };
    bool overlap = false;
    for (int t = 0; t < 1440 && !overlap; ++t) overlap = inside(t, b0, b1) && inside(t, m0, m1);
    if (overlap) {
      std::string key = c.IsSetInFile("database.backup_window") ? "database.backup_window" : "database.maintenance_window";
      d->Error(c.LocationOf(key), key,
               "the backup window " + b + " overlaps the maintenance window " + w + "; RDS refuses that");
    }
  }
  if (c.database.performance_insights && c.database.instance_class.rfind("db.t", 0) == 0 &&
      (c.database.instance_class.find(".micro") != std::string::npos))
    d->Error(c.LocationOf("database.performance_insights"), "database.performance_insights",
             "Performance Insights is not available on " + c.database.instance_class +
                 "; use db.t4g.small or larger, or turn it off");

  // GitHub.
  if (c.github.org.empty() != c.github.repo.empty()) {
    std::string key = c.github.org.empty() ? "github.repo" : "github.org";
    d->Error(c.LocationOf(key), "github", "github.org and github.repo go together; set both or neither");
  }
  if (c.github.owner_id.empty() != c.github.repo_id.empty()) {
    std::string key = c.github.owner_id.empty() ? "github.repo_id" : "github.owner_id";
    d->Error(c.LocationOf(key), key,
             "github.owner_id and github.repo_id go together (immutable subjects carry both); set both or neither");
  }
  if (!c.github.org.empty() && c.github.branches.empty() && c.github.environments.empty())
    d->Error(c.LocationOf("github.org"), "github",
             "no branch and no environment may deploy; list github.branches or github.environments");

  // Tag values (keys are checked with the map, FieldCheck::kTagKey).
  if (std::string err = CheckTagValue(c.tags.cost_center); !err.empty())
    d->Error(c.LocationOf("tags.cost_center"), "tags.cost_center", err);
  for (const auto& [key, value] : c.tags.extra)
    if (std::string err = CheckTagValue(value); !err.empty())
      d->Error(c.LocationOf("tags.extra." + key), "tags.extra." + key, err);

  // Cost alerts need somebody to tell.
  if ((c.features.cost_budget || c.features.cost_anomaly) && c.alert_emails.empty()) {
    std::string key = c.features.cost_budget ? "features.cost_budget" : "features.cost_anomaly";
    d->Error(c.LocationOf(key), key, "cost alerts need at least one address in alerts.emails");
  }
}

// What parsing found besides the values: the keys whose value was refused (already
// reported) and where each map entry is written.
struct FileFacts {
  std::set<std::string> bad;
  std::map<std::string, Location> entries;
};

// Where `offset` of `text` is, 1-based.
Location LocationAt(const std::string& text, size_t offset, const std::string& file) {
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = line_start == std::string::npos || offset == 0 ? 0 : line_start + 1;
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(line_start), '\n'));
  return {file, line, static_cast<int>(offset - line_start) + 1};
}

// The line of the `---` that starts the file's second YAML document, 0 when not found.
// A document marker is always at column 0, even inside a block scalar.
int SecondDocumentLine(const std::string& text) {
  bool content = false, started = false;
  int line_no = 0;
  for (const auto& line : SplitString(text, '\n')) {
    ++line_no;
    bool marker = StartsWith(line, "---") && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    if (marker) {
      if (content || started) return line_no;
      started = true;
      continue;
    }
    size_t b = line.find_first_not_of(" \t\r");
    if (b != std::string::npos && line[b] != '#' && line[0] != '%') content = true;
  }
  return 0;
}

// The nesting a stack.yaml may have: its deepest key is four levels down (app.env.NAME
// in a section), so 64 leaves room for any honest layout. A deeper file is refused
// before yaml-cpp parses it, which recurses once per level (2,000 at most) and then
// says only "bad file".
constexpr size_t kMaxNesting = 64;

// Where `text` first nests deeper than kMaxNesting, counting block levels (indentation)
// and flow levels ([ and { outside quotes and comments); npos when it never does. Block
// scalars (| and >) are skipped: their lines are text.
size_t NestingOverLimitAt(const std::string& text) {
  std::vector<size_t> indents;  // the block levels open at the current line
  size_t flow = 0, scalar_parent = std::string::npos, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    size_t indent = 0;
    while (pos + indent < end && text[pos + indent] == ' ') ++indent;
    size_t first = pos + indent;
    bool blank = first >= end || text[first] == '#' || text[first] == '\r';
    if (scalar_parent != std::string::npos && (blank || indent > scalar_parent)) {
      pos = end + 1;  // a line of a block scalar
      continue;
    }
    scalar_parent = std::string::npos;
    if (!blank && flow == 0) {
      while (!indents.empty() && indents.back() >= indent) indents.pop_back();
      indents.push_back(indent);
      if (indents.size() > kMaxNesting) return first;
    }
    char quote = 0, last = ' ';
    for (size_t i = first; i < end; ++i) {
      char c = text[i];
      if (quote) {
        if (c == '\\' && quote == '"') ++i;
        else if (c == quote) quote = 0;
        continue;
      }
      if (c == '#' && (i == first || text[i - 1] == ' ' || text[i - 1] == '\t')) break;
      if ((c == '"' || c == '\'') && std::string_view(" :-[{,").find(last) != std::string_view::npos) quote = c;
      if (c == '[' || c == '{') {
        if (++flow > kMaxNesting) return i;
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
      if (c != ' ' && c != '\t') last = c;
    }
    // "key: |" or "- >-": the lines below, indented further, are the scalar's text.
    if (!quote && flow == 0) {
      std::string_view line(text.data() + first, end - first);
      size_t bar = line.find_last_of("|>");
      if (bar != std::string_view::npos && line.find_first_not_of("+-0123456789 \t\r", bar + 1) == std::string_view::npos)
        scalar_parent = indent;
    }
    pos = end + 1;
  }
  return std::string::npos;
}

// The first line that is neither blank nor a comment.
Location FirstContent(const std::string& text, const std::string& file) {
  int line_no = 0;
  for (const auto& line : SplitString(text, '\n')) {
    ++line_no;
    size_t b = line.find_first_not_of(" \t\r");
    if (b != std::string::npos && line[b] != '#') return {file, line_no, static_cast<int>(b) + 1};
  }
  return {file, 1, 1};
}

// The profile default of schema row `f` in profile column `column`, as a YAML node,
// parsed at its first use and kept for the process: the rows are fixed
// (ConfigSchema() is one static table), and yaml-cpp spent about as much on these small
// texts, once per environment, as on the stack.yaml files themselves.
const YAML::Node& DefaultNode(const FieldSpec& f, int column) {
  static std::map<std::pair<const FieldSpec*, int>, YAML::Node> parsed;
  const std::pair<const FieldSpec*, int> key{&f, column};
  auto it = parsed.find(key);
  if (it == parsed.end()) it = parsed.emplace(key, YAML::Load(f.defaults[column])).first;
  return it->second;
}

// Parses the file and fills in the profile's defaults: every key with a value. Every
// error of a single key is reported; a key with an error gets its profile default so
// the checks across keys can still run (`facts->bad` names those keys). Returns false
// when nothing further can be checked (not YAML, no usable profile).
bool ParseMergedValues(const std::string& text, const std::string& file, const std::string& env,
                       std::map<std::string, Value>* merged, const ProfileTraits** profile_out,
                       Diagnostics* diags, FileFacts* facts) {
  std::string env_err = CheckEnvironmentName(env);
  if (!env_err.empty()) {
    diags->Error({file, 0, 0}, "", env_err);
    return false;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    diags->Error({file, 1, 1}, "",
                 "the file is empty; a stack needs at least 'profile: dev|staging|prod' and 'app: {name: ...}'");
    return false;
  }
  // Values reach templates and JSON output, which are UTF-8: refuse other bytes here,
  // where the line is known (found by the mutation test: "internal error" before).
  if (size_t bad = InvalidUtf8At(text); bad != std::string::npos) {
    diags->Error(LocationAt(text, bad, file), "", "the file is not valid UTF-8 (byte " + std::to_string(bad) +
                                            "); save it as UTF-8");
    return false;
  }
  if (size_t deep = NestingOverLimitAt(text); deep != std::string::npos) {
    diags->Error(LocationAt(text, deep, file), "",
                 "nested more than " + std::to_string(kMaxNesting) +
                     " levels deep here; a stack.yaml needs four (section, key, map, entry): remove the nesting");
    return false;
  }
  YAML::Node root;
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.size() > 1) {
      int line = SecondDocumentLine(text);
      if (line == 0 && !docs[1].Mark().is_null()) line = docs[1].Mark().line + 1;
      diags->Error({file, line, 1}, "",
                   "a second YAML document starts here ('---'); a stack.yaml holds one document, and "
                   "everything after this line would be ignored: remove the '---' line and merge the settings");
      return false;
    }
    if (!docs.empty()) root = docs[0];
  } catch (const YAML::Exception& e) {
    diags->Error({file, e.mark.line + 1, e.mark.column + 1}, "", "not valid YAML: " + e.msg);
    return false;
  }
  if (!root.IsMap()) {
    Location where = root.Mark().is_null() ? FirstContent(text, file)
                                           : Location{file, root.Mark().line + 1, root.Mark().column + 1};
    diags->Error(where, "",
                 root.IsNull() ? "the file has no settings (only comments); a stack needs at least "
                                 "'profile: dev|staging|prod' and 'app: {name: ...}'"
                               : std::string("the top level must be a mapping of sections (profile, region, app, "
                                             "network, ...), not ") +
                                     (root.IsSequence() ? "a list" : "a single value"));
    return false;
  }

  Parser parser(file, diags);
  parser.WalkMap(root, "");
  if (parser.suppressed() > 0)
    diags->Error({file, 0, 0}, "",
                 "… and " + std::to_string(parser.suppressed()) + " more errors in this file (the first " +
                     std::to_string(kMaxParseErrors) + " are shown)");
  auto& values = parser.values();

  // Required keys: every one that is missing (a key whose value had an error is not
  // missing), pointing at their section when the file has it, else at the top.
  for (const auto& f : ConfigSchema()) {
    if (!f.required || values.count(f.key) || parser.bad().count(f.key)) continue;
    size_t dot = f.key.rfind('.');
    auto section = dot == std::string::npos ? parser.sections().end() : parser.sections().find(f.key.substr(0, dot));
    Location where = section != parser.sections().end() ? section->second : Location{file, 1, 1};
    diags->Error(where, f.key, "required key is missing: " + f.doc);
  }
  facts->bad = parser.bad();
  facts->entries = parser.entries();
  if (!values.count("profile")) return false;  // no defaults to check the rest against

  const ProfileTraits* profile = FindProfile(values["profile"].value.get<std::string>());
  int column = static_cast<int>(profile->profile);

  // Profile defaults for every key the file does not set (or sets wrongly). Their
  // location is the `profile:` line: that is where the value comes from.
  const Location profile_at = values["profile"].where;
  for (const auto& f : ConfigSchema()) {
    if (values.count(f.key) || f.defaults[column].empty()) continue;
    Json v;
    Location where = profile_at;
    if (!parser.ParseValue(f, DefaultNode(f, column), where, &v)) return false;  // a broken table is caught by tests
    values[f.key] = Value{std::move(v), where, true};
  }
  *merged = std::move(values);
  *profile_out = profile;
  return true;
}

// Whether a check across keys reported at `path` may stem from a key whose own value
// was refused (and replaced by its default): the same key, one under it, or a sibling.
bool TouchesBadKey(const std::string& path, const std::set<std::string>& bad) {
  auto parent = [](const std::string& k) { return k.substr(0, k.rfind('.') == std::string::npos ? k.size() : k.rfind('.')); };
  for (const auto& b : bad)
    if (b == path || StartsWith(b, path + ".") || StartsWith(path, b + ".") || parent(b) == parent(path)) return true;
  return false;
}


// --- what the schema rows' facets (config/schema.h) decide ------------------------

// The value a key has once the profile and the other keys have spoken, as stack.yaml
// writes it ("true", "instance", "14"); "" when it has none (an empty list included).
std::string EffectiveText(const StackConfig& c, const std::map<std::string, Value>& values, const std::string& key) {
  if (auto d = c.derived.find(key); d != c.derived.end()) return d->second.value == "[]" ? "" : d->second.value;
  auto it = values.find(key);
  if (it == values.end()) return "";
  const Json& v = it->second.value;
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null() || ((v.is_array() || v.is_object()) && v.empty())) return "";
  return v.dump();
}

bool Holds(const KeyIs& k, const std::string& text) {
  return k.values.empty() ? !text.empty() : std::find(k.values.begin(), k.values.end(), text) != k.values.end();
}

// Defaults another key decides (DefaultWhen facets), in the schema's order, so a later
// row's condition sees an earlier row's default (network.nat reads compute.ingress).
void ApplyDefaultFacets(StackConfig& c, const std::map<std::string, Value>& values) {
  for (const auto& f : ConfigSchema()) {
    if (f.default_when.empty() || c.IsSetInFile(f.key)) continue;
    for (const DefaultWhen& w : f.default_when) {
      std::vector<std::string> decided_by;
      for (const KeyIs& k : w.all) {
        const std::string text = EffectiveText(c, values, k.key);
        if (!Holds(k, text)) break;
        decided_by.push_back(k.key + " " + text);
      }
      if (decided_by.size() != w.all.size()) continue;
      f.bind(f, Json(w.value), &c);
      c.derived[f.key] = {w.value, Join(decided_by, ", ")};
      break;
    }
  }
}

// A key refused on another platform is off there when the file does not write it (the
// prod profile's app.tracing is App Runner's): false, and `config list` says why.
void ApplyPlatformFacets(StackConfig& c) {
  for (const auto& f : ConfigSchema()) {
    if (!f.platform || !f.platform->refuse || f.type != FieldType::kBool) continue;
    if (c.app.platform == f.platform->platform || c.IsSetInFile(f.key)) continue;
    f.bind(f, false, &c);
    c.derived[f.key] = {"false", std::string("compute.platform ") + ComputePlatformName(c.app.platform)};
  }
}

// Whether the value of a guarded key turns its protection off (Guard).
bool GuardOff(const FieldSpec& f, const std::string& text) {
  switch (f.type) {
    case FieldType::kBool: return text != "true";
    case FieldType::kInt: return text.empty() || std::stoll(text) < f.guard->at_least;
    default: return text.empty();
  }
}

// The warnings and errors the facets of the rows declare: a key written where it has no
// effect (Needs, OnePlatform), and a protection turned off without its guard's reason.
void CheckFacets(const StackConfig& c, const std::map<std::string, Value>& values, Diagnostics* d) {
  const std::string platform = ComputePlatformName(c.app.platform);
  for (const auto& f : ConfigSchema()) {
    if (!c.IsSetInFile(f.key)) continue;
    if (f.platform && f.platform->platform != c.app.platform) {
      if (f.platform->refuse && EffectiveText(c, values, f.key) != "false")
        d->Error(c.LocationOf(f.key), f.key,
                 "not offered on compute.platform " + platform + ": " + f.platform->elsewhere + "; remove it, or use compute.platform " +
                     ComputePlatformName(f.platform->platform));
      else
        d->Warn(c.LocationOf(f.key), f.key, "has no effect on compute.platform " + platform + " (" + f.platform->elsewhere + ")");
      continue;
    }
    for (const Needs& n : f.needs) {
      if (std::any_of(n.any.begin(), n.any.end(), [&](const KeyIs& k) { return Holds(k, EffectiveText(c, values, k.key)); }))
        continue;
      std::string msg = "has no effect unless " + DescribeNeeds(n);
      // What the one key it names is instead, when that says more than "false".
      if (n.any.size() == 1 && !n.any[0].values.empty()) {
        const FieldSpec* other = FindField(n.any[0].key);
        if (other && other->type == FieldType::kEnum) msg += " (it is " + EffectiveText(c, values, n.any[0].key) + ")";
      }
      if (!n.note.empty()) msg += "; " + n.note;
      if (n.refuse) d->Error(c.LocationOf(f.key), f.key, msg);
      else d->Warn(c.LocationOf(f.key), f.key, msg);
      break;  // one message per key
    }
  }

  for (const auto& [guard, reason] : c.guards)
    if (!c.production_guards)
      d->Warn(c.LocationOf("guards." + guard), "guards." + guard,
              std::string("the ") + ProfileName(c.profile) + " profile has no production guards; this reason has no effect");
  if (!c.production_guards) return;
  for (const GuardSpec& g : Guards()) {
    const FieldSpec* off = nullptr;
    for (const FieldSpec* f : g.keys)
      if (!off && GuardOff(*f, EffectiveText(c, values, f->key))) off = f;
    if (!off) {
      if (c.guards.count(g.guard))
        d->Warn(c.LocationOf("guards." + g.guard), "guards." + g.guard,
                "the protection is on, so this guard is not needed; remove it");
      continue;
    }
    if (c.guards.count(g.guard)) continue;
    d->Error(c.LocationOf(off->key), off->key,
             std::string("the ") + ProfileName(c.profile) + " profile guards " + g.what +
                 "; turning it off needs a written reason: guards: {" + g.guard + ": \"<why>\"}");
  }
}

}  // namespace

bool ParseStackConfig(const std::string& text, const std::string& file, const std::string& env,
                      StackConfig* out, Diagnostics* diags) {
  size_t errors_before = diags->ErrorCount();
  auto failed = [&] { return diags->ErrorCount() > errors_before; };
  std::map<std::string, Value> values;
  const ProfileTraits* profile = nullptr;
  FileFacts facts;
  if (!ParseMergedValues(text, file, env, &values, &profile, diags, &facts)) return false;

  StackConfig c;
  c.env = env;
  c.file = file;
  // Every key with a value fills its field through its schema row: no key can be
  // read under a misspelt name.
  for (const auto& f : ConfigSchema()) {
    auto it = values.find(f.key);
    if (it != values.end()) f.bind(f, it->second.value, &c);
  }
  for (const auto& [k, v] : values) {
    c.locations[k] = v.where;
    if (!v.from_profile) c.set_in_file.insert(k);
  }

  for (const auto& [k, where] : facts.entries) c.locations.emplace(k, where);

  // Checks across keys run even after errors in single keys, so one pass reports
  // everything; only what may follow from a refused value is left out.
  Diagnostics cross;
  ApplyDefaultFacets(c, values);
  ApplyIngressLayout(c, &cross);
  ApplyPlatformFacets(c);
  ApplyGithubTrust(c);
  CrossChecks(c, &cross);
  CheckFacets(c, values, &cross);
  for (auto& item : cross.items)
    if (!TouchesBadKey(item.path, facts.bad)) diags->items.push_back(std::move(item));
  if (failed()) return false;
  *out = std::move(c);
  return true;
}

bool ParseStackValues(const std::string& text, const std::string& file, const std::string& env,
                      std::vector<ConfigValue>* out, Diagnostics* diags) {
  StackConfig checked;
  if (!ParseStackConfig(text, file, env, &checked, diags)) return false;
  std::map<std::string, Value> values;
  const ProfileTraits* profile = nullptr;
  Diagnostics again;  // the same diagnostics a second time; already reported
  FileFacts facts;
  if (!ParseMergedValues(text, file, env, &values, &profile, &again, &facts)) return false;
  out->clear();
  for (const auto& f : ConfigSchema()) {
    auto it = values.find(f.key);
    auto derived = checked.derived.find(f.key);
    if (derived != checked.derived.end()) {
      // The value the config really has, and what decided it (a DefaultWhen facet, or
      // ApplyIngressLayout, ApplyPlatformFacets, ApplyGithubTrust).
      const StackConfig::Derived& d = derived->second;
      bp::Json v = f.type == FieldType::kBool       ? bp::Json(d.value == "true")
                                 : f.type == FieldType::kStringList ? bp::Json::parse(d.value)
                                                                    : bp::Json(d.value);
      out->push_back({f.key, v, true, values.count(f.key) ? values[f.key].where : Location{}, d.from});
    } else if (it != values.end()) {
      out->push_back({f.key, it->second.value, it->second.from_profile, it->second.where, ""});
    }
  }
  return true;
}

bool LoadStackConfig(const std::string& file, const std::string& env, StackConfig* out,
                     Diagnostics* diags) {
  std::string text;
  Diagnostics read;
  if (!ReadFile(file, &text, &read, kMaxStackFileBytes)) {
    std::string err = read.FirstError();
    if (StartsWith(err, file + ": ")) err.erase(0, file.size() + 2);  // the location names the file
    diags->Error({file, 0, 0}, "", err);
    return false;
  }
  return ParseStackConfig(text, file, env, out, diags);
}

namespace {

bool IsYamlName(const std::string& name) {
  std::string lower = ToLower(name);
  size_t dot = lower.rfind('.');
  return dot != std::string::npos && (lower.substr(dot) == ".yaml" || lower.substr(dot) == ".yml");
}

// A folder of `dir` without stack.yaml is skipped; one holding a near miss (stack.yml,
// Stack.yaml) or nothing of the kind is named, with the file that would make it an
// environment, in sorted order (directory order is the file system's).
void WarnNotAnEnvironment(const std::string& dir, const std::string& env, Diagnostics* diags) {
  namespace fs = std::filesystem;
  const std::string folder = dir + "/" + env;
  const std::string expected = folder + "/stack.yaml";
  std::vector<std::string> near;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::string lower = ToLower(name);
    if (lower == "stack.yaml" || lower == "stack.yml") near.push_back(name);
  }
  std::sort(near.begin(), near.end());
  for (const auto& name : near)
    diags->Warn({folder + "/" + name, 0, 0}, "",
                "not read: an environment's file is " + expected + " (that exact name); rename it to " + expected +
                    " (until then '" + env + "' is no environment)");
  if (near.empty())
    diags->Warn({folder, 0, 0}, "",
                "not an environment: it has no stack.yaml; add " + expected + " to make it one, or move the folder "
                "out of " + dir + " (folders whose name starts with '.' are skipped without a word)");
}

// A YAML file directly in `dir` (environments/dev.yaml) is not read: each environment
// is a folder.
void WarnIfStackFile(const std::string& dir, const std::string& name, Diagnostics* diags) {
  if (name[0] == '.' || !IsYamlName(name)) return;
  std::string env = name.substr(0, name.rfind('.'));
  if (ToLower(env) == "stack") env = "<env>";
  diags->Warn({dir + "/" + name, 0, 0}, "",
              "not read: each environment is a folder holding a stack.yaml; move it to " + dir + "/" + env +
                  "/stack.yaml to make it one");
}

}  // namespace

bool ListEnvironments(const std::string& dir, std::vector<std::string>* envs, Diagnostics* diags) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    diags->Error({}, "", dir + ": no such environments directory (use --environments DIR)");
    return false;
  }
  envs->clear();
  fs::directory_iterator it(dir, ec), end;
  if (ec) {
    diags->Error({}, "", dir + ": cannot list the environments: " + ec.message());
    return false;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      diags->Error({}, "", dir + ": cannot list the environments: " + ec.message());
      return false;
    }
    std::error_code e2;
    const std::string name = it->path().filename().string();
    if (!it->is_directory(e2)) {
      WarnIfStackFile(dir, name, diags);
      continue;
    }
    // Anything named stack.yaml counts, even one that cannot be read (a symlink loop,
    // a directory, no permission): loading it then says what is wrong with it.
    fs::file_status st = fs::symlink_status(it->path() / "stack.yaml", e2);
    if (fs::exists(st) || (e2 && e2 != std::errc::no_such_file_or_directory))
      envs->push_back(name);
    else if (name[0] != '.')
      WarnNotAnEnvironment(dir, name, diags);
  }
  std::sort(envs->begin(), envs->end());
  if (envs->empty()) {
    diags->Error({}, "", dir + ": no environment found (expected " + dir + "/<env>/stack.yaml)");
    return false;
  }
  return true;
}

bool LoadEnvironments(const std::string& dir, const std::vector<std::string>& only,
                      std::vector<StackConfig>* out, Diagnostics* diags) {
  std::vector<std::string> envs;
  // Its callers list the environments first and have those warnings already.
  if (Diagnostics listed; !ListEnvironments(dir, &envs, &listed)) {
    diags->Append(listed);
    return false;
  }
  for (const auto& want : only)
    if (std::find(envs.begin(), envs.end(), want) == envs.end()) {
      diags->Error({}, "", "no environment '" + want + "' in " + dir + DidYouMean(want, envs) +
                               "; environments: " + Join(envs, ", "));
      return false;
    }
  bool ok = true;
  out->clear();
  for (const auto& env : envs) {
    if (!only.empty() && std::find(only.begin(), only.end(), env) == only.end()) continue;
    StackConfig c;
    if (LoadStackConfig(dir + "/" + env + "/stack.yaml", env, &c, diags)) out->push_back(std::move(c));
    else ok = false;
  }
  return ok;
}

}  // namespace bp
