// Password hashing with argon2id (libsodium's crypto_pwhash_str), random tokens, SHA-256,
// HMAC-SHA256, keyed BLAKE2b, XChaCha20-Poly1305 and base64.
// Not sessions or policy: handlers/ decides when to issue or check a token, storage/ what to hash.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace gridcare::util {

// The encoded argon2id string ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
engine::Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);
// 32 random bytes, hex-encoded: a bearer token.
std::string RandomToken();
// Hex SHA-256 of arbitrary bytes.
std::string Sha256Hex(std::string_view bytes);
// Hex HMAC-SHA256 of `message` under a 32-byte `key` (libsodium's crypto_auth_hmacsha256).
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// `size` bytes from the system's CSPRNG; empty when libsodium cannot start.
std::string RandomBytes(size_t size);
// Hex text to bytes; empty optional when it is not even-length hex.
std::optional<std::string> FromHex(std::string_view hex);
// Bytes to lower-case hex.
std::string ToHex(std::string_view bytes);

// Hex BLAKE2b (crypto_generichash) of `bytes` keyed by `key` (16 to 64 bytes), `out_bytes`
// long (16 to 64).
std::string KeyedHashHex(std::string_view key, std::string_view bytes, size_t out_bytes);
// XChaCha20-Poly1305 (IETF) under a 32-byte `key` with a random nonce, authenticating
// `associated` too: nonce ‖ ciphertext ‖ tag. Empty when there is no randomness.
std::string AeadSeal(std::string_view key, std::string_view plain, std::string_view associated);
// The plain text, or nullopt when `sealed` does not authenticate under `key` and
// `associated` (another key, an altered byte, other associated data).
std::optional<std::string> AeadOpen(std::string_view key, std::string_view sealed,
                                    std::string_view associated);
// Standard base64 with padding; FromBase64 refuses anything non-canonical.
std::string ToBase64(std::string_view bytes);
std::optional<std::string> FromBase64(std::string_view text);
// Zeroes `s` in a way the compiler keeps (sodium_memzero).
void Wipe(std::string& s);

}  // namespace gridcare::util
