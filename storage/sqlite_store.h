// engine::Store on one SQLite file: one writer thread committing queued writes in groups,
// a small pool of read connections each holding a snapshot. Not the SQL (store_*.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/store.h"
#include "storage/audit_chain.h"
#include "storage/checkpointer.h"
#include "storage/data_keys.h"
#include "storage/sqlite.h"
#include "storage/wal_syncer.h"

namespace gridcare::storage {

struct SqliteStoreOptions {
  // Seal subjects' personal data at rest (personal_seal.h) and open it again. Null: new
  // cases are stored in the clear and sealed ones cannot be read (tests of other things).
  std::shared_ptr<const DataKeys> data_keys;
  int busy_timeout_ms = 5000;
  // Idle read connections kept open for reuse; more readers than this simply open their own.
  int max_idle_readers = 4;
  // Most Write calls committed in one transaction.
  int max_group_commands = 256;
  // How long QueueAccessLog records wait for a write to carry them before they are
  // committed on their own.
  std::chrono::milliseconds access_log_flush_delay{1000};
  // Page cache of the write connection, in KiB. SQLite's default (2 MiB) is smaller than
  // what one group of a few hundred changed cases dirties: it then spills pages to the WAL
  // mid-transaction and reads hot index pages again. Allocated as used.
  int writer_cache_kib = 64 * 1024;
  // The write connection reads the database file through a memory map this large (SQLite
  // still writes with pwrite). Firing deadlines of old cases reads pages all over the file;
  // mapped, a page costs no system call and no copy. Address space only: the pages are the
  // kernel's file cache. 0 turns it off.
  std::int64_t writer_mmap_bytes = std::int64_t{16} << 30;
  // WAL checkpoints run on a thread of their own, not in the writer's COMMIT
  // (checkpoints.start_frames = 0: SQLite's own, inside COMMIT).
  CheckpointerOptions checkpoints;
  // The write connection hands each commit's WAL frames to the kernel in one write instead
  // of two per frame (storage/store_vfs.h). Off: SQLite's own writes.
  bool gather_wal_writes = true;
  // Fault injection for tests: replaces the fdatasync of the WAL that acknowledges writes.
  WalSyncer::SyncFn wal_sync_for_testing;
  // Fault injection for tests (tests/support/writer_faults.h): runs on the writer thread
  // with the write connection before each group, outside any transaction.
  std::function<void(Db&)> before_group_for_testing;
};

// OK when `keys` open the newest sealed case (or there is none); FAILED_PRECONDITION naming
// the key setting otherwise. SqliteStore::Open runs it: a server with the wrong key file
// refuses to start rather than fail on every case it reads.
engine::Status CheckDataKeysOpen(Db& db, const DataKeys& keys);

class GroupCommit;
class ReadPool;
class WriteQueue;

// Thread-safe: any thread may call Write or Read. Write callbacks run one at a time on the
// writer thread in a group transaction shared with other callers' writes (one fsync for all
// of them); a callback that fails after writing is undone by rolling the group back and
// running the others again without it (GroupCommit::Write). A Write caller blocks
// meanwhile, so its callback may use the caller's locals, but not its thread-local state;
// nor may it call Write (that gets INTERNAL). A WriteAsync caller goes on at once: its
// callback owns what it uses, and its `done` runs on the sync thread (on the writer thread
// if its group failed; on the caller's if the store is closing). Each StoreReader is one
// connection: use it from one thread at a time.
class SqliteStore : public engine::Store {
 public:
  using Options = SqliteStoreOptions;

  // Creates the file when missing, switches it to WAL and applies pending migrations. Write
  // returns once the group's WAL frames are synced to disk: the writer thread commits with
  // synchronous=NORMAL (GroupCommit::Write) and the sync thread acknowledges after its
  // fdatasync (WalSyncer::Loop).
  static engine::Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                           Options options = {});
  ~SqliteStore() override;

  engine::Status Write(const std::function<engine::Status(engine::StoreWriter&)>& fn) override;
  void WriteAsync(WriteFn fn, WriteDone done) override;
  engine::Result<std::unique_ptr<engine::StoreReader>> Read() override;
  engine::WriteStats write_stats() const override;

  // Records reads of personal data without making the reader wait for an fsync: the
  // records are committed with the next group of writes or, if none comes within
  // Options::access_log_flush_delay, in a transaction of their own (and at the latest when
  // the store is destroyed). A crash within that delay loses them; so does storage being
  // down for very long (see dropped_access_records).
  void QueueAccessLog(std::vector<engine::AccessRecord> records);
  void RecordAccess(std::vector<engine::AccessRecord> records) override {
    QueueAccessLog(std::move(records));
  }
  // Access records given up on: buffer overflow while storage was down, or unwritable.
  std::uint64_t dropped_access_records() const;
  // Write calls waiting for the writer thread (not counting the group it is running).
  std::size_t queued_writes() const;
  // Whether the write connection's WAL writes go through store_vfs.h's gathering
  // (Options::gather_wal_writes, as the connection actually opened).
  bool gathers_wal_writes() const { return gathers_wal_writes_; }

  const std::string& path() const { return path_; }

  // The head of the global audit chain once it is on disk: read as committed, then held
  // until a write queued after it is acknowledged (so synced). What an anchor may record:
  // a power cut cannot take back an entry it names.
  engine::Result<ChainHead> DurableChainHead();

 private:
  SqliteStore(std::string path, Options options, Db writer, std::shared_ptr<ReadPool> pool,
              std::unique_ptr<Checkpointer> checkpointer, WalSyncer::SyncFn sync);

  std::string path_;
  Options options_;
  Db writer_;  // after Open, touched by the writer thread only
  std::shared_ptr<ReadPool> pool_;
  std::unique_ptr<Checkpointer> checkpointer_;  // hooked into writer_ from Open on
  std::unique_ptr<WalSyncer> syncer_;           // syncs and acknowledges committed groups
  std::unique_ptr<GroupCommit> group_commit_;   // the writer thread's work on writer_
  bool gathers_wal_writes_ = false;
  // Reset first in the destructor: its thread still runs group_commit_ on writer_.
  std::unique_ptr<WriteQueue> queue_;
};

}  // namespace gridcare::storage
