// SqliteStore: connection setup, the threads of the write path wired together, and snapshot
// readers from a small pool. Not the write path itself (group_commit.cpp) nor the queries.
#include "storage/sqlite_store.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

#include "storage/group_commit.h"
#include "storage/migrations.h"
#include "storage/personal_seal.h"
#include "storage/store_reads.h"
#include "storage/store_vfs.h"
#include "storage/write_queue.h"

namespace gridcare::storage {

using engine::Result;
using engine::Status;

namespace {

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

Status CheckDataKeysOpen(Db& db, const DataKeys& keys) {
  // The newest sealed case: found at once in a store written with keys.
  GC_ASSIGN_OR_RETURN(Stmt newest, db.Prepare("SELECT id, personal FROM cases WHERE personal != '' "
                                              "ORDER BY id DESC LIMIT 1"));
  GC_ASSIGN_OR_RETURN(bool found, newest.Step());
  if (!found) return Status::Ok();
  Result<PersonalFields> opened = OpenPersonal(keys, newest.Int(0), newest.Text(1));
  if (opened.ok()) return Status::Ok();
  return engine::FailedPrecondition(
      "the data keys do not open the personal data in this database (" +
      opened.status().message() +
      "): is [privacy] key_file (or " + DataKeys::kEnvironmentVariable +
      ") the key file this database was written with?");
}

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
  SqliteReader(std::shared_ptr<ReadPool> pool, Db db, std::shared_ptr<const DataKeys> keys)
      : pool_(std::move(pool)), db_(std::move(db)), keys_(std::move(keys)) {}
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
  const DataKeys* data_keys() const override { return keys_.get(); }

 private:
  std::shared_ptr<ReadPool> pool_;
  Db db_;
  std::shared_ptr<const DataKeys> keys_;  // a reader may outlive the store
};

// What an exception a write callback threw says, for the INTERNAL error that reports it.
std::string Describe(const std::exception_ptr& thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Options options) {
  // The writer's WAL frames go to the kernel one commit at a time (store_vfs.h).
  GC_ASSIGN_OR_RETURN(Db writer, Db::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                          options.gather_wal_writes ? StoreVfs()
                                                                    : nullptr));
  GC_RETURN_IF_ERROR(Configure(writer, options));
  {
    // WAL: readers never block the writer and the writer never blocks readers.
    GC_ASSIGN_OR_RETURN(Stmt mode, writer.Prepare("PRAGMA journal_mode = WAL"));
    GC_ASSIGN_OR_RETURN(bool row, mode.Step());
    if (!row || mode.Text(0) != "wal") {
      return engine::FailedPrecondition("cannot switch " + path + " to WAL journal mode");
    }
  }
  // FULL while migrating: each step is durable on its own.
  GC_RETURN_IF_ERROR(writer.Exec("PRAGMA synchronous = FULL"));
  GC_RETURN_IF_ERROR(writer.Exec("PRAGMA foreign_keys = ON"));
  // What is deleted is zeroed where SQLite writes the page anyway (no extra I/O), so an
  // erased envelope's ciphertext — which the data key would still open — does not linger in
  // a page's free space. Defence in depth: tests/app/retention_test.cpp finds no trace of it
  // with or without this.
  GC_RETURN_IF_ERROR(writer.Exec("PRAGMA secure_delete = FAST"));
  GC_RETURN_IF_ERROR(
      writer.Exec("PRAGMA cache_size = -" + std::to_string(std::max(1, options.writer_cache_kib))));
  const std::int64_t mmap_bytes = std::max<std::int64_t>(0, options.writer_mmap_bytes);
  GC_RETURN_IF_ERROR(writer.Exec("PRAGMA mmap_size = " + std::to_string(mmap_bytes)));
  GC_RETURN_IF_ERROR(Migrate(writer));
  if (options.data_keys) GC_RETURN_IF_ERROR(CheckDataKeysOpen(writer, *options.data_keys));
  // NORMAL from then on: COMMIT writes the WAL frames without syncing them, and the
  // WalSyncer syncs before anyone hears "written" — an acknowledged write is as durable as
  // under FULL, while the writer goes on with the next group. NORMAL still syncs the WAL
  // before each checkpoint and the WAL header when the log starts over (SQLite's own rules),
  // so the file stays consistent through a power cut; what is lost is only unacknowledged.
  GC_RETURN_IF_ERROR(writer.Exec("PRAGMA synchronous = NORMAL"));
  WalSyncer::SyncFn sync = options.wal_sync_for_testing;
  if (!sync) {
    GC_ASSIGN_OR_RETURN(sync, WalSyncer::FileSync(path + "-wal"));
  }
  auto pool = std::make_shared<ReadPool>(path, options);
  GC_ASSIGN_OR_RETURN(auto checkpointer,
                      Checkpointer::Open(path, options.checkpoints, options.busy_timeout_ms));
  // The hook follows the connection handle, which moving `writer` does not change.
  GC_RETURN_IF_ERROR(checkpointer->Attach(writer));
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, options, std::move(writer),
                                                      std::move(pool), std::move(checkpointer),
                                                      std::move(sync)));
}

