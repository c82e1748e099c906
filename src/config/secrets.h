// Secret values in stack.yaml, encrypted so the file can live in git:
//
//   encryption: {salt: <base64, 16 bytes>, iterations: 600000, check: "v1:..."}
//   app:
//     secrets:
//       SENTRY_DSN: {secure: "v1:..."}
//
// 1. The key: PBKDF2-HMAC-SHA256(passphrase, per-stack salt, iterations) -> 32 bytes.
//    600,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA256
//    (cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).
// 2. A value: AES-256-GCM with a random 96-bit nonce, written as
//    "v1:" + base64(nonce || ciphertext || 16-byte tag). The additional authenticated
//    data is the value's key path ("app.secrets.SENTRY_DSN"), so a ciphertext copied
//    under another name fails to decrypt.
// 3. `check` encrypts a fixed text under the key path "encryption.check"; decrypting
//    it tells a wrong passphrase apart from a tampered value.
// The passphrase comes from BLUEPRINT_CONFIG_PASSPHRASE or a no-echo prompt on
// /dev/tty, and is never written anywhere.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "config/stack_config.h"

namespace bp {

inline constexpr int kDefaultKdfIterations = 600000;  // OWASP 2023, see above
inline constexpr const char* kPassphraseEnv = "BLUEPRINT_CONFIG_PASSPHRASE";
inline constexpr const char* kNewPassphraseEnv = "BLUEPRINT_CONFIG_NEW_PASSPHRASE";  // `config rekey`

// A derived key; the bytes are wiped when it goes away.
class SecretKey {
 public:
  SecretKey() = default;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  bool valid() const { return valid_; }
  const unsigned char* bytes() const { return bytes_; }

 private:
  friend bool DeriveSecretKey(const std::string&, const std::string&, int, SecretKey*, Diagnostics*);
  unsigned char bytes_[32] = {};
  bool valid_ = false;
};

// A fresh random salt (16 bytes), base64.
std::string NewSalt();

// PBKDF2-HMAC-SHA256. `salt_b64` is the stack's encryption.salt.
bool DeriveSecretKey(const std::string& passphrase, const std::string& salt_b64, int iterations,
                     SecretKey* key, Diagnostics* diags);

// "v1:..." for `plaintext` bound to `key_path` ("app.secrets.NAME").
std::string EncryptSecret(const SecretKey& key, const std::string& key_path, const std::string& plaintext);

// Fails (with a message naming `key_path`) when the value is malformed, was made
// with another key, under another key path, or was altered.
bool DecryptSecret(const SecretKey& key, const std::string& key_path, const std::string& value,
                   std::string* plaintext, Diagnostics* diags);

// The passphrase check value stored as encryption.check, and its test.
std::string MakePassphraseCheck(const SecretKey& key);
bool VerifyPassphraseCheck(const SecretKey& key, const std::string& check);

// Reads the passphrase: the environment variable when set, otherwise a prompt on
// /dev/tty with echo off (asked twice when `confirm`). False with a message when
// neither is available or the two entries differ.
bool ReadPassphrase(bool confirm, std::string* passphrase, Diagnostics* diags);

// The new passphrase of `config rekey`: BLUEPRINT_CONFIG_NEW_PASSPHRASE, else asked twice.
bool ReadNewPassphrase(std::string* passphrase, Diagnostics* diags);

// Reads one line from /dev/tty with echo off (for secret values typed by hand). An
// interrupt (SIGINT, SIGTERM, SIGHUP) at the prompt turns the echo back on before the
// signal goes on to the process's own handling (by default, the end of the process).
bool PromptHidden(const std::string& prompt, std::string* value, Diagnostics* diags);

// Derives the stack's key from `passphrase` and checks it against encryption.check.
// Errors: no encryption section, or a wrong passphrase (said in those words).
bool UnlockStack(const StackConfig& c, const std::string& passphrase, SecretKey* key, Diagnostics* diags);

// Every encrypted value of `c` with its key path (the additional data it is bound to):
// app.secrets.NAME {secure} values, then cloudfront.origin_secret and
// cloudfront.origin_secret_previous when set.
std::vector<std::pair<std::string, std::string>> SecureValues(const StackConfig& c);

// Those values in clear text, key path -> value, in SecureValues' order (`config rekey`,
// `--show-secrets`, deploy). Fails on a wrong passphrase (said in those words) or a value
// that does not decrypt under its key path (altered, or moved to another key); nothing is
// returned then.
bool DecryptSecureValues(const StackConfig& c, const std::string& passphrase,
                         std::vector<std::pair<std::string, std::string>>* out, Diagnostics* diags);

// The origin secret (cloudfront.origin_secret, cloudfront.origin_secret_previous)
// travels as an HTTP header value the service's web ACL compares (modules/cdn.h), and
// WAF compares at most 200 bytes in a byte match (SearchString); the lower bound is this
// tool's: 32 characters of `openssl rand -hex` are 128 bits.
// Src: SCHEMA:aws-wafv2-webacl (ByteMatchStatement.SearchString, maxLength 200).
inline constexpr size_t kMinOriginSecretChars = 32, kMaxOriginSecretChars = 200;

// "" when `value` can be an origin secret, otherwise why not.
std::string CheckOriginSecretValue(const std::string& value);

// "" when `value`, decrypted from the encrypted config value `key_path`, can fill the
// parameters bound to it, otherwise why not (the origin secrets must pass
// CheckOriginSecretValue; other values are free text).
std::string CheckSecureValue(const std::string& key_path, const std::string& value);

// Overwrites a string's bytes before it is released.
void WipeString(std::string* s);

}  // namespace bp
