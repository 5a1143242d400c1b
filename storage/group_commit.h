// The write path of the store, one group of queued writes at a time: run them in one
// transaction, commit, hand their answers to the sync thread. Not the queue nor the fsync.
#pragma once

#include <cstddef>
#include <mutex>

#include "engine/status.h"
#include "engine/store.h"
#include "storage/data_keys.h"
#include "storage/sqlite.h"
#include "storage/wal_syncer.h"
#include "storage/write_queue.h"

namespace gridcare::storage {

// Runs on the writer thread only; write_stats() may be read from any thread.
class GroupCommit {
 public:
  // `writer` is the write connection (synchronous=NORMAL); `syncer` acknowledges what it
  // commits; `keys` seal personal data (may be null: stored in the clear). All must
  // outlive this object.
  GroupCommit(Db& writer, WalSyncer& syncer, const DataKeys* keys)
      : db_(writer), syncer_(syncer), keys_(keys) {}

  // The write path for one group (WriteQueue::Runner): run, commit, sync, acknowledge.
  engine::Status Write(WriteGroup& group);

  // The group figures of engine::WriteStats; the checkpoint and sync ones are not its own.
  engine::WriteStats stats() const;

 private:
  void RecordStats(bool committed, std::size_t group_size, std::size_t committed_commands,
                   double commit_seconds, int wal_pages);

  Db& db_;
  WalSyncer& syncer_;
  const DataKeys* keys_;
  mutable std::mutex stats_mu_;
  engine::WriteStats stats_;
};

}  // namespace gridcare::storage
