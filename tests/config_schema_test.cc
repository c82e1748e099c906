// An honest config: every schema row binds exactly one StackConfig field, and every key
// changes the synthesized output (or says why it does not).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "cfn/writer.h"
#include "config/loader.h"
#include "config/schema.h"
#include "config/yaml_edit.h"
#include "test_util.h"
#include "util/strings.h"

namespace bp {
namespace {

using Json = bp::Json;
namespace fs = std::filesystem;

// A value of the row's type, different from a default-constructed field.
Json Sample(const FieldSpec& f) {
  switch (f.type) {
    case FieldType::kString: return "sample";
    case FieldType::kInt: return 7;
    case FieldType::kNumber: return 3.5;
    case FieldType::kBool: return true;
    case FieldType::kEnum: return f.allowed.back();
    case FieldType::kStringList: return Json::array({"sample"});
    case FieldType::kStringMap: return Json{{"SAMPLE", "1"}};
    case FieldType::kSecretMap: return Json{{"SAMPLE", Json{{"arn", "arn:aws:ssm:eu-west-3:123456789012:parameter/x"}}}};
    case FieldType::kAckMap:
      return Json{{"BP-SAMPLE", Json{{"reason", "a sample reason here"}, {"expires", ""}}}};
  }
  return nullptr;
}

StackConfig Bound(std::initializer_list<const FieldSpec*> rows) {
  StackConfig c;
  for (const FieldSpec* f : rows) f->bind(*f, Sample(*f), &c);
  return c;
}

TEST(SchemaBinding, EveryKeyIsBoundToAField) {
  for (const auto& f : ConfigSchema()) {
    SCOPED_TRACE(f.key);
    ASSERT_NE(f.bind, nullptr) << "the row binds nothing";
    EXPECT_NE(Bound({&f}), StackConfig{}) << "binding the key writes no field";
  }
}

TEST(SchemaBinding, NoTwoKeysShareAField) {
  // If b's binding overwrote what a's wrote, a and b write the same field.
  const auto& schema = ConfigSchema();
  for (const auto& a : schema)
    for (const auto& b : schema) {
      if (&a == &b) continue;
      EXPECT_NE(Bound({&a, &b}), Bound({&b})) << a.key << " and " << b.key << " fill the same field";
    }
}

TEST(SchemaBinding, ValuesReachTheirFields) {
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(ParseStackConfig("profile: dev\napp:\n  name: orders-api\n  health_check: {interval: 12}\n"
                               "database: {monitoring_interval: 30, allocated_storage: 25}\nnetwork: {nat: none}\n",
                               "dev/stack.yaml", "dev", &c, &d))
      << d.FormatAll();
  EXPECT_EQ(c.app.health_check.interval_seconds, 12);
  EXPECT_EQ(c.database.monitoring_interval_seconds, 30);
  EXPECT_EQ(c.database.allocated_storage_gb, 25);
  EXPECT_EQ(c.network.nat, NatMode::kNone);
  EXPECT_EQ(c.profile, Profile::kDev);
}

// The prod profile's own defaults satisfy every guard; a protection turned off does not.
TEST(HonestConfig, ProdDefaultsPassTheGuards) {
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(ParseStackConfig("profile: prod\napp: {name: orders-api}\nalerts: {emails: [oncall@acme.example]}\n",
                               "prod/stack.yaml", "prod", &c, &d))
      << d.FormatAll();
  EXPECT_TRUE(c.production_guards);
  EXPECT_EQ(d.items.size(), 0u) << d.FormatAll();
  // ... while a weakened protection is refused.
  Diagnostics weak;
  EXPECT_FALSE(ParseStackConfig("profile: prod\napp: {name: orders-api}\nalerts: {emails: [oncall@acme.example]}\n"
                                "database: {backup_retention_days: 3}\n",
                                "prod/stack.yaml", "prod", &c, &weak));
  EXPECT_THAT(weak.FormatAll(), ::testing::HasSubstr("allow_no_backups")) << weak.FormatAll();
  EXPECT_THAT(weak.FormatAll(), ::testing::HasSubstr("AWS Backup")) << weak.FormatAll();
}

// --- every key changes the output -------------------------------------------------

// Keys that change no template, by design (the row says why).
const std::set<std::string> kNoTemplateEffect = {
    "encryption.salt", "encryption.iterations", "encryption.check", "guards.allow_single_az",
    "guards.allow_no_deletion_protection", "guards.allow_no_backups", "guards.allow_no_waf", "guards.allow_no_alerts",
    // Deploy time only: `up` fills the NoEcho origin-secret parameters with them
    // (tests/deploy_test.cc CloudFrontOriginSecret*).
    "cloudfront.origin_secret", "cloudfront.origin_secret_previous",
    // Cost only: `blueprint cost` prices usage with them, `validate` compares the estimate
    // with the budget (tests/cost_test.cc shows each one's effect).
    "usage.requests_per_month", "usage.request_duration_ms", "usage.concurrent_requests", "usage.egress_gb_per_month",
    "usage.nat_gb_per_month", "usage.log_gb_per_month", "usage.db_storage_growth_gb", "usage.backup_storage_gb",
    "usage.image_storage_gb", "usage.trace_sample_rate",
    // Check and up only: accepts findings (tests/check_test.cc shows its effect).
    "checks.acknowledge"};

TEST(HonestConfig, OnlyDeclaredKeysChangeNoTemplate) {
  std::set<std::string> declared;
  for (const auto& f : ConfigSchema())
    if (!f.no_template_effect.empty()) declared.insert(f.key);
  EXPECT_EQ(declared, kNoTemplateEffect);
}

// What synth produces for the config: every stack's name, region, account and template.
// `warnings` gets the warnings' text.
bool Synthesize(const std::string& yaml, const std::string& env, std::string* out, std::string* warnings = nullptr) {
  StackConfig c;
  Diagnostics d;
  App app;
  if (!ParseStackConfig(yaml, env + "/stack.yaml", env, &c, &d) || !Assemble(c, &app, &d)) return false;
  if (warnings) *warnings = d.FormatAll();
  out->clear();
  // The account is part of the assembly (the manifest's aws://ACCOUNT/REGION).
  for (const auto& s : app.stacks)
    *out += s.name + " " + s.region + " " + s.account + "\n" + cfn::WriteJson(s.tmpl.ToJson());
  return true;
}

// Other valid values for a key whose value is `current` (null when it has none).
std::vector<Json> Alternatives(const FieldSpec& f, const Json& current) {
  std::vector<Json> out;
  switch (f.type) {
    case FieldType::kBool: out = {current.is_boolean() ? !current.get<bool>() : true}; break;
    case FieldType::kEnum:
      for (const auto& a : f.allowed) out.push_back(a);
      break;
    case FieldType::kInt: {
      long long v = current.is_number() ? current.get<long long>() : 0;
      out = {v + 1, v - 1, static_cast<long long>(f.min), static_cast<long long>(f.max)};
      break;
    }
    case FieldType::kNumber: out = {(current.is_number() ? current.get<double>() : 0) + 1}; break;
    case FieldType::kStringList: {
      if (f.check == FieldCheck::kAzId) {  // the bundled environments are in eu-west-3
        out = {Json::array({"euw3-az2", "euw3-az1"}), Json::array({"euw3-az1", "euw3-az3"})};
        break;
      }
      Json list = current.is_array() ? current : Json::array();
      list.push_back(f.check == FieldCheck::kEmail ? "flipped@acme.example" : "flipped");
      out = {list};
      break;
    }
    case FieldType::kStringMap: {
      Json map = current.is_object() ? current : Json::object();
      map["FLIPPED"] = "1";
      out = {map};
      break;
    }
    case FieldType::kSecretMap: {
      Json map = current.is_object() ? current : Json::object();
      map["FLIPPED"] = Json{{"arn", "arn:aws:secretsmanager:eu-west-3:123456789012:secret:flipped-AbCdEf"}};
      out = {map};
      break;
    }
    case FieldType::kAckMap: {
      Json map = current.is_object() ? current : Json::object();
      map["BP-SEC-FLOW-LOGS"] = "flipped on purpose for the flip test";
      out = {map};
      break;
    }
    case FieldType::kString: {
      static const std::map<FieldCheck, std::vector<std::string>> kSamples = {
          {FieldCheck::kNone, {"flipped"}},
          {FieldCheck::kAppName, {"other-app"}},
          {FieldCheck::kRegion, {"eu-central-1", "us-west-2"}},
          {FieldCheck::kCidr, {"10.9.0.0/24", "10.9.0.0/22"}},
          {FieldCheck::kHttpPath, {"/flipped", "/"}},
          {FieldCheck::kDbName, {"flipped", "app"}},
          {FieldCheck::kDbUsername, {"flippedadmin", "dbadmin"}},
          {FieldCheck::kDbClass, {"db.t4g.medium", "db.t4g.small"}},
          {FieldCheck::kEngineVersion, {"17.4", "17"}},
          {FieldCheck::kInstanceType, {"t4g.micro", "t4g.nano"}},
          {FieldCheck::kBackupWindow, {"04:00-04:30", "02:00-02:30"}},
          {FieldCheck::kMaintenanceWindow, {"mon:05:00-mon:05:30", "sun:03:00-sun:03:30"}},
          {FieldCheck::kGithubOwner, {"other-org", "acme"}},
          {FieldCheck::kGithubRepo, {"other-repo", "orders-api"}},
          {FieldCheck::kGithubId, {"1001", "3003"}},
          {FieldCheck::kAwsAccountId, {"111111111111", "222222222222"}},
          {FieldCheck::kDomainName, {"www.flipped.example", "www.orders.example"}},
          {FieldCheck::kHostedZoneId, {"Z9999999999FLIPPED", "Z0123456789ABCDEFGHIJ"}},
          {FieldCheck::kOidcProviderArn, {"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}},
      };
      // The platform's sizes are plain strings in the schema.
      static const std::map<std::string, std::vector<std::string>> kByKey = {
          {"app.cpu", {"0.25 vCPU", "0.5 vCPU", "1 vCPU", "2 vCPU", "4 vCPU"}},
          {"app.memory", {"0.5 GB", "1 GB", "2 GB", "3 GB", "4 GB", "6 GB", "8 GB"}},
      };
      auto by_key = kByKey.find(f.key);
      auto samples = kSamples.find(f.check);
      if (by_key != kByKey.end()) out.assign(by_key->second.begin(), by_key->second.end());
      else if (samples != kSamples.end()) out.assign(samples->second.begin(), samples->second.end());
      else ADD_FAILURE() << f.key << ": no sample values for its check; add some to this test";
      break;
    }
  }
  out.erase(std::remove(out.begin(), out.end(), current), out.end());
  return out;
}

// Keys valid only together with others: the baseline writes the key's own value (first)
// and its companions' (YAML text), then only the key flips.
const std::map<std::string, std::vector<std::pair<std::string, std::string>>> kCompanions = {
    {"github.owner_id", {{"github.owner_id", "\"1001\""}, {"github.repo_id", "\"2002\""}}},
    {"github.repo_id", {{"github.repo_id", "\"1001\""}, {"github.owner_id", "\"2002\""}}},
    // A custom domain needs its zone, and CloudFront to carry it.
    {"domain.name",
     {{"domain.name", "\"www.orders.example\""}, {"domain.hosted_zone_id", "\"Z0123456789ABCDEFGHIJ\""},
      {"features.cloudfront", "true"}}},
    {"domain.hosted_zone_id",
     {{"domain.hosted_zone_id", "\"Z0123456789ABCDEFGHIJ\""}, {"domain.name", "\"www.orders.example\""},
      {"features.cloudfront", "true"}}}};
// Keys that can move only with room another key makes (key -> that key and its value):
// az_count grows only up to the subnet slots network.max_az_count reserves.
const std::map<std::string, std::pair<std::string, std::string>> kRoomMakers = {
    {"network.az_count", {"network.max_az_count", "6"}}};

TEST(HonestConfig, FlippingEveryKeyChangesTheOutputOfEveryBundledEnvironment) {
  std::vector<std::string> envs;
  Diagnostics diags;
  ASSERT_TRUE(ListEnvironments(testing::SourceDir() + "/environments", &envs, &diags)) << diags.FormatAll();
  std::set<std::string> flipped_somewhere;
  for (const auto& env : envs) {
    std::string file = testing::SourceDir() + "/environments/" + env + "/stack.yaml";
    std::string text = testing::ReadFileOrDie(file), baseline;
    ASSERT_TRUE(Synthesize(text, env, &baseline)) << env;
    std::vector<ConfigValue> values;
    Diagnostics d;
    ASSERT_TRUE(ParseStackValues(text, file, env, &values, &d)) << d.FormatAll();
    for (const auto& f : ConfigSchema()) {
      if (!f.no_template_effect.empty()) continue;
      SCOPED_TRACE(env + ": " + f.key);
      Json current;
      for (const auto& v : values)
        if (v.key == f.key) current = v.value;
      // Keys valid only in pairs: both are set in the baseline, then only this one flips.
      std::string base_text = text, base_output = baseline;
      auto room = kRoomMakers.find(f.key);
      if (room != kRoomMakers.end()) {
        YamlEditResult edit;
        ASSERT_TRUE(YamlSetKey(text, SplitString(room->second.first, '.'), room->second.second, &edit, &diags)) << diags.FormatAll();
        base_text = edit.text;
        if (!Synthesize(base_text, env, &base_output)) continue;
      }
      auto companion = kCompanions.find(f.key);
      if (companion != kCompanions.end()) {
        base_text = text;
        for (const auto& [key, yaml] : companion->second) {
          YamlEditResult edit;
          ASSERT_TRUE(YamlSetKey(base_text, SplitString(key, '.'), yaml, &edit, &diags)) << diags.FormatAll();
          base_text = edit.text;
        }
        current = Json::parse(companion->second.front().second);
        if (!Synthesize(base_text, env, &base_output)) continue;  // the set is not valid in this environment
      }
      bool valid = false, changed = false;
      for (const Json& alt : Alternatives(f, current)) {
        YamlEditResult edit;
        ASSERT_TRUE(YamlSetKey(base_text, SplitString(f.key, '.'), alt.dump(), &edit, &diags)) << diags.FormatAll();
        std::string output, warnings;
        if (!Synthesize(edit.text, env, &output, &warnings)) continue;  // not valid with the rest of this config
        valid = true;
        // Changed, or the user is told the key does nothing here (nat_instance_type
        // without a NAT instance): then a facet of the row says so, and it is true.
        if (warnings.find(f.key + ": has no effect") != std::string::npos) {
          EXPECT_TRUE(!f.needs.empty() || f.platform.has_value())
              << "warned about with no Needs or OnePlatform facet on its row: " << warnings;
          EXPECT_EQ(output, base_output) << "warned that it has no effect, yet the template changed";
          changed = true;
          break;
        }
        if (output != base_output) {
          changed = true;
          break;
        }
      }
      if (valid) {
        flipped_somewhere.insert(f.key);
        EXPECT_TRUE(changed) << "the key changes nothing in the synthesized output; make it do what the "
                                "reference says, remove it or declare why (no_template_effect)";
      }
    }
  }
  // A key no bundled environment could flip to a valid value was not tested at all.
  for (const auto& f : ConfigSchema()) {
    if (f.no_template_effect.empty()) {
      EXPECT_TRUE(flipped_somewhere.count(f.key)) << f.key << ": no valid other value in any bundled environment";
    }
  }
}

// --- the facets of the rows (config/schema.h) ----------------------------------------

// A small dev stack; keys are set on it with YamlSetKey.
const std::string kBase = "profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n";

std::string Set(const std::string& text, const std::string& key, const std::string& yaml) {
  YamlEditResult edit;
  Diagnostics d;
  EXPECT_TRUE(YamlSetKey(text, SplitString(key, '.'), yaml, &edit, &d)) << key << ": " << d.FormatAll();
  return edit.text;
}

// The key's value in the config `text` (null when it has none).
Json CurrentValue(const std::string& text, const std::string& key) {
  std::vector<ConfigValue> values;
  Diagnostics d;
  if (!ParseStackValues(text, "dev/stack.yaml", "dev", &values, &d)) return nullptr;
  for (const auto& v : values)
    if (v.key == key) return v.value;
  return nullptr;
}

// What else a key needs written to be valid at all (a pair, the key that decrypts it).
std::string WithCompanions(std::string text, const std::string& key) {
  static const std::map<std::string, std::vector<std::pair<std::string, std::string>>> kNeeded = {
      {"github.owner_id", {{"github.repo_id", "\"2002\""}}},
      {"github.repo_id", {{"github.owner_id", "\"2002\""}}},
      {"cloudfront.origin_secret", {{"encryption.salt", "AAAAAAAAAAAAAAAAAAAAAA=="}, {"encryption.check", "\"v1:AAAA\""}}},
      {"cloudfront.origin_secret_previous",
       {{"encryption.salt", "AAAAAAAAAAAAAAAAAAAAAA=="}, {"encryption.check", "\"v1:AAAA\""},
        {"cloudfront.origin_secret", "\"v1:BBBB\""}}}};
  if (auto it = kNeeded.find(key); it != kNeeded.end())
    for (const auto& [k, yaml] : it->second) text = Set(text, k, yaml);
  return text;
}

// A value to write for `f` in `text` other than the one it has.
std::string WrittenValue(const FieldSpec& f, const std::string& text) {
  if (f.check == FieldCheck::kSecureValue) return "\"v1:CCCC\"";
  std::vector<Json> alternatives = Alternatives(f, CurrentValue(text, f.key));
  EXPECT_FALSE(alternatives.empty()) << f.key;
  return alternatives.empty() ? "" : alternatives.front().dump();
}

// Settings under which `k` holds, and a value of its key under which it does not ("":
// leave the key unwritten, for a KeyIs that asks for any value: the base stack has none).
std::vector<std::pair<std::string, std::string>> Holding(const KeyIs& k) {
  // Cost alerts need somebody to tell.
  if (k.key == "features.cost_budget" || k.key == "features.cost_anomaly")
    return {{k.key, k.values.front()}, {"alerts.emails", "[oncall@acme.example]"}};
  if (!k.values.empty()) return {{k.key, k.values.front()}};
  if (k.key == "github.org") return {{"github.org", "acme"}, {"github.repo", "orders-api"}};
  if (k.key == "alerts.emails") return {{"alerts.emails", "[oncall@acme.example]"}};
  ADD_FAILURE() << k.key << ": no value that makes it set; add one to this test";
  return {};
}
std::string Failing(const KeyIs& k) {
  if (k.values.empty()) return "";
  const FieldSpec* f = FindField(k.key);
  if (f->type == FieldType::kBool) return k.values == std::vector<std::string>{"true"} ? "false" : "true";
  for (const auto& a : f->allowed)
    if (std::find(k.values.begin(), k.values.end(), a) == k.values.end()) return a;
  ADD_FAILURE() << k.key << ": every value satisfies the facet";
  return "";
}

// The stack with every Needs of `f` holding except `failing` (-1: all hold).
std::string NeedsStack(const FieldSpec& f, int failing) {
  std::string text = kBase;
  for (size_t i = 0; i < f.needs.size(); ++i) {
    if (static_cast<int>(i) == failing) {
      for (const KeyIs& k : f.needs[i].any)
        if (std::string v = Failing(k); !v.empty()) text = Set(text, k.key, v);
    } else {
      for (const auto& [key, yaml] : Holding(f.needs[i].any.front())) text = Set(text, key, yaml);
    }
  }
  return text;
}

struct Checked {
  bool ok = false;
  std::string messages;
  std::vector<Diagnostic> items;
};
Checked Parse(const std::string& text, const std::string& env = "dev") {
  Checked r;
  StackConfig c;
  Diagnostics d;
  r.ok = ParseStackConfig(text, env + "/stack.yaml", env, &c, &d);
  r.messages = d.FormatAll();
  r.items = d.items;
  return r;
}
// The message about `key` that contains `text`, or nullptr.
const Diagnostic* Find(const Checked& r, const std::string& key, const std::string& text) {
  for (const auto& item : r.items)
    if (item.path == key && item.message.find(text) != std::string::npos) return &item;
  return nullptr;
}

// A facet names keys and values by their text: each must be a key of the schema and one
// of the values it takes, or the condition could never hold (or never fail).
TEST(Facets, EveryConditionNamesAKeyAndOneOfItsValues) {
  for (const auto& f : ConfigSchema()) {
    SCOPED_TRACE(f.key);
    for (const Needs& n : f.needs) {
      EXPECT_FALSE(n.any.empty());
      for (const KeyIs& k : n.any) {
        const FieldSpec* other = FindField(k.key);
        ASSERT_NE(other, nullptr) << k.key << " is no key";
        EXPECT_NE(other, &f) << "a key cannot need itself";
        for (const auto& v : k.values) {
          if (other->type == FieldType::kBool) EXPECT_TRUE(v == "true" || v == "false") << k.key << ": " << v;
          else if (other->type == FieldType::kEnum)
            EXPECT_NE(std::find(other->allowed.begin(), other->allowed.end(), v), other->allowed.end()) << k.key << ": " << v;
          else ADD_FAILURE() << k.key << ": values only for bool and enum keys; empty means 'is set'";
        }
      }
    }
    for (const DefaultWhen& d : f.default_when) {
      EXPECT_FALSE(d.all.empty());
      for (const KeyIs& k : d.all) {
        const FieldSpec* other = FindField(k.key);
        ASSERT_NE(other, nullptr) << k.key << " is no key";
        ASSERT_EQ(other->type, FieldType::kEnum) << k.key << ": a default follows an enum key";
        EXPECT_LT(other - ConfigSchema().data(), &f - ConfigSchema().data())
            << k.key << " comes after the key whose default it decides, so its own default would not be known yet";
        ASSERT_EQ(k.values.size(), 1u);
        EXPECT_NE(std::find(other->allowed.begin(), other->allowed.end(), k.values[0]), other->allowed.end());
      }
      EXPECT_NE(std::find(f.allowed.begin(), f.allowed.end(), d.value), f.allowed.end()) << d.value;
    }
    if (f.platform) {
      EXPECT_FALSE(f.platform->elsewhere.empty());
    }
    if (f.guard) {
      EXPECT_TRUE(f.type == FieldType::kBool || f.type == FieldType::kStringList || f.type == FieldType::kInt);
      EXPECT_EQ(f.guard->at_least > 0, f.type == FieldType::kInt) << "at_least is for integer keys, and they need one";
    }
  }
}

// Needs: written while a need does not hold, the key is warned about (or refused, as the
// facet says) in the facet's words; while every need holds it says nothing and changes
// the template (unless its row says why it changes none).
TEST(Facets, NeedsAreWarnedOrRefusedAndHoldingTheyTakeEffect) {
  int rows = 0;
  for (const auto& f : ConfigSchema()) {
    if (f.needs.empty()) continue;
    ++rows;
    SCOPED_TRACE(f.key);
    for (size_t i = 0; i < f.needs.size(); ++i) {
      const Needs& n = f.needs[i];
      std::string text = NeedsStack(f, static_cast<int>(i));
      text = Set(WithCompanions(text, f.key), f.key, WrittenValue(f, text));
      Checked r = Parse(text);
      const Diagnostic* m = Find(r, f.key, "has no effect unless " + DescribeNeeds(n));
      ASSERT_NE(m, nullptr) << text << "\n" << r.messages;
      EXPECT_EQ(m->severity, n.refuse ? Diagnostic::Severity::kError : Diagnostic::Severity::kWarning) << r.messages;
      EXPECT_NE(m->where.line, 0) << "points at the key's line: " << r.messages;
      if (!n.refuse) {
        EXPECT_TRUE(r.ok) << r.messages;
      }
      EXPECT_THAT(m->message, ::testing::HasSubstr(n.note)) << m->message;  // "" is found too
    }
    std::string holding = WithCompanions(NeedsStack(f, -1), f.key), without;
    // A key valid only with its pair (github.owner_id) is written in the baseline too,
    // with another value.
    if (!Parse(holding).ok && f.type == FieldType::kString) {
      std::vector<Json> values = Alternatives(f, nullptr);
      ASSERT_GE(values.size(), 2u);
      holding = Set(holding, f.key, values[1].dump());
    }
    std::string written = Set(holding, f.key, WrittenValue(f, holding)), with;
    Checked r = Parse(written);
    EXPECT_TRUE(r.ok) << written << "\n" << r.messages;
    EXPECT_EQ(Find(r, f.key, "has no effect"), nullptr) << r.messages;
    if (f.no_template_effect.empty()) {
      ASSERT_TRUE(Synthesize(holding, "dev", &without)) << holding;
      ASSERT_TRUE(Synthesize(written, "dev", &with)) << written;
      EXPECT_NE(with, without) << "every need holds, yet writing the key changed no template";
    }
  }
  EXPECT_GT(rows, 10);  // the waf.*, cloudfront.*, github.* ... rows
}

// OnePlatform: on its platform the key changes the template; written on the other it is
// warned about, or refused as the facet says (a refused bool written false is a warning),
// and a refused bool's profile default does not apply there.
TEST(Facets, AKeyOfOnePlatformIsWarnedOrRefusedOnTheOther) {
  int rows = 0;
  for (const auto& f : ConfigSchema()) {
    if (!f.platform) continue;
    ++rows;
    SCOPED_TRACE(f.key);
    for (const auto& p : kComputePlatformNames) {
      std::string text = Set(kBase, "compute.platform", p.name);
      const std::string value = WrittenValue(f, text);
      std::string written = Set(text, f.key, value);
      Checked r = Parse(written);
      if (p.value == f.platform->platform) {
        EXPECT_TRUE(r.ok) << r.messages;
        EXPECT_EQ(Find(r, f.key, "compute.platform"), nullptr) << r.messages;
        std::string before, after;
        ASSERT_TRUE(Synthesize(text, "dev", &before));
        ASSERT_TRUE(Synthesize(written, "dev", &after)) << written;
        EXPECT_NE(before, after) << "on " << p.name << " the key changes no template";
        continue;
      }
      const bool refused = f.platform->refuse && (f.type != FieldType::kBool || value == "true");
      const Diagnostic* m =
          refused ? Find(r, f.key, std::string("not offered on compute.platform ") + p.name + ": " + f.platform->elsewhere)
                  : Find(r, f.key, std::string("has no effect on compute.platform ") + p.name + " (" + f.platform->elsewhere + ")");
      ASSERT_NE(m, nullptr) << written << "\n" << r.messages;
      EXPECT_EQ(r.ok, !refused) << r.messages;
      if (f.platform->refuse && f.type == FieldType::kBool) {
        Checked off = Parse(Set(text, f.key, "false"));
        EXPECT_TRUE(off.ok) << off.messages;
        EXPECT_NE(Find(off, f.key, "has no effect on compute.platform"), nullptr) << off.messages;
        // Not written: the profile's default (prod's, when true) gives way.
        for (const auto& profile : Profiles())
          EXPECT_EQ(CurrentValue(Set(Set(text, "profile", profile.name), "alerts.emails", "[oncall@acme.example]"), f.key),
                    false)
              << profile.name;
      }
    }
  }
  EXPECT_GE(rows, 6);  // app.tracing, the four health check timings, max_concurrency
}

// Guard: a production-guarded stack refuses the key's "off" value, at its line, unless
// guards.<name> gives a reason; the reason is warned about where the protection is on
// or the profile has no guards. The guards.<name> rows are the facets' names, no more.
TEST(Facets, GuardsDecideWhatProdAccepts) {
  const std::string prod = "profile: prod\nregion: eu-west-3\napp:\n  name: orders-api\nalerts:\n  emails: [oncall@acme.example]\n";
  ASSERT_TRUE(Parse(prod, "prod").ok) << Parse(prod, "prod").messages;
  std::set<std::string> named;
  for (const auto& f : ConfigSchema()) {
    if (!f.guard) continue;
    SCOPED_TRACE(f.key);
    named.insert("guards." + f.guard->name);
    std::string off = f.type == FieldType::kBool         ? "false"
                      : f.type == FieldType::kStringList ? "[]"
                                                         : std::to_string(f.guard->at_least - 1);
    std::string text = Set(prod, f.key, off);
    Checked r = Parse(text, "prod");
    EXPECT_FALSE(r.ok);
    const Diagnostic* m = Find(r, f.key,
                               "the prod profile guards " + f.guard->what + "; turning it off needs a written reason: guards: {" +
                                   f.guard->name + ": \"<why>\"}");
    ASSERT_NE(m, nullptr) << r.messages;
    EXPECT_NE(m->where.line, 0) << r.messages;
    const std::string reason = Set(text, "guards." + f.guard->name, "\"a written reason for this\"");
    Checked allowed = Parse(reason, "prod");
    EXPECT_TRUE(allowed.ok) << allowed.messages;
    // The same reason on a stack whose protection is on, or on a profile without guards.
    Checked unneeded = Parse(Set(prod, "guards." + f.guard->name, "\"a written reason for this\""), "prod");
    EXPECT_NE(Find(unneeded, "guards." + f.guard->name, "this guard is not needed"), nullptr) << unneeded.messages;
    Checked dev = Parse(Set(kBase, "guards." + f.guard->name, "\"a written reason for this\""));
    EXPECT_NE(Find(dev, "guards." + f.guard->name, "profile has no production guards"), nullptr) << dev.messages;
  }
  std::set<std::string> rows;
  for (const auto& f : ConfigSchema())
    if (StartsWith(f.key, "guards.")) rows.insert(f.key);
  EXPECT_EQ(rows, named);
  EXPECT_EQ(named.size(), 5u);
}

// DefaultWhen: while its conditions hold and the file does not write the key, the key
// takes the facet's value, and `config list` says which keys decided it; written in the
// file, the file's value stands.
TEST(Facets, ADefaultAnotherKeyDecidesFollowsThatKey) {
  int entries = 0;
  for (const auto& f : ConfigSchema()) {
    for (const DefaultWhen& d : f.default_when) {
      ++entries;
      SCOPED_TRACE(f.key + " = " + d.value + " when " + DescribeDefaultWhen(d));
      std::string text = kBase, decided_by;
      for (const KeyIs& k : d.all) {
        text = Set(text, k.key, k.values[0]);
        decided_by += (decided_by.empty() ? "" : ", ") + k.key + " " + k.values[0];
      }
      std::vector<ConfigValue> values;
      Diagnostics diags;
      ASSERT_TRUE(ParseStackValues(text, "dev/stack.yaml", "dev", &values, &diags)) << text << diags.FormatAll();
      auto it = std::find_if(values.begin(), values.end(), [&](const ConfigValue& v) { return v.key == f.key; });
      ASSERT_NE(it, values.end());
      EXPECT_EQ(it->value, Json(d.value));
      EXPECT_EQ(it->derived_from, decided_by);

      std::string other;
      for (const auto& a : f.allowed)
        if (a != d.value) other = a;
      std::string written = Set(text, f.key, other);
      values.clear();
      ASSERT_TRUE(ParseStackValues(written, "dev/stack.yaml", "dev", &values, &diags)) << written << diags.FormatAll();
      it = std::find_if(values.begin(), values.end(), [&](const ConfigValue& v) { return v.key == f.key; });
      ASSERT_NE(it, values.end());
      EXPECT_EQ(it->value, Json(other));
      EXPECT_TRUE(it->derived_from.empty());
    }
  }
  EXPECT_GE(entries, 3);  // compute.ingress on each platform, network.nat on ecs-express public

  // Every platform has its ingress default: the Ingress field's own value is no default.
  const FieldSpec* ingress = FindField("compute.ingress");
  ASSERT_NE(ingress, nullptr);
  for (const auto& p : kComputePlatformNames)
    EXPECT_TRUE(std::any_of(ingress->default_when.begin(), ingress->default_when.end(), [&](const DefaultWhen& d) {
      return d.all.size() == 1 && d.all[0].values[0] == p.name;
    })) << p.name;

  // Where a condition fails, the profile's default stands: ecs-express at the edge keeps
  // the profile's NAT.
  std::vector<ConfigValue> values;
  Diagnostics diags;
  ASSERT_TRUE(ParseStackValues(Set(kBase, "compute.platform", "ecs-express"), "dev/stack.yaml", "dev", &values, &diags))
      << diags.FormatAll();
  auto nat = std::find_if(values.begin(), values.end(), [](const ConfigValue& v) { return v.key == "network.nat"; });
  ASSERT_NE(nat, values.end());
  EXPECT_EQ(nat->value, Json(FindField("network.nat")->defaults[0]));
  EXPECT_TRUE(nat->from_profile);
  EXPECT_TRUE(nat->derived_from.empty());
}

// The origin secret's facet is written from UsesVpcOrigin, the predicate the loader and
// the ECS Express module follow: it holds for every platform and ingress pair on which
// CloudFront reaches the service at its own address, and for no other.
TEST(Facets, TheOriginSecretNeedsNoVpcOriginOnEveryPlatformAndIngress) {
  const FieldSpec* f = FindField("cloudfront.origin_secret");
  ASSERT_NE(f, nullptr);
  auto uses_platform = [](const Needs& n) {
    return std::any_of(n.any.begin(), n.any.end(), [](const KeyIs& k) { return k.key == "compute.platform"; });
  };
  auto need = std::find_if(f->needs.begin(), f->needs.end(), uses_platform);
  ASSERT_NE(need, f->needs.end());
  for (const auto& p : kComputePlatformNames)
    for (const auto& i : kIngressNames) {
      bool holds = std::any_of(need->any.begin(), need->any.end(), [&](const KeyIs& k) {
        const std::string value = k.key == "compute.platform" ? p.name : k.key == "compute.ingress" ? i.name : "";
        return std::find(k.values.begin(), k.values.end(), value) != k.values.end();
      });
      EXPECT_EQ(holds, !UsesVpcOrigin(p.value, i.value)) << p.name << " " << i.name;
    }
}

// The reference's facet columns are the rows' facets (the drift test in config_test.cc
// then holds the committed docs/config-reference.md to them).
TEST(Facets, TheReferenceShowsEveryFacet) {
  const std::string doc = ConfigReferenceMarkdown();
  for (const auto& f : ConfigSchema()) {
    SCOPED_TRACE(f.key);
    size_t at = doc.find("| `" + f.key + "`");
    ASSERT_NE(at, std::string::npos);
    const std::string line = doc.substr(at, doc.find('\n', at) - at);
    for (const Needs& n : f.needs) {
      EXPECT_THAT(line, ::testing::HasSubstr(DescribeNeeds(n))) << line;
    }
    if (f.platform) {
      EXPECT_THAT(line, ::testing::HasSubstr(std::string("| ") + ComputePlatformName(f.platform->platform) + " ("))
          << line;
      EXPECT_THAT(line, ::testing::HasSubstr((f.platform->refuse ? "refuses it: " : "warns: ") + f.platform->elsewhere))
          << line;
    }
    if (f.guard) {
      EXPECT_THAT(line, ::testing::HasSubstr("`" + f.guard->name + "` when " + DescribeGuardOff(f))) << line;
    }
    if (!f.guard && f.needs.empty() && !f.platform) {
      EXPECT_THAT(line, ::testing::HasSubstr(" | - | - | - | ")) << line;
    }
  }
}

}  // namespace
}  // namespace bp
