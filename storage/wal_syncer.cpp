// The sync thread: take every acknowledgement handed in, one fdatasync, answer them all. Its
// Loop holds the line where "acknowledged => on disk" becomes true.
#include "storage/wal_syncer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "util/named_thread.h"

namespace gridcare::storage {

namespace {

// Owns the descriptor; shared by the copies of the std::function that hold it.
struct FileDescriptor {
  explicit FileDescriptor(int fd) : fd(fd) {}
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int fd;
};

}  // namespace

engine::Result<WalSyncer::SyncFn> WalSyncer::FileSync(const std::string& wal_path) {
  // fdatasync works on the file, whichever descriptor names it; SQLite keeps its own.
  const int fd = ::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return engine::Unavailable("cannot open " + wal_path + " to sync it: " +
                               std::strerror(errno));
  }
  auto file = std::make_shared<FileDescriptor>(fd);
  // SQLite makes a new log's directory entry durable at the log's first sync, which under
  // synchronous=NORMAL may come only with the first checkpoint: do it now, before anything
  // is acknowledged, or a power cut could lose the whole log with its acknowledged writes.
  const auto slash = wal_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : wal_path.substr(0, slash + 1);
  const FileDescriptor directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.fd < 0 || ::fsync(directory.fd) != 0) {
    return engine::Unavailable("cannot sync the directory " + dir + ": " + std::strerror(errno));
  }
  return SyncFn([file, wal_path]() -> engine::Status {
    if (::fdatasync(file->fd) != 0) {
      return engine::Unavailable("fdatasync of " + wal_path + " failed: " +
                                 std::strerror(errno));
    }
    return engine::Status::Ok();
  });
}

WalSyncer::WalSyncer(SyncFn sync)
    : sync_(std::move(sync)), thread_(util::StartNamedThread("gc-walsync", [this] { Loop(); })) {}

WalSyncer::~WalSyncer() { util::StopThread(mu_, stop_, wake_, thread_); }

void WalSyncer::Committed(std::vector<Acknowledgement> acks) {
  {
    std::lock_guard lock(mu_);
    for (Acknowledgement& a : acks) pending_.push_back(std::move(a));
  }
  wake_.notify_one();
}

engine::Status WalSyncer::health() const {
  std::lock_guard lock(mu_);
  return failure_;
}

engine::Histogram WalSyncer::sync_durations() const {
  std::lock_guard lock(mu_);
  return durations_;
}

void WalSyncer::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping, and nothing left to settle
    std::vector<Acknowledgement> batch = std::move(pending_);
    pending_.clear();
    const bool already_failed = !failure_.ok();
    lock.unlock();

    // 4. Sync. Everything in `batch` was committed before this call starts: one sync covers
    //    it all.
    const auto start = std::chrono::steady_clock::now();
    engine::Status synced = already_failed ? engine::Status::Ok() : sync_();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    lock.lock();
    durations_.Observe(seconds);
    if (!synced.ok() && failure_.ok()) {
      failure_ = engine::Unavailable(
          "storage could not confirm that committed writes reached the disk (" +
          synced.message() + "); check the disk and restart the server");
    }
    const engine::Status failure = failure_;
    lock.unlock();
    // 5. Acknowledge.
    for (Acknowledgement& a : batch) {
      // A write that succeeded but may not be on disk is not acknowledged as written.
      if (!failure.ok() && a.status.ok() && !a.thrown) a.status = failure;
      // THE DURABILITY LINE. The only place a Write or WriteAsync caller hears OK, and only
      // after an fdatasync that began after its COMMIT has succeeded: acknowledged => on
      // disk. (Errors are answered here too, or at once where nothing was written:
      // GroupCommit::Write, WriteQueue::Submit.)
      a.done(std::move(a.status), a.thrown);
    }
    lock.lock();
  }
}

}  // namespace gridcare::storage
