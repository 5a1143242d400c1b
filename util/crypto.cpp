// argon2id password hashes, random bearer tokens, SHA-256 and HMAC-SHA256, all from libsodium.
// Not sessions or policy: handlers/ decides when to hash, verify or issue.
#include "util/crypto.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace gridcare::util {

namespace {

// OWASP's argon2id baseline (m = 19 MiB, t = 2, p = 1). Stronger settings are tempting,
// but an administrator imports ~20,000 grid workers from CSV in one go; at these costs that
// stays minutes, not hours, and a login still costs an attacker ~19 MiB and two passes.
// The parameters are stored inside each hash, so raising them later needs no migration.
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19u * 1024u * 1024u;

// sodium_init() is idempotent and thread-safe; calling it at each entry point avoids any
// global "initialised" flag of our own. It returns 1 when already initialised.
bool SodiumReady() { return sodium_init() >= 0; }

std::string Hex(const unsigned char* bytes, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();  // the terminating NUL bin2hex writes
  return out;
}

}  // namespace

engine::Result<std::string> HashPassword(std::string_view password) {
  if (!SodiumReady()) return engine::Internal("libsodium failed to initialise");
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The only runtime failure is not getting the memory.
    return engine::ResourceExhausted("password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  if (!SodiumReady()) return false;
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most STRBYTES.
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string encoded(encoded_hash);
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

std::string RandomToken() {
  // Without a working libsodium there is no safe randomness; an empty token is rejected
  // by every caller rather than a predictable one being issued.
  if (!SodiumReady()) return {};
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return Hex(bytes.data(), bytes.size());
}

std::string Sha256Hex(std::string_view bytes) {
  (void)SodiumReady();  // SHA-256 works without init; this keeps the CPU-feature probe warm
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return Hex(digest.data(), digest.size());
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  (void)SodiumReady();
  // The state API takes a key of any length; anchors use 32 bytes (the KEYBYTES size).
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return Hex(mac.data(), mac.size());
}

std::string RandomBytes(size_t size) {
  if (!SodiumReady()) return {};
  std::string out(size, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &written, &end) != 0 ||
      written != out.size() || end != hex.data() + hex.size()) {
    return std::nullopt;
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  return Hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

namespace {
const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
}  // namespace

std::string KeyedHashHex(std::string_view key, std::string_view bytes, size_t out_bytes) {
  (void)SodiumReady();
  std::array<unsigned char, crypto_generichash_BYTES_MAX> out{};
  out_bytes = std::clamp<size_t>(out_bytes, crypto_generichash_BYTES_MIN,
                                 crypto_generichash_BYTES_MAX);
  crypto_generichash(out.data(), out_bytes, Bytes(bytes), bytes.size(), Bytes(key), key.size());
  return Hex(out.data(), out_bytes);
}

std::string AeadSeal(std::string_view key, std::string_view plain, std::string_view associated) {
  std::string sealed = RandomBytes(kNonce);
  if (sealed.size() != kNonce || key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
    return {};
  }
  sealed.resize(kNonce + plain.size() + kTag);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(Bytes(sealed) + kNonce, &length, Bytes(plain),
                                             plain.size(), Bytes(associated), associated.size(),
                                             nullptr, Bytes(sealed), Bytes(key));
  sealed.resize(kNonce + length);
  return sealed;
}

std::optional<std::string> AeadOpen(std::string_view key, std::string_view sealed,
                                    std::string_view associated) {
  if (!SodiumReady() || sealed.size() < kNonce + kTag ||
      key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
    return std::nullopt;
  }
  std::string plain(sealed.size() - kNonce - kTag, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(Bytes(plain), &length, nullptr,
                                                 Bytes(sealed) + kNonce, sealed.size() - kNonce,
                                                 Bytes(associated), associated.size(),
                                                 Bytes(sealed), Bytes(key)) != 0) {
    return std::nullopt;
  }
  plain.resize(length);
  return plain;
}

std::string ToBase64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), Bytes(bytes), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(Bytes(out), out.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

void Wipe(std::string& s) { sodium_memzero(s.data(), s.size()); }

}  // namespace gridcare::util
