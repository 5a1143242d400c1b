// The store's VFS: a sqlite3_file whose methods add to the default VFS's file, which sits
// right behind it in memory. A WAL file gathers contiguous appends; a main database file
// paces its writeback when asked to; every other call passes straight through.
#include "storage/store_vfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace gridcare::storage {
namespace {

constexpr int kFrameHeaderBytes = 24;  // WAL_FRAME_HDRSIZE in SQLite's file format
// A group larger than this is written before it is complete (never after it is published).
constexpr std::size_t kMaxGathered = 8 << 20;
// The most the unix VFS's xWrite takes in one call is 0x1ffff bytes; whole 4 KiB below it.
constexpr std::size_t kMaxWrite = 31 * 4096;

struct Gathered {
  std::vector<unsigned char> bytes;
  sqlite3_int64 start = 0;        // file offset of bytes[0]
  sqlite3_int64 next = -1;        // where the previous write ended: the next append goes here
  bool commit_frame_next = false; // the last write was a commit frame's header
  int fail_flushes = 0;           // fault injection
};

// A main database file's writeback pacing (PaceWriteback).
struct Paced {
  WritebackPacing* pacing = nullptr;  // null: not paced
  int fd = -1;                        // our own descriptor of the file, for sync_file_range
  std::int64_t unflushed = 0;         // bytes written since the last wait
};

// Our part of the sqlite3_file; the default VFS's file follows it in the same allocation.
// A WAL file has `gathered`, a main database file `paced`, any other file neither.
struct ShimFile {
  sqlite3_file base;
  Gathered* gathered;
  Paced* paced;
  const char* name;  // SQLite keeps it valid until xClose
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(ShimFile) % 8 == 0, "the default VFS's file must stay aligned");

sqlite3_vfs* Default(sqlite3_vfs* ours) { return static_cast<sqlite3_vfs*>(ours->pAppData); }
ShimFile* Shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }
const sqlite3_io_methods* Real(sqlite3_file* f) { return Shim(f)->real()->pMethods; }

