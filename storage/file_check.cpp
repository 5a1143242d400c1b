// CheckDatabaseFile: quick_check on a connection that never writes the main file, and the
// message that tells an operator what to do with a damaged one.
#include "storage/file_check.h"

#include <filesystem>

#include "storage/sqlite.h"

namespace gridcare::storage {
namespace {

constexpr int kMaxProblems = 5;

engine::Status Damaged(const std::string& path, const std::string& problems) {
  return engine::DataLoss(
      "database file " + path + " is damaged (" + problems +
      "); gridcare will not serve from it. Restore the latest backup made with `gridcare "
      "backup --db " + path + " --to BACKUP`: stop every gridcare process using the file, "
      "move " + path + " and its -wal and -shm files aside (keep them for investigation), "
      "copy BACKUP to " + path + ", run `gridcare audit verify --db " + path +
      "`, then start the server (docs/storage.md, \"Restore\")");
}

}  // namespace

engine::Status CheckDatabaseFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return engine::Status::Ok();  // a new database
  // Read-write, so that a WAL left by a crash can be recovered into the -shm as every
  // connection does; query_only and no checkpoint on close, so the main file is not touched.
  auto db = Db::Open(path, SQLITE_OPEN_READWRITE);
  if (!db.ok()) return Damaged(path, db.status().message());
  int set = 0;
  sqlite3_db_config(db->raw(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &set);
  if (set != 1) return engine::Internal("cannot keep SQLite from checkpointing " + path);
  if (auto s = db->Exec("PRAGMA query_only = ON; PRAGMA busy_timeout = 5000"); !s.ok()) {
    return Damaged(path, s.message());
  }
  auto check = db->Prepare("PRAGMA quick_check(" + std::to_string(kMaxProblems) + ")");
  if (!check.ok()) return Damaged(path, check.status().message());
  std::string problems;
  for (;;) {
    auto row = check->Step();
    if (!row.ok()) return Damaged(path, row.status().message());
    if (!*row) break;
    const std::string line = check->Text(0);
    if (line == "ok") return engine::Status::Ok();
    problems += (problems.empty() ? "" : "; ") + line;
  }
  return Damaged(path, problems.empty() ? "quick_check said nothing" : problems);
}

}  // namespace gridcare::storage
