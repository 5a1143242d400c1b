// WAL checkpoints beside the writer: the thread copies the log back once enough of it waits,
// the writer steps in when the thread falls far behind, and 0 leaves it all to SQLite.
// Not durability (durability_test.cpp): a commit never waits for a checkpoint.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/storage/storage_test_util.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

// Only a checkpoint writes the database file itself; commits go to the WAL.
std::uintmax_t MainFileBytes(const std::string& path) { return std::filesystem::file_size(path); }

// Cases with a long description, a few WAL frames each, with ids from `first_id`.
void SaveBigCases(storage::SqliteStore& store, int count, engine::CaseId first_id = 1) {
  for (engine::CaseId id = first_id; id < first_id + count; ++id) {
    CaseStory story = CaseStory::Reported(id);
    story.now.description = std::string(8000, 'x');
    story.last_events[0].changes = engine::DiffCaseFields(Case{}, story.now);
    REQUIRE(Save(store, story.now, story.last_events).ok());
  }
}

TEST_CASE("the checkpoint thread copies the log back without the writer", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  options.checkpoints.start_frames = 8;
  auto store = OpenStore(path, options);
  const std::uintmax_t before = MainFileBytes(path);
  SaveBigCases(*store, 20);
  CHECK(Eventually([&] { return store->write_stats().checkpoints >= 1; }));
  CHECK(Eventually([&] { return MainFileBytes(path) > before + 20 * 8000; }));
  CHECK(store->write_stats().inline_checkpoints == 0);
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == 20);
}

TEST_CASE("the checkpoint thread paces the database file's writeback unless told not to",
          "[storage]") {
  // Returns the store's figures once a checkpoint has copied 20 cases of 8 KB (~40 pages).
  const auto checkpoint_with = [](std::int64_t flush_after_bytes) {
    TempDir dir;
    const std::string path = dir.File("gc.db");
    storage::SqliteStoreOptions options;
    options.checkpoints.start_frames = 8;
    options.checkpoints.flush_after_bytes = flush_after_bytes;
    options.gather_wal_writes = false;  // pacing is the checkpoint connection's, not the writer's
    auto store = OpenStore(path, options);
    SaveBigCases(*store, 20);
    REQUIRE(Eventually([&] { return store->write_stats().checkpoints >= 1; }));
    if (flush_after_bytes > 0) {
      // Every 4 pages copied back: several waits.
      CHECK(Eventually([&] { return store->write_stats().checkpoint_writeback_waits >= 2; }));
    }
    CHECK(RawInt(path, "SELECT count(*) FROM cases") == 20);
    const engine::WriteStats stats = store->write_stats();
    store.reset();
    CHECK(IntegrityCheck(path) == "ok");
    return stats;
  };
  CHECK(checkpoint_with(16 << 10).checkpoint_writeback_waits >= 2);
  CHECK(checkpoint_with(0).checkpoint_writeback_waits == 0);
}

TEST_CASE("a long WAL is copied back whole, started over and cut back", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  // A case here is ~17 frames. The thread is never woken, so it is never behind: each
  // commit that finds 80 frames or more in the log copies all of them back itself, and the
  // next commit starts the log over. (Beside a busy thread the writer does the same once
  // the thread is nearly caught up — a matter of timing, which no test here relies on.)
  options.checkpoints.start_frames = 1000000;
  options.checkpoints.restart_frames = 80;
  options.checkpoints.wal_size_limit_bytes = 0;  // cut back to nothing when started over
  auto store = OpenStore(path, options);
  SaveBigCases(*store, 20);
  CHECK(store->write_stats().wal_restarts >= 3);  // one per ~5 cases
  // SQLite cuts the file back at the first commit after a restart; from then on it holds
  // at most what came after the last restart (80 frames and a commit or two), well under
  // the ~1.4 MB the 20 cases fill without restarts.
  CHECK(MainFileBytes(path + "-wal") < 700000);
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == 20);
}

TEST_CASE("a long WAL wakes the thread early, and the writer copies only the last commits",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  // A short log never wakes the thread; one of 60 frames or more (~4 cases) wakes it once
  // 40 frames wait, and the writer starts the log over itself once fewer than 40 wait.
  options.checkpoints.start_frames = 1000000;
  options.checkpoints.restart_frames = 60;
  options.checkpoints.catch_up_frames = 40;
  auto store = OpenStore(path, options);
  SaveBigCases(*store, 5);
  REQUIRE(Eventually([&] { return store->write_stats().checkpoints >= 1; }));
  // Whether the thread had finished when a later commit looked is timing: give the writer a
  // few commits to find it caught up.
  for (int more = 0; more < 10 && store->write_stats().wal_restarts == 0; ++more) {
    SaveBigCases(*store, 1, 100 + more);
  }
  CHECK(store->write_stats().wal_restarts >= 1);
  store.reset();
  CHECK(IntegrityCheck(path) == "ok");
}

TEST_CASE("the writer checkpoints itself when the thread has fallen far behind", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  options.checkpoints.start_frames = 1000000;  // the thread is never woken
  options.checkpoints.writer_takes_over_frames = 8;
  auto store = OpenStore(path, options);
  const std::uintmax_t before = MainFileBytes(path);
  SaveBigCases(*store, 20);
  CHECK(MainFileBytes(path) > before + 8 * 8000);
  CHECK(store->write_stats().inline_checkpoints >= 1);
  CHECK(store->write_stats().inline_checkpoint_seconds_sum > 0);
  CHECK(store->write_stats().checkpoints == 0);
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == 20);
}

TEST_CASE("start_frames 0 leaves checkpoints to SQLite's own auto-checkpoint", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  options.checkpoints.start_frames = 0;
  options.checkpoints.writer_takes_over_frames = 1;
  auto store = OpenStore(path, options);
  const std::uintmax_t before = MainFileBytes(path);
  SaveBigCases(*store, 20);
  CHECK(MainFileBytes(path) == before);  // under SQLite's 1,000 frames: nothing copied yet
  const engine::WriteStats stats = store->write_stats();
  CHECK(stats.checkpoints == 0);
  CHECK(stats.inline_checkpoints == 0);
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == 20);
}

}  // namespace
}  // namespace gridcare::testing
