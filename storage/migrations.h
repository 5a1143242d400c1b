// Numbered, forward-only schema migrations, tracked with PRAGMA user_version.
// Not queries: the store and the verifier read and write the tables these create.
#pragma once

#include <span>
#include <string_view>

#include "engine/status.h"
#include "storage/sqlite.h"

namespace gridcare::storage {

struct Migration {
  int version;  // 1, 2, 3, ...: the user_version the file has once this one is applied
  std::string_view name;
  std::string_view sql;
  // Runs after `sql`, in the same transaction, for what SQL alone cannot compute (hashes).
  engine::Status (*fill)(Db& db) = nullptr;
};

// The schema version that added cases.personal and subject_ids (sealed personal data).
inline constexpr int kPersonalDataVersion = 7;

// In order of version, without gaps. A released migration is never edited: add a new one.
std::span<const Migration> AllMigrations();
int LatestSchemaVersion();

// Applies every migration newer than the file's user_version, each in its own
// transaction. A file newer than this program is refused with DATA_LOSS rather than
// guessed at: writing it with an old schema in mind could damage it.
engine::Status Migrate(Db& db);

// For read-only users (verifier, backup): OK when the file is at a version this program
// knows (1..latest); FAILED_PRECONDITION for an empty file, DATA_LOSS for a newer one.
engine::Status CheckSchemaVersion(Db& db);

}  // namespace gridcare::storage
