// Whether a database file is whole before the server serves from it: SQLite's quick_check
// (every page of every b-tree read and its structure checked), without changing the file.
// Not the audit (audit_verifier.h: contents) and not a repair: a damaged file is refused.
#pragma once

#include <string>

#include "engine/status.h"

namespace gridcare::storage {

// OK for a whole file, or one that does not exist yet (a new database). DATA_LOSS when the
// file is damaged (a torn or corrupted page, not a database at all), with a message naming
// the first problems and how to restore the latest `gridcare backup`. A torn WAL tail is
// not damage: SQLite's recovery ignores frames of an unfinished commit. The main file is
// never written (no checkpoint, no rollback of the WAL); the -wal and -shm files may be
// created, as any reader creates them.
engine::Status CheckDatabaseFile(const std::string& path);

}  // namespace gridcare::storage
