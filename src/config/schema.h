// The config schema and the profile table, in one place. The parser, the
// defaults, `config list --defaults` and docs/config-reference.md are all driven by
// ConfigSchema(); a test regenerates the reference and fails when the committed
// file drifts.
#pragma once
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/stack_config.h"

namespace bp {

enum class FieldType {
  kString,
  kInt,
  kNumber,
  kBool,
  kEnum,        // one of `allowed`
  kStringList,  // list of strings
  kStringMap,   // map of string -> scalar (kept as text)
  kSecretMap,   // map of NAME -> {secure: "v1:..."} | {arn: "arn:..."}
};

// Extra value checks beyond the type.
enum class FieldCheck {
  kNone,
  kAppName,
  kRegion,
  kAwsAccountId,  // 12 digits
  kCidr,
  kEmail,       // every element of a list
  kGithubOwner,
  kGithubRepo,
  kGithubId,        // numeric owner or repository ID
  kOidcProviderArn, // the GitHub OIDC provider's IAM ARN
  kGitRef,      // branch or environment names
  kAzId,        // Availability Zone ID (euw3-az1), every element of a list
  kHttpPath,
  kEnvVarName,  // map keys
  kTagKey,      // map keys
  kReason,      // non-empty written reason
  kDbName,
  kDbUsername,
  kDbClass,
  kEngineVersion,
  kInstanceType,
  kBackupWindow,       // hh24:mi-hh24:mi (UTC)
  kMaintenanceWindow,  // ddd:hh24:mi-ddd:hh24:mi (UTC)
  kSalt,         // base64 of 16 or more bytes
  kSecureValue,  // "v1:<base64>" written by `config set --secret`
  kDomainName,    // a DNS name CloudFront and ACM accept (www.example.com)
  kHostedZoneId,  // a Route 53 hosted zone ID (Z0123456789ABCDEFGHIJ)
};

struct FieldSpec;

// Writes a key's parsed value (JSON: string, number, bool, list or map, as the
// field's type parses it) into the StackConfig field the key configures.
using FieldBinding = void (*)(const FieldSpec& spec, const nlohmann::ordered_json& value, StackConfig* config);

struct FieldSpec {
  std::string key;  // dotted path: "network.cidr"
  // The one StackConfig field this key fills; the row is its only binding (a test
  // fails when a row binds nothing, or two rows bind the same field).
  FieldBinding bind;
  FieldType type;
  std::string doc;
  // Default per profile (dev, staging, prod) as YAML text; "" = none.
  std::array<std::string, 3> defaults;
  std::vector<std::string> allowed;  // kEnum values
  double min = 0;                    // numeric bounds, used when min < max
  double max = 0;
  FieldCheck check = FieldCheck::kNone;
  bool required = false;
  // Set when the key changes no template on purpose, saying why (e.g. used only at
  // deploy time); every other key must change the synthesized output (a test flips
  // each one).
  std::string no_template_effect = {};
};

const std::vector<FieldSpec>& ConfigSchema();
const FieldSpec* FindField(const std::string& key);

// The keys a mapping at `prefix` may hold ("" = top level): field names and
// section names, for "did you mean ...?".
std::vector<std::string> KeysUnder(const std::string& prefix);
bool IsSection(const std::string& key);

// Per-profile traits that are not config keys.
struct ProfileTraits {
  Profile profile;
  const char* name;
  bool production_guards;  // prod: turning a protection off needs a written reason
};
const std::vector<ProfileTraits>& Profiles();
const ProfileTraits* FindProfile(const std::string& name);

// A production guard: the protection, the key that turns it off, and the guard
// key that allows that with a reason.
struct GuardSpec {
  std::string guard;  // "allow_single_az"
  std::string what;   // "Multi-AZ database"
};
// The production guards.
const std::vector<GuardSpec>& Guards();

// docs/config-reference.md, generated from the table above.
std::string ConfigReferenceMarkdown();

}  // namespace bp
