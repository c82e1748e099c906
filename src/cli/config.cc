// blueprint config get|set|rm|list: reads and edits environments/<env>/stack.yaml.
//
// Edits are line-based (config/yaml_edit.h), so the user's comments and layout stay;
// every edit is re-parsed with the full config checks before anything is written, and
// the file is replaced atomically. Secrets (`set --secret`) are encrypted with the
// stack's key (config/secrets.h) and print as [secret] unless --show-secrets.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "analysis/check.h"
#include "cli/common.h"
#include "config/loader.h"
#include "config/schema.h"
#include "config/secrets.h"
#include "config/yaml_edit.h"
#include "naming/arn.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp::cli {

namespace {

constexpr const char* kMasked = "[secret]";
constexpr size_t kMaxSecretBytes = 4096;
// How long set/rm/rekey wait for another of them editing the same file.
constexpr int kLockWaitMs = 30000;

struct ConfigOptions {
  Selection sel;
  std::string key;
  std::string value;
  bool secret = false;
  bool show_secrets = false;
  bool defaults = false;
  bool json = false;
};

struct StackFile {
  std::string env;
  std::string path;
  std::string text;
  FileLock lock;  // held by set, rm and rekey from reading to writing
};

enum class Access { kRead, kEdit };

// The environment's stack.yaml, read; for an edit, locked first so that concurrent
// edits run one after the other and none is lost.
bool OpenStack(const ConfigOptions& o, Access access, StackFile* f, Diagnostics* diags) {
  std::vector<std::string> envs;
  if (!ListEnvironments(o.sel.environments_dir, &envs, diags)) return false;
  if (std::find(envs.begin(), envs.end(), o.sel.stack) == envs.end()) {
    std::vector<std::string> served = EnvironmentsOfStack(o.sel.environments_dir, o.sel.stack);
    if (!served.empty()) {
      diags->Error({}, "", "'" + o.sel.stack + "' is a stack, of environment" + (served.size() == 1 ? " '" : "s '") +
                               Join(served, "', '") +
                               "'; config commands read and edit one environment's stack.yaml: use --stack " +
                               served[0]);
      return false;
    }
    diags->Error({}, "", "no environment '" + o.sel.stack + "' in " + o.sel.environments_dir +
                             DidYouMean(o.sel.stack, envs) + "; environments: " + Join(envs, ", "));
    return false;
  }
  f->env = o.sel.stack;
  f->path = o.sel.environments_dir + "/" + f->env + "/stack.yaml";
  if (access == Access::kEdit && !f->lock.Acquire(f->path, kLockWaitMs, diags)) return false;
  return ReadFile(f->path, &f->text, diags, kMaxStackFileBytes);
}

// A single encrypted value outside app.secrets (cloudfront.origin_secret, ...): set with
// --secret like an app secret, but a plain "v1:..." string rather than {secure: ...}.
// encryption.check has the same shape and is the tool's own.
bool IsSecureField(const FieldSpec& f) {
  return f.check == FieldCheck::kSecureValue && !StartsWith(f.key, "encryption.");
}

// A key the user named: a schema field, or one entry of a map field.
struct KeyRef {
  const FieldSpec* field = nullptr;
  std::string entry;  // map entry name ("LOG_LEVEL"), "" for the field itself
  std::vector<std::string> path;
};

bool ResolveKey(std::string key, bool secret, KeyRef* ref, Diagnostics* diags) {
  if (secret && key.find('.') == std::string::npos) key = "app.secrets." + key;
  if (const FieldSpec* f = FindField(key)) {
    ref->field = f;
  } else {
    size_t dot = key.rfind('.');
    const FieldSpec* parent = dot == std::string::npos ? nullptr : FindField(key.substr(0, dot));
    if (parent && (parent->type == FieldType::kStringMap || parent->type == FieldType::kSecretMap ||
                   parent->type == FieldType::kAckMap)) {
      ref->field = parent;
      ref->entry = key.substr(dot + 1);
    } else {
      std::vector<std::string> keys;
      for (const auto& s : ConfigSchema()) keys.push_back(s.key);
      diags->Error({}, "",
                   "unknown key '" + key + "'" + DidYouMean(key, keys) + "; `blueprint docs config` lists every key");
      return false;
    }
  }
  if (secret && ref->field->type != FieldType::kSecretMap && !IsSecureField(*ref->field)) {
    diags->Error({}, "",
                 "--secret is for app.secrets.NAME, cloudfront.origin_secret and cloudfront.origin_secret_previous; '" +
                     key + "' is not a secret");
    return false;
  }
  ref->path = SplitString(key, '.');
  return true;
}

// YAML text of a JSON value, one line: the form `config get` prints.
std::string Render(const bp::Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    std::string s = fmt::format("{}", v.get<double>());
    return s;
  }
  std::vector<std::string> parts;
  if (v.is_array()) {
    for (const auto& e : v) parts.push_back(YamlQuote(Render(e)));
    return "[" + Join(parts, ", ") + "]";
  }
  for (const auto& [k, e] : v.items()) parts.push_back(k + ": " + YamlQuote(Render(e)));
  return "{" + Join(parts, ", ") + "}";
}

