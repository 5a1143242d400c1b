// BackupDatabase: sqlite3_backup into a temp file, integrity_check, fsync, atomic rename.
// Not a scheduler or retention policy; the CLI and cron decide when and where.
#include "storage/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "storage/sqlite.h"
#include "util/crypto.h"

namespace gridcare::storage {

using engine::Status;

namespace {

constexpr int kPagesPerStep = 1024;
constexpr int kRetrySleepMs = 5;
// How long BUSY/LOCKED may last before we give up (a writer holding a lock this long is
// stuck, and the caller should hear about it rather than wait forever).
constexpr std::chrono::seconds kBusyGiveUp{60};

Status ErrnoStatus(const std::string& what) {
  return engine::Unavailable("backup: " + what + ": " + std::strerror(errno));
}

Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open " + path);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return ErrnoStatus("fsync " + path);
  return Status::Ok();
}

// Copies every page of `src` (inside its open read transaction) into `dst`.
Status CopyPages(Db& src, Db& dst) {
  sqlite3_backup* backup = sqlite3_backup_init(dst.raw(), "main", src.raw(), "main");
  if (backup == nullptr) return StatusFromSqlite(sqlite3_errcode(dst.raw()), dst.raw(), "backup init");
  auto busy_since = std::chrono::steady_clock::time_point();
  int rc = SQLITE_OK;
  while (true) {
    rc = sqlite3_backup_step(backup, kPagesPerStep);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) {
      busy_since = {};
      continue;
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      auto now = std::chrono::steady_clock::now();
      if (busy_since == std::chrono::steady_clock::time_point()) busy_since = now;
      if (now - busy_since > kBusyGiveUp) break;
      sqlite3_sleep(kRetrySleepMs);
      continue;
    }
    break;  // a real error
  }
  int finish_rc = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return StatusFromSqlite(rc, dst.raw(), "backup step");
  if (finish_rc != SQLITE_OK) return StatusFromSqlite(finish_rc, dst.raw(), "backup finish");
  return Status::Ok();
}

Status IntegrityCheck(Db& db) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("PRAGMA integrity_check"));
  std::string problems;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    std::string line = stmt.Text(0);
    if (line == "ok") continue;
    if (!problems.empty()) problems += "; ";
    problems += line;
  }
  if (!problems.empty()) return engine::DataLoss("backup copy fails integrity_check: " + problems);
  return Status::Ok();
}

Status BackupInto(const std::string& db_path, const std::string& tmp_path) {
  GC_ASSIGN_OR_RETURN(Db src, Db::Open(db_path, SQLITE_OPEN_READONLY));
  GC_RETURN_IF_ERROR(src.Exec("PRAGMA busy_timeout = 5000"));
  // Holding one read transaction for the whole copy gives a single consistent snapshot,
  // and a writer in another process cannot force the copy to restart (WAL: it never
  // waits for us either).
  GC_RETURN_IF_ERROR(src.Exec("BEGIN"));
  GC_RETURN_IF_ERROR(src.Exec("SELECT 1 FROM sqlite_schema LIMIT 1"));
  {
    GC_ASSIGN_OR_RETURN(Db dst, Db::Open(tmp_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    Status copied = CopyPages(src, dst);
    (void)src.Exec("COMMIT");
    GC_RETURN_IF_ERROR(copied);
    // The copy carries the WAL flag of its source; a backup should be one file.
    GC_RETURN_IF_ERROR(dst.Exec("PRAGMA journal_mode = DELETE"));
    GC_RETURN_IF_ERROR(IntegrityCheck(dst));
  }  // closed before fsync and rename
  return FsyncPath(tmp_path, O_RDONLY);
}

}  // namespace

Status BackupDatabase(const std::string& db_path, const std::string& to_path) {
  namespace fs = std::filesystem;
  if (!fs::exists(db_path)) return engine::NotFound("backup: no database at " + db_path);
  fs::path target = fs::absolute(to_path);
  // Beside the target so the final rename stays on one filesystem and is atomic.
  std::string tmp_path = target.string() + ".tmp-" + util::RandomToken().substr(0, 12);
  Status s = BackupInto(db_path, tmp_path);
  if (s.ok() && std::rename(tmp_path.c_str(), target.c_str()) != 0) {
    s = ErrnoStatus("rename to " + target.string());
  }
  if (!s.ok()) {
    std::error_code ignored;
    fs::remove(tmp_path, ignored);
    fs::remove(tmp_path + "-journal", ignored);
    return s;
  }
  // The rename itself is durable only once the directory entry is.
  return FsyncPath(target.parent_path().string(), O_RDONLY | O_DIRECTORY);
}

}  // namespace gridcare::storage