// Writes what is gathered. Whatever happens, the buffer is empty afterwards: on a failure
// SQLite abandons the transaction, and frames it never published are never read.
int Flush(ShimFile* f) {
  if (f->gathered == nullptr) return SQLITE_OK;
  Gathered& g = *f->gathered;
  if (g.bytes.empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  if (g.fail_flushes > 0) {
    --g.fail_flushes;
    rc = SQLITE_FULL;
  }
  // The unix VFS writes at most 128 KiB - 1 bytes a call (it never expects more than a
  // page): hand it the gathered bytes in pieces below that.
  for (std::size_t done = 0; rc == SQLITE_OK && done < g.bytes.size(); done += kMaxWrite) {
    const std::size_t n = std::min(kMaxWrite, g.bytes.size() - done);
    rc = Real(&f->base)->xWrite(f->real(), g.bytes.data() + done, static_cast<int>(n),
                                g.start + static_cast<sqlite3_int64>(done));
  }
  g.bytes.clear();  // commit_frame_next stays: it follows the writes, not the buffer
  return rc;
}

int Close(sqlite3_file* file) {
  ShimFile* f = Shim(file);
  const int flushed = Flush(f);
  const int closed = Real(file)->xClose(f->real());
  delete f->gathered;
  f->gathered = nullptr;
  if (f->paced != nullptr && f->paced->fd >= 0) ::close(f->paced->fd);
  delete f->paced;
  f->paced = nullptr;
  return flushed != SQLITE_OK ? flushed : closed;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  if (int rc = Flush(Shim(file)); rc != SQLITE_OK) return rc;
  return Real(file)->xRead(Shim(file)->real(), out, amount, offset);
}

bool IsCommitFrameHeader(const unsigned char* data, int amount) {
  // Bytes 4..7 of a frame header: the database size in pages for a commit frame, else 0.
  return amount == kFrameHeaderBytes && (data[4] | data[5] | data[6] | data[7]) != 0;
}

// A checkpoint copies thousands of pages into the database file and then fsyncs it.
// Left to the kernel, those pages go to the disk in one burst at that fsync, and an fsync
// of the WAL issued meanwhile — each one acknowledges a group of writes — queues behind the
// burst at the device. Like PostgreSQL's checkpoint_flush_after, start the writeback every
// `flush_after_bytes` and wait for it, so that little is ever queued ahead of a WAL sync
// (what that buys: docs/performance.md). Only the
// checkpointing thread waits. Errors are left to the fsync SQLite issues next: writeback
// errors are reported to each open descriptor of the file, SQLite's included.
int PacedWrite(ShimFile* f, const void* data, int amount, sqlite3_int64 offset) {
  const int rc = Real(&f->base)->xWrite(f->real(), data, amount, offset);
  Paced& p = *f->paced;
  if (rc != SQLITE_OK || p.pacing == nullptr || p.fd < 0) return rc;
  p.unflushed += amount;
  if (p.unflushed >= p.pacing->flush_after_bytes) {
    p.unflushed = 0;
    if (::sync_file_range(p.fd, 0, 0,
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                              SYNC_FILE_RANGE_WAIT_AFTER) == 0) {
      p.pacing->flushes.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return rc;
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  ShimFile* f = Shim(file);
  if (f->paced != nullptr) return PacedWrite(f, data, amount, offset);
  if (f->gathered == nullptr) return Real(file)->xWrite(f->real(), data, amount, offset);
  Gathered& g = *f->gathered;
  const auto* bytes = static_cast<const unsigned char*>(data);
  const bool commit_header = IsCommitFrameHeader(bytes, amount);
  if (offset != g.next) {
    // Not an append (a checksum rewrite, a frame overwritten in place, the log starting
    // over at its header): after what is gathered, and straight through.
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    g.next = offset + amount;
    g.commit_frame_next = commit_header;
    return Real(file)->xWrite(f->real(), data, amount, offset);
  }
  if (g.bytes.empty()) g.start = offset;
  g.bytes.insert(g.bytes.end(), bytes, bytes + amount);
  g.next = offset + amount;
  // A commit frame is its header followed by its page: once the page is here, the commit
  // is whole and SQLite is about to publish it. Readers use other connections, which read
  // the file: the frames must be in it by then.
  const bool commit_complete = g.commit_frame_next;
  g.commit_frame_next = commit_header;
  if (commit_complete || g.bytes.size() >= kMaxGathered) return Flush(f);
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  ShimFile* f = Shim(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  if (f->gathered != nullptr) f->gathered->next = -1;
  return Real(file)->xTruncate(f->real(), size);
}

int Sync(sqlite3_file* file, int flags) {
  ShimFile* f = Shim(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  if (f->paced != nullptr) f->paced->unflushed = 0;
  return Real(file)->xSync(f->real(), flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  if (int rc = Flush(Shim(file)); rc != SQLITE_OK) return rc;
  return Real(file)->xFileSize(Shim(file)->real(), size);
}

int Lock(sqlite3_file* file, int level) { return Real(file)->xLock(Shim(file)->real(), level); }
int Unlock(sqlite3_file* file, int level) {
  return Real(file)->xUnlock(Shim(file)->real(), level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Real(file)->xCheckReservedLock(Shim(file)->real(), out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  // Size hints and the like act on the file as it is: give it what is gathered first.
  if (int rc = Flush(Shim(file)); rc != SQLITE_OK) return rc;
  return Real(file)->xFileControl(Shim(file)->real(), op, arg);
}
int SectorSize(sqlite3_file* file) { return Real(file)->xSectorSize(Shim(file)->real()); }
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->xDeviceCharacteristics(Shim(file)->real());
}
// A main database file's shared memory (the WAL index) and memory map.
int ShmMap(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return Real(file)->xShmMap(Shim(file)->real(), page, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Real(file)->xShmLock(Shim(file)->real(), offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) { Real(file)->xShmBarrier(Shim(file)->real()); }
int ShmUnmap(sqlite3_file* file, int remove) {
  return Real(file)->xShmUnmap(Shim(file)->real(), remove);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  if (int rc = Flush(Shim(file)); rc != SQLITE_OK) return rc;
  return Real(file)->xFetch(Shim(file)->real(), offset, amount, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  return Real(file)->xUnfetch(Shim(file)->real(), offset, p);
}

constexpr sqlite3_io_methods kMethods = {
    3,        Close,       Read,          Write,    Truncate,          Sync,
    FileSize, Lock,        Unlock,        CheckReservedLock,           FileControl,
    SectorSize,            DeviceCharacteristics, ShmMap, ShmLock,     ShmBarrier,
    ShmUnmap, Fetch,       Unfetch,
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* real_vfs = Default(vfs);
  const bool wal = (flags & SQLITE_OPEN_WAL) != 0;
  const bool main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  if (!wal && !main_db) {
    // Every other file is the default VFS's own, in the space we were given (it fits).
    return real_vfs->xOpen(real_vfs, name, file, flags, out_flags);
  }
  ShimFile* f = Shim(file);
  f->base.pMethods = nullptr;  // SQLite calls no method of a file that failed to open
  const int rc = real_vfs->xOpen(real_vfs, name, f->real(), flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  f->gathered = wal ? new (std::nothrow) Gathered() : nullptr;
  f->paced = main_db ? new (std::nothrow) Paced() : nullptr;
  f->name = name;
  if (f->gathered == nullptr && f->paced == nullptr) {
    f->real()->pMethods->xClose(f->real());
    return SQLITE_NOMEM;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* v, const char* n, int s) { return Default(v)->xDelete(Default(v), n, s); }
int Access(sqlite3_vfs* v, const char* n, int f, int* o) {
  return Default(v)->xAccess(Default(v), n, f, o);
}
int FullPathname(sqlite3_vfs* v, const char* n, int size, char* out) {
  return Default(v)->xFullPathname(Default(v), n, size, out);
}
void* DlOpen(sqlite3_vfs* v, const char* n) { return Default(v)->xDlOpen(Default(v), n); }
void DlError(sqlite3_vfs* v, int n, char* m) { Default(v)->xDlError(Default(v), n, m); }
void (*DlSym(sqlite3_vfs* v, void* h, const char* s))(void) {
  return Default(v)->xDlSym(Default(v), h, s);
}
void DlClose(sqlite3_vfs* v, void* h) { Default(v)->xDlClose(Default(v), h); }
int Randomness(sqlite3_vfs* v, int n, char* out) {
  return Default(v)->xRandomness(Default(v), n, out);
}
int Sleep(sqlite3_vfs* v, int us) { return Default(v)->xSleep(Default(v), us); }
int CurrentTime(sqlite3_vfs* v, double* t) { return Default(v)->xCurrentTime(Default(v), t); }
int GetLastError(sqlite3_vfs* v, int n, char* m) {
  return Default(v)->xGetLastError(Default(v), n, m);
}
int CurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* t) {
  return Default(v)->xCurrentTimeInt64(Default(v), t);
}

constexpr const char* kName = "gridcare";

// Our file behind `db`'s main database or its WAL, or null.
ShimFile* OurFile(sqlite3* db, int op) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", op, &file) != SQLITE_OK || file == nullptr ||
      file->pMethods != &kMethods) {
    return nullptr;
  }
  return Shim(file);
}

}  // namespace

const char* StoreVfs() {
  // SQLite keeps registered VFS objects in a process-wide list; this one is built once and
  // never changes afterwards.
  static sqlite3_vfs vfs;
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = kName;
    vfs.pAppData = real;
    vfs.xOpen = Open;
    vfs.xDelete = Delete;
    vfs.xAccess = Access;
    vfs.xFullPathname = FullPathname;
    vfs.xDlOpen = DlOpen;
    vfs.xDlError = DlError;
    vfs.xDlSym = DlSym;
    vfs.xDlClose = DlClose;
    vfs.xRandomness = Randomness;
    vfs.xSleep = Sleep;
    vfs.xCurrentTime = CurrentTime;
    vfs.xGetLastError = GetLastError;
    vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    sqlite3_vfs_register(&vfs, 0);
  });
  return kName;
}

bool GathersWalWrites(sqlite3* db) {
  ShimFile* wal = OurFile(db, SQLITE_FCNTL_JOURNAL_POINTER);
  return wal != nullptr && wal->gathered != nullptr;
}

bool FailWalFlushesForTesting(sqlite3* db, int count) {
  ShimFile* wal = OurFile(db, SQLITE_FCNTL_JOURNAL_POINTER);
  if (wal == nullptr || wal->gathered == nullptr) return false;
  wal->gathered->fail_flushes = count;
  return true;
}

bool PaceWriteback(sqlite3* db, WritebackPacing* pacing) {
  ShimFile* main = OurFile(db, SQLITE_FCNTL_FILE_POINTER);
  if (main == nullptr || main->paced == nullptr || pacing == nullptr ||
      pacing->flush_after_bytes <= 0) {
    return false;
  }
  Paced& p = *main->paced;
  if (p.fd < 0) p.fd = ::open(main->name, O_RDONLY | O_CLOEXEC);
  if (p.fd < 0) return false;
  p.pacing = pacing;
  p.unflushed = 0;
  return true;
}

}  // namespace gridcare::storage
