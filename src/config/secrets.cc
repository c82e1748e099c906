#include "config/secrets.h"

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cerrno>
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
                     SecretKey* key, Diagnostics* diags) {
  Bytes salt;
  if (!Base64Decode(salt_b64, &salt) || salt.size() < kSaltBytes) {
    diags->Error({}, "", "encryption.salt is not the base64 of 16 or more bytes; it was altered");
    return false;
  }
  if (passphrase.empty()) {
    diags->Error({}, "", "the passphrase is empty");
    return false;
  }
  if (iterations < 1) {
    diags->Error({}, "", "encryption.iterations must be positive");
    return false;
  }
  if (PKCS5_PBKDF2_HMAC(passphrase.data(), static_cast<int>(passphrase.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof key->bytes_,
                        key->bytes_) != 1) {
    diags->Error({}, "", "key derivation failed (OpenSSL PKCS5_PBKDF2_HMAC)");
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
                   std::string* plaintext, Diagnostics* diags) {
  Bytes in;
  if (value.rfind(kPrefix, 0) != 0 || !Base64Decode(std::string_view(value).substr(3), &in) || in.size() < kNonceBytes + kTagBytes) {
    diags->Error({}, "", key_path + ": not a v1 encrypted value (expected \"v1:<base64>\"); was it edited by hand?");
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
    diags->Error({}, "", key_path + ": cannot decrypt: the value was altered, copied from another key or another stack, "
                                    "or encrypted with another passphrase");
    return false;
  }
  *plaintext = std::move(out);
  return true;
}

std::string MakePassphraseCheck(const SecretKey& key) { return EncryptSecret(key, kCheckPath, kCheckText); }

bool VerifyPassphraseCheck(const SecretKey& key, const std::string& check) {
  Diagnostics diags;
  std::string text;
  return DecryptSecret(key, kCheckPath, check, &text, &diags) && text == kCheckText;
}

bool UnlockStack(const StackConfig& c, const std::string& passphrase, SecretKey* key, Diagnostics* diags) {
  if (c.encryption.salt.empty() || c.encryption.check.empty()) {
    diags->Error({}, "", c.file + ": no encryption section yet; `blueprint config set --secret` creates it");
    return false;
  }
  if (!DeriveSecretKey(passphrase, c.encryption.salt, c.encryption.iterations, key, diags)) return false;
  if (!VerifyPassphraseCheck(*key, c.encryption.check)) {
    diags->Error({}, "", c.file + ": wrong passphrase (it does not open encryption.check)");
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
                         std::vector<std::pair<std::string, std::string>>* out, Diagnostics* diags) {
  out->clear();
  const auto values = SecureValues(c);
  if (values.empty()) return true;
  SecretKey key;
  if (!UnlockStack(c, passphrase, &key, diags)) return false;
  for (const auto& [path, secure] : values) {
    std::string text;
    Diagnostics failed;
    if (!DecryptSecret(key, path, secure, &text, &failed)) {
      for (auto& [name, value] : *out) WipeString(&value);
      out->clear();
      diags->Append(failed, c.file);  // "FILE: app.secrets.NAME: cannot decrypt..."
      return false;
    }
    out->emplace_back(path, std::move(text));
  }
  return true;
}

namespace {

// What the prompt's interrupt handler needs to give the terminal its echo back, in
// storage a signal handler may touch (set before the handler is installed).
constexpr int kPromptSignals[] = {SIGINT, SIGTERM, SIGHUP};
int g_prompt_tty = -1;
termios g_prompt_saved{};
struct sigaction g_prompt_previous[3];
volatile sig_atomic_t g_prompt_interrupted = 0;

// Ctrl-C (or SIGTERM, SIGHUP) at the prompt: echo back on, then the signal goes to what
// handled it before (the default ends the process) once this handler returns.
// tcsetattr, sigaction and raise are async-signal-safe.
void RestoreEchoAndPassOn(int sig) {
  if (g_prompt_tty >= 0) tcsetattr(g_prompt_tty, TCSAFLUSH, &g_prompt_saved);
  g_prompt_interrupted = 1;
  for (int i = 0; i < 3; ++i)
    if (kPromptSignals[i] == sig) sigaction(sig, &g_prompt_previous[i], nullptr);
  raise(sig);
}

// While the echo is off: the handlers above, in place of those the process had (a
// signal it ignores stays ignored).
class EchoRestoredOnSignal {
 public:
  EchoRestoredOnSignal(int tty, const termios& saved) {
    g_prompt_tty = tty;
    g_prompt_saved = saved;
    g_prompt_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = RestoreEchoAndPassOn;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; ++i) {
      sigaction(kPromptSignals[i], nullptr, &g_prompt_previous[i]);
      if (g_prompt_previous[i].sa_handler != SIG_IGN) sigaction(kPromptSignals[i], &sa, nullptr);
    }
  }
  ~EchoRestoredOnSignal() {
    for (int i = 0; i < 3; ++i) sigaction(kPromptSignals[i], &g_prompt_previous[i], nullptr);
    g_prompt_tty = -1;
  }
  EchoRestoredOnSignal(const EchoRestoredOnSignal&) = delete;
  EchoRestoredOnSignal& operator=(const EchoRestoredOnSignal&) = delete;
};

}  // namespace

bool PromptHidden(const std::string& prompt, std::string* value, Diagnostics* diags) {
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    diags->Error({}, "", "no terminal to prompt on");
    return false;
  }
  termios old{};
  bool restore = tcgetattr(fd, &old) == 0;
  std::string line;
  char c = 0;
  bool interrupted = false;
  {
    std::unique_ptr<EchoRestoredOnSignal> guard;
    if (restore) {
      guard = std::make_unique<EchoRestoredOnSignal>(fd, old);
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      quiet.c_lflag |= ECHONL;
      tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    ssize_t w = write(fd, prompt.data(), prompt.size());
    (void)w;
    for (;;) {
      ssize_t n = read(fd, &c, 1);
      if (n < 0 && errno == EINTR && !g_prompt_interrupted) continue;
      if (n != 1 || c == '\n') break;
      line += c;
    }
    interrupted = g_prompt_interrupted != 0;
    if (restore) tcsetattr(fd, TCSAFLUSH, &old);
  }
  close(fd);
  OPENSSL_cleanse(&c, sizeof c);
  if (interrupted) {
    // A handler that returned (rather than ended the process) had the signal.
    WipeString(&line);
    diags->Error({}, "", "interrupted at the prompt; nothing was changed");
    return false;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  *value = std::move(line);
  return true;
}

namespace {

// The passphrase from `env`, else a prompt on /dev/tty (twice when `confirm`).
bool ReadPassphraseFrom(const char* env_name, const std::string& prompt, bool confirm, std::string* passphrase,
                        Diagnostics* diags) {
  if (const char* env = std::getenv(env_name); env && *env) {
    *passphrase = env;
    return true;
  }
  std::string first, second;
  if (Diagnostics no_tty; !PromptHidden(prompt + ": ", &first, &no_tty)) {
    diags->Error({}, "", std::string("no passphrase: set ") + env_name + " or run in a terminal (" +
                             no_tty.FirstError() + ")");
    return false;
  }
  if (first.empty()) {
    diags->Error({}, "", "the passphrase is empty");
    return false;
  }
  if (confirm) {
    if (!PromptHidden("Repeat it: ", &second, diags)) return false;
    bool same = first == second;
    WipeString(&second);
    if (!same) {
      WipeString(&first);
      diags->Error({}, "", "the two passphrases differ; nothing was changed");
      return false;
    }
  }
  *passphrase = std::move(first);
  return true;
}

}  // namespace

bool ReadPassphrase(bool confirm, std::string* passphrase, Diagnostics* diags) {
  return ReadPassphraseFrom(kPassphraseEnv, "Config passphrase", confirm, passphrase, diags);
}

bool ReadNewPassphrase(std::string* passphrase, Diagnostics* diags) {
  return ReadPassphraseFrom(kNewPassphraseEnv, "New config passphrase", true, passphrase, diags);
}

std::string CheckOriginSecretValue(const std::string& value) {
  if (value.size() < kMinOriginSecretChars || value.size() > kMaxOriginSecretChars)
    return "the origin secret must have 32 to 200 characters (it has " + std::to_string(value.size()) +
           "); `openssl rand -hex 32` makes a good one";
  for (char c : value)
    if (c < '!' || c > '~')
      return "the origin secret must be printable ASCII without spaces (it travels as an HTTP header value)";
  return "";
}

std::string CheckSecureValue(const std::string& key_path, const std::string& value) {
  if (key_path == "cloudfront.origin_secret" || key_path == "cloudfront.origin_secret_previous")
    return CheckOriginSecretValue(value);
  return "";
}

}  // namespace bp
