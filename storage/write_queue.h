// The hand-off between Store::Write callers and the one writer thread: commands queued and
// taken in groups, plus access records buffered until the next group. Not SQL: group_commit.cpp.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/store.h"

namespace gridcare::storage {

using WriteFn = engine::Store::WriteFn;
// A command's own result once its group has committed or failed, with the exception its
// callback threw, if it threw. Runs on the writer thread.
using WriteCompletion = std::function<void(engine::Status, std::exception_ptr)>;

// One queued Write or WriteAsync: a callback to run in a group transaction, and who hears
// what became of it.
struct WriteCommand {
  WriteFn fn;
  WriteCompletion done;
};

// What the writer thread runs in one transaction.
struct WriteGroup {
  std::vector<WriteCommand> commands;        // in the order they were queued
  std::vector<engine::AccessRecord> access;  // buffered since the last group
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
  // Runs a group on the writer thread (GroupCommit::Write). It settles every command's
  // `done`, now or later, and returns what became of group.access: OK (committed),
  // UNAVAILABLE (retried with a later group) or another error (they can never be written:
  // dropped and counted).
  using Runner = std::function<engine::Status(WriteGroup&)>;

  WriteQueue(WriteQueueOptions options, Runner runner);
  // Runs everything already queued, access records included, then stops the thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Queues `command`; the runner settles its `done` (on the writer or the sync thread). A
  // store that is closing settles it at once with UNAVAILABLE, on the calling thread.
  void Submit(WriteCommand command);
  // Queues a command for `fn` and waits until its `done` is settled: the caller's thread
  // blocks on a future that `done` fulfils. An exception the callback threw is rethrown
  // here. Called from the writer thread itself (a write callback calling Write) it would
  // wait on itself forever: INTERNAL instead.
  engine::Status Run(const WriteFn& fn);
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
