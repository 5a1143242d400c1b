// The startup check of the database file: a damaged page or header is refused with a message
// pointing to `gridcare backup` and the file is left as it was; a torn WAL tail is ordinary
// recovery and passes. Not the server's refusal to start (tests/e2e/restore_drill_test.cpp).
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "storage/file_check.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/damaged_file.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

// A store with `n` cases, closed cleanly: everything is in the main file.
void StoreWithCases(const std::string& path, int n) {
  auto store = OpenStore(path);
  for (engine::CaseId id = 1; id <= n; ++id) {
    CaseStory story = CaseStory::Reported(id);
    REQUIRE(Save(*store, story.now, story.last_events).ok());
  }
}

TEST_CASE("a whole database file and a missing one pass the startup check", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  CHECK(storage::CheckDatabaseFile(path).ok());  // not there yet: a new database
  StoreWithCases(path, 20);
  const engine::Status s = storage::CheckDatabaseFile(path);
  INFO(s.ToString());
  CHECK(s.ok());
}

TEST_CASE("a corrupted page is refused with a pointer to backup and the file is not changed",
          "[storage]") {
  const std::string table = GENERATE(std::string("case_events"), std::string("cases"),
                                     std::string("deadlines"));
  INFO("root page of " << table);
  TempDir dir;
  const std::string path = dir.File("gc.db");
  StoreWithCases(path, 60);
  REQUIRE(storage::CheckDatabaseFile(path).ok());
  REQUIRE(CorruptRootPage(path, table));
  const std::string damaged = FileBytes(path);

  const engine::Status s = storage::CheckDatabaseFile(path);
  INFO(s.ToString());
  CHECK(s.code() == engine::ErrorCode::kDataLoss);
  CHECK_THAT(s.message(), Catch::Contains("is damaged"));
  CHECK_THAT(s.message(), Catch::Contains("gridcare backup --db " + path));
  CHECK_THAT(s.message(), Catch::Contains("gridcare audit verify --db " + path));
  CHECK(FileBytes(path) == damaged);
}

TEST_CASE("a file whose header is smashed is refused with a pointer to backup", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  StoreWithCases(path, 5);
  {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.write("this is no database file", 24);
  }
  const std::string damaged = FileBytes(path);
  const engine::Status s = storage::CheckDatabaseFile(path);
  INFO(s.ToString());
  CHECK(s.code() == engine::ErrorCode::kDataLoss);
  CHECK_THAT(s.message(), Catch::Contains("gridcare backup"));
  CHECK(FileBytes(path) == damaged);
}

TEST_CASE("a torn WAL tail is ordinary recovery: the check passes and keeps every commit",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  {
    // 50 commits left in the WAL, as a crash leaves them (no checkpoint on close).
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
                            "CREATE TABLE t (x INTEGER)", nullptr, nullptr, nullptr) == SQLITE_OK);
    for (int i = 0; i < 50; ++i) {
      REQUIRE(sqlite3_exec(h, "INSERT INTO t VALUES (1)", nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    int set = 0;
    sqlite3_db_config(h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &set);
    REQUIRE(set == 1);
    sqlite3_close(h);
  }
  // The last commit's frame written only half-way, and the WAL index gone with the crash.
  const std::string wal = path + "-wal";
  const auto size = std::filesystem::file_size(wal);
  std::filesystem::resize_file(wal, size - 2000);
  std::filesystem::remove(path + "-shm");
  const std::string main_file = FileBytes(path);

  const engine::Status s = storage::CheckDatabaseFile(path);
  INFO(s.ToString());
  CHECK(s.ok());
  CHECK(FileBytes(path) == main_file);
  CHECK(RawInt(path, "SELECT count(*) FROM t") == 49);  // the torn commit, and only it, is gone
}

}  // namespace
}  // namespace gridcare::testing
