// An LD_PRELOAD library that keeps, beside a database and its WAL, the image a power cut
// would leave: what was fsynced, not what is only in the page cache. Not a fault injector:
// the process runs exactly as without it (bench/crash_loop.cpp swaps the images in).
//
// GRIDCARE_POWERCUT_DB names the database (absolute path, as SQLite opens it) and
// GRIDCARE_POWERCUT_DIR a directory for the images. Every write and truncation of the
// database, its WAL or its rollback journal (not the -shm, which SQLite rebuilds) is kept
// in memory in order, after the real call succeeded. An fsync or fdatasync of the file, on
// any descriptor, carries over to the image every change completed before the call began,
// in order, once the real call has succeeded: what the kernel promises for that call and
// nothing more. Each image starts as a copy of the file when the process first opens it (the
// caller puts an image in place before each start, so that copy is durable by construction).
// A process killed at any moment leaves images of "every synced write, no unsynced one";
// killed while carrying changes over, some unsynced writes too, which a disk may also keep.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct Change {
  std::uint64_t seq;
  bool truncate;           // else a write
  off_t offset;            // write offset, or the new size
  std::string bytes;
};

struct Tracked {
  int image_fd = -1;
  std::vector<Change> pending;  // completed, not yet covered by a sync
};

struct State {
  std::mutex mu;
  std::string db;     // empty: inactive
  std::string dir;
  std::map<std::string, Tracked> files;  // by path
  std::map<int, std::string> fds;        // open descriptor -> path
  std::uint64_t next_seq = 1;
};

State& S() {
  static State* s = [] {
    auto* st = new State();  // never destroyed: calls may come during exit
    if (const char* db = std::getenv("GRIDCARE_POWERCUT_DB")) st->db = db;
    if (const char* dir = std::getenv("GRIDCARE_POWERCUT_DIR")) st->dir = dir;
    if (st->dir.empty()) st->db.clear();
    return st;
  }();
  return *s;
}

template <typename F>
F Next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

using OpenFn = int (*)(const char*, int, ...);
using OpenatFn = int (*)(int, const char*, int, ...);
using CloseFn = int (*)(int);
using PwriteFn = ssize_t (*)(int, const void*, size_t, off_t);
using WriteFn = ssize_t (*)(int, const void*, size_t);
using TruncFn = int (*)(int, off_t);
using SyncFn = int (*)(int);

bool IsTracked(const State& s, const std::string& path) {
  if (s.db.empty()) return false;
  return path == s.db || path == s.db + "-wal" || path == s.db + "-journal";
}

// The file's current bytes become its image (called once per path and process). Copied
// beside it and renamed into place, so that a kill during the copy leaves the old image,
// which equals the file (the caller put it there).
void StartImage(State& s, const std::string& path, Tracked& t) {
  const std::string image = s.dir + "/" + path.substr(path.rfind('/') + 1);
  const std::string fresh = image + ".new";
  static const OpenFn real_open = Next<OpenFn>("open");
  static const PwriteFn real_pwrite = Next<PwriteFn>("pwrite");
  static const CloseFn real_close = Next<CloseFn>("close");
  const int out = real_open(fresh.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int in = real_open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (out >= 0 && in >= 0) {
    char buf[1 << 16];
    off_t at = 0;
    for (ssize_t n; (n = read(in, buf, sizeof buf)) > 0; at += n) {
      real_pwrite(out, buf, static_cast<size_t>(n), at);
    }
  }
  if (in >= 0) real_close(in);
  if (out >= 0 && rename(fresh.c_str(), image.c_str()) == 0) {
    t.image_fd = out;
  } else if (out >= 0) {
    real_close(out);
  }
}

void Opened(int fd, const char* path) {
  if (fd < 0 || path == nullptr) return;
  State& s = S();
  if (s.db.empty()) return;
  const std::string p(path);
  std::lock_guard lock(s.mu);
  if (!IsTracked(s, p)) {
    s.fds.erase(fd);
    return;
  }
  auto [it, fresh] = s.files.try_emplace(p);
  if (fresh) StartImage(s, p, it->second);
  s.fds[fd] = p;
}

Tracked* Find(State& s, int fd) {
  auto f = s.fds.find(fd);
  if (f == s.fds.end()) return nullptr;
  return &s.files[f->second];
}

void Record(int fd, bool truncate, off_t offset, const void* data, size_t n) {
  State& s = S();
  if (s.db.empty()) return;
  std::lock_guard lock(s.mu);
  Tracked* t = Find(s, fd);
  if (t == nullptr) return;
  t->pending.push_back({s.next_seq++, truncate, offset,
                        truncate ? std::string() : std::string(static_cast<const char*>(data), n)});
}

// After a successful sync that began when `upto` was the last change: those changes are on
// the disk. Whichever sync of the file finishes first carries over everything it covers.
void Synced(int fd, std::uint64_t upto) {
  State& s = S();
  std::lock_guard lock(s.mu);
  Tracked* t = Find(s, fd);
  if (t == nullptr || t->image_fd < 0) return;
  static const PwriteFn real_pwrite = Next<PwriteFn>("pwrite");
  static const TruncFn real_ftruncate = Next<TruncFn>("ftruncate");
  std::size_t done = 0;
  for (; done < t->pending.size() && t->pending[done].seq <= upto; ++done) {
    const Change& c = t->pending[done];
    if (c.truncate) {
      real_ftruncate(t->image_fd, c.offset);
    } else {
      real_pwrite(t->image_fd, c.bytes.data(), c.bytes.size(), c.offset);
    }
  }
  t->pending.erase(t->pending.begin(), t->pending.begin() + static_cast<std::ptrdiff_t>(done));
}

// The last change recorded so far, if `fd` is a tracked file's; else 0.
std::uint64_t LastSeq(int fd) {
  State& s = S();
  if (s.db.empty()) return 0;
  std::lock_guard lock(s.mu);
  return s.fds.count(fd) == 0 ? 0 : s.next_seq - 1;
}

bool IsTrackedFd(int fd) {
  State& s = S();
  if (s.db.empty()) return false;
  std::lock_guard lock(s.mu);
  return s.fds.count(fd) > 0;
}

int SyncWith(SyncFn real, int fd) {
  const std::uint64_t upto = LastSeq(fd);
  const int rc = real(fd);
  if (rc == 0 && upto > 0) Synced(fd, upto);
  return rc;
}

mode_t ModeArg(int flags, va_list ap) {
  return (flags & (O_CREAT | O_TMPFILE)) != 0 ? static_cast<mode_t>(va_arg(ap, int)) : 0;
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = ModeArg(flags, ap);
  va_end(ap);
  static const OpenFn real = Next<OpenFn>("open");
  const int fd = real(path, flags, mode);
  Opened(fd, path);
  return fd;
}

int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = ModeArg(flags, ap);
  va_end(ap);
  static const OpenFn real = Next<OpenFn>("open64");
  const int fd = real(path, flags, mode);
  Opened(fd, path);
  return fd;
}

