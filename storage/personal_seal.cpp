// The envelope of a case's personal fields: commitments, XChaCha20-Poly1305, base64.
// Not keys (data_keys.cpp) nor rows (store_writes.cpp, case_row.cpp).
#include "storage/personal_seal.h"

#include <charconv>
#include <vector>

#include "storage/netstring.h"
#include "util/crypto.h"

namespace gridcare::storage {

using engine::Result;

namespace {

constexpr std::string_view kMagic = "gcp1";
constexpr size_t kSaltBytes = 16;

std::string AssociatedData(engine::CaseId id, const EnvelopeHeader& header) {
  std::string ad = "gridcare-personal-v1|case " + std::to_string(id) + "|key " +
                   std::to_string(header.key_id);
  for (const std::string& c : header.commitments) ad += "|" + c;
  return ad;
}

engine::Status Malformed(engine::CaseId id) {
  return engine::DataLoss("case " + std::to_string(id) +
                          ": the sealed personal data is not a valid envelope");
}

// Header and the base64 rest.
Result<std::pair<EnvelopeHeader, std::string>> Split(std::string_view envelope) {
  const auto bad = [] { return engine::DataLoss("sealed personal data is not a valid envelope"); };
  std::optional<std::string> magic = TakeNetstring(envelope);
  std::optional<std::string> key = TakeNetstring(envelope);
  if (!magic || *magic != kMagic || !key) return bad();
  EnvelopeHeader header;
  auto [end, ec] = std::from_chars(key->data(), key->data() + key->size(), header.key_id);
  if (ec != std::errc() || end != key->data() + key->size() || header.key_id < 1) return bad();
  for (std::string& c : header.commitments) {
    std::optional<std::string> part = TakeNetstring(envelope);
    if (!part) return bad();
    c = std::move(*part);
  }
  std::optional<std::string> sealed = TakeNetstring(envelope);
  if (!sealed || !envelope.empty()) return bad();
  return std::make_pair(std::move(header), std::move(*sealed));
}

}  // namespace

std::string SealedChangeKey(std::string_view field) { return std::string(field) + ".sealed"; }

std::string NewSalt() { return util::RandomBytes(kSaltBytes); }

std::string Commitment(std::string_view salt, std::string_view value) {
  if (value.empty()) return "";
  return util::KeyedHashHex(salt, value, 32);
}

Result<std::string> SealPersonal(const DataKeys& keys, engine::CaseId id,
                                 const PersonalFields& fields) {
  EnvelopeHeader header;
  header.key_id = keys.current_id();
  std::string plain;
  for (size_t i = 0; i < kSealedFieldCount; ++i) {
    if (fields.salts[i].size() != kSaltBytes) {
      return engine::Internal("SealPersonal: a salt is not " + std::to_string(kSaltBytes) +
                              " bytes (no randomness?)");
    }
    header.commitments[i] = Commitment(fields.salts[i], fields.values[i]);
    PutNetstring(plain, fields.salts[i]);
    PutNetstring(plain, fields.values[i]);
  }
  const std::string sealed = util::AeadSeal(keys.current_key(), plain, AssociatedData(id, header));
  util::Wipe(plain);
  if (sealed.empty()) return engine::Internal("SealPersonal: no randomness for a nonce");

  std::string envelope;
  PutNetstring(envelope, kMagic);
  PutNetstring(envelope, std::to_string(header.key_id));
  for (const std::string& c : header.commitments) PutNetstring(envelope, c);
  PutNetstring(envelope, util::ToBase64(sealed));
  return envelope;
}

Result<PersonalFields> OpenPersonal(const DataKeys& keys, engine::CaseId id,
                                    std::string_view envelope) {
  Result<std::pair<EnvelopeHeader, std::string>> parts = Split(envelope);
  if (!parts.ok()) return Malformed(id);
  const auto& [header, base64] = *parts;
  const std::string* key = keys.Find(header.key_id);
  if (key == nullptr) {
    return engine::FailedPrecondition(
        "case " + std::to_string(id) + " is sealed under data key " +
        std::to_string(header.key_id) + ", which the data key file does not hold");
  }
  std::optional<std::string> sealed = util::FromBase64(base64);
  if (!sealed) return Malformed(id);
  std::optional<std::string> plain = util::AeadOpen(*key, *sealed, AssociatedData(id, header));
  if (!plain) {
    return engine::DataLoss("case " + std::to_string(id) +
                            ": the sealed personal data does not open under data key " +
                            std::to_string(header.key_id) +
                            " (a wrong key file, or the row was altered or moved)");
  }
  PersonalFields fields;
  std::string_view rest = *plain;
  for (size_t i = 0; i < kSealedFieldCount; ++i) {
    std::optional<std::string> salt = TakeNetstring(rest);
    std::optional<std::string> value = TakeNetstring(rest);
    if (!salt || !value || Commitment(*salt, *value) != header.commitments[i]) {
      return Malformed(id);
    }
    fields.salts[i] = std::move(*salt);
    fields.values[i] = std::move(*value);
  }
  const bool trailing = !rest.empty();
  util::Wipe(*plain);
  if (trailing) return Malformed(id);
  return fields;
}

Result<EnvelopeHeader> ReadEnvelopeHeader(std::string_view envelope) {
  GC_ASSIGN_OR_RETURN(auto parts, Split(envelope));
  return std::move(parts.first);
}

}  // namespace gridcare::storage
