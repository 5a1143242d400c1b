// The keys that protect personal data at rest: numbered data keys (the newest seals, any
// opens) and one lookup key for keyed hashes of ID numbers. Kept outside the database file
// — a key file or the GRIDCARE_DATA_KEYS environment variable — so a copied database or
// backup alone reveals no names. Not the sealing itself (personal_seal.h).
//
// Text form, one key per line ('#' comments and blank lines ignored; ';' also ends a line,
// for the environment variable):
//   lookup <64 hex>
//   data <id> <64 hex>        id 1..2^31-1; the highest id is the current one
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace gridcare::storage {

class DataKeys {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr char kEnvironmentVariable[] = "GRIDCARE_DATA_KEYS";

  // INVALID_ARGUMENT naming the line for anything malformed, a duplicate id, or a missing
  // lookup or data key.
  static engine::Result<DataKeys> Parse(std::string_view text);
  // Reads and parses `path`; NOT_FOUND when it does not exist.
  static engine::Result<DataKeys> Load(const std::string& path);
  // A fresh ring: a random lookup key and data key 1.
  static engine::Result<DataKeys> Generate();

  // This ring plus a new random data key numbered one above the current: rotation's first
  // step. The lookup key stays (ID-number hashes in the store stay valid).
  engine::Result<DataKeys> WithNewDataKey() const;
  // This ring without the data keys below `keep_from` (they open nothing any more).
  DataKeys WithoutDataKeysBelow(int keep_from) const;

  std::string Serialize() const;
  // Writes Serialize() to `path` readable by the owner only, via a temporary file and a
  // rename, so a crash leaves the old or the new ring, never half of one.
  engine::Status Save(const std::string& path) const;

  int current_id() const { return data_.rbegin()->first; }
  const std::string& current_key() const { return data_.rbegin()->second; }
  // nullptr when the ring has no key with that id.
  const std::string* Find(int id) const;
  const std::map<int, std::string>& data_keys() const { return data_; }

  // Hex of a 16-byte keyed BLAKE2b hash of an ID number (trimmed, 'x' upper-cased): equal
  // numbers give equal hashes under one ring, and without the lookup key a hash cannot be
  // tested against guesses (resident ID numbers are few enough to enumerate).
  std::string LookupHash(std::string_view id_number) const;

 private:
  DataKeys() = default;

  std::string lookup_;
  std::map<int, std::string> data_;  // never empty once constructed by a factory
};

}  // namespace gridcare::storage