// Clear-text secrets, wiped when they go out of scope.
struct ClearSecrets {
  std::vector<std::pair<std::string, std::string>> values;
  ~ClearSecrets() {
    for (auto& [name, value] : values) WipeString(&value);
  }
};

// Decrypted secrets (key path -> clear text) when asked for, after checking the passphrase.
bool MaybeDecrypt(const ConfigOptions& o, const StackConfig& c, std::vector<std::pair<std::string, std::string>>* out,
                  Diagnostics* diags) {
  if (!o.show_secrets || SecureValues(c).empty()) return true;
  std::string pass;
  if (!ReadPassphrase(false, &pass, diags)) return false;
  bool ok = DecryptSecureValues(c, pass, out, diags);
  WipeString(&pass);
  return ok;
}

// How a secret prints: its clear text when decrypted (`path` is its key path), an {arn}
// as written, otherwise masked.
std::string SecretText(const bp::Json& s, const std::string& path,
                       const std::vector<std::pair<std::string, std::string>>& clear) {
  if (s.is_object() && s.contains("arn")) return "{arn: " + s["arn"].get<std::string>() + "}";
  for (const auto& [p, v] : clear)
    if (p == path) return v;
  return kMasked;
}

// What get and list read: the checked config, its effective values and, with
// --show-secrets, the decrypted secrets.
struct ReadView {
  StackConfig config;
  std::vector<ConfigValue> values;
  ClearSecrets secrets;
};

// kOk, or the exit status to return.
int Read(const ConfigOptions& o, const StackFile& f, ReadView* v) {
  Diagnostics d;
  bool ok = ParseStackConfig(f.text, f.path, f.env, &v->config, &d) &&
            ParseStackValues(f.text, f.path, f.env, &v->values, &d);
  PrintDiagnostics(d);
  if (!ok) return kUserError;
  Diagnostics diags;
  if (!MaybeDecrypt(o, v->config, &v->secrets.values, &diags)) return Fail(diags);
  return kOk;
}

