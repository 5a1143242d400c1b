// BackupDatabase while another thread keeps writing: the copy opens, verifies and holds
// every case committed before the backup began. Not restore.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "storage/audit_verifier.h"
#include "storage/backup.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

TEST_CASE("a backup taken while another thread writes opens and verifies", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  const std::string copy = dir.File("backup.db");
  auto store = OpenStore(path);

  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::atomic<bool> writer_ok{true};
  std::thread writer([&] {
    for (engine::CaseId id = 1; !stop.load(); ++id) {
      CaseStory story = CaseStory::Reported(id);
      if (!Save(*store, story.now, story.last_events).ok()) {
        writer_ok = false;
        return;
      }
      written.fetch_add(1);
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (written.load() < 50 && writer_ok.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  const int before_backup = written.load();
  engine::Status backed_up = storage::BackupDatabase(path, copy);
  const int after_first = written.load();
  // And once more over the existing file: the rename replaces it whole.
  engine::Status again = storage::BackupDatabase(path, copy);
  stop = true;
  writer.join();

  INFO(backed_up.ToString() << " / " << again.ToString());
  REQUIRE(writer_ok.load());
  REQUIRE(before_backup >= 50);
  REQUIRE(backed_up.ok());
  REQUIRE(again.ok());
  CHECK(after_first >= before_backup);

  auto findings = storage::VerifyAudit(copy);
  REQUIRE(findings.ok());
  for (const auto& f : *findings) FAIL_CHECK(f.problem);
  {
    // A plain single file, not a WAL database that needs its -wal beside it.
    auto db = storage::Db::Open(copy, SQLITE_OPEN_READONLY);
    REQUIRE(db.ok());
    auto mode = db->Prepare("PRAGMA journal_mode");
    REQUIRE(mode.ok());
    REQUIRE(*mode->Step());
    CHECK(mode->Text(0) == "delete");
  }
  CHECK(RawInt(copy, "SELECT count(*) FROM cases") >= after_first);
  auto reopened = OpenStore(copy);
  auto reader = reopened->Read();
  REQUIRE(reader.ok());
  CHECK((*(*reader)->GetCase(1)).has_value());

  // Nothing is left beside the target.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) ++entries;
  }
  CHECK(entries == 0);
}

TEST_CASE("backing up a missing database is NOT_FOUND and creates nothing", "[storage]") {
  TempDir dir;
  engine::Status s = storage::BackupDatabase(dir.File("none.db"), dir.File("copy.db"));
  CHECK(s.code() == engine::ErrorCode::kNotFound);
  CHECK_FALSE(std::filesystem::exists(dir.File("copy.db")));
}

}  // namespace
}  // namespace gridcare::testing
