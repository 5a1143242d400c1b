// The checkpoint thread and the WAL hook that wakes it. Not the write path (group_commit.cpp).
#include "storage/checkpointer.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "util/named_thread.h"

namespace gridcare::storage {

engine::Result<std::unique_ptr<Checkpointer>> Checkpointer::Open(const std::string& path,
                                                               CheckpointerOptions options,
                                                               int busy_timeout_ms) {
  GC_ASSIGN_OR_RETURN(Db db, Db::Open(path, SQLITE_OPEN_READWRITE, StoreVfs()));
  GC_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms)));
  // A connection reads the file (and finds the WAL) only when it first runs a statement;
  // until then a checkpoint on it does nothing and reports -1 frames.
  GC_ASSIGN_OR_RETURN(Stmt mode, db.Prepare("PRAGMA journal_mode"));
  GC_ASSIGN_OR_RETURN(bool row, mode.Step());
  if (!row || mode.Text(0) != "wal") {
    return engine::FailedPrecondition("checkpointer: " + path + " is not in WAL mode");
  }
  mode = Stmt();
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(db), options));
}

Checkpointer::Checkpointer(Db db, CheckpointerOptions options)
    : options_(options), db_(std::move(db)) {
  pacing_.flush_after_bytes = options_.flush_after_bytes;
  // False when off (0), or when the file will not open a second time: then the kernel
  // writes back as it likes.
  (void)PaceWriteback(db_.raw(), &pacing_);
  if (options_.start_frames > 0) {
    thread_ = util::StartNamedThread("gc-checkpoint", [this] { Loop(); });
  }
}

Checkpointer::~Checkpointer() { util::StopThread(mu_, stop_, wake_, thread_); }

engine::Status Checkpointer::Attach(Db& writer) {
  if (options_.start_frames <= 0) return engine::Status::Ok();
  sqlite3_wal_hook(writer.raw(), &Checkpointer::OnCommit, this);
  // Applied by SQLite when it starts the log over: a longer file is cut back to this.
  return writer.Exec("PRAGMA journal_size_limit = " +
                     std::to_string(options_.wal_size_limit_bytes));
}

void Checkpointer::Detach(Db& writer) {
  if (options_.start_frames > 0) sqlite3_wal_hook(writer.raw(), nullptr, nullptr);
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char*, int wal_frames) {
  static_cast<Checkpointer*>(self)->Committed(db, wal_frames);
  return SQLITE_OK;  // the commit itself succeeded whatever happens here
}

std::optional<std::pair<int, int>> Checkpointer::Checkpoint(sqlite3* db) {
  // PASSIVE: copies what no reader still needs, never waits for the writer or readers.
  int log = 0, copied = 0;
  if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied) !=
          SQLITE_OK ||
      log < 0) {
    return std::nullopt;  // busy (another checkpoint is running), or no WAL
  }
  last_.store((static_cast<std::uint64_t>(static_cast<std::uint32_t>(log)) << 32) |
              static_cast<std::uint32_t>(copied));
  return std::pair{log, copied};
}

void Checkpointer::Committed(sqlite3* writer, int wal_frames) {
  const std::uint64_t last = last_.load();
  const int last_size = static_cast<int>(last >> 32);
  const int copied = static_cast<int>(last & 0xffffffffU);
  // A WAL smaller than at the last checkpoint was started over from the beginning (SQLite
  // does that once everything in it was copied back): all of it is waiting.
  const int waiting = wal_frames >= last_size ? wal_frames - copied : wal_frames;
  // A long log is to be started over: the thread is woken sooner, and once it has copied
  // all but the last few commits the writer, between two of its transactions, copies those
  // (and syncs only them — a checkpoint ends with an fsync of the database file, which
  // right after the thread's copying would wait for all of it). Then everything is copied,
  // SQLite starts the log over at the next commit and cuts the file back to
  // journal_size_limit; checkpoints beside a busy writer never get there.
  const int catch_up = std::min(options_.start_frames, options_.catch_up_frames);
  const bool long_log = wal_frames >= options_.restart_frames;
  const bool restart = long_log && waiting < catch_up;
  if (waiting >= options_.writer_takes_over_frames || restart) {
    const auto start = std::chrono::steady_clock::now();
    const auto done = Checkpoint(writer);
    inline_checkpoint_micros_ += static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                              start)
            .count());
    if (done) {
      ++inline_checkpoints_;
      if (restart && done->second == done->first) ++restarts_;
    }
    return;
  }
  if (waiting < (long_log ? catch_up : options_.start_frames)) return;
  {
    std::lock_guard lock(mu_);
    due_ = true;
  }
  wake_.notify_one();
}

void Checkpointer::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return due_ || stop_; });
    if (stop_) return;
    due_ = false;
    lock.unlock();
    // A failure (busy: the writer took over) is retried at the next commit that wakes us.
    if (Checkpoint(db_.raw())) ++checkpoints_;
    lock.lock();
  }
}

}  // namespace gridcare::storage