int RunGet(const ConfigOptions& o) {
  StackFile f;
  KeyRef ref;
  Diagnostics diags;
  if (!OpenStack(o, Access::kRead, &f, &diags) || !ResolveKey(o.key, false, &ref, &diags)) return Fail(diags);
  ReadView view;
  if (int rc = Read(o, f, &view); rc != kOk) return rc;
  const std::vector<ConfigValue>& values = view.values;
  const auto& clear = view.secrets.values;
  for (const auto& v : values) {
    if (v.key != ref.field->key) continue;
    if (o.json) {
      bp::Json value;
      if (ref.field->type == FieldType::kSecretMap) {
        if (ref.entry.empty()) {
          value = bp::Json::object();
          for (const auto& [name, s] : v.value.items()) value[name] = SecretText(s, "app.secrets." + name, clear);
        } else if (v.value.contains(ref.entry)) {
          value = SecretText(v.value[ref.entry], "app.secrets." + ref.entry, clear);
        }
      } else if (IsSecureField(*ref.field)) {
        value = SecretText(v.value, ref.field->key, clear);
      } else if (!ref.entry.empty()) {
        if (v.value.contains(ref.entry)) value = v.value[ref.entry];
      } else {
        value = v.value;
      }
      if (value.is_null()) break;
      bp::Json j;
      j["environment"] = f.env;
      j["key"] = o.key;
      j["value"] = std::move(value);
      j["source"] = !v.derived_from.empty() ? v.derived_from
                    : v.from_profile      ? std::string("profile ") + ProfileName(view.config.profile)
                                          : f.path + ":" + std::to_string(v.where.line);
      PrintJson(j);
      return kOk;
    }
    std::string out;
    if (ref.field->type == FieldType::kSecretMap) {
      if (ref.entry.empty()) {
        for (const auto& [name, s] : v.value.items()) out += name + ": " + SecretText(s, "app.secrets." + name, clear) + "\n";
      } else if (v.value.contains(ref.entry)) {
        out = SecretText(v.value[ref.entry], "app.secrets." + ref.entry, clear) + "\n";
      }
    } else if (IsSecureField(*ref.field)) {
      out = SecretText(v.value, ref.field->key, clear) + "\n";
    } else if (!ref.entry.empty()) {
      if (v.value.contains(ref.entry)) out = Render(v.value[ref.entry]) + "\n";
    } else {
      out = Render(v.value) + "\n";
    }
    if (out.empty()) break;
    std::fputs(out.c_str(), stdout);
    WipeString(&out);
    return kOk;
  }
  return Fail(o.key + " has no value in " + f.path + " and no default in its profile");
}

int RunList(const ConfigOptions& o) {
  StackFile f;
  Diagnostics diags;
  if (!OpenStack(o, Access::kRead, &f, &diags)) return Fail(diags);
  ReadView view;
  if (int rc = Read(o, f, &view); rc != kOk) return rc;
  const StackConfig& c = view.config;
  const std::vector<ConfigValue>& values = view.values;
  const auto& clear = view.secrets.values;
  int column = static_cast<int>(c.profile);
  struct Row {
    std::string key, value, source, fallback;
  };
  std::vector<Row> rows;
  auto source = [&](const ConfigValue& v) {
    return !v.derived_from.empty() ? v.derived_from
           : v.from_profile        ? std::string("profile ") + ProfileName(c.profile)
                                   : f.path + ":" + std::to_string(v.where.line);
  };
  for (const auto& spec : ConfigSchema()) {
    const ConfigValue* v = nullptr;
    for (const auto& x : values)
      if (x.key == spec.key) v = &x;
    std::string fallback = spec.defaults[column].empty() ? "-" : spec.defaults[column];
    if (!v) {
      if (o.defaults) rows.push_back({spec.key, "-", "-", fallback});
      continue;
    }
    if (spec.type == FieldType::kSecretMap) {
      for (const auto& [name, s] : v->value.items())
        rows.push_back({spec.key + "." + name, SecretText(s, spec.key + "." + name, clear), source(*v), "-"});
      continue;
    }
    rows.push_back({spec.key, IsSecureField(spec) ? SecretText(v->value, spec.key, clear) : Render(v->value), source(*v),
                    fallback});
  }
  if (o.json) {
    using J = bp::Json;
    J j;
    j["environment"] = f.env;
    j["profile"] = ProfileName(c.profile);
    j["values"] = J::array();
    for (const auto& spec : ConfigSchema()) {
      const ConfigValue* v = nullptr;
      for (const auto& x : values)
        if (x.key == spec.key) v = &x;
      if (!v && !o.defaults) continue;
      auto row = [&](const std::string& key, J value) {
        J r;
        r["key"] = key;
        r["value"] = std::move(value);
        r["source"] = v ? J(source(*v)) : J();
        r["default"] = spec.defaults[column].empty() || spec.type == FieldType::kSecretMap ? J()
                                                                                           : J(spec.defaults[column]);
        j["values"].push_back(std::move(r));
      };
      if (v && spec.type == FieldType::kSecretMap) {
        for (const auto& [name, s] : v->value.items()) row(spec.key + "." + name, SecretText(s, spec.key + "." + name, clear));
        continue;
      }
      row(spec.key, !v ? J() : IsSecureField(spec) ? J(SecretText(v->value, spec.key, clear)) : v->value);
    }
    for (auto& r : rows) WipeString(&r.value);
    PrintJson(j);
    return kOk;
  }
  size_t kw = 3, vw = 5, sw = 6;
  for (const auto& r : rows) {
    kw = std::max(kw, r.key.size());
    vw = std::max(vw, r.value.size());
    sw = std::max(sw, r.source.size());
  }
  std::string out;
  if (o.defaults) {
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", "key", kw, "value", vw, "source", sw,
                       std::string("default (") + ProfileName(c.profile) + ")");
    for (const auto& r : rows)
      out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", r.key, kw, r.value, vw, r.source, sw, r.fallback);
  } else {
    for (const auto& r : rows) out += fmt::format("{:<{}}  {}\n", r.key, kw, r.value);
  }
  for (auto& r : rows) WipeString(&r.value);
  std::fputs(out.c_str(), stdout);
  WipeString(&out);
  return kOk;
}

