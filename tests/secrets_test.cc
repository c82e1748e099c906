// Secret encryption (config/secrets.h): round trip, and every way a value must fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "config/secrets.h"

namespace bp {
namespace {

// A low count keeps the unit tests fast; the CLI always uses kDefaultKdfIterations.
constexpr int kFastIterations = 1000;

SecretKey Key(const std::string& pass, const std::string& salt, int iterations = kFastIterations) {
  SecretKey k;
  Diagnostics diags;
  EXPECT_TRUE(DeriveSecretKey(pass, salt, iterations, &k, &diags)) << diags.FormatAll();
  return k;
}

TEST(Secrets, RoundTrip) {
  std::string salt = NewSalt();
  SecretKey k = Key("correct horse", salt);
  for (std::string text : {std::string("x"), std::string("postgres://u:p@h/db?x=1"), std::string(5000, 'z'),
                           std::string("\0bin\xff", 5)}) {
    std::string v = EncryptSecret(k, "app.secrets.A", text), out;
    Diagnostics diags;
    ASSERT_EQ(v.rfind("v1:", 0), 0u);
    if (text.size() > 8) {
      EXPECT_THAT(v, ::testing::Not(::testing::HasSubstr(text)));
    }
    ASSERT_TRUE(DecryptSecret(k, "app.secrets.A", v, &out, &diags)) << diags.FormatAll();
    EXPECT_EQ(out, text);
  }
}

TEST(Secrets, FreshNonceEveryTime) {
  SecretKey k = Key("p", NewSalt());
  EXPECT_NE(EncryptSecret(k, "app.secrets.A", "same"), EncryptSecret(k, "app.secrets.A", "same"));
}

TEST(Secrets, WrongPassphraseRejected) {
  std::string salt = NewSalt();
  std::string v = EncryptSecret(Key("right", salt), "app.secrets.A", "value"), out;
  Diagnostics diags;
  SecretKey wrong = Key("wrong", salt);
  EXPECT_FALSE(DecryptSecret(wrong, "app.secrets.A", v, &out, &diags));
  EXPECT_THAT(diags.FormatAll(), ::testing::HasSubstr("cannot decrypt"));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(VerifyPassphraseCheck(wrong, MakePassphraseCheck(Key("right", salt))));
  EXPECT_TRUE(VerifyPassphraseCheck(Key("right", salt), MakePassphraseCheck(Key("right", salt))));
}

TEST(Secrets, OtherSaltRejected) {
  std::string v = EncryptSecret(Key("p", NewSalt()), "app.secrets.A", "value"), out;
  Diagnostics diags;
  EXPECT_FALSE(DecryptSecret(Key("p", NewSalt()), "app.secrets.A", v, &out, &diags));
}

TEST(Secrets, TamperedValueRejected) {
  SecretKey k = Key("p", NewSalt());
  std::string v = EncryptSecret(k, "app.secrets.A", "value of some length"), out;
  Diagnostics diags;
  for (size_t i = 3; i < v.size() - 2; ++i) {  // every base64 character but the padding
    std::string t = v;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecryptSecret(k, "app.secrets.A", t, &out, &diags)) << "position " << i;
  }
  EXPECT_FALSE(DecryptSecret(k, "app.secrets.A", v.substr(0, v.size() - 4), &out, &diags));
  EXPECT_FALSE(DecryptSecret(k, "app.secrets.A", "v1:", &out, &diags));
  EXPECT_FALSE(DecryptSecret(k, "app.secrets.A", "v2:" + v.substr(3), &out, &diags));
  EXPECT_FALSE(DecryptSecret(k, "app.secrets.A", "v1:not base64!", &out, &diags));
}

TEST(Secrets, ValueBoundToItsName) {
  SecretKey k = Key("p", NewSalt());
  std::string v = EncryptSecret(k, "app.secrets.A", "value"), out;
  Diagnostics diags;
  EXPECT_FALSE(DecryptSecret(k, "app.secrets.B", v, &out, &diags));
  EXPECT_THAT(diags.FormatAll(), ::testing::HasSubstr("app.secrets.B"));
}

TEST(Secrets, BadSaltAndEmptyPassphraseRefused) {
  SecretKey k;
  Diagnostics diags;
  EXPECT_FALSE(DeriveSecretKey("p", "c2hvcnQ=", 1000, &k, &diags));  // 5 bytes
  EXPECT_FALSE(DeriveSecretKey("", NewSalt(), 1000, &k, &diags));
  EXPECT_FALSE(k.valid());
}

// What deploy uses: every {secure} value of a stack in clear, or nothing at all.
TEST(Secrets, DecryptSecureValuesAllOrNothing) {
  StackConfig c;
  c.file = "prod/stack.yaml";
  c.encryption.salt = NewSalt();
  c.encryption.iterations = kFastIterations;
  SecretKey k = Key("right", c.encryption.salt);
  c.encryption.check = MakePassphraseCheck(k);
  c.app.secrets = {{"A", EncryptSecret(k, "app.secrets.A", "alpha"), ""},
                   {"B", "", "arn:aws:secretsmanager:eu-west-3:123456789012:secret:b-AbCdEf"},
                   {"C", EncryptSecret(k, "app.secrets.C", "gamma"), ""}};
  std::vector<std::pair<std::string, std::string>> out;
  Diagnostics diags;
  ASSERT_TRUE(DecryptSecureValues(c, "right", &out, &diags)) << diags.FormatAll();
  EXPECT_EQ(out, (std::vector<std::pair<std::string, std::string>>{{"app.secrets.A", "alpha"}, {"app.secrets.C", "gamma"}}));

  diags = {};
  EXPECT_FALSE(DecryptSecureValues(c, "wrong", &out, &diags));
  EXPECT_THAT(diags.FormatAll(), ::testing::HasSubstr("wrong passphrase")) << diags.FormatAll();
  EXPECT_TRUE(out.empty());

  std::swap(c.app.secrets[0].secure_value, c.app.secrets[2].secure_value);  // values swapped between names
  diags = {};
  EXPECT_FALSE(DecryptSecureValues(c, "right", &out, &diags));
  EXPECT_THAT(diags.FormatAll(), ::testing::HasSubstr("cannot decrypt")) << diags.FormatAll();
  EXPECT_TRUE(out.empty());
}

// The figure the report quotes: one derivation at the production iteration count.
TEST(Secrets, ProductionDerivationTime) {
  auto t0 = std::chrono::steady_clock::now();
  SecretKey k = Key("a passphrase", NewSalt(), kDefaultKdfIterations);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(k.valid());
  std::printf("PBKDF2-HMAC-SHA256, %d iterations: %lld ms\n", kDefaultKdfIterations, static_cast<long long>(ms));
}

}  // namespace
}  // namespace bp
