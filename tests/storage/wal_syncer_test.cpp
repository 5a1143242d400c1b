// Acknowledgement after the WAL sync: a committed write is visible at once but Write returns
// only once a sync that began after its commit has finished; a failed sync fails what it
// covered and every write after it (on the default and the plain write path). Not crashes
// (durability_test.cpp: kill -9).
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <latch>

#include "tests/storage/storage_test_util.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using engine::ErrorCode;
using engine::Status;

TEST_CASE("a write returns only after the WAL sync that follows its commit", "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  std::latch release{1};
  std::atomic<int> syncs{0};
  storage::SqliteStoreOptions options = With(write_path);
  options.wal_sync_for_testing = [&] {
    ++syncs;
    release.wait();
    return Status::Ok();
  };
  auto store = OpenStore(path, options);
  CaseStory story = CaseStory::Reported(1);
  auto written =
      std::async(std::launch::async, [&] { return Save(*store, story.now, story.last_events); });
  // Committed (another connection sees it) and being synced, but not acknowledged.
  REQUIRE(Eventually([&] { return RawInt(path, "SELECT count(*) FROM cases") == 1; }));
  REQUIRE(Eventually([&] { return syncs.load() == 1; }));
  CHECK(written.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  release.count_down();
  CHECK(written.get().ok());
  CHECK(store->write_stats().wal_sync_durations.count() >= 1);
}

TEST_CASE("a failed WAL sync fails the writes it covered and every write after it",
          "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options = With(write_path);
  options.wal_sync_for_testing = [] { return engine::Unavailable("fdatasync: I/O error"); };
  auto store = OpenStore(path, options);
  CaseStory one = CaseStory::Reported(1);
  const Status first = Save(*store, one.now, one.last_events);
  CHECK(first.code() == ErrorCode::kUnavailable);
  CHECK_THAT(first.message(), Catch::Contains("fdatasync: I/O error"));
  CHECK_THAT(first.message(), Catch::Contains("restart the server"));
  CaseStory two = CaseStory::Reported(2);
  const Status second = Save(*store, two.now, two.last_events);
  CHECK(second.code() == ErrorCode::kUnavailable);
  CHECK(RawInt(path, "SELECT count(*) FROM cases WHERE id = 2") == 0);  // never written
}

TEST_CASE("the real sync acknowledges writes and counts its fsyncs", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  for (int id = 1; id <= 3; ++id) {
    CaseStory story = CaseStory::Reported(id);
    REQUIRE(Save(*store, story.now, story.last_events).ok());
  }
  const engine::WriteStats stats = store->write_stats();
  CHECK(stats.wal_sync_durations.count() >= 1);
  CHECK(stats.wal_sync_durations.count() <= stats.batches);
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == 3);
}

}  // namespace
}  // namespace gridcare::testing
