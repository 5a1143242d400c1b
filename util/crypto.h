// Password hashing with argon2id (libsodium's crypto_pwhash_str), random tokens and SHA-256.
// Not sessions or policy: handlers/ decides when to issue or check a token, storage/ what to hash.
#pragma once

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

}  // namespace gridcare::util
