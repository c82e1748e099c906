// The config schema and the profile table, in one place. The parser, the
// defaults, `config list --defaults` and docs/config-reference.md are all driven by
// ConfigSchema(); a test regenerates the reference and fails when the committed
// file drifts.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "util/json.h"

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
  kAckMap,      // map of RULE[/LogicalId] -> "reason" | {reason: "...", expires: YYYY-MM-DD}
};

// Extra value checks beyond the type.
enum class FieldCheck {
  kNone,
  kAppName,
  kRegion,
  kAwsAccountId,  // 12 digits
  kCidr,
  kEmail,  // every element of a list
  kGithubOwner,
  kGithubRepo,
  kGithubId,         // numeric owner or repository ID
  kOidcProviderArn,  // the GitHub OIDC provider's IAM ARN
  kGitRef,           // branch or environment names
  kAzId,             // Availability Zone ID (euw3-az1), every element of a list
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
  kSalt,               // base64 of 16 or more bytes
  kSecureValue,        // "v1:<base64>" written by `config set --secret`
  kDomainName,         // a DNS name CloudFront and ACM accept (www.example.com)
  kHostedZoneId,       // a Route 53 hosted zone ID (Z0123456789ABCDEFGHIJ)
  kCheckRuleKey,       // map keys: a check rule id, optionally /LogicalId (BP-SEC-FLOW-LOGS/Vpc)
};

struct FieldSpec;

// Facets of a row: facts about a key that the loader's warnings and errors, the
// reference's columns and the flip test (tests/config_schema_test.cc) all read from
// the row, so each is written once.

// A condition on a key's effective value: what the file or the profile gives it, or what
// another key makes of it (features.cloudfront is on with compute.ingress edge).
struct KeyIs {
  std::string key;
  // One of these, as stack.yaml writes them ("true", "instance"); empty: any value but an
  // empty one (text or a list with something in it).
  std::vector<std::string> values = {};
};

// The key has an effect only while one of `any` holds. Written in the file while none
// holds, it is warned about ("has no effect unless ..."), or refused when `refuse`.
struct Needs {
  std::vector<KeyIs> any;
  std::string note = {};  // what the message adds after the condition: why, or what to do
  bool refuse = false;
};

// A default another key decides instead of the profile column: while every condition
// of `all` holds and the file does not write the key, its value is `value` (as
// stack.yaml writes it). The first entry that holds applies; `config list` names the
// keys that decided it, and the reference's default columns show each entry.
struct DefaultWhen {
  std::vector<KeyIs> all;
  std::string value;
  std::string why = {};  // for the reference: what makes this the right default
};

// The key configures one compute platform only. Written in the file of a stack on another
// platform, it is warned about, or refused when `refuse` (a bool written false is only
// warned about), and a refused bool's profile default does not apply there: it is false.
struct OnePlatform {
  ComputePlatform platform;
  std::string elsewhere;  // what the other platform does instead, for the message
  bool refuse = false;
};

// The key turns a protection off: a profile with production guards refuses that unless
// guards.<name> gives a written reason. Off is false (kBool), empty (kStringList), or
// below `at_least` (kInt).
struct Guard {
  std::string name;  // "allow_single_az"; the guards.<name> rows come from these
  std::string what;  // "a Multi-AZ database", for messages and the reference
  int at_least = 0;
};

// Writes a key's parsed value (JSON: string, number, bool, list or map, as the
// field's type parses it) into the StackConfig field the key configures.
using FieldBinding = void (*)(const FieldSpec& spec, const bp::Json& value, StackConfig* config);

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
  // Facets (above); every one holds for a key without them.
  std::vector<Needs> needs = {};          // all must hold for the key to have an effect
  std::vector<DefaultWhen> default_when = {};
  std::optional<OnePlatform> platform = {};
  std::optional<Guard> guard = {};
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

// A production guard as the rows' Guard facets declare it: its name, the protection,
// and the rows whose keys turn it off (in schema order).
struct GuardSpec {
  std::string guard;  // "allow_single_az"
  std::string what;   // "a Multi-AZ database"
  std::vector<const FieldSpec*> keys;
};
const std::vector<GuardSpec>& Guards();

// What a facet says in words, for messages and the reference: "features.waf is true",
// "network.nat is instance", "github.org is set", joined with " or ".
std::string DescribeNeeds(const Needs& needs);
// "compute.platform is ecs-express and compute.ingress is public".
std::string DescribeDefaultWhen(const DefaultWhen& d);
// "false", "empty" or "below 7": the values of a guarded key that turn its protection off.
std::string DescribeGuardOff(const FieldSpec& f);

// docs/config-reference.md, generated from the table above.
std::string ConfigReferenceMarkdown();

}  // namespace bp
