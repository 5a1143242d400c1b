// SqliteStore: connection setup, the write transaction around each Write callback, and
// snapshot readers from a small pool. Not the queries themselves (store_reads/writes.*).
#include "storage/sqlite_store.h"

#include <algorithm>
#include <chrono>

#include <utility>
#include <vector>

#include "storage/migrations.h"
#include "storage/store_reads.h"
#include "storage/store_writes.h"

namespace gridcare::storage {

using engine::Result;
using engine::Status;

namespace {

// SQLite's own ceiling for max_page_count; asking for more is clamped to it.
constexpr std::int64_t kNoPageCap = 4294967294;

Status Configure(Db& db, const SqliteStoreOptions& options) {
  return db.Exec("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms));
}

Result<Db> OpenReadConnection(const std::string& path, const SqliteStoreOptions& options) {
  // Read-write flags with query_only: a read-only handle cannot create the WAL index
  // (-shm) after a crash, a query_only one can, and still refuses every write.
  GC_ASSIGN_OR_RETURN(Db db, Db::Open(path, SQLITE_OPEN_READWRITE));
  GC_RETURN_IF_ERROR(Configure(db, options));
  GC_RETURN_IF_ERROR(db.Exec("PRAGMA query_only = ON"));
  return db;
}

}  // namespace

// Idle read connections. Shared with live readers so a reader may outlive the store.
class ReadPool {
 public:
  ReadPool(std::string path, SqliteStoreOptions options)
      : path_(std::move(path)), options_(options) {}

  Result<Db> Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        Db db = std::move(idle_.back());
        idle_.pop_back();
        return db;
      }
    }
    return OpenReadConnection(path_, options_);
  }

  void Release(Db db) {
    std::lock_guard lock(mu_);
    if (static_cast<int>(idle_.size()) < options_.max_idle_readers) idle_.push_back(std::move(db));
  }

 private:
  const std::string path_;
  const SqliteStoreOptions options_;
  std::mutex mu_;
  std::vector<Db> idle_;
};

namespace {

class SqliteReader final : public SqliteReads<engine::StoreReader> {
 public:
  SqliteReader(std::shared_ptr<ReadPool> pool, Db db) : pool_(std::move(pool)), db_(std::move(db)) {}
  ~SqliteReader() override {
    // A connection whose transaction will not end is dropped, not handed to the next reader.
    if (db_.Exec("COMMIT").ok()) pool_->Release(std::move(db_));
  }

  // Starts the snapshot now rather than at the first query, so everything this reader
  // returns is as of the moment Read() was called.
  Status Begin() {
    GC_RETURN_IF_ERROR(db_.Exec("BEGIN"));
    return db_.Exec("SELECT 1 FROM sqlite_schema LIMIT 1");
  }

 protected:
  Db& conn() override { return db_; }

 private:
  std::shared_ptr<ReadPool> pool_;
  Db db_;
};

class SqliteWriter final : public SqliteReads<engine::StoreWriter> {
 public:
  explicit SqliteWriter(Db& db) : db_(db) {}

  Result<engine::CaseId> NextCaseId() override { return writes::NextCaseId(db_); }
  Result<int> NextCaseSerial(int year) override { return writes::NextCaseSerial(db_, year); }
  Status SaveCase(const engine::Case& after,
                  const std::vector<engine::CaseEvent>& events) override {
    return writes::SaveCase(db_, after, events);
  }
  Status UpsertOrgUnits(const std::vector<engine::OrgUnit>& units) override {
    return writes::UpsertOrgUnits(db_, units);
  }
  Status UpsertUsers(const std::vector<engine::User>& users) override {
    return writes::UpsertUsers(db_, users);
  }
  Status SaveSession(const engine::Session& session) override {
    return writes::SaveSession(db_, session);
  }
  Status DeleteSession(const std::string& token_hash) override {
    return writes::DeleteSession(db_, token_hash);
  }
  Status LogAccess(const std::vector<engine::AccessRecord>& records) override {
    return writes::LogAccess(db_, records);
  }

 protected:
  Db& conn() override { return db_; }

