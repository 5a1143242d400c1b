// OpenRuntime: what the config file says about the store reaches the store.
// Not the config parser (config_test.cpp) nor the store itself (tests/storage).
#include <catch2/catch.hpp>

#include <fstream>

#include "app/runtime.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

std::unique_ptr<app::Runtime> OpenWithStoreConfig(const TempDir& dir, const std::string& store) {
  const std::string config = dir.File("gridcare.toml");
  std::ofstream(config) << "[store]\n" << store;
  auto rt = app::OpenRuntime(dir.File("g.db"), config);
  INFO(rt.status().ToString());
  REQUIRE(rt.ok());
  return std::move(rt).value();
}

void SaveCases(engine::Store& store, int count) {
  for (int id = 1; id <= count; ++id) {
    CaseStory story = CaseStory::Reported(id);
    REQUIRE(Save(store, story.now, story.last_events).ok());
  }
}

TEST_CASE("the config file's store.checkpoint_frames reaches the checkpoint thread", "[app]") {
  TempDir dir;
  auto rt = OpenWithStoreConfig(dir, "checkpoint_frames = 1\ncache_mib = 8\nmmap_mib = 0\n");
  SaveCases(*rt->store, 3);
  CHECK(Eventually([&] { return rt->store->write_stats().checkpoints >= 1; }));
}

TEST_CASE("the config file's store.checkpoint_flush_kib paces the checkpoint thread", "[app]") {
  TempDir paced_dir;
  // 1 KiB: every page the thread copies back waits for its writeback.
  auto paced = OpenWithStoreConfig(paced_dir, "checkpoint_frames = 1\ncheckpoint_flush_kib = 1\n");
  SaveCases(*paced->store, 3);
  CHECK(Eventually([&] { return paced->store->write_stats().checkpoint_writeback_waits >= 1; }));
  TempDir off_dir;
  auto off = OpenWithStoreConfig(off_dir, "checkpoint_frames = 1\ncheckpoint_flush_kib = 0\n");
  SaveCases(*off->store, 3);
  CHECK(Eventually([&] { return off->store->write_stats().checkpoints >= 1; }));
  CHECK(off->store->write_stats().checkpoint_writeback_waits == 0);
}

TEST_CASE("the config file's store.gather_wal_writes reaches the write connection", "[app]") {
  TempDir on_dir;
  auto on = OpenWithStoreConfig(on_dir, "gather_wal_writes = true\n");
  CHECK(on->store->gathers_wal_writes());
  TempDir off_dir;
  auto off = OpenWithStoreConfig(off_dir, "gather_wal_writes = false\n");
  CHECK_FALSE(off->store->gathers_wal_writes());
  SaveCases(*off->store, 2);
}

}  // namespace
}  // namespace gridcare::testing
