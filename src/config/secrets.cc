#include "config/secrets.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "util/base64.h"

namespace bp {

namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kNonceBytes = 12;  // the GCM nonce size NIST SP 800-38D recommends
constexpr size_t kTagBytes = 16;
constexpr const char* kPrefix = "v1:";
constexpr const char* kCheckPath = "encryption.check";
constexpr const char* kCheckText = "apprunner-blueprint passphrase check";

using Bytes = std::vector<unsigned char>;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

}  // namespace

SecretKey::SecretKey(SecretKey&& other) noexcept { *this = std::move(other); }

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  std::memcpy(bytes_, other.bytes_, sizeof bytes_);
  valid_ = other.valid_;
  OPENSSL_cleanse(other.bytes_, sizeof other.bytes_);
  other.valid_ = false;
  return *this;
}

SecretKey::~SecretKey() { OPENSSL_cleanse(bytes_, sizeof bytes_); }

void WipeString(std::string* s) {
  if (!s->empty()) OPENSSL_cleanse(s->data(), s->size());
  s->clear();
}

std::string NewSalt() {
  Bytes salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) std::abort();  // no entropy: nothing safe to do
  return Base64Encode(salt);
}

bool DeriveSecretKey(const std::string& passphrase, const std::string& salt_b64, int iterations,
                     SecretKey* key, std::string* err) {
  Bytes salt;
  if (!Base64Decode(salt_b64, &salt) || salt.size() < kSaltBytes) {
    *err = "encryption.salt is not the base64 of 16 or more bytes; it was altered";
    return false;
  }
  if (passphrase.empty()) {
    *err = "the passphrase is empty";
    return false;
  }
  if (iterations < 1) {
    *err = "encryption.iterations must be positive";
    return false;
  }
  if (PKCS5_PBKDF2_HMAC(passphrase.data(), static_cast<int>(passphrase.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof key->bytes_,
                        key->bytes_) != 1) {
    *err = "key derivation failed (OpenSSL PKCS5_PBKDF2_HMAC)";
    return false;
  }
  key->valid_ = true;
  return true;
}

std::string EncryptSecret(const SecretKey& key, const std::string& key_path, const std::string& plaintext) {
  if (!key.valid()) std::abort();
  Bytes out(kNonceBytes + plaintext.size() + kTagBytes);
  if (RAND_bytes(out.data(), kNonceBytes) != 1) std::abort();
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes(), out.data()) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(key_path.data()),
                              static_cast<int>(key_path.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &len,
                              reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                                out.data() + kNonceBytes + plaintext.size()) == 1;
  if (!ok) std::abort();  // AES-GCM with valid sizes cannot fail short of a broken libcrypto
  return kPrefix + Base64Encode(out);
}

bool DecryptSecret(const SecretKey& key, const std::string& key_path, const std::string& value,
                   std::string* plaintext, std::string* err) {
  Bytes in;
  if (value.rfind(kPrefix, 0) != 0 || !Base64Decode(std::string_view(value).substr(3), &in) || in.size() < kNonceBytes + kTagBytes) {
    *err = key_path + ": not a v1 encrypted value (expected \"v1:<base64>\"); was it edited by hand?";
    return false;
  }
  size_t n = in.size() - kNonceBytes - kTagBytes;
  std::string out(n, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0, fin = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes(), in.data()) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(key_path.data()),
                              static_cast<int>(key_path.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                              in.data() + kNonceBytes, static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                                in.data() + kNonceBytes + n) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &fin) == 1;
  if (!ok) {
    WipeString(&out);
    *err = key_path + ": cannot decrypt: the value was altered, copied from another key or another stack, "
                      "or encrypted with another passphrase";
    return false;
  }
  *plaintext = std::move(out);
  return true;
}

std::string MakePassphraseCheck(const SecretKey& key) { return EncryptSecret(key, kCheckPath, kCheckText); }

bool VerifyPassphraseCheck(const SecretKey& key, const std::string& check) {
  std::string text, err;
  return DecryptSecret(key, kCheckPath, check, &text, &err) && text == kCheckText;
}

