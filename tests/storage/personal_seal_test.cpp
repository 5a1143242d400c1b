// Data keys and the personal-data envelope: the text form of a key ring and its errors,
// rotation's new key, the ID-number lookup hash, and an envelope that opens only for its own
// case, under its own key, unaltered. Not the store (tests/app/sealed_personal_test.cpp).
#include <catch2/catch.hpp>

#include "storage/data_keys.h"
#include "storage/personal_seal.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using storage::DataKeys;
using storage::PersonalFields;

DataKeys NewKeys() {
  auto keys = DataKeys::Generate();
  REQUIRE(keys.ok());
  return std::move(*keys);
}

PersonalFields Fields(std::string description, std::string address, std::string subjects) {
  PersonalFields f;
  f.values = {std::move(description), std::move(address), std::move(subjects)};
  for (auto& salt : f.salts) salt = storage::NewSalt();
  return f;
}

TEST_CASE("a key ring survives its text form and says which line is wrong", "[storage][privacy]") {
  const DataKeys keys = NewKeys();
  auto again = DataKeys::Parse(keys.Serialize());
  REQUIRE(again.ok());
  CHECK(again->Serialize() == keys.Serialize());
  CHECK(again->current_id() == 1);

  const std::string hex(64, 'a');
  struct Bad {
    std::string text;
    std::string says;
  };
  const Bad bad[] = {
      {"data 1 " + hex + "\n", "no `lookup` key"},
      {"lookup " + hex + "\n", "no `data` key"},
      {"lookup " + hex + "\ndata 1 abc\n", "line 2: data key 1 is not 64 hex digits"},
      {"lookup " + hex + "\ndata 1 " + hex + "\ndata 1 " + hex + "\n", "line 3: data key 1 appears twice"},
      {"lookup " + hex + "\ndata 0 " + hex + "\n", "line 2: a data key id must be a positive number"},
      {"lookup " + hex + "\nlookup " + hex + "\n", "line 2: a second lookup key"},
      {"key " + hex + "\n", "line 1: expected"},
  };
  for (const Bad& b : bad) {
    INFO(b.text);
    auto parsed = DataKeys::Parse(b.text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == engine::ErrorCode::kInvalidArgument);
    CHECK_THAT(parsed.status().message(), Catch::Contains(b.says));
  }
  // The environment variable's form: ';' ends a line (and a comment) too.
  auto env = DataKeys::Parse("# from the vault; lookup " + hex + ";data 7 " + hex + " # now");
  REQUIRE(env.ok());
  CHECK(env->current_id() == 7);
}

TEST_CASE("a key file is written owner-only and read back", "[storage][privacy]") {
  TempDir dir;
  const DataKeys keys = NewKeys();
  REQUIRE(keys.Save(dir.File("k")).ok());
  const auto perms = std::filesystem::status(dir.File("k")).permissions();
  CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
        std::filesystem::perms::none);
  auto loaded = DataKeys::Load(dir.File("k"));
  REQUIRE(loaded.ok());
  CHECK(loaded->Serialize() == keys.Serialize());
  auto missing = DataKeys::Load(dir.File("nope"));
  CHECK(missing.status().code() == engine::ErrorCode::kNotFound);
}

TEST_CASE("rotation adds a key above the current one and keeps the lookup key",
          "[storage][privacy]") {
  const DataKeys keys = NewKeys();
  auto next = keys.WithNewDataKey();
  REQUIRE(next.ok());
  CHECK(next->current_id() == 2);
  CHECK(next->Find(1) != nullptr);
  CHECK(*next->Find(1) == keys.current_key());
  CHECK(next->current_key() != keys.current_key());
  CHECK(next->LookupHash("350583201501011234") == keys.LookupHash("350583201501011234"));
  const DataKeys trimmed = next->WithoutDataKeysBelow(2);
  CHECK(trimmed.Find(1) == nullptr);
  CHECK(trimmed.current_id() == 2);
  // The current key is never dropped, whatever the caller asks.
  CHECK(trimmed.WithoutDataKeysBelow(99).current_id() == 2);
}