 private:
  Db& db_;
};

// Rolls back whatever is still open when Write leaves, however it leaves.
class RollbackGuard {
 public:
  explicit RollbackGuard(Db& db) : db_(db) {}
  ~RollbackGuard() {
    if (!db_.InAutocommit()) (void)db_.Exec("ROLLBACK");
  }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;

 private:
  Db& db_;
};

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Options options) {
  GC_ASSIGN_OR_RETURN(Db writer, Db::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  GC_RETURN_IF_ERROR(Configure(writer, options));
  {
    // WAL: readers never block the writer and the writer never blocks readers.
    GC_ASSIGN_OR_RETURN(Stmt mode, writer.Prepare("PRAGMA journal_mode = WAL"));
    GC_ASSIGN_OR_RETURN(bool row, mode.Step());
    if (!row || mode.Text(0) != "wal") {
      return engine::FailedPrecondition("cannot switch " + path + " to WAL journal mode");
    }
  }
  // FULL: in WAL mode NORMAL can lose the last commits on power loss; we promise an
  // acknowledged write is durable.
  GC_RETURN_IF_ERROR(writer.Exec("PRAGMA synchronous = FULL"));
  GC_RETURN_IF_ERROR(writer.Exec("PRAGMA foreign_keys = ON"));
  GC_RETURN_IF_ERROR(Migrate(writer));
  if (options.max_page_count > 0) {
    GC_RETURN_IF_ERROR(
        writer.Exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count)));
  }
  auto pool = std::make_shared<ReadPool>(path, options);
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(path, options, std::move(writer), std::move(pool)));
}

SqliteStore::SqliteStore(std::string path, Options options, Db writer,
                         std::shared_ptr<ReadPool> pool)
    : path_(std::move(path)), options_(options), writer_(std::move(writer)), pool_(std::move(pool)) {}

SqliteStore::~SqliteStore() = default;

Status SqliteStore::Write(const std::function<Status(engine::StoreWriter&)>& fn) {
  std::lock_guard lock(write_mu_);
  // IMMEDIATE takes the write lock up front: a conflict with another process shows up
  // here (after busy_timeout) rather than halfway through the callback.
  GC_RETURN_IF_ERROR(writer_.Exec("BEGIN IMMEDIATE"));
  RollbackGuard guard(writer_);
  SqliteWriter writer(writer_);
  Status status = fn(writer);
  if (!status.ok()) return status;  // the guard rolls back
  if (writer_.InAutocommit()) {
    // SQLite ended the transaction by itself (e.g. disk full) and the callback went on.
    return engine::Unavailable("storage cannot take writes: the transaction was rolled back");
  }
  const auto commit_start = std::chrono::steady_clock::now();
  Status commit = writer_.Exec("COMMIT");
  {
    std::lock_guard stats_lock(stats_mu_);
    if (commit.ok()) {
      ++stats_.batches;
      ++stats_.commands;
      stats_.max_batch = std::max<std::uint64_t>(stats_.max_batch, 1);
      stats_.commit_seconds_sum +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_start).count();
    } else {
      ++stats_.failed_commits;
    }
  }
  if (!commit.ok()) {
    if (commit.code() == engine::ErrorCode::kUnavailable) return commit;
    return engine::Unavailable("storage cannot take writes: commit failed (" + commit.message() +
                               ")");
  }
  return Status::Ok();
}

engine::WriteStats SqliteStore::write_stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

Result<std::unique_ptr<engine::StoreReader>> SqliteStore::Read() {
  GC_ASSIGN_OR_RETURN(Db db, pool_->Acquire());
  auto reader = std::make_unique<SqliteReader>(pool_, std::move(db));
  GC_RETURN_IF_ERROR(reader->Begin());
  return std::unique_ptr<engine::StoreReader>(std::move(reader));
}

Status SqliteStore::SetMaxPageCountForTesting(std::int64_t pages) {
  std::lock_guard lock(write_mu_);
  return writer_.Exec("PRAGMA max_page_count = " + std::to_string(pages > 0 ? pages : kNoPageCap));
}

}  // namespace gridcare::storage