// The checks `validate` runs, on the edited config `c`: it is assembled together with
// the other environments that load, as `validate` assembles them (an account stack they
// share depends on all of them). When those others do not assemble even without this
// edit, their errors are not this edit's: then `c` is checked alone.
bool AssemblyChecks(const ConfigOptions& o, const StackConfig& c, Diagnostics* d) {
  std::vector<StackConfig> others, configs;
  Diagnostics ignored;  // the other files' own errors: `validate` reports them
  LoadEnvironments(o.sel.environments_dir, {}, &others, &ignored);
  others.erase(std::remove_if(others.begin(), others.end(), [&](const StackConfig& x) { return x.env == c.env; }),
               others.end());
  configs = others;
  configs.push_back(c);
  std::sort(configs.begin(), configs.end(), [](const StackConfig& a, const StackConfig& b) { return a.env < b.env; });
  App app;
  Diagnostics together;
  if (Assemble(configs, &app, &together)) {
    for (auto& item : together.items)  // warnings: this file's only
      if (item.where.file == c.file) d->items.push_back(std::move(item));
    // What every command refuses once the file is written (cli/common.cc).
    const size_t before = d->ErrorCount();
    analysis::CheckAcknowledgements(c, analysis::TemplatesOf(app, c.env), d);
    return d->ErrorCount() == before;
  }
  App without;
  Diagnostics baseline;
  if (others.empty() || Assemble(others, &without, &baseline)) {
    for (auto& item : together.items) d->items.push_back(std::move(item));
    return false;
  }
  App alone;
  return Assemble(c, &alone, d);
}

// Re-parses `text` and runs every check `validate` runs; writes it only when the config
// is still valid and the file has not changed since it was read (under the lock).
int CheckAndWrite(const ConfigOptions& o, const StackFile& f, const std::string& text, const std::string& done) {
  Diagnostics d;
  StackConfig c;
  bool ok = ParseStackConfig(text, f.path, f.env, &c, &d) && AssemblyChecks(o, c, &d);
  if (!ok || d.HasErrors()) {
    PrintDiagnostics(d);
    return Fail("refused: the change would make " + f.path + " invalid; nothing was written");
  }
  PrintDiagnostics(d);  // warnings
  Diagnostics diags;
  std::string now;
  // Another `config` command waits for the lock; an editor does not: compare.
  if (!ReadFile(f.path, &now, &diags, kMaxStackFileBytes)) return Fail(diags);
  if (now != f.text)
    return Fail("refused: " + f.path + " changed while this command ran (edited meanwhile?); nothing was "
                "written and the file keeps the other change: run the command again");
  if (!WriteFileAtomic(f.path, text, &diags)) return Fail(diags);
  std::printf("%s\n", done.c_str());
  return kOk;
}

bool Edit(const std::string& text, const std::vector<std::string>& path, const std::string& yaml, std::string* out,
          Diagnostics* diags) {
  YamlEditResult r;
  if (!YamlSetKey(text, path, yaml, &r, diags)) return false;
  if (r.rewrote_flow)
    std::fprintf(stderr, "note: %s sits in a one-line {...} mapping, which was rewritten\n", Join(path, ".").c_str());
  *out = std::move(r.text);
  return true;
}

