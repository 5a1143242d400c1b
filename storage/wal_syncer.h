// Steps 4 and 5 of the write path (group_commit.cpp): on a thread of its own, one fdatasync
// of the WAL for every group committed since the last, then each command's answer. The
// writer commits with synchronous=NORMAL (frames written, not synced) and runs the next
// group meanwhile instead of waiting out each fsync itself. A committed group is visible to
// readers before it is acknowledged; nobody hears OK before it is on disk.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/histogram.h"
#include "engine/status.h"

namespace gridcare::storage {

// One command's answer, held back until the WAL is synced.
struct Acknowledgement {
  std::function<void(engine::Status, std::exception_ptr)> done;  // a WriteCompletion
  engine::Status status;
  std::exception_ptr thrown;
};

class WalSyncer {
 public:
  // Makes everything written to the WAL so far durable.
  using SyncFn = std::function<engine::Status()>;

  // fdatasync on a descriptor of its own for `wal_path` (the file must exist).
  static engine::Result<SyncFn> FileSync(const std::string& wal_path);

  explicit WalSyncer(SyncFn sync);
  // Syncs and settles everything handed in, then stops the thread.
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Called by the writer right after a COMMIT: answered after the next sync.
  void Committed(std::vector<Acknowledgement> acks);
  // OK until a sync fails; from then on the error, for good (after a failed fsync the
  // kernel may have dropped the unsynced pages: nothing later can be trusted either).
  engine::Status health() const;

  // Each sync's wall time; its count and sum are the syncs and their total time.
  engine::Histogram sync_durations() const;

 private:
  void Loop();

  const SyncFn sync_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Acknowledgement> pending_;
  engine::Status failure_ = engine::Status::Ok();
  engine::Histogram durations_;  // count and sum: the syncs and their time
  bool stop_ = false;
  std::thread thread_;  // last: it uses the members above
};

}  // namespace gridcare::storage
