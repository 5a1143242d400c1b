// A thin RAII wrapper over the SQLite C API: Db (open, exec, prepare) and Stmt (bind, step,
// read columns), with every SQLite result code turned into an engine::Status. Not a schema.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace gridcare::storage {

// The engine's view of a SQLite failure. `context` says what we were doing ("insert event").
// Full disk, read-only file, I/O errors and lock timeouts are UNAVAILABLE (the caller may
// retry later; nothing was half-written); a damaged file is DATA_LOSS.
engine::Status StatusFromSqlite(int rc, sqlite3* db, std::string_view context);

// A prepared statement. Binds are 1-based like SQLite's. A failed bind is remembered and
// reported by the next Step(), so call sites can bind in a row without checking each one.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
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

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
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

  // `flags` as for sqlite3_open_v2 (SQLITE_OPEN_READONLY, or READWRITE | CREATE).
  static engine::Result<Db> Open(const std::string& path, int flags);

  // Runs one or more statements without parameters (schema, pragmas, BEGIN/COMMIT).
  engine::Status Exec(std::string_view sql);
  engine::Result<Stmt> Prepare(std::string_view sql);
  // The single integer a query such as "PRAGMA user_version" returns.
  engine::Result<std::int64_t> QueryInt(std::string_view sql);

  std::int64_t LastInsertRowid() const;
  int Changes() const;
  // True when no transaction is open (SQLite may end one by itself after some errors).
  bool InAutocommit() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace gridcare::storage
