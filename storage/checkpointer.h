// Copies committed WAL frames back into the database file on a thread of its own, instead of
// SQLite's auto-checkpoint inside whichever COMMIT crosses its threshold, where the writer
// (the one serial part of the server) would wait for it. Not durability: a commit is
// durable once its WAL frames are synced, before any checkpoint.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "engine/status.h"
#include "storage/sqlite.h"
#include "storage/store_vfs.h"

namespace gridcare::storage {

struct CheckpointerOptions {
  // Frames (pages) not yet copied back that wake the thread. 0: no hook and no thread;
  // SQLite checkpoints inside the COMMIT that crosses its own threshold (1,000 frames).
  // Above SQLite's: a hot page (an index leaf of a busy grid, the table's last page)
  // changed by many commits is copied once per checkpoint, so fewer, longer checkpoints
  // copy far fewer pages (what that buys: docs/performance.md).
  int start_frames = 8000;
  // Once the log is restart_frames long, the thread is woken at this many waiting frames
  // instead, so that it gets near the end of the log and the writer has only this little
  // left to copy itself (with the database file's fsync) when it starts the log over,
  // rather than up to start_frames.
  int catch_up_frames = 250;
  // If the thread falls this far behind (it failed, or the disk is slow), the writer
  // checkpoints inline as SQLite would have, so the WAL cannot grow without bound.
  int writer_takes_over_frames = 20000;
  // A WAL this long gets a last checkpoint from the writer itself, between two of its
  // transactions and once fewer than catch_up_frames are waiting, so that all of it is
  // copied and SQLite starts the log over. Checkpoints beside a busy writer alone never get
  // there (there is always a newer commit), and the log would grow without bound. The file
  // is then reused from its start and cut back to `wal_size_limit_bytes` when longer.
  int restart_frames = 16384;
  std::int64_t wal_size_limit_bytes = std::int64_t{64} << 20;
  // The thread waits for the kernel to write back every this many bytes it copies into the
  // database file, so that no WAL sync waits behind a burst at the device (store_vfs.h).
  // 0: the kernel writes them back when it likes, at the latest at the checkpoint's fsync.
  std::int64_t flush_after_bytes = 256 << 10;
};

class Checkpointer {
 public:
  // Opens a connection of its own to `path` (waiting up to `busy_timeout_ms` for locks) and
  // starts the thread, unless options.start_frames is 0.
  static engine::Result<std::unique_ptr<Checkpointer>> Open(const std::string& path,
                                                          CheckpointerOptions options,
                                                          int busy_timeout_ms);
  // Stops the thread; a checkpoint under way finishes first.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Installs the WAL hook on the write connection: after each commit SQLite reports the
  // WAL's size and the thread is woken when enough of it is waiting. Replaces SQLite's
  // auto-checkpoint on that connection. `writer` must outlive this object's use of it, i.e.
  // call Detach before closing it.
  engine::Status Attach(Db& writer);
  void Detach(Db& writer);

  std::uint64_t checkpoints() const { return checkpoints_.load(); }
  std::uint64_t inline_checkpoints() const { return inline_checkpoints_.load(); }
  // Time the writer spent in them (its commits wait meanwhile).
  double inline_checkpoint_seconds() const { return inline_checkpoint_micros_.load() / 1e6; }
  // Inline checkpoints that left the long log fully copied, to be started over.
  std::uint64_t restarts() const { return restarts_.load(); }
  // Times the thread waited for the database file's writeback (flush_after_bytes).
  std::uint64_t writeback_waits() const { return pacing_.flushes.load(); }

 private:
  Checkpointer(Db db, CheckpointerOptions options);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_frames);
  void Committed(sqlite3* writer, int wal_frames);
  // One PASSIVE checkpoint on `db`; remembers how much of the log it found and copied.
  // Returns that (log frames, copied frames) when it ran.
  std::optional<std::pair<int, int>> Checkpoint(sqlite3* db);
  void Loop();

  const CheckpointerOptions options_;
  WritebackPacing pacing_;  // before db_: its database file points to it until closed
  Db db_;                   // used by the thread only
  // The last checkpoint: WAL size (high 32 bits) and frames of it copied back (low 32).
  std::atomic<std::uint64_t> last_{0};
  std::atomic<std::uint64_t> checkpoints_{0};
  std::atomic<std::uint64_t> inline_checkpoints_{0};
  std::atomic<std::uint64_t> inline_checkpoint_micros_{0};
  std::atomic<std::uint64_t> restarts_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: it uses the members above
};

}  // namespace gridcare::storage