bool UnlockStack(const StackConfig& c, const std::string& passphrase, SecretKey* key, std::string* err) {
  if (c.encryption.salt.empty() || c.encryption.check.empty()) {
    *err = c.file + ": no encryption section yet; `blueprint config set --secret` creates it";
    return false;
  }
  if (!DeriveSecretKey(passphrase, c.encryption.salt, c.encryption.iterations, key, err)) return false;
  if (!VerifyPassphraseCheck(*key, c.encryption.check)) {
    *err = c.file + ": wrong passphrase (it does not open encryption.check)";
    return false;
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> SecureValues(const StackConfig& c) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : c.app.secrets)
    if (!s.secure_value.empty()) out.emplace_back("app.secrets." + s.name, s.secure_value);
  if (!c.cloudfront.origin_secret.empty()) out.emplace_back("cloudfront.origin_secret", c.cloudfront.origin_secret);
  if (!c.cloudfront.origin_secret_previous.empty())
    out.emplace_back("cloudfront.origin_secret_previous", c.cloudfront.origin_secret_previous);
  return out;
}

bool DecryptSecureValues(const StackConfig& c, const std::string& passphrase,
                         std::vector<std::pair<std::string, std::string>>* out, std::string* err) {
  out->clear();
  const auto values = SecureValues(c);
  if (values.empty()) return true;
  SecretKey key;
  if (!UnlockStack(c, passphrase, &key, err)) return false;
  for (const auto& [path, secure] : values) {
    std::string text;
    if (!DecryptSecret(key, path, secure, &text, err)) {
      for (auto& [name, value] : *out) WipeString(&value);
      out->clear();
      *err = c.file + ": " + *err;
      return false;
    }
    out->emplace_back(path, std::move(text));
  }
  return true;
}

bool DecryptAppSecrets(const StackConfig& c, const std::string& passphrase,
                       std::vector<std::pair<std::string, std::string>>* out, std::string* err) {
  StackConfig apps_only;  // the app secrets and what unlocks them
  apps_only.file = c.file;
  apps_only.encryption = c.encryption;
  apps_only.app.secrets = c.app.secrets;
  if (!DecryptSecureValues(apps_only, passphrase, out, err)) return false;
  const std::string prefix = "app.secrets.";
  for (auto& [path, value] : *out) path.erase(0, prefix.size());
  return true;
}

bool PromptHidden(const std::string& prompt, std::string* value, std::string* err) {
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    *err = "no terminal to prompt on";
    return false;
  }
  termios old{};
  bool restore = tcgetattr(fd, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  ssize_t w = write(fd, prompt.data(), prompt.size());
  (void)w;
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line += c;
  if (restore) tcsetattr(fd, TCSAFLUSH, &old);
  close(fd);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  *value = std::move(line);
  OPENSSL_cleanse(&c, sizeof c);
  return true;
}

namespace {

// The passphrase from `env`, else a prompt on /dev/tty (twice when `confirm`).
bool ReadPassphraseFrom(const char* env_name, const std::string& prompt, bool confirm, std::string* passphrase,
                        std::string* err) {
  if (const char* env = std::getenv(env_name); env && *env) {
    *passphrase = env;
    return true;
  }
  std::string first, second;
  if (!PromptHidden(prompt + ": ", &first, err)) {
    *err = std::string("no passphrase: set ") + env_name + " or run in a terminal (" + *err + ")";
    return false;
  }
  if (first.empty()) {
    *err = "the passphrase is empty";
    return false;
  }
  if (confirm) {
    if (!PromptHidden("Repeat it: ", &second, err)) return false;
    bool same = first == second;
    WipeString(&second);
    if (!same) {
      WipeString(&first);
      *err = "the two passphrases differ; nothing was changed";
      return false;
    }
  }
  *passphrase = std::move(first);
  return true;
}

}  // namespace

bool ReadPassphrase(bool confirm, std::string* passphrase, std::string* err) {
  return ReadPassphraseFrom(kPassphraseEnv, "Config passphrase", confirm, passphrase, err);
}

bool ReadNewPassphrase(std::string* passphrase, std::string* err) {
  return ReadPassphraseFrom(kNewPassphraseEnv, "New config passphrase", true, passphrase, err);
}

}  // namespace bp