// The encryption section for a new salt and key.
bool WriteEncryption(const std::string& salt, const SecretKey& key, std::string* text, Diagnostics* diags) {
  return Edit(*text, {"encryption", "salt"}, YamlQuote(salt), text, diags) &&
         Edit(*text, {"encryption", "iterations"}, std::to_string(kDefaultKdfIterations), text, diags) &&
         Edit(*text, {"encryption", "check"}, "\"" + MakePassphraseCheck(key) + "\"", text, diags);
}

// The secret's clear text: the argument, else standard input when it is not a
// terminal, else a no-echo prompt.
bool ReadSecretValue(const ConfigOptions& o, const std::string& name, std::string* value, Diagnostics* diags) {
  if (!o.value.empty()) {
    std::fprintf(stderr, "note: a value on the command line can stay in shell history; omit it to be prompted\n");
    *value = o.value;
    return true;
  }
  if (!isatty(STDIN_FILENO)) {
    value->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (!value->empty() && value->back() == '\n') value->pop_back();
    if (!value->empty() && value->back() == '\r') value->pop_back();
  } else if (!PromptHidden("Value of " + name + ": ", value, diags)) {
    return false;
  }
  if (value->empty()) {
    diags->Error({}, "", "empty secret value; nothing was changed");
    return false;
  }
  return true;
}

int RunSetSecret(const ConfigOptions& o, const StackFile& f, const KeyRef& ref) {
  Diagnostics diags;
  StackConfig c;
  Diagnostics d;
  if (!ParseStackConfig(f.text, f.path, f.env, &c, &d)) {
    PrintDiagnostics(d);
    return Fail(f.path + " must be valid before a secret is added");
  }
  std::string text = f.text, pass;
  SecretKey key;
  bool fresh = c.encryption.salt.empty();
  if (!ReadPassphrase(fresh, &pass, &diags)) return Fail(diags);
  if (fresh) {
    // The stack's first secret: a new salt and a passphrase check.
    std::string salt = NewSalt();
    bool ok = DeriveSecretKey(pass, salt, kDefaultKdfIterations, &key, &diags) &&
              WriteEncryption(salt, key, &text, &diags);
    WipeString(&pass);
    if (!ok) return Fail(diags);
  } else {
    bool ok = UnlockStack(c, pass, &key, &diags);
    WipeString(&pass);
    if (!ok) return Fail(diags);
  }
  const bool single = IsSecureField(*ref.field);  // cloudfront.origin_secret, not app.secrets.NAME
  const std::string key_path = single ? ref.field->key : "app.secrets." + ref.entry;
  std::string clear;
  if (!ReadSecretValue(o, single ? key_path : ref.entry, &clear, &diags)) return Fail(diags);
  // The value reaches CloudFormation as a parameter value, at most 4,096 bytes.
  // Src: reference/aws-facts.md 12 (DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
  if (InvalidUtf8At(clear) != std::string::npos) {
    WipeString(&clear);
    return Fail("the value is not valid UTF-8 text; nothing was changed (CloudFormation parameters are UTF-8)");
  }
  if (clear.size() > kMaxSecretBytes) {
    WipeString(&clear);
    return Fail("the value is longer than 4,096 bytes, the most a CloudFormation parameter carries; "
                "store it in Secrets Manager yourself and set app.secrets." + ref.entry + " to its ARN");
  }
  if (single) {
    // An HTTP header value WAF compares (config/secrets.h).
    if (std::string bad = CheckSecureValue(key_path, clear); !bad.empty()) {
      WipeString(&clear);
      return Fail(bad + "; nothing was changed");
    }
  }
  std::string secure = EncryptSecret(key, key_path, clear);
  WipeString(&clear);
  std::string yaml = single ? "\"" + secure + "\"" : "{secure: \"" + secure + "\"}";
  if (!Edit(text, ref.path, yaml, &text, &diags)) return Fail(diags);
  return CheckAndWrite(o, f, text, "set " + key_path + " (encrypted) in " + f.path);
}

