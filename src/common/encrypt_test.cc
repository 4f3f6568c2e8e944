#include "common/encrypt.h"

#include <gtest/gtest.h>

#include <vector>

#include "testutil/test_env.h"

namespace dm::crypto {
namespace {

TEST(EncryptTest, RoundTripsWithBuiltinKey) {
  for (const std::string& plain : std::vector<std::string>{"", "a", "123456", "p@ss w0rd ünïcode", std::string(1000, 'x')}) {
    auto cipher = Encrypt(plain, LegacyBuiltinKey());
    ASSERT_TRUE(cipher.ok());
    EXPECT_NE(*cipher, plain);
    auto back = Decrypt(*cipher, LegacyBuiltinKey());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, plain);
  }
}

TEST(EncryptTest, EachEncryptionUsesAFreshIv) {
  EXPECT_NE(Encrypt("secret", LegacyBuiltinKey()).value(), Encrypt("secret", LegacyBuiltinKey()).value());
}

// The ciphertext from DM's own upgrade documentation (inventory.ini example),
// produced by DM's dmctl with the built-in key: 16-byte IV, '@', 6 bytes.
TEST(EncryptTest, DecryptsCiphertextFromDmDocumentation) {
  auto plain = Decrypt("VjX8cEeTX+qcvZ3bPaO4h0C80pe/1aU=", LegacyBuiltinKey());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->size(), 6u);
}

TEST(EncryptTest, PlaintextPasswordsFallThrough) {
  EXPECT_EQ(DecryptOrPlaintext("123456", LegacyBuiltinKey()).reveal(), "123456");
  EXPECT_EQ(DecryptOrPlaintext("", LegacyBuiltinKey()).reveal(), "");
  auto cipher = Encrypt("hunter2", LegacyBuiltinKey()).value();
  EXPECT_EQ(DecryptOrPlaintext(cipher, LegacyBuiltinKey()).reveal(), "hunter2");
}

TEST(EncryptTest, MalformedCiphertextIsAnErrorWithoutTheText) {
  auto short_text = Decrypt("YWJj", LegacyBuiltinKey());  // "abc"
  ASSERT_FALSE(short_text.ok());
  EXPECT_EQ(short_text.status().error_code(), ErrorCode::kCiphertextLenNotValid);
  auto no_separator = Decrypt("QUFBQUFBQUFBQUFBQUFBQUFBQUFB", LegacyBuiltinKey());
  ASSERT_FALSE(no_separator.ok());
  EXPECT_EQ(no_separator.status().error_code(), ErrorCode::kCiphertextContextNotValid);
  auto not_base64 = Decrypt("not base64!", LegacyBuiltinKey());
  ASSERT_FALSE(not_base64.ok());
  EXPECT_EQ(not_base64.status().message().find("not base64!"), std::string::npos);
}

TEST(EncryptTest, KeyFileHoldsSixtyFourHexCharacters) {
  testutil::TempDir dir;
  std::string good = dir.WriteFile("key", "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\n");
  auto key = LoadSecretKeyFile(good);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->bytes[1], 0x11);
  EXPECT_EQ(key->bytes[31], 0xff);

  auto cipher = Encrypt("pw", *key).value();
  EXPECT_EQ(Decrypt(cipher, *key).value(), "pw");
  // With another key the bytes decrypt to garbage, never to the password.
  auto other = Decrypt(cipher, LegacyBuiltinKey());
  EXPECT_TRUE(!other.ok() || *other != "pw");

  auto too_short = LoadSecretKeyFile(dir.WriteFile("short", "abcd"));
  EXPECT_FALSE(too_short.ok());
  EXPECT_NE(too_short.status().message().find("64 hexadecimal"), std::string::npos);
  auto bad_char = LoadSecretKeyFile(dir.WriteFile("bad", std::string(63, 'a') + "z"));
  EXPECT_FALSE(bad_char.ok());
  EXPECT_FALSE(LoadSecretKeyFile(dir.path() + "/missing").ok());
}

}  // namespace
}  // namespace dm::crypto