TEST_CASE("the ID-number hash is keyed and ignores spacing and the case of X",
          "[storage][privacy]") {
  const DataKeys a = NewKeys();
  const DataKeys b = NewKeys();
  const std::string h = a.LookupHash("35058320150101123X");
  CHECK(h.size() == 32);
  CHECK(a.LookupHash(" 35058320150101123x ") == h);
  CHECK(a.LookupHash("350583201501011230") != h);
  CHECK(b.LookupHash("35058320150101123X") != h);  // another ring: a guess cannot be tested
}

TEST_CASE("an envelope opens to what was sealed and hides it", "[storage][privacy]") {
  const DataKeys keys = NewKeys();
  const PersonalFields f = Fields("祖母住院", "梅亭社区3号楼", "6:小明某");
  auto envelope = storage::SealPersonal(keys, 42, f);
  REQUIRE(envelope.ok());
  CHECK(envelope->find("梅亭") == std::string::npos);
  CHECK(envelope->find("小明") == std::string::npos);
  auto opened = storage::OpenPersonal(keys, 42, *envelope);
  REQUIRE(opened.ok());
  CHECK(opened->values == f.values);
  CHECK(opened->salts == f.salts);
  auto header = storage::ReadEnvelopeHeader(*envelope);
  REQUIRE(header.ok());
  CHECK(header->key_id == 1);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(header->commitments[i] == storage::Commitment(f.salts[i], f.values[i]));
  }
  // Sealing the same values again gives another ciphertext (a fresh nonce).
  auto again = storage::SealPersonal(keys, 42, f);
  REQUIRE(again.ok());
  CHECK(*again != *envelope);
}

TEST_CASE("an envelope does not open for another case, another key or after an edit",
          "[storage][privacy]") {
  const DataKeys keys = NewKeys();
  auto envelope = storage::SealPersonal(keys, 42, Fields("d", "a", "s"));
  REQUIRE(envelope.ok());

  auto moved = storage::OpenPersonal(keys, 43, *envelope);
  CHECK(moved.status().code() == engine::ErrorCode::kDataLoss);
  CHECK_THAT(moved.status().message(), Catch::Contains("case 43"));

  auto other = storage::OpenPersonal(NewKeys(), 42, *envelope);
  CHECK(other.status().code() == engine::ErrorCode::kDataLoss);
  CHECK_THAT(other.status().message(), Catch::Contains("wrong key file"));

  auto rotated = keys.WithNewDataKey();
  REQUIRE(rotated.ok());
  auto newer = storage::SealPersonal(*rotated, 42, Fields("d", "a", "s"));
  REQUIRE(newer.ok());
  auto without = storage::OpenPersonal(keys, 42, *newer);
  CHECK(without.status().code() == engine::ErrorCode::kFailedPrecondition);
  CHECK_THAT(without.status().message(), Catch::Contains("data key 2"));
  CHECK(storage::OpenPersonal(*rotated, 42, *envelope).ok());  // old rows open under a new ring

  // Every single-byte change of the envelope is refused: the commitments are bound to the
  // ciphertext, the ciphertext is authenticated.
  int refused = 0;
  for (size_t i = 0; i < envelope->size(); ++i) {
    std::string edited = *envelope;
    edited[i] = static_cast<char>(edited[i] ^ 0x01);
    if (!storage::OpenPersonal(keys, 42, edited).ok()) ++refused;
  }
  CHECK(refused == static_cast<int>(envelope->size()));
}

TEST_CASE("an empty value commits to nothing and a commitment depends on its salt",
          "[storage][privacy]") {
  CHECK(storage::Commitment(storage::NewSalt(), "").empty());
  const std::string salt = storage::NewSalt();
  CHECK(storage::Commitment(salt, "小明") == storage::Commitment(salt, "小明"));
  CHECK(storage::Commitment(salt, "小明") != storage::Commitment(storage::NewSalt(), "小明"));
  CHECK(storage::Commitment(salt, "小明").size() == 64);
}

}  // namespace
}  // namespace gridcare::testing
