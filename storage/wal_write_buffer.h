// A SQLite VFS for the store's write connection that hands each commit's WAL frames to the
// kernel in one write instead of two per frame. SQLite writes a frame as a 24-byte header
// and then its page, each with its own pwrite: ~10 system calls per created case, a large
// share of the writer's time (docs/performance.md). This VFS wraps the default one; for
// WAL files only, writes that continue where the previous write ended are gathered in
// memory and written when the commit frame is complete (SQLite marks it in the frame
// header), before SQLite publishes the commit to readers. Everything else — the database
// file, any write at another offset (checksum rewrites, the log starting over), reads,
// syncs, size queries, truncation — goes straight to the default VFS, after the gathered
// bytes. Durability is unchanged: the sync thread fsyncs after COMMIT returns, and COMMIT
// returns only once the frames have been written.
#pragma once

#include <sqlite3.h>

namespace gridcare::storage {

// Registers the VFS with SQLite once per process (thread-safe) and returns its name, to be
// passed to sqlite3_open_v2. Registration does not make it the default.
const char* WalWriteBufferVfs();

// Fault injection for tests: the next `count` writes of gathered frames to the WAL of `db`
// (opened with this VFS, in WAL mode) fail as if the disk were full. False if `db` has no
// such WAL open.
bool FailWalFlushesForTesting(sqlite3* db, int count);

}  // namespace gridcare::storage
