// Group commit (GroupCommit::Write): concurrent writes share a transaction, each keeps its own
// result, a broken group fails whole, access records ride along, the destructor drains; the
// failure cases on the default and the plain write path. Not single-command semantics
// (sqlite_store_test.cpp) nor crashes (durability_test.cpp).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/storage/storage_test_util.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"
#include "tests/support/writer_faults.h"

namespace gridcare::testing {
namespace {

using engine::ErrorCode;
using engine::Status;
using engine::StoreWriter;

std::int64_t CountRows(const std::string& path, const std::string& table) {
  return RawInt(path, "SELECT count(*) FROM " + table);
}

// Holds the writer thread inside a callback of its own, so that what is written meanwhile
// queues up and lands in the next group together.
class PausedWriter {
 public:
  explicit PausedWriter(engine::Store& store)
      : thread_([this, &store] {
          status_ = store.Write([this](StoreWriter&) {
            entered_.count_down();
            release_.wait();
            return Status::Ok();
          });
        }) {
    entered_.wait();
  }
  ~PausedWriter() { (void)Join(); }
  PausedWriter(const PausedWriter&) = delete;
  PausedWriter& operator=(const PausedWriter&) = delete;

  void Release() {
    if (!released_) release_.count_down();
    released_ = true;
  }
  Status Join() {
    Release();
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  std::latch entered_{1};
  std::latch release_{1};
  bool released_ = false;
  Status status_;
  std::thread thread_;  // last: it uses the members above
};

// Writes on their own threads; Join() collects each one's own result, in start order.
class Writers {
 public:
  void Start(engine::Store& store, std::function<Status(StoreWriter&)> fn) {
    statuses_.emplace_back();
    const size_t slot = statuses_.size() - 1;
    // statuses_ is reserved so the slot does not move while the thread writes it.
    threads_.emplace_back([this, &store, slot, fn = std::move(fn)] {
      statuses_[slot] = store.Write(fn);
    });
  }
  std::vector<Status> Join() {
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    return statuses_;
  }
  explicit Writers(size_t max) { statuses_.reserve(max); }
  ~Writers() {
    for (std::thread& t : threads_) t.join();
  }

