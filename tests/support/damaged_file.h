// Damage done to a database file the way a failing disk or a torn write would: a b-tree
// page's header overwritten, the file header smashed. For the startup-check tests.
#pragma once

#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <string>

namespace gridcare::testing {

inline std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The root page of `table` (1-based) and the page size, read with plain SQL.
inline bool RootPage(const std::string& db, const std::string& table, int* page, int* size) {
  sqlite3* h = nullptr;
  bool ok = sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK;
  sqlite3_stmt* st = nullptr;
  ok = ok && sqlite3_prepare_v2(h,
                                ("SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
                                 "FROM sqlite_schema WHERE name = '" + table + "'").c_str(),
                                -1, &st, nullptr) == SQLITE_OK;
  ok = ok && sqlite3_step(st) == SQLITE_ROW;
  if (ok) {
    *page = sqlite3_column_int(st, 0);
    *size = sqlite3_column_int(st, 1);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return ok && *page > 0;
}

// Overwrites the first 8 bytes of `table`'s root page (page type, free blocks, cell count,
// content start) with 0xA5, as a page written half-way or rotted on the disk might read.
// The file must have no WAL holding newer copies (a cleanly closed database).
inline bool CorruptRootPage(const std::string& db, const std::string& table) {
  int page = 0, size = 0;
  if (!RootPage(db, table, &page, &size)) return false;
  std::fstream f(db, std::ios::binary | std::ios::in | std::ios::out);
  // Page 1 starts with the 100-byte file header; every other page with its b-tree header.
  f.seekp(static_cast<std::streamoff>(page - 1) * size + (page == 1 ? 100 : 0));
  const std::string junk(8, '\xA5');
  f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  return static_cast<bool>(f);
}

}  // namespace gridcare::testing
