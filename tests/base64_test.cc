// util/base64 (OpenSSL EVP_EncodeBlock / EVP_DecodeBlock): the RFC 4648 test vectors,
// padding, strictness, and a round trip across OpenSSL call chunks.
#include <gtest/gtest.h>

#include "util/base64.h"

namespace bp {
namespace {

std::vector<unsigned char> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Base64, Rfc4648Vectors) {
  // Src: https://www.rfc-editor.org/rfc/rfc4648#section-10
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(Bytes(plain)), encoded);
    std::vector<unsigned char> out = {1, 2, 3};
    ASSERT_TRUE(Base64Decode(encoded, &out)) << encoded;
    EXPECT_EQ(out, Bytes(plain)) << encoded;  // the padding's zero bytes are not kept
  }
}

TEST(Base64, BinaryAndTheTwoHighCharacters) {
  std::vector<unsigned char> bytes = {0xfb, 0xff, 0xbf, 0x00};
  EXPECT_EQ(Base64Encode(bytes), "+/+/AA==");
  std::vector<unsigned char> out;
  ASSERT_TRUE(Base64Decode("+/+/AA==", &out));
  EXPECT_EQ(out, bytes);
}

TEST(Base64, RefusesAnythingNotCanonicallyPadded) {
  for (const std::string& bad : std::vector<std::string>{"Zg", "Zg=", "Zg===", "Z===", "====", "Zm9v\n", " Zm9v", "Zm 9v", "Zm=v",
                               "Zm9v====", "Zm-_", "Zg==Zg==", std::string("Z\0g=", 4)}) {
    std::vector<unsigned char> out = {1};
    EXPECT_FALSE(Base64Decode(bad, &out)) << bad;
    EXPECT_TRUE(out.empty()) << bad;
  }
}

TEST(Base64, RoundTripAcrossChunks) {
  for (size_t n : {size_t{1}, size_t{2}, size_t{3}, size_t{3 << 20}, size_t{(3 << 20) + 1}, size_t{(6 << 20) + 2}}) {
    std::vector<unsigned char> bytes(n);
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<unsigned char>(i * 131 + (i >> 8));
    std::string text = Base64Encode(bytes);
    EXPECT_EQ(text.size(), (n + 2) / 3 * 4);
    std::vector<unsigned char> back;
    ASSERT_TRUE(Base64Decode(text, &back)) << n;
    EXPECT_EQ(back, bytes) << n;
  }
}

}  // namespace
}  // namespace bp
