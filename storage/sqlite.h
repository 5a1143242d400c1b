// A thin RAII wrapper over the SQLite C API: Db (open, exec, prepare) and Stmt (bind, step,
// read columns), with every SQLite result code turned into an engine::Status. Not a schema.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "engine/status.h"

namespace gridcare::storage {

// The engine's view of a SQLite failure. `context` says what we were doing ("insert event").
// Full disk, read-only file, I/O errors and lock timeouts are UNAVAILABLE (the caller may
// retry later; nothing was half-written); a damaged file is DATA_LOSS.
engine::Status StatusFromSqlite(int rc, sqlite3* db, std::string_view context);

// One SQL value as we store them: NULL, INTEGER or TEXT.
using SqlValue = std::variant<std::monostate, std::int64_t, std::string>;

// A prepared statement. Binds are 1-based like SQLite's. A failed bind is remembered and
// reported by the next Step(), so call sites can bind in a row without checking each one.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  // A statement from a connection's cache: reset and handed back to `home` when done.
  Stmt(sqlite3* db, sqlite3_stmt* stmt, std::vector<sqlite3_stmt*>* home)
      : db_(db), stmt_(stmt), home_(home) {}
  ~Stmt();
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& BindInt(int index, std::int64_t value);
  Stmt& BindText(int index, std::string_view value);
  Stmt& BindNull(int index);
  Stmt& BindOptInt(int index, const std::optional<std::int64_t>& value);
  // NULL for an empty string: for optional references such as a root unit's parent.
  Stmt& BindTextOrNull(int index, std::string_view value);
  Stmt& BindValue(int index, const SqlValue& value);

  // True when a row is available, false when the statement is done.
  engine::Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  engine::Status Run();
  // Ready to bind and run again (bindings are cleared too).
  void Reset();

  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  std::string Text(int column) const;  // "" for NULL
  std::optional<std::int64_t> OptInt(int column) const;
  // INTEGER and NULL as they are; anything else as its text.
  SqlValue Value(int column) const;

 private:
  void Release();

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::vector<sqlite3_stmt*>* home_ = nullptr;  // null: finalize when done
  int bind_rc_ = SQLITE_OK;
};

// One connection. Move-only; closes on destruction.
class Db {
 public:
  Db() = default;
  ~Db();
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // `flags` as for sqlite3_open_v2 (SQLITE_OPEN_READONLY, or READWRITE | CREATE); `vfs`
  // names a registered VFS, nullptr for SQLite's default.
  static engine::Result<Db> Open(const std::string& path, int flags, const char* vfs = nullptr);

  // Runs one or more statements without parameters (schema, pragmas, BEGIN/COMMIT).
  engine::Status Exec(std::string_view sql);
  // Statements are cached per connection by their SQL text: the same query prepared again
  // (the common case — every request runs the same few) skips SQLite's parser and planner.
  engine::Result<Stmt> Prepare(std::string_view sql);
  // The single integer a query such as "PRAGMA user_version" returns.
  engine::Result<std::int64_t> QueryInt(std::string_view sql);

  std::int64_t LastInsertRowid() const;
  int Changes() const;
  // Rows changed by every completed INSERT/UPDATE/DELETE since the connection was opened.
  std::int64_t TotalChanges() const;
  // True when no transaction is open (SQLite may end one by itself after some errors).
  bool InAutocommit() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  void FinalizeCached();

  sqlite3* db_ = nullptr;
  // Idle prepared statements by SQL text; a statement in use is out of its list, so a
  // nested use of the same query simply prepares another one.
  std::unique_ptr<std::unordered_map<std::string, std::vector<sqlite3_stmt*>>> cache_ =
      std::make_unique<std::unordered_map<std::string, std::vector<sqlite3_stmt*>>>();
};

}  // namespace gridcare::storage
