#include "util/base64.h"

#include <algorithm>

#include <openssl/evp.h>

namespace bp {

namespace {

// Whole groups per OpenSSL call, so no length passed to it overflows an int.
constexpr size_t kChunkBytes = 3 * (1 << 20);  // encoded: 4 MiB

bool InAlphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::string Base64Encode(const std::vector<unsigned char>& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::vector<unsigned char> buf;
  for (size_t at = 0; at < bytes.size(); at += kChunkBytes) {
    size_t n = std::min(kChunkBytes, bytes.size() - at);
    buf.resize((n + 2) / 3 * 4 + 1);  // + the NUL EVP_EncodeBlock writes
    int len = EVP_EncodeBlock(buf.data(), bytes.data() + at, static_cast<int>(n));
    out.append(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(len));
  }
  return out;
}

bool Base64Decode(std::string_view text, std::vector<unsigned char>* out) {
  out->clear();
  if (text.size() % 4 != 0) return false;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  for (size_t i = 0; i + padding < text.size(); ++i)
    if (!InAlphabet(text[i])) return false;
  // EVP_DecodeBlock decodes every group to 3 bytes, padding included, so the padding's
  // zero bytes are dropped afterwards.
  constexpr size_t kChunkText = kChunkBytes / 3 * 4;
  std::vector<unsigned char> buf;
  for (size_t at = 0; at < text.size(); at += kChunkText) {
    size_t n = std::min(kChunkText, text.size() - at);
    buf.resize(n / 4 * 3);
    int len = EVP_DecodeBlock(buf.data(), reinterpret_cast<const unsigned char*>(text.data() + at),
                              static_cast<int>(n));
    if (len < 0 || static_cast<size_t>(len) != buf.size()) {
      out->clear();
      return false;
    }
    out->insert(out->end(), buf.begin(), buf.end());
  }
  out->resize(out->size() - padding);
  return true;
}

}  // namespace bp
