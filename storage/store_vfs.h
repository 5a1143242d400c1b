// The store's SQLite VFS: the default one, plus two things it does not do.
//
// - A commit's WAL frames in one write instead of two per frame. SQLite writes a frame as a
//   24-byte header and then its page, each with its own pwrite: two system calls for every
//   page a commit changed (what gathering buys: docs/performance.md). For WAL files,
//   writes that continue where the previous write ended are gathered in memory and written
//   when the commit frame is complete (SQLite marks it in the frame header), before SQLite
//   publishes the commit to readers. Everything else — any write at another offset
//   (checksum rewrites, the log starting over), reads, syncs, size queries, truncation —
//   goes straight to the default VFS, after the gathered bytes. Durability does not depend
//   on it: COMMIT returns only once the frames have been written, and the sync thread
//   fsyncs after that (wal_syncer.h).
// - Paced writeback of the database file, for the checkpoint connection (PaceWriteback).
//
// Main database and WAL files opened through it are wrapped; every other file is the
// default VFS's own.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>

namespace gridcare::storage {

// Registers the VFS with SQLite once per process (thread-safe) and returns its name, to be
// passed to sqlite3_open_v2. Registration does not make it the default.
const char* StoreVfs();

// How a connection's database file writes are paced; owned by the caller, who keeps it
// alive while the connection is open.
struct WritebackPacing {
  std::int64_t flush_after_bytes = 0;
  std::atomic<std::uint64_t> flushes{0};  // waits for writeback so far (for /metrics)
};

// From now on, after every `pacing->flush_after_bytes` written to the main database file
// of `db` (opened with StoreVfs()), the writing thread starts the kernel's writeback of
// the file and waits for it. False, and nothing changes, if `db` was not opened with this
// VFS, the file cannot be opened a second time, or the size is not positive.
bool PaceWriteback(sqlite3* db, WritebackPacing* pacing);

// Whether `db`'s WAL is open through this VFS and gathers its writes. Call it on the thread
// that uses `db`, once the connection has read the database in WAL mode.
bool GathersWalWrites(sqlite3* db);

// Fault injection for tests: the next `count` writes of gathered frames to the WAL of `db`
// (opened with this VFS, in WAL mode) fail as if the disk were full. False if `db` has no
// such WAL open.
bool FailWalFlushesForTesting(sqlite3* db, int count);

}  // namespace gridcare::storage
