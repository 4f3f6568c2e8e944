#include "common/encrypt.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "common/base64.h"
#include "common/strings.h"

namespace dm::crypto {
namespace {

constexpr size_t kIvSize = 16;
constexpr char kIvSeparator = '@';

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<SecretKey> ParseHexKey(std::string_view hex) {
  SecretKey key;
  if (hex.size() != key.bytes.size() * 2) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("the key must be 64 hexadecimal characters, found {}", hex.size()),
                  ErrorCode::kEncryptSecretKeyNotValid);
  }
  for (size_t i = 0; i < key.bytes.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("the key has a non-hexadecimal character at offset {}", hi < 0 ? 2 * i : 2 * i + 1),
                    ErrorCode::kEncryptSecretKeyNotValid);
    }
    key.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return key;
}

// AES-256-CFB128, the mode Go's cipher.NewCFBEncrypter implements.
Result<std::string> AesCfb(const SecretKey& key, const unsigned char* iv, std::string_view in, bool encrypt) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cfb128(), nullptr, key.bytes.data(), iv, encrypt ? 1 : 0) != 1) {
    return Status::Internal("cannot initialise AES-256-CFB");
  }
  std::string out(in.size(), '\0');
  int out_len = 0;
  if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &out_len,
                       reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size())) != 1) {
    return Status::Internal("AES-256-CFB failed");
  }
  int final_len = 0;
  if (EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + out_len, &final_len) != 1) {
    return Status::Internal("AES-256-CFB failed");
  }
  out.resize(static_cast<size_t>(out_len + final_len));
  return out;
}

}  // namespace

const SecretKey& LegacyBuiltinKey() {
  static const SecretKey key =
      ParseHexKey("a529b7665997f043a30ac8fadcb51d6aa032c226ab5b7750530b12b8c1a16a48").value();
  return key;
}

Result<SecretKey> LoadSecretKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(StatusCode::kInvalidArgument, fmt::format("cannot read secret key file '{}'", path),
                  ErrorCode::kEncryptSecretKeyNotValid);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto key = ParseHexKey(TrimSpace(buffer.str()));
  if (!key.ok()) return key.status().WithContext(fmt::format("secret key file '{}'", path));
  return key;
}

Result<SecretKey> ResolveSecretKey(const std::string& path) {
  if (path.empty()) return LegacyBuiltinKey();
  return LoadSecretKeyFile(path);
}

Result<std::string> Encrypt(std::string_view plaintext, const SecretKey& key) {
  unsigned char iv[kIvSize];
  if (RAND_bytes(iv, sizeof(iv)) != 1) return Status::Internal("cannot generate a random IV");
  DM_ASSIGN_OR_RETURN(std::string body, AesCfb(key, iv, plaintext, /*encrypt=*/true));
  std::string raw;
  raw.reserve(kIvSize + 1 + body.size());
  raw.append(reinterpret_cast<const char*>(iv), kIvSize);
  raw.push_back(kIvSeparator);
  raw.append(body);
  return Base64Encode(raw);
}

Result<std::string> Decrypt(std::string_view ciphertext_b64, const SecretKey& key) {
  auto decoded = Base64Decode(ciphertext_b64);
  if (!decoded.ok()) return std::move(decoded).status().WithErrorCode(ErrorCode::kEncCipherTextBase64Decode);
  std::string raw = std::move(decoded).value();
  if (raw.size() < kIvSize + 1) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("ciphertext is {} bytes, at least {} are needed", raw.size(), kIvSize + 1),
                  ErrorCode::kCiphertextLenNotValid);
  }
  if (raw[kIvSize] != kIvSeparator) {
    return Status(StatusCode::kInvalidArgument, "ciphertext has no IV separator",
                  ErrorCode::kCiphertextContextNotValid);
  }
  return AesCfb(key, reinterpret_cast<const unsigned char*>(raw.data()),
                std::string_view(raw).substr(kIvSize + 1), /*encrypt=*/false);
}

Secret DecryptOrPlaintext(std::string_view text, const SecretKey& key) {
  auto plain = Decrypt(text, key);
  return Secret(plain.ok() ? std::move(plain).value() : std::string(text));
}

}  // namespace dm::crypto
