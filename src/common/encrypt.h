// Password encryption in DM's format: base64(IV[16] || '@' || AES-256-CFB(key,
// IV, plaintext)). As DM up to v7, with no key file the built-in key is used,
// so ciphertexts produced by any DM dmctl decrypt here; as DM v8, a key file
// (`secret-key-path`) holds 64 hex characters.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/secret.h"
#include "common/status.h"

namespace dm::crypto {

struct SecretKey {
  std::array<uint8_t, 32> bytes{};
};

// DM's pre-v8 compiled-in AES-256 key.
const SecretKey& LegacyBuiltinKey();

// Reads a key file: 64 hex characters, surrounding whitespace ignored.
Result<SecretKey> LoadSecretKeyFile(const std::string& path);

// Returns the key from `path`, or the legacy key when `path` is empty.
Result<SecretKey> ResolveSecretKey(const std::string& path);

// Encrypts with a fresh random IV; the result is printable base64.
Result<std::string> Encrypt(std::string_view plaintext, const SecretKey& key);

// Decrypts DM-format ciphertext. Errors say why the text is not a ciphertext
// but never include the text itself.
Result<std::string> Decrypt(std::string_view ciphertext_b64, const SecretKey& key);

// As DM: a password that does not decrypt is taken as plaintext.
Secret DecryptOrPlaintext(std::string_view text, const SecretKey& key);

}  // namespace dm::crypto
