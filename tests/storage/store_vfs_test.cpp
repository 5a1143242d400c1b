// The store's VFS (storage/store_vfs.h). The writer's gathered WAL writes: a commit is in
// the file before anyone can see it, a failed write of the gathered frames fails its commit
// and leaves nothing behind, and the file is sound afterwards. Paced writeback: only where
// asked. Crashes: durability_test.cpp; pacing through the checkpointer: checkpointer_test.cpp.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "storage/audit_verifier.h"
#include "storage/store_vfs.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"
#include "tests/support/writer_faults.h"

namespace gridcare::testing {
namespace {

using engine::ErrorCode;
using engine::Status;

TEST_CASE("every acknowledged commit is readable at once by other connections, under load",
          "[storage][wal]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  constexpr int kWriters = 8;
  constexpr int kPerWriter = 60;
  std::atomic<int> acknowledged{0};
  std::atomic<bool> done{false};
  std::atomic<int> reader_errors{0};
  std::atomic<int> stale_reads{0};
  // Reads through the store's own read pool (other connections, other file handles): what
  // a read sees must never be less than what was acknowledged before it began, nor broken.
  std::thread reader([&] {
    while (!done) {
      const int floor = acknowledged.load();
      auto r = store->Read();
      if (!r.ok()) {
        ++reader_errors;
        continue;
      }
      engine::CaseQuery all;
      all.page_size = 200;
      auto page = (*r)->ListCases(all);
      if (!page.ok()) {
        ++reader_errors;
        continue;
      }
      auto c = (*r)->GetCase(floor);
      if (floor > 0 && (!c.ok() || !c->has_value())) ++stale_reads;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerWriter; ++i) {
        // Ids in order across threads would need a lock; each thread acknowledges its own,
        // and the reader checks the latest one any thread has finished.
        const engine::CaseId id = t * kPerWriter + i + 1;
        CaseStory story = CaseStory::Reported(static_cast<int>(id));
        if (Save(*store, story.now, story.last_events).ok()) {
          int seen = acknowledged.load();
          while (seen < id && !acknowledged.compare_exchange_weak(seen, static_cast<int>(id))) {
          }
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  CHECK(reader_errors == 0);
  CHECK(stale_reads == 0);
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == kWriters * kPerWriter);
  store.reset();
  CHECK(IntegrityCheck(path) == "ok");
  auto findings = storage::VerifyAudit(path);
  REQUIRE(findings.ok());
  CHECK(findings->empty());
}

TEST_CASE("a failed write of a commit's gathered frames fails the commit and leaves nothing",
          "[storage][wal]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  WriterFaults faults(options);
  auto store = OpenStore(path, options);
  REQUIRE(store->gathers_wal_writes());
  CaseStory first = CaseStory::Reported(1);
  REQUIRE(Save(*store, first.now, first.last_events).ok());

  faults.FailWalFlushes(1);
  CaseStory lost = CaseStory::Reported(2);
  const Status failed = Save(*store, lost.now, lost.last_events);
  CHECK(failed.code() == ErrorCode::kUnavailable);
  CHECK(RawInt(path, "SELECT count(*) FROM cases WHERE id = 2") == 0);

  // The next commit goes through, the one before is intact, the file is sound.
  CaseStory next = CaseStory::Reported(3);
  REQUIRE(Save(*store, next.now, next.last_events).ok());
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == 2);
  store.reset();
  CHECK(IntegrityCheck(path) == "ok");
  auto reopened = OpenStore(path);
  CHECK(RawInt(path, "SELECT count(*) FROM cases WHERE id IN (1, 3)") == 2);
}

TEST_CASE("writeback pacing applies only to a database this VFS opened", "[storage][wal]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  OpenStore(path).reset();  // the schema
  storage::WritebackPacing pacing;
  pacing.flush_after_bytes = 4096;
  auto plain = storage::Db::Open(path, SQLITE_OPEN_READWRITE);
  REQUIRE(plain.ok());
  CHECK_FALSE(storage::PaceWriteback(plain->raw(), &pacing));

  auto ours = storage::Db::Open(path, SQLITE_OPEN_READWRITE, storage::StoreVfs());
  REQUIRE(ours.ok());
  storage::WritebackPacing off;
  CHECK_FALSE(storage::PaceWriteback(ours->raw(), &off));  // no size: nothing to pace
  REQUIRE(storage::PaceWriteback(ours->raw(), &pacing));
  // Without WAL (rollback journal) every commit writes the database file itself.
  REQUIRE(ours->Exec("PRAGMA journal_mode = DELETE").ok());
  REQUIRE(ours->Exec("CREATE TABLE blob_pages (b BLOB)").ok());
  REQUIRE(ours->Exec("INSERT INTO blob_pages VALUES (zeroblob(65536))").ok());
  CHECK(pacing.flushes.load() >= 8);  // 64 KiB and more, in waits of 4 KiB
  *ours = storage::Db();
  CHECK(IntegrityCheck(path) == "ok");
}

TEST_CASE("with gathering off the writer uses SQLite's own writes", "[storage][wal]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  options.gather_wal_writes = false;
  auto store = OpenStore(path, options);
  CHECK_FALSE(store->gathers_wal_writes());
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == 1);
}

}  // namespace
}  // namespace gridcare::testing
