// engine::Store on one SQLite file: a single write connection behind a mutex, a small pool
// of read connections each holding a snapshot. Not the SQL of reads/writes (store_*.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "engine/store.h"
#include "storage/sqlite.h"

namespace gridcare::storage {

struct SqliteStoreOptions {
  int busy_timeout_ms = 5000;
  // Idle read connections kept open for reuse; more readers than this simply open their own.
  int max_idle_readers = 4;
  // Fault injection for tests: caps the file at this many pages (PRAGMA max_page_count on
  // the write connection), so a write past it fails as on a full disk. 0 = no cap.
  std::int64_t max_page_count = 0;
};

class ReadPool;

// Thread-safe: any thread may call Write or Read. Write callbacks run one at a time on the
// caller's thread and must not call Write themselves (that would wait on itself). Each
// StoreReader is one connection: use it from one thread at a time.
class SqliteStore : public engine::Store {
 public:
  using Options = SqliteStoreOptions;

  // Creates the file when missing, switches it to WAL with synchronous=FULL (a commit is on
  // disk when Write returns), and applies pending migrations.
  static engine::Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                           Options options = {});
  ~SqliteStore() override;

  engine::Status Write(const std::function<engine::Status(engine::StoreWriter&)>& fn) override;
  engine::Result<std::unique_ptr<engine::StoreReader>> Read() override;
  engine::WriteStats write_stats() const override;

  // Fault injection for tests: sets the page cap (see Options); 0 lifts it.
  engine::Status SetMaxPageCountForTesting(std::int64_t pages);

  const std::string& path() const { return path_; }

 private:
  SqliteStore(std::string path, Options options, Db writer, std::shared_ptr<ReadPool> pool);

  std::string path_;
  Options options_;
  std::mutex write_mu_;  // one write transaction at a time; SQLite allows no more anyway
  Db writer_;
  std::shared_ptr<ReadPool> pool_;
  mutable std::mutex stats_mu_;
  engine::WriteStats stats_;
};

}  // namespace gridcare::storage