 private:
  std::vector<Status> statuses_;
  std::vector<std::thread> threads_;
};

std::function<Status(StoreWriter&)> SaveFn(const CaseStory& story) {
  return [story](StoreWriter& w) { return w.SaveCase(story.now, story.last_events); };
}

// A case big enough to need new pages of the file.
CaseStory BigCase(engine::CaseId id) {
  CaseStory story = CaseStory::Reported(id);
  story.now.description = std::string(8000, 'x');
  story.last_events[0].changes = engine::DiffCaseFields(Case{}, story.now);
  return story;
}

TEST_CASE("concurrent writers all succeed and share commits", "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path, With(write_path));
  constexpr int kThreads = 32;
  constexpr int kPerThread = 50;
  std::latch start(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        CaseStory story = CaseStory::Reported(t * kPerThread + i + 1);
        if (!Save(*store, story.now, story.last_events).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int f : failures) CHECK(f == 0);
  CHECK(CountRows(path, "cases") == kThreads * kPerThread);
  CHECK(CountRows(path, "case_events") == kThreads * kPerThread);
  const engine::WriteStats stats = store->write_stats();
  CHECK(stats.commands == kThreads * kPerThread);
  CHECK(stats.max_batch > 1);
  CHECK(stats.batches < stats.commands);
  CHECK(stats.failed_commits == 0);
  // Every committed case wrote at least its row's page, and groups shared pages.
  CHECK(stats.wal_pages >= stats.batches);
  CHECK(stats.wal_pages < 20 * stats.commands);
  // The histograms count the same groups and syncs as the counters.
  CHECK(stats.group_sizes.count() == stats.batches);
  CHECK(stats.group_sizes.sum() == Approx(static_cast<double>(stats.commands)));
  CHECK(stats.commit_durations.count() == stats.batches);
  CHECK(stats.wal_sync_durations.count() >= 1);
  CHECK(stats.wal_sync_durations.count() <= stats.batches);  // one sync may cover several
}

TEST_CASE("a failing command leaves nothing behind and does not disturb the rest of its group",
          "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path, With(write_path));
  constexpr int kGood = 7;
  Writers writers(kGood + 1);
  {
    PausedWriter pause(*store);
    for (int id = 1; id <= 3; ++id) writers.Start(*store, SaveFn(CaseStory::Reported(id)));
    // Writes a case, then trips over SaveCase's own savepoint (duplicate requestId) and
    // gives up: none of it may stay.
    writers.Start(*store, [](StoreWriter& w) {
      CaseStory first = CaseStory::Reported(CaseStory::Report(100).Request("dup"));
      CaseStory again = CaseStory::Reported(CaseStory::Report(101).Request("dup"));
      GC_RETURN_IF_ERROR(w.SaveCase(first.now, first.last_events));
      GC_ASSIGN_OR_RETURN(int serial, w.NextCaseSerial(2026));
      (void)serial;
      return w.SaveCase(again.now, again.last_events);
    });
    for (int id = 4; id <= kGood; ++id) writers.Start(*store, SaveFn(CaseStory::Reported(id)));
    REQUIRE(Eventually([&] { return store->queued_writes() == kGood + 1; }));
  }
  std::vector<Status> statuses = writers.Join();
  for (int i = 0; i < kGood + 1; ++i) {
    INFO("writer " << i << ": " << statuses[i].ToString());
    if (i == 3) {
      CHECK(statuses[i].code() == ErrorCode::kAborted);
      CHECK_THAT(statuses[i].message(), Catch::Contains("duplicate requestId"));
    } else {
      CHECK(statuses[i].ok());
    }
  }
  CHECK(CountRows(path, "cases") == kGood);
  CHECK(CountRows(path, "case_events") == kGood);
  CHECK(RawInt(path, "SELECT count(*) FROM cases WHERE id >= 100") == 0);
  CHECK(RawInt(path, "SELECT count(*) FROM cases WHERE request_id = 'dup'") == 0);
  CHECK(CountRows(path, "case_serials") == 0);
  const engine::WriteStats stats = store->write_stats();
  CHECK(stats.max_batch == kGood + 1);
  CHECK(stats.batches == 2);  // the pause, then everyone else
  CHECK(stats.commands == kGood + 1);  // the pause counts; the failed command does not
}

TEST_CASE("only a command that failed after writing makes its group run again", "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path, With(write_path));
  std::atomic<int> runs_before{0}, runs_after{0}, runs_refused{0}, runs_half{0};
  auto counted = [](std::atomic<int>& runs, CaseStory story) {
    return [&runs, story](StoreWriter& w) {
      ++runs;
      return w.SaveCase(story.now, story.last_events);
    };
  };
  Writers writers(4);
  {
    PausedWriter pause(*store);
    // One at a time, so the queue holds them in this order.
    auto start = [&](std::function<Status(StoreWriter&)> fn) {
      const std::size_t queued = store->queued_writes();
      writers.Start(*store, std::move(fn));
      REQUIRE(Eventually([&] { return store->queued_writes() == queued + 1; }));
    };
    start(counted(runs_before, CaseStory::Reported(1)));
    // Refuses before writing anything: nothing to undo, nobody runs twice for it.
    start([&](StoreWriter&) -> Status {
      ++runs_refused;
      return engine::FailedPrecondition("refused");
    });
    start(counted(runs_after, CaseStory::Reported(2)));
    // Writes, then fails: the group is rolled back and the others run once more.
    start([&](StoreWriter& w) -> Status {
      ++runs_half;
      CaseStory story = CaseStory::Reported(3);
      GC_RETURN_IF_ERROR(w.SaveCase(story.now, story.last_events));
      return engine::Aborted("changed its mind");
    });
  }
  std::vector<Status> statuses = writers.Join();
  CHECK(statuses[0].ok());
  CHECK(statuses[1].code() == ErrorCode::kFailedPrecondition);
  CHECK(statuses[2].ok());
  CHECK(statuses[3].code() == ErrorCode::kAborted);
  CHECK(runs_refused == 1);
  CHECK(runs_half == 1);
  CHECK(runs_before == 2);
  CHECK(runs_after == 2);
  CHECK(CountRows(path, "cases") == 2);
  CHECK(RawInt(path, "SELECT count(*) FROM cases WHERE id IN (1, 2)") == 2);
  CHECK(CountRows(path, "case_events") == 2);
}

TEST_CASE("when SQLite ends the transaction mid-group every command of the group is UNAVAILABLE",
          "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path, With(write_path));
  // RAISE(ROLLBACK) ends the whole transaction from inside one command, as SQLite does by
  // itself on some I/O and full-disk errors.
  RawSql(path,
         "CREATE TRIGGER boom BEFORE INSERT ON access_log WHEN NEW.what = 'boom' "
         "BEGIN SELECT RAISE(ROLLBACK, 'boom'); END");
  Writers writers(3);
  {
    PausedWriter pause(*store);
    // One at a time, so the group runs them in this order: before, culprit, after.
    writers.Start(*store, SaveFn(CaseStory::Reported(1)));
    REQUIRE(Eventually([&] { return store->queued_writes() == 1; }));
    writers.Start(*store, [](StoreWriter& w) { return w.LogAccess({{"5", 1, T0(), "boom"}}); });
    REQUIRE(Eventually([&] { return store->queued_writes() == 2; }));
    writers.Start(*store, SaveFn(CaseStory::Reported(2)));
    REQUIRE(Eventually([&] { return store->queued_writes() == 3; }));
  }
  std::vector<Status> statuses = writers.Join();
  for (const Status& s : statuses) {
    INFO(s.ToString());
    CHECK(s.code() == ErrorCode::kUnavailable);
    CHECK_THAT(s.message(), Catch::Contains("storage cannot take writes"));
  }
  CHECK_THAT(statuses[1].message(), Catch::Contains("boom"));
  CHECK(CountRows(path, "cases") == 0);
  CHECK(CountRows(path, "case_events") == 0);
  CHECK(CountRows(path, "access_log") == 0);
  CHECK(store->write_stats().failed_commits == 1);

  // The next group starts afresh.
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CHECK(CountRows(path, "cases") == 1);
}

TEST_CASE("a full disk fails a whole group with UNAVAILABLE and writing resumes once there is room",
          "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options = With(write_path);
  WriterFaults faults(options);
  faults.CapPages(1);  // SQLite raises it to the current size
  auto store = OpenStore(path, options);
  // Fill whatever free pages the file still had.
  engine::CaseId next = 1;
  for (; next <= 500; ++next) {
    CaseStory story = BigCase(next);
    if (!Save(*store, story.now, story.last_events).ok()) break;
  }
  REQUIRE(next <= 500);
  const std::int64_t before = CountRows(path, "cases");

  constexpr int kGroup = 6;
  std::vector<CaseStory> stories;
  for (int i = 0; i < kGroup; ++i) stories.push_back(BigCase(next + i));
  Writers writers(kGroup);
  {
    PausedWriter pause(*store);
    for (const CaseStory& s : stories) writers.Start(*store, SaveFn(s));
    REQUIRE(Eventually([&] { return store->queued_writes() == kGroup; }));
  }
  for (const Status& s : writers.Join()) {
    INFO(s.ToString());
    CHECK(s.code() == ErrorCode::kUnavailable);
    CHECK_THAT(s.message(), Catch::Contains("disk full"));
  }
  const std::string ids = "id >= " + std::to_string(next);
  const std::string case_ids = "case_id >= " + std::to_string(next);
  CHECK(CountRows(path, "cases") == before);
  CHECK(RawInt(path, "SELECT count(*) FROM case_events WHERE " + case_ids) == 0);
  CHECK(RawInt(path, "SELECT count(*) FROM deadlines WHERE " + case_ids) == 0);

  faults.CapPages(0);
  Writers retry(kGroup);
  for (const CaseStory& s : stories) retry.Start(*store, SaveFn(s));
  for (const Status& s : retry.Join()) {
    INFO(s.ToString());
    CHECK(s.ok());
  }
  CHECK(RawInt(path, "SELECT count(*) FROM cases WHERE " + ids) == kGroup);
}

TEST_CASE("a group holds at most max_group_commands writes", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  options.max_group_commands = 4;
  auto store = OpenStore(path, options);
  Writers writers(10);
  {
    PausedWriter pause(*store);
    for (int id = 1; id <= 10; ++id) writers.Start(*store, SaveFn(CaseStory::Reported(id)));
    REQUIRE(Eventually([&] { return store->queued_writes() == 10; }));
  }
  for (const Status& s : writers.Join()) CHECK(s.ok());
  const engine::WriteStats stats = store->write_stats();
  CHECK(stats.max_batch == 4);
  CHECK(stats.batches == 4);  // 1 + 4 + 4 + 2
  CHECK(CountRows(path, "cases") == 10);
}

TEST_CASE("queued access records are committed with the next write", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  options.access_log_flush_delay = std::chrono::hours(1);  // never on their own in this test
  auto store = OpenStore(path, options);
  store->QueueAccessLog({{"5", 1, T0(), "case"}, {"5", 1, T0(), "events"}});
  store->QueueAccessLog({{"6", 1, T0(), "case"}});
  CHECK(CountRows(path, "access_log") == 0);

  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CHECK(CountRows(path, "access_log") == 3);
  CHECK(RawInt(path, "SELECT count(*) FROM access_log WHERE user_id = '6'") == 1);
  CHECK(store->write_stats().batches == 1);
}

TEST_CASE("queued access records are committed on their own when no write comes", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options;
  options.access_log_flush_delay = std::chrono::milliseconds(20);
  auto store = OpenStore(path, options);
  store->QueueAccessLog({{"5", 1, T0(), "case"}, {"5", 2, T0(), "case"}});
  CHECK(Eventually([&] { return CountRows(path, "access_log") == 2; }));
  CHECK(Eventually([&] { return store->write_stats().batches == 1; }));
  CHECK(store->write_stats().commands == 0);
  CHECK(store->dropped_access_records() == 0);
}

TEST_CASE("destroying the store commits the writes and access records still queued",
          "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options = With(write_path);
  options.access_log_flush_delay = std::chrono::hours(1);
  auto store = OpenStore(path, options);
  constexpr int kQueued = 5;
  Writers writers(kQueued);
  PausedWriter pause(*store);
  for (int id = 1; id <= kQueued; ++id) writers.Start(*store, SaveFn(CaseStory::Reported(id)));
  REQUIRE(Eventually([&] { return store->queued_writes() == kQueued; }));
  store->QueueAccessLog({{"5", 1, T0(), "case"}});
  pause.Release();
  store.reset();
  CHECK(pause.Join().ok());
  for (const Status& s : writers.Join()) CHECK(s.ok());
  CHECK(CountRows(path, "cases") == kQueued);
  CHECK(CountRows(path, "access_log") == 1);
}

TEST_CASE("Write from inside a write callback is INTERNAL instead of a deadlock", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  Status nested;
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(store->Write([&](StoreWriter& w) {
    nested = store->Write([](StoreWriter&) { return Status::Ok(); });
    return w.SaveCase(story.now, story.last_events);
  }).ok());
  CHECK(nested.code() == ErrorCode::kInternal);
  CHECK_THAT(nested.message(), Catch::Contains("nested Store::Write"));
  CHECK(CountRows(path, "cases") == 1);
}

TEST_CASE("an exception from a write callback reaches its caller and writes nothing",
          "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path, With(write_path));
  CaseStory story = CaseStory::Reported(1);
  CHECK_THROWS_AS(store->Write([&](StoreWriter& w) -> Status {
    GC_RETURN_IF_ERROR(w.SaveCase(story.now, story.last_events));
    throw std::runtime_error("callback bug");
  }),
                  std::runtime_error);
  CHECK(CountRows(path, "cases") == 0);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CHECK(CountRows(path, "cases") == 1);
}

TEST_CASE("WriteAsync returns at once and calls back on another thread once the write is durable",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  std::atomic<int> calls{0};
  std::atomic<bool> ok{false};
  std::atomic<bool> on_caller{false};
  std::atomic<bool> seen_by_reader{false};
  const auto caller = std::this_thread::get_id();
  CaseStory story = CaseStory::Reported(1);
  store->WriteAsync([after = story.now, events = story.last_events](StoreWriter& w) {
                      return w.SaveCase(after, events);
                    },
                    [&](Status s) {
                      ok = s.ok();
                      on_caller = std::this_thread::get_id() == caller;
                      seen_by_reader = CountRows(path, "cases") == 1;
                      ++calls;
                    });
  REQUIRE(Eventually([&] { return calls.load() == 1; }));
  CHECK(ok);
  CHECK_FALSE(on_caller);
  CHECK(seen_by_reader);
}

TEST_CASE("WriteAsync reports a callback that threw as INTERNAL, with what it said",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  std::promise<Status> result;
  CaseStory story = CaseStory::Reported(1);
  store->WriteAsync(
      [after = story.now, events = story.last_events](StoreWriter& w) -> Status {
        GC_RETURN_IF_ERROR(w.SaveCase(after, events));
        throw std::runtime_error("callback bug");
      },
      [&](Status s) { result.set_value(std::move(s)); });
  const Status s = result.get_future().get();
  CHECK(s.code() == ErrorCode::kInternal);
  CHECK_THAT(s.message(), Catch::Contains("callback bug"));
  CHECK(CountRows(path, "cases") == 0);
}

}  // namespace
}  // namespace gridcare::testing
