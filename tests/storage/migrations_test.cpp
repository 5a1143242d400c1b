// Schema versioning: a new file gets every migration; a file from a newer gridcare is
// refused with a message that says what to do. Not the tables' contents.
#include <catch2/catch.hpp>

#include "storage/migrations.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

TEST_CASE("migrations are numbered 1..n without gaps", "[storage]") {
  int expected = 1;
  for (const storage::Migration& m : storage::AllMigrations()) {
    CHECK(m.version == expected++);
    CHECK_FALSE(m.name.empty());
  }
  CHECK(storage::LatestSchemaVersion() == expected - 1);
}

TEST_CASE("a fresh file is created at the latest schema version", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("fresh.db");
  { auto store = OpenStore(path); }
  CHECK(RawInt(path, "PRAGMA user_version") == storage::LatestSchemaVersion());
  CHECK(RawInt(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                     "('org_units', 'org_closure', 'users', 'sessions', 'cases', 'case_events', "
                     "'deadlines', 'idempotency', 'access_log', 'case_serials')") == 10);
  // Opening again applies nothing and keeps the data.
  { auto store = OpenStore(path); }
  CHECK(RawInt(path, "PRAGMA user_version") == storage::LatestSchemaVersion());
}

TEST_CASE("a file from a newer gridcare is refused with an upgrade message", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("future.db");
  { auto store = OpenStore(path); }
  RawSql(path, "PRAGMA user_version = 999");
  auto store = storage::SqliteStore::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == engine::ErrorCode::kDataLoss);
  CHECK(store.status().message() ==
        "database schema version 999 is newer than this gridcare (knows up to " +
            std::to_string(storage::LatestSchemaVersion()) + "); upgrade gridcare");
  CHECK(RawInt(path, "PRAGMA user_version") == 999);  // untouched
}

TEST_CASE("a file that is not a database is DATA_LOSS, not a crash", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("junk.db");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::string junk(8192, 'x');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  auto store = storage::SqliteStore::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == engine::ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace gridcare::testing
