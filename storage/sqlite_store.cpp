// SqliteStore: connection setup, the group transaction the writer thread runs around queued
// Write callbacks, and snapshot readers from a small pool. Not the queries (store_*.cpp).
#include "storage/sqlite_store.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/migrations.h"
#include "storage/store_reads.h"
#include "storage/store_writes.h"
#include "storage/store_vfs.h"
#include "storage/write_queue.h"

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

class SqliteWriter final : public SqliteReads<SqliteOutboxWrites<engine::StoreWriter>> {
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

// What one run of a command (or of the access records) came to.
struct CommandOutcome {
  Status status;
  std::exception_ptr thrown;  // rethrown on the caller's thread, as before group commit
  // The transaction can no longer be trusted: SQLite ended it by itself (a full disk, say).
  bool broken = false;
  // It failed after changing rows: only rolling the transaction back removes them.
  bool wrote = false;
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

// UNAVAILABLE as the contract means it: storage cannot take writes, nothing half-written.
// An UNAVAILABLE already says why and is kept as it is.
Status CannotWrite(const Status& cause, std::string_view what) {
  if (cause.code() == engine::ErrorCode::kUnavailable) return cause;
  return engine::Unavailable("storage cannot take writes: " + std::string(what) + " (" +
                             cause.message() + ")");
}

// Runs `body` in the open transaction, with no savepoint around it. A savepoint would make
// SQLite copy every page a command first touches into a statement journal — most of the
// writer's I/O in the profiles (docs/performance.md) — only to undo the rare command that
// fails after it has written. A failure that changed no row needs no undo at all; one that
// did is marked `wrote` and the caller rolls back and runs the group again without it.
CommandOutcome RunInTransaction(Db& db, const std::function<Status()>& body) {
  CommandOutcome out;
  // Counts rows changed by completed statements only: a statement that fails is undone by
  // SQLite itself and adds nothing, so an unchanged count means nothing to undo.
  const std::int64_t changes_before = db.TotalChanges();
  try {
    out.status = body();
  } catch (...) {
    out.thrown = std::current_exception();
    out.status = engine::Internal("write callback threw");
  }
  if (db.InAutocommit()) {
    out.broken = true;
    return out;
  }
  out.wrote = !out.status.ok() && db.TotalChanges() != changes_before;
  return out;
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
  GC_RETURN_IF_ERROR(
      writer.Exec("PRAGMA cache_size = -" + std::to_string(std::max(1, options.writer_cache_kib))));
  const std::int64_t mmap_bytes = std::max<std::int64_t>(0, options.writer_mmap_bytes);
  GC_RETURN_IF_ERROR(writer.Exec("PRAGMA mmap_size = " + std::to_string(mmap_bytes)));
  GC_RETURN_IF_ERROR(Migrate(writer));
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
  if (options.max_page_count > 0) {
    GC_RETURN_IF_ERROR(
        writer.Exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count)));
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
      syncer_(std::make_unique<WalSyncer>(std::move(sync))) {
  WriteQueueOptions queue_options;
  queue_options.max_group = static_cast<std::size_t>(std::max(1, options_.max_group_commands));
  queue_options.access_flush_delay = options_.access_log_flush_delay;
  queue_ = std::make_unique<WriteQueue>(queue_options,
                                        [this](WriteGroup& group) { return RunGroup(group); });
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
  WriteCommand command;
  // The caller waits, so the callback may be borrowed rather than copied.
  command.fn = std::ref(fn);
  return queue_->Run(std::move(command));
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

Status SqliteStore::RunGroup(WriteGroup& group) {
  if (group.commands.size() == 1 && group.commands.front().raw) {
    WriteCommand& command = group.commands.front();
    command.done(command.raw(writer_), nullptr);
    return Status::Ok();
  }

  const std::size_t size = group.commands.size();
  std::vector<CommandOutcome> outcomes(size);
  // A command that failed keeps its outcome and is left out of any later run of the group.
  std::vector<bool> settled(size, false);
  bool run_access = !group.access.empty();
  Status access = Status::Ok();
  // Set when the group cannot commit; every command that had succeeded gets it.
  Status group_failure = Status::Ok();
  double commit_seconds = 0;

  // Each pass either commits, fails the whole group, or settles one more failed command
  // (or the access records) whose writes must be rolled back: at most size + 2 passes, and
  // nearly always one. Callbacks may therefore run more than once (engine::Store::Write).
  // After a failed fsync nothing written since can be trusted to reach the disk either.
  if (Status health = syncer_->health(); !health.ok()) group_failure = health;
  for (bool again = group_failure.ok(); again;) {
    again = false;
    // A transaction an earlier group could not end would make every BEGIN fail from now on.
    if (!writer_.InAutocommit()) (void)writer_.Exec("ROLLBACK");
    // IMMEDIATE takes the write lock up front: a conflict with another process shows up
    // here (after busy_timeout) rather than halfway through a callback.
    Status begin = writer_.Exec("BEGIN IMMEDIATE");
    if (!begin.ok()) {
      group_failure = CannotWrite(begin, "cannot begin a transaction");
      break;
    }
    bool broken = false;
    bool undo = false;
    if (run_access) {
      // First: these reads happened before the writes now queued.
      const CommandOutcome logged =
          RunInTransaction(writer_, [&] { return writes::LogAccess(writer_, group.access); });
      access = logged.status;
      if (logged.broken) {
        broken = true;
        group_failure = CannotWrite(access, "the transaction was rolled back");
      } else if (!access.ok()) {
        run_access = false;
        undo = logged.wrote;
      }
    }
    SqliteWriter writer(writer_);
    for (std::size_t i = 0; i < size && !broken && !undo; ++i) {
      if (settled[i]) continue;
      const WriteFn& fn = group.commands[i].fn;
      outcomes[i] = RunInTransaction(writer_, [&] { return fn(writer); });
      if (outcomes[i].broken) {
        broken = true;
        // SQLite rolled back everything (a full disk, say): this command's own error says
        // why, and the whole group shares its fate.
        group_failure = CannotWrite(outcomes[i].status, "the transaction was rolled back");
        outcomes[i].status = group_failure;  // the ones after it never ran: see below
      } else if (!outcomes[i].status.ok()) {
        settled[i] = true;
        undo = outcomes[i].wrote;
      }
    }
    if (undo) {
      // Nothing is committed yet: drop the lot and run the group again without the command
      // that failed halfway. The others start from the same store state as before.
      Status rollback = writer_.Exec("ROLLBACK");
      if (!rollback.ok() && !writer_.InAutocommit()) {
        group_failure = CannotWrite(rollback, "cannot undo a failed command");
        break;
      }
      again = true;
      continue;
    }
    if (!broken) {
      const auto commit_start = std::chrono::steady_clock::now();
      Status commit = writer_.Exec("COMMIT");
      commit_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_start).count();
      if (!commit.ok()) group_failure = CannotWrite(commit, "commit failed");
    }
  }
  // Pages written to the log since the last group (the counter is reset on each read):
  // what a group costs the writer, the sync and the checkpoint, beyond its rows.
  int wal_pages = 0;
  {
    int high = 0;
    sqlite3_db_status(writer_.raw(), SQLITE_DBSTATUS_CACHE_WRITE, &wal_pages, &high, 1);
  }
  // Nothing of a failed group may stay behind for the next one to commit.
  if (!group_failure.ok() && !writer_.InAutocommit()) (void)writer_.Exec("ROLLBACK");

  std::size_t committed = 0;
  for (CommandOutcome& out : outcomes) {
    if (!group_failure.ok() && out.status.ok() && !out.thrown) out.status = group_failure;
    if (out.status.ok()) ++committed;
  }
  if (!group_failure.ok() && access.ok()) access = group_failure;
  RecordGroupStats(group_failure.ok(), size, committed, commit_seconds, wal_pages);

  if (group_failure.ok()) {
    // Committed but not yet synced: a caller must not see OK before the group is on disk.
    std::vector<Acknowledgement> acks(size);
    for (std::size_t i = 0; i < size; ++i) {
      acks[i].done = std::move(group.commands[i].done);
      acks[i].status = std::move(outcomes[i].status);
      acks[i].thrown = outcomes[i].thrown;
    }
    syncer_->Committed(std::move(acks));
    return access;
  }
  for (std::size_t i = 0; i < size; ++i) {  // nothing was written: answer now
    group.commands[i].done(std::move(outcomes[i].status), outcomes[i].thrown);
  }
  return access;
}

void SqliteStore::RecordGroupStats(bool committed, std::size_t group_size,
                                   std::size_t committed_commands, double commit_seconds,
                                   int wal_pages) {
  std::lock_guard lock(stats_mu_);
  if (!committed) {
    ++stats_.failed_commits;
    return;
  }
  ++stats_.batches;
  stats_.commands += committed_commands;
  stats_.max_batch = std::max<std::uint64_t>(stats_.max_batch, group_size);
  stats_.wal_pages += static_cast<std::uint64_t>(wal_pages);
  stats_.group_sizes.Observe(static_cast<double>(committed_commands));
  stats_.commit_durations.Observe(commit_seconds);
}

engine::WriteStats SqliteStore::write_stats() const {
  engine::WriteStats stats;
  {
    std::lock_guard lock(stats_mu_);
    stats = stats_;
  }
  stats.checkpoints = checkpointer_->checkpoints();
  stats.inline_checkpoints = checkpointer_->inline_checkpoints();
  stats.inline_checkpoint_seconds_sum = checkpointer_->inline_checkpoint_seconds();
  stats.wal_restarts = checkpointer_->restarts();
  stats.checkpoint_writeback_waits = checkpointer_->writeback_waits();
  stats.wal_sync_durations = syncer_->sync_durations();
  return stats;
}

Result<std::unique_ptr<engine::StoreReader>> SqliteStore::Read() {
  GC_ASSIGN_OR_RETURN(Db db, pool_->Acquire());
  auto reader = std::make_unique<SqliteReader>(pool_, std::move(db));
  GC_RETURN_IF_ERROR(reader->Begin());
  return std::unique_ptr<engine::StoreReader>(std::move(reader));
}

Status SqliteStore::FailWalFlushesForTesting(int count) {
  WriteCommand command;
  command.raw = [count](Db& db) {
    return storage::FailWalFlushesForTesting(db.raw(), count)
               ? Status::Ok()
               : engine::FailedPrecondition("the writer does not gather its WAL writes");
  };
  return queue_->Run(std::move(command));
}

Status SqliteStore::SetMaxPageCountForTesting(std::int64_t pages) {
  WriteCommand command;
  command.raw = [pages](Db& db) {
    return db.Exec("PRAGMA max_page_count = " + std::to_string(pages > 0 ? pages : kNoPageCap));
  };
  return queue_->Run(std::move(command));
}

}  // namespace gridcare::storage
