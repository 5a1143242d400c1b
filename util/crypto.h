// Password hashing with argon2id (libsodium's crypto_pwhash_str), random tokens, SHA-256 and
// HMAC-SHA256.
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

}  // namespace gridcare::util