SqliteStore::SqliteStore(std::string path, Options options, Db writer,
                         std::shared_ptr<ReadPool> pool, std::unique_ptr<Checkpointer> checkpointer,
                         WalSyncer::SyncFn sync)
    : path_(std::move(path)),
      options_(options),
      writer_(std::move(writer)),
      pool_(std::move(pool)),
      checkpointer_(std::move(checkpointer)),
      syncer_(std::make_unique<WalSyncer>(std::move(sync))),
      group_commit_(std::make_unique<GroupCommit>(writer_, *syncer_, options_.data_keys.get())) {
  // Read here, before the writer thread owns the connection.
  gathers_wal_writes_ = GathersWalWrites(writer_.raw());
  WriteQueueOptions queue_options;
  queue_options.max_group = static_cast<std::size_t>(std::max(1, options_.max_group_commands));
  queue_options.access_flush_delay = options_.access_log_flush_delay;
  queue_ = std::make_unique<WriteQueue>(queue_options, [this](WriteGroup& group) {
    if (options_.before_group_for_testing) options_.before_group_for_testing(writer_);
    return group_commit_->Write(group);
  });
}

SqliteStore::~SqliteStore() {
  // Commits what is queued and joins the writer while writer_ is still open.
  queue_.reset();
  // Then the last acknowledgements: one more sync.
  syncer_.reset();
  // Before writer_ closes: the last connection to close copies the whole WAL back and
  // removes it, which the checkpointer's open connection would prevent.
  checkpointer_->Detach(writer_);
  checkpointer_.reset();
}

Status SqliteStore::Write(const std::function<Status(engine::StoreWriter&)>& fn) {
  return queue_->Run(fn);
}

void SqliteStore::WriteAsync(WriteFn fn, WriteDone done) {
  WriteCommand command;
  command.fn = std::move(fn);
  command.done = [done = std::move(done)](Status status, std::exception_ptr thrown) {
    if (thrown) status = engine::Internal("write callback threw: " + Describe(thrown));
    done(std::move(status));
  };
  queue_->Submit(std::move(command));
}

void SqliteStore::QueueAccessLog(std::vector<engine::AccessRecord> records) {
  queue_->QueueAccess(std::move(records));
}

std::uint64_t SqliteStore::dropped_access_records() const { return queue_->dropped_access(); }

std::size_t SqliteStore::queued_writes() const { return queue_->queued(); }

engine::WriteStats SqliteStore::write_stats() const {
  engine::WriteStats stats = group_commit_->stats();
  stats.checkpoints = checkpointer_->checkpoints();
  stats.inline_checkpoints = checkpointer_->inline_checkpoints();
  stats.inline_checkpoint_seconds_sum = checkpointer_->inline_checkpoint_seconds();
  stats.wal_restarts = checkpointer_->restarts();
  stats.checkpoint_writeback_waits = checkpointer_->writeback_waits();
  stats.wal_sync_durations = syncer_->sync_durations();
  return stats;
}

Result<ChainHead> SqliteStore::DurableChainHead() {
  ChainHead head;
  {
    GC_ASSIGN_OR_RETURN(Db db, pool_->Acquire());
    Result<ChainHead> read = ReadChainHead(db);
    if (read.ok()) pool_->Release(std::move(db));
    GC_ASSIGN_OR_RETURN(head, std::move(read));
  }
  // Groups are synced in commit order: once this later one is acknowledged, so is the head.
  GC_RETURN_IF_ERROR(Write([](engine::StoreWriter&) { return Status::Ok(); }));
  return head;
}

Result<std::unique_ptr<engine::StoreReader>> SqliteStore::Read() {
  GC_ASSIGN_OR_RETURN(Db db, pool_->Acquire());
  auto reader = std::make_unique<SqliteReader>(pool_, std::move(db), options_.data_keys);
  GC_RETURN_IF_ERROR(reader->Begin());
  return std::unique_ptr<engine::StoreReader>(std::move(reader));
}

}  // namespace gridcare::storage