// A new salt and passphrase for the stack: every {secure} value is decrypted with the
// old key and encrypted again with the new one, all in one atomic write.
int RunRekey(const ConfigOptions& o) {
  StackFile f;
  Diagnostics diags;
  std::string text;
  if (!OpenStack(o, Access::kEdit, &f, &diags)) return Fail(diags);
  StackConfig c;
  Diagnostics d;
  if (!ParseStackConfig(f.text, f.path, f.env, &c, &d)) {
    PrintDiagnostics(d);
    return Fail(f.path + " must be valid before it is re-keyed");
  }
  if (c.encryption.salt.empty()) return Fail(f.path + " has no encrypted secret yet; nothing to re-key");
  std::string old_pass, new_pass;
  ClearSecrets secrets;
  if (!ReadPassphrase(false, &old_pass, &diags)) return Fail(diags);
  bool ok = DecryptSecureValues(c, old_pass, &secrets.values, &diags);
  WipeString(&old_pass);
  if (!ok) return Fail(diags);
  if (!ReadNewPassphrase(&new_pass, &diags)) return Fail(diags);
  SecretKey key;
  std::string salt = NewSalt();
  ok = DeriveSecretKey(new_pass, salt, kDefaultKdfIterations, &key, &diags);
  WipeString(&new_pass);
  text = f.text;
  ok = ok && WriteEncryption(salt, key, &text, &diags);
  for (const auto& [path, value] : secrets.values) {
    // app.secrets.NAME holds {secure: ...}; the single fields hold the "v1:..." string.
    std::string secure = "\"" + EncryptSecret(key, path, value) + "\"";
    std::vector<std::string> keys = SplitString(path, '.');
    if (StartsWith(path, "app.secrets.")) {
      keys = {"app", "secrets", path.substr(std::string("app.secrets.").size())};
      secure = "{secure: " + secure + "}";
    }
    ok = ok && Edit(text, keys, secure, &text, &diags);
  }
  if (!ok) return Fail(diags);
  return CheckAndWrite(o, f, text,
                       "re-keyed " + std::to_string(secrets.values.size()) + " secret(s) in " + f.path);
}

int RunSet(const ConfigOptions& o) {
  StackFile f;
  KeyRef ref;
  Diagnostics diags;
  if (!OpenStack(o, Access::kEdit, &f, &diags) || !ResolveKey(o.key, o.secret, &ref, &diags)) return Fail(diags);
  const FieldSpec& spec = *ref.field;
  if (InvalidUtf8At(o.value) != std::string::npos)
    return Fail("the value is not valid UTF-8 text; a stack.yaml is UTF-8: nothing was written");
  if (StartsWith(spec.key, "encryption."))
    return Fail(spec.key + " is written by `config set --secret`; changing it would make every secret unreadable");
  if (IsSecureField(spec)) {
    if (o.secret) return RunSetSecret(o, f, ref);
    return Fail(spec.key + " is a secret: set it with --secret (it is stored encrypted), e.g. `openssl rand -hex 32 | "
                "blueprint config set --stack " + o.sel.stack + " --secret " + spec.key + "`");
  }
  if (spec.type == FieldType::kSecretMap) {
    if (ref.entry.empty()) return Fail("set one secret at a time: app.secrets.NAME");
    if (o.secret) return RunSetSecret(o, f, ref);
    if (!ParseArn(o.value))
      return Fail("a secret value is set with --secret (it is stored encrypted); without --secret the value "
                  "must be the ARN of an existing Secrets Manager secret or SSM parameter");
  }
  if (o.value.empty() && spec.type != FieldType::kString && spec.type != FieldType::kStringMap)
    return Fail("a value is needed: blueprint config set --stack " + o.sel.stack + " " + o.key + " VALUE");
  std::string yaml;
  switch (spec.type) {
    case FieldType::kSecretMap:
      yaml = "{arn: " + YamlQuote(o.value) + "}";
      break;
    case FieldType::kStringList:
      if (StartsWith(o.value, "[")) {
        yaml = o.value;
      } else {
        std::vector<std::string> items;
        for (auto& s : SplitString(o.value, ',')) {
          size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
          if (b != std::string::npos) items.push_back(YamlQuote(s.substr(b, e - b + 1)));
        }
        yaml = "[" + Join(items, ", ") + "]";
      }
      break;
    case FieldType::kAckMap:  // an entry's value: its reason, or {reason: ..., expires: ...}
      if (ref.entry.empty() && !StartsWith(o.value, "{"))
        return Fail(spec.key + " is a map: set one entry (" + spec.key +
                    ".RULE_ID \"reason\") or give {RULE_ID: reason, ...}");
      yaml = StartsWith(o.value, "{") ? o.value : YamlQuote(o.value);
      break;
    case FieldType::kStringMap:
      if (ref.entry.empty() && !StartsWith(o.value, "{"))
        return Fail(spec.key + " is a map: set one entry (" + spec.key + ".NAME VALUE) or give {NAME: value, ...}");
      yaml = ref.entry.empty() ? o.value : YamlQuote(o.value);
      break;
    default:
      yaml = YamlQuote(o.value);
  }
  std::string text;
  if (!Edit(f.text, ref.path, yaml, &text, &diags)) return Fail(diags);
  return CheckAndWrite(o, f, text, "set " + Join(ref.path, ".") + " in " + f.path);
}

