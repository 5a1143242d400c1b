// Online backup of a GridCare database into one self-contained file.
// Not restore (copy the file back while the server is stopped) and not scheduling.
#pragma once

#include <string>

#include "engine/status.h"

namespace gridcare::storage {

// Copies a consistent snapshot of `db_path` to `to_path` while other processes keep
// writing: sqlite3_backup from one read transaction into a temporary file beside
// `to_path`, PRAGMA integrity_check on the copy, fsync, then an atomic rename. `to_path`
// is either the old file or a complete, checked new one, never something in between.
engine::Status BackupDatabase(const std::string& db_path, const std::string& to_path);

}  // namespace gridcare::storage
