// The SQLite wrapper of sqlite.h: result-code mapping and the RAII plumbing.
// Not queries: the SQL itself lives with its users (migrations, sqlite_store, verifier).
#include "storage/sqlite.h"

#include <utility>

namespace gridcare::storage {

using engine::Result;
using engine::Status;

Status StatusFromSqlite(int rc, sqlite3* db, std::string_view context) {
  std::string detail = std::string(context) + ": " +
                       (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_FULL:
      return engine::Unavailable("storage cannot take writes: disk full (" + detail + ")");
    case SQLITE_READONLY:
      return engine::Unavailable("storage cannot take writes: database is read-only (" + detail +
                                 ")");
    case SQLITE_IOERR:
      return engine::Unavailable("storage cannot take writes: I/O error (" + detail + ")");
    case SQLITE_CANTOPEN:
      return engine::Unavailable("storage unavailable: cannot open the database file (" + detail +
                                 ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      // Only reached after busy_timeout has run out: another process holds the lock.
      return engine::Unavailable("storage busy: the database is locked (" + detail + ")");
    case SQLITE_NOMEM:
      return engine::Unavailable("storage out of memory (" + detail + ")");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return engine::DataLoss("database file is damaged (" + detail + ")");
    case SQLITE_CONSTRAINT:
      switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
          // A row that should be new already exists: someone else got there first.
          return engine::Aborted("conflicts with an existing record (" + detail + ")");
        case SQLITE_CONSTRAINT_FOREIGNKEY:
          return engine::FailedPrecondition("refers to a record that does not exist (" + detail +
                                            ")");
        case SQLITE_CONSTRAINT_TRIGGER:
          return engine::FailedPrecondition(detail);
        default:
          // NOT NULL / CHECK: we validate before writing, so reaching here is a bug.
          return engine::Internal("constraint failed (" + detail + ")");
      }
    default:
      return engine::Internal("sqlite error (" + detail + ")");
  }
}

// --- Stmt ------------------------------------------------------------------------------

Stmt::~Stmt() { Release(); }

void Stmt::Release() {
  if (stmt_ == nullptr) return;
  // A bounded cache: a connection runs a few dozen distinct queries in practice.
  constexpr size_t kMaxIdlePerQuery = 4;
  if (home_ != nullptr && home_->size() < kMaxIdlePerQuery) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    home_->push_back(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  home_ = nullptr;
}

Stmt::Stmt(Stmt&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      home_(std::exchange(other.home_, nullptr)),
      bind_rc_(other.bind_rc_) {}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    home_ = std::exchange(other.home_, nullptr);
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

namespace {
void Remember(int& first_rc, int rc) {
  if (first_rc == SQLITE_OK && rc != SQLITE_OK) first_rc = rc;
}
}  // namespace

Stmt& Stmt::BindInt(int index, std::int64_t value) {
  Remember(bind_rc_, sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Stmt& Stmt::BindText(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so temporaries are safe to pass.
  Remember(bind_rc_, sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                                         SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Stmt& Stmt::BindNull(int index) {
  Remember(bind_rc_, sqlite3_bind_null(stmt_, index));
  return *this;
}

Stmt& Stmt::BindOptInt(int index, const std::optional<std::int64_t>& value) {
  return value ? BindInt(index, *value) : BindNull(index);
}

Stmt& Stmt::BindTextOrNull(int index, std::string_view value) {
  return value.empty() ? BindNull(index) : BindText(index, value);
}

Stmt& Stmt::BindValue(int index, const SqlValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return BindInt(index, *i);
  if (const auto* s = std::get_if<std::string>(&value)) return BindText(index, *s);
  return BindNull(index);
}

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return StatusFromSqlite(bind_rc_, db_, "bind parameter");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFromSqlite(rc, db_, std::string(sqlite3_sql(stmt_)).substr(0, 60));
}

Status Stmt::Run() {
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

bool Stmt::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Stmt::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Stmt::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Stmt::OptInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

SqlValue Stmt::Value(int column) const {
  switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return Int(column);
    default: return Text(column);
  }
}

// --- Db --------------------------------------------------------------------------------

Db::~Db() {
  FinalizeCached();
  // close_v2: a leaked statement must not keep the file open forever.
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Db::FinalizeCached() {
  if (!cache_) return;
  for (auto& [sql, idle] : *cache_) {
    for (sqlite3_stmt* s : idle) sqlite3_finalize(s);
    idle.clear();
  }
}

Db::Db(Db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {
  other.cache_ = std::make_unique<std::unordered_map<std::string, std::vector<sqlite3_stmt*>>>();
}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    FinalizeCached();
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
    other.cache_ =
        std::make_unique<std::unordered_map<std::string, std::vector<sqlite3_stmt*>>>();
  }
  return *this;
}

Result<Db> Db::Open(const std::string& path, int flags, const char* vfs) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, vfs);
  Db db(raw);  // closes `raw` on every return path, even when open failed
  if (rc != SQLITE_OK) return StatusFromSqlite(rc, raw, "open " + path);
  // Extended codes let constraint failures say which constraint (unique, trigger, ...).
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Status Db::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (error != nullptr) sqlite3_free(error);  // the same text is in sqlite3_errmsg
  if (rc != SQLITE_OK) return StatusFromSqlite(rc, db_, text.substr(0, 60));
  return Status::Ok();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  // Queries built from filters come in many shapes; past this many, new shapes are not
  // kept (the common ones are in by then).
  constexpr size_t kMaxCachedQueries = 512;
  std::vector<sqlite3_stmt*>* home = nullptr;
  auto it = cache_->find(std::string(sql));
  if (it != cache_->end()) {
    home = &it->second;
  } else if (cache_->size() < kMaxCachedQueries) {
    home = &(*cache_)[std::string(sql)];
  }
  if (home != nullptr && !home->empty()) {
    sqlite3_stmt* stmt = home->back();
    home->pop_back();
    return Stmt(db_, stmt, home);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt != nullptr) sqlite3_finalize(stmt);
    return StatusFromSqlite(rc, db_, "prepare " + std::string(sql.substr(0, 60)));
  }
  return Stmt(db_, stmt, home);
}

Result<std::int64_t> Db::QueryInt(std::string_view sql) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return engine::Internal("no row from " + std::string(sql));
  return stmt.Int(0);
}

std::int64_t Db::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

int Db::Changes() const { return sqlite3_changes(db_); }

std::int64_t Db::TotalChanges() const { return sqlite3_total_changes64(db_); }

bool Db::InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

}  // namespace gridcare::storage