int RunRm(const ConfigOptions& o) {
  StackFile f;
  KeyRef ref;
  Diagnostics diags;
  if (!OpenStack(o, Access::kEdit, &f, &diags) || !ResolveKey(o.key, o.secret, &ref, &diags)) return Fail(diags);
  if (StartsWith(ref.field->key, "encryption."))
    return Fail(ref.field->key + " is written by `config set --secret`; removing it would make every secret unreadable");
  YamlEditResult r;
  bool found = false;
  if (!YamlRemoveKey(f.text, ref.path, &r, &found, &diags)) return Fail(diags);
  if (!found) return Fail(Join(ref.path, ".") + " is not written in " + f.path + " (its value, if any, comes from the profile)");
  return CheckAndWrite(o, f, r.text, "removed " + Join(ref.path, ".") + " from " + f.path);
}

}  // namespace

void RegisterConfig(CLI::App* cmd, int* rc) {
  auto o = std::make_shared<ConfigOptions>();
  cmd->require_subcommand(1);
  // One sub-command: the shared options, its KEY argument (when it takes one), its runner.
  auto sub = [&](const char* name, const char* help, const char* key_help, int (*run)(const ConfigOptions&)) {
    CLI::App* s = cmd->add_subcommand(name, help);
    AddSelectionOptions(s, &o->sel, false);
    s->add_option("--stack", o->sel.stack, "The environment whose stack.yaml is read or edited (required; not a stack id)")
        ->required();
    if (key_help) s->add_option("key", o->key, key_help)->required();
    s->callback([o, rc, run] { *rc = run(*o); });
    return s;
  };
  const char* kSecretsFlag = "Decrypt secrets (asks for the passphrase)";
  CLI::App* get =
      sub("get", "Print one key's effective value", "Dotted key (network.cidr, app.env.LOG_LEVEL, app.secrets.NAME)", RunGet);
  get->add_flag("--show-secrets", o->show_secrets, kSecretsFlag);
  get->add_flag("--json", o->json, "Print JSON: {environment, key, value, source}");

  CLI::App* set = sub("set", "Set one key; refused when the config would become invalid",
                      "Dotted key; with --secret, the secret's name", RunSet);
  set->add_option("value", o->value, "The value (with --secret: omit it to be prompted or to read stdin)");
  set->add_flag("--secret", o->secret, "Store the value encrypted (app.secrets.NAME, cloudfront.origin_secret, cloudfront.origin_secret_previous)");

  sub("rm", "Remove one key from the file (the profile default applies again)", "Dotted key", RunRm)
      ->add_flag("--secret", o->secret, "KEY is a secret name");

  sub("rekey", "Re-encrypt every secret under a new salt and passphrase (BLUEPRINT_CONFIG_NEW_PASSPHRASE or a prompt)",
      nullptr, RunRekey);

  CLI::App* list = sub("list", "Every key's effective value", nullptr, RunList);
  list->add_flag("--defaults", o->defaults, "Also the profile defaults and where each value comes from");
  list->add_flag("--show-secrets", o->show_secrets, kSecretsFlag);
  list->add_flag("--json", o->json,
                 "Print JSON: {environment, profile, values: [{key, value, source, default}]} (with --defaults, "
                 "every key)");
}

}  // namespace bp::cli
