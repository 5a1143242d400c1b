// A rough figure for group commit: N threads each saving M new cases, commands per second.
// Hidden ([.benchmark]): run by name, prints figures, asserts only that the writes succeeded.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <latch>
#include <thread>
#include <vector>

#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

void RunWriters(int writers, int per_writer) {
  TempDir dir;
  auto store = OpenStore(dir.File("gc.db"));
  std::vector<CaseStory> stories;
  stories.reserve(static_cast<size_t>(writers * per_writer));
  for (int i = 0; i < writers * per_writer; ++i) stories.push_back(CaseStory::Reported(i + 1));

  std::latch start(writers + 1);
  std::vector<int> failures(static_cast<size_t>(writers), 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < per_writer; ++i) {
        const CaseStory& s = stories[static_cast<size_t>(t * per_writer + i)];
        if (!Save(*store, s.now, s.last_events).ok()) ++failures[static_cast<size_t>(t)];
      }
    });
  }
  const auto begin = std::chrono::steady_clock::now();
  start.arrive_and_wait();
  for (std::thread& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  for (int f : failures) REQUIRE(f == 0);
  const engine::WriteStats stats = store->write_stats();
  std::printf("%3d writers x %4d SaveCase: %7.3f s, %8.0f commands/s, %llu batches, max batch %llu\n",
              writers, per_writer, seconds, writers * per_writer / seconds,
              static_cast<unsigned long long>(stats.batches),
              static_cast<unsigned long long>(stats.max_batch));
}

TEST_CASE("write throughput of concurrent SaveCase writers", "[.benchmark]") {
  RunWriters(1, 400);
  RunWriters(4, 200);
  RunWriters(16, 100);
  RunWriters(64, 25);
}

}  // namespace
}  // namespace gridcare::testing
