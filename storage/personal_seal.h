// Sealing a case's personal fields — description, address, subjects — at rest with
// libsodium's XChaCha20-Poly1305 under the current data key (data_keys.h).
//
// The case row keeps one envelope per case (netstrings):
//   "gcp1", key id, commitment of each field (3), base64(nonce ‖ ciphertext)
// The ciphertext holds each field's value and its own random 16-byte salt; a field's
// commitment is hex BLAKE2b(key = salt, value), "" for an empty value. The case's events
// record commitments instead of values (key "<field>.sealed"), so the hash chains stay
// checkable without the key, a new key re-seals the row without touching a chained event,
// and once a value is erased its commitment reveals nothing (the salt went with it). The
// ciphertext is bound to its case and commitments (associated data): it cannot be moved to
// another case or swapped between fields unnoticed. Not which rows to seal (store_writes).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "engine/case.h"
#include "engine/status.h"
#include "storage/data_keys.h"

namespace gridcare::storage {

inline constexpr size_t kSealedFieldCount = 3;
// The case fields sealed, as engine::case_fields names them (and their row columns).
inline constexpr std::array<std::string_view, kSealedFieldCount> kSealedFields = {
    "description", "address", "subjects"};
// The key an event's change of a sealed field is stored under: "<field>.sealed".
std::string SealedChangeKey(std::string_view field);

struct PersonalFields {
  std::array<std::string, kSealedFieldCount> values;  // subjects as EncodeSubjects text
  std::array<std::string, kSealedFieldCount> salts;   // 16 bytes each
};

// 16 random bytes.
std::string NewSalt();
// Hex BLAKE2b-256 of `value` keyed by `salt`; "" when value is empty (nothing to hide).
std::string Commitment(std::string_view salt, std::string_view value);

struct EnvelopeHeader {
  int key_id = 0;
  std::array<std::string, kSealedFieldCount> commitments;
};

engine::Result<std::string> SealPersonal(const DataKeys& keys, engine::CaseId id,
                                         const PersonalFields& fields);
// DATA_LOSS when the envelope is malformed or does not open under its key for this case
// (tampered, moved); FAILED_PRECONDITION when the ring lacks the key it names.
engine::Result<PersonalFields> OpenPersonal(const DataKeys& keys, engine::CaseId id,
                                            std::string_view envelope);
// What can be read without a key.
engine::Result<EnvelopeHeader> ReadEnvelopeHeader(std::string_view envelope);

}  // namespace gridcare::storage
