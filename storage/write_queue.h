// The hand-off between Store::Write callers and the one writer thread: commands queued and
// taken in groups, plus access records buffered until the next group. Not SQL: sqlite_store.cpp.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/store.h"
#include "storage/sqlite.h"

namespace gridcare::storage {

using WriteFn = std::function<engine::Status(engine::StoreWriter&)>;

// One queued request; exactly one of `fn` and `raw` is set.
struct WriteCommand {
  // Runs inside a group transaction. Owned by the caller, who waits on `done` and so keeps
  // it alive until the writer is finished with it.
  const WriteFn* fn = nullptr;
  // Runs alone, between groups and outside any transaction (pragmas).
  std::function<engine::Status(Db&)> raw;
  // The command's own result once its group has committed or failed. An exception thrown
  // by the callback travels here too, to be rethrown on the caller's thread.
  std::promise<engine::Status> done;
};

// What the writer thread runs at once.
struct WriteGroup {
  std::vector<WriteCommand> commands;        // `fn` commands, or exactly one `raw` one
  std::vector<engine::AccessRecord> access;  // to be committed in the same transaction
};

struct WriteQueueOptions {
  std::size_t max_group = 256;
  // How long buffered access records wait for a write to carry them before they get a
  // transaction of their own.
  std::chrono::milliseconds access_flush_delay{1000};
  // Beyond this many buffered records (storage down for a long while) the oldest are dropped
  // rather than growing without bound.
  std::size_t max_pending_access = 100000;
};

// Starts one thread that takes whatever is queued (up to max_group commands), hands it to
// the runner and goes back to sleep; fully idle it waits without a timeout.
class WriteQueue {
 public:
  // Runs a group on the writer thread. It settles every command's `done` and returns what
  // became of group.access: OK (committed), UNAVAILABLE (retried with a later group) or
  // another error (they can never be written: dropped and counted).
  using Runner = std::function<engine::Status(WriteGroup&)>;

  WriteQueue(WriteQueueOptions options, Runner runner);
  // Runs everything already queued, access records included, then stops the thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Queues `command` and waits for its result. Called from the writer thread itself (a
  // write callback calling Write) it would wait on itself forever: INTERNAL instead.
  engine::Status Run(WriteCommand command);
  // Buffers records for the next group; returns at once.
  void QueueAccess(std::vector<engine::AccessRecord> records);

  std::size_t queued() const;
  std::uint64_t dropped_access() const;

 private:
  void Loop();
  // Caps the buffer at max_pending_access, oldest out first. Needs mu_.
  void TrimAccessLocked();

  const WriteQueueOptions options_;
  const Runner runner_;
  mutable std::mutex mu_;
  std::condition_variable wake_;  // the writer waits on it for work
  std::deque<WriteCommand> queue_;
  std::vector<engine::AccessRecord> access_;
  std::chrono::steady_clock::time_point access_since_;  // when access_ last became non-empty
  std::uint64_t dropped_access_ = 0;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above is ready
};

}  // namespace gridcare::storage
