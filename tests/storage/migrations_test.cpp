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
                     "'deadlines', 'access_log', 'case_serials', 'notifications', "
                     "'deliveries', 'session_revocations', 'audit_chain')") == 13);
  CHECK(RawInt(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'idempotency'") == 0);
  // Opening again applies nothing and keeps the data.
  { auto store = OpenStore(path); }
  CHECK(RawInt(path, "PRAGMA user_version") == storage::LatestSchemaVersion());
}

TEST_CASE("a version 2 file keeps its idempotency keys when they move onto the case row",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("v2.db");
  {
    auto store = OpenStore(path);
    const CaseStory one = CaseStory::Reported(CaseStory::Report(1).Request("phone-a"));
    const CaseStory two = CaseStory::Reported(2);
    REQUIRE(Save(*store, one.now, one.last_events).ok());
    REQUIRE(Save(*store, two.now, two.last_events).ok());
  }
  // Back to version 2's layout, with the keys where version 2 kept them.
  RawSql(path,
         "CREATE TABLE idempotency (reporter_id TEXT NOT NULL, request_id TEXT NOT NULL, "
         "case_id INTEGER NOT NULL REFERENCES cases (id), PRIMARY KEY (reporter_id, request_id)) "
         "STRICT, WITHOUT ROWID;"
         "INSERT INTO idempotency SELECT reporter_id, request_id, id FROM cases;"
         "DROP INDEX cases_reporter_request;"
         "CREATE INDEX cases_reporter ON cases (reporter_id);"
         "DROP INDEX cases_create;"
         "DROP INDEX cases_respond;"
         "DROP TABLE audit_chain;"
         "DROP TRIGGER access_log_no_update;"
         "DROP TRIGGER access_log_no_delete;"
         "DROP TABLE session_revocations;"
         "DROP INDEX sessions_user;"
         "DROP TABLE subject_ids;"
         "ALTER TABLE cases DROP COLUMN personal;"
         "DROP INDEX access_log_user;"
         "PRAGMA user_version = 2;");

  auto store = OpenStore(path);
  CHECK(RawInt(path, "PRAGMA user_version") == storage::LatestSchemaVersion());
  CHECK(RawInt(path, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                     "('idempotency', 'cases_reporter')") == 0);
  CHECK(RawInt(path, "SELECT count(*) FROM audit_chain") == 2);  // migration 5 chained both
  auto reader = store->Read();
  REQUIRE(reader.ok());
  auto found = (*reader)->FindCaseByRequestId("1", "phone-a");
  REQUIRE(found.ok());
  CHECK(found.value() == std::optional<engine::CaseId>(1));
  // A retry of an old create is still refused as a duplicate; a new key is not.
  CaseStory again = CaseStory::Reported(CaseStory::Report(3).Request("phone-a"));
  engine::Status dup = Save(*store, again.now, again.last_events);
  CHECK(dup.code() == engine::ErrorCode::kAborted);
  CHECK_THAT(dup.message(), Catch::Contains("duplicate requestId phone-a"));
  const CaseStory three = CaseStory::Reported(3);
  CHECK(Save(*store, three.now, three.last_events).ok());
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