int openat(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = ModeArg(flags, ap);
  va_end(ap);
  static const OpenatFn real = Next<OpenatFn>("openat");
  const int fd = real(dirfd, path, flags, mode);
  if (fd >= 0 && path[0] == '/') Opened(fd, path);
  return fd;
}

int openat64(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = ModeArg(flags, ap);
  va_end(ap);
  static const OpenatFn real = Next<OpenatFn>("openat64");
  const int fd = real(dirfd, path, flags, mode);
  if (fd >= 0 && path[0] == '/') Opened(fd, path);
  return fd;
}

int close(int fd) {
  State& s = S();
  if (!s.db.empty()) {
    std::lock_guard lock(s.mu);
    s.fds.erase(fd);
  }
  static const CloseFn real = Next<CloseFn>("close");
  return real(fd);
}

ssize_t pwrite(int fd, const void* data, size_t n, off_t offset) {
  static const PwriteFn real = Next<PwriteFn>("pwrite");
  const ssize_t w = real(fd, data, n, offset);
  if (w > 0) Record(fd, false, offset, data, static_cast<size_t>(w));
  return w;
}

ssize_t pwrite64(int fd, const void* data, size_t n, off_t offset) {
  static const PwriteFn real = Next<PwriteFn>("pwrite64");
  const ssize_t w = real(fd, data, n, offset);
  if (w > 0) Record(fd, false, offset, data, static_cast<size_t>(w));
  return w;
}

ssize_t write(int fd, const void* data, size_t n) {
  static const WriteFn real = Next<WriteFn>("write");
  const bool tracked = IsTrackedFd(fd);
  const off_t at = tracked ? lseek(fd, 0, SEEK_CUR) : 0;
  const ssize_t w = real(fd, data, n);
  if (tracked && w > 0 && at >= 0) Record(fd, false, at, data, static_cast<size_t>(w));
  return w;
}

int ftruncate(int fd, off_t size) {
  static const TruncFn real = Next<TruncFn>("ftruncate");
  const int rc = real(fd, size);
  if (rc == 0) Record(fd, true, size, nullptr, 0);
  return rc;
}

int ftruncate64(int fd, off_t size) {
  static const TruncFn real = Next<TruncFn>("ftruncate64");
  const int rc = real(fd, size);
  if (rc == 0) Record(fd, true, size, nullptr, 0);
  return rc;
}

int fsync(int fd) {
  static const SyncFn real = Next<SyncFn>("fsync");
  return SyncWith(real, fd);
}

int fdatasync(int fd) {
  static const SyncFn real = Next<SyncFn>("fdatasync");
  return SyncWith(real, fd);
}

}  // extern "C"
