// The audit chain's canonical bytes and hash, and the libsodium helpers beside them.
// Not whole-store verification (audit_verifier_test.cpp).
#include <catch2/catch.hpp>

#include "storage/event_chain.h"
#include "tests/storage/storage_test_util.h"
#include "util/crypto.h"

namespace gridcare::testing {
namespace {

TEST_CASE("canonical event bytes are versioned and length-prefixed", "[storage]") {
  CaseEvent e = CaseStory::Reported(1).last_events[0];
  std::string bytes = storage::CanonicalEventBytes(e);
  CHECK(bytes.rfind("gridcare-event-v1", 0) == 0);
  CHECK(bytes.find("8:REPORTED") != std::string::npos);
}

TEST_CASE("moving text between fields changes the canonical bytes", "[storage]") {
  CaseEvent a;
  a.actor_id = "ab";
  a.actor_unit_id = "c";
  CaseEvent b = a;
  b.actor_id = "a";
  b.actor_unit_id = "bc";
  CHECK(storage::CanonicalEventBytes(a) != storage::CanonicalEventBytes(b));
  CaseEvent c = a;
  c.changes = {{"title", "x"}};
  CaseEvent d = a;
  d.changes = {{"titl", "ex"}};
  CHECK(storage::CanonicalEventBytes(c) != storage::CanonicalEventBytes(d));
  CaseEvent absent = a;
  CaseEvent zero = a;
  zero.due_time = engine::FromUnixMillis(0);
  CHECK(storage::CanonicalEventBytes(absent) != storage::CanonicalEventBytes(zero));
}

TEST_CASE("the chain hash covers the previous hash and every field", "[storage]") {
  CaseEvent e = CaseStory::Reported(1).last_events[0];
  std::string h = storage::ChainHash("", e);
  CHECK(h.size() == 64);
  CHECK(h == storage::ChainHash("", e));
  CHECK(h != storage::ChainHash(std::string(64, '0'), e));
  CaseEvent edited = e;
  edited.note = "x";
  CHECK(h != storage::ChainHash("", edited));
  // prev_hash and hash themselves are not content.
  edited = e;
  edited.hash = "whatever";
  CHECK(h == storage::ChainHash("", edited));
}

TEST_CASE("SHA-256 matches the published test vector", "[storage]") {
  CHECK(util::Sha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("argon2id hashes verify only the right password", "[storage]") {
  auto hash = util::HashPassword("correct horse");
  REQUIRE(hash.ok());
  CHECK(hash->rfind("$argon2id$", 0) == 0);
  CHECK(hash->find("m=19456,t=2") != std::string::npos);
  CHECK(util::VerifyPassword(*hash, "correct horse"));
  CHECK_FALSE(util::VerifyPassword(*hash, "wrong horse"));
  CHECK_FALSE(util::VerifyPassword("", "correct horse"));
  CHECK_FALSE(util::VerifyPassword("not a hash", "correct horse"));
  auto again = util::HashPassword("correct horse");
  REQUIRE(again.ok());
  CHECK(*again != *hash);  // salted
}

TEST_CASE("random tokens are 32 bytes of hex and differ", "[storage]") {
  std::string a = util::RandomToken();
  std::string b = util::RandomToken();
  CHECK(a.size() == 64);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
}

}  // namespace
}  // namespace gridcare::testing
