// `gridcare import orgs|users`: validate a whole CSV file, then write it in one transaction.
// Not the CSV grammar (csv.h) and not the command line (main.cpp, admin_commands.h).
#pragma once

#include <string>

#include "app/import_rows.h"
#include "engine/status.h"
#include "engine/store.h"

namespace gridcare::app {

// orgs.csv: `id,name,level,parent_id`. Rows are merged with the units already stored
// (same id → update) and the merged tree must be valid as a whole. Idempotent.
engine::Status ImportOrgs(engine::Store& store, const std::string& csv_path, ImportReport* report);

// users.csv: `username,display_name,role,org_id,password`. Users are matched by
// username (same username → update, including a new password). The org units must
// already be imported. Passwords are hashed with argon2id before the transaction opens;
// a user's unchanged password keeps its stored hash. A user whose password, role or unit
// changes is signed out everywhere (engine::StoreWriter::RevokeSessions).
engine::Status ImportUsers(engine::Store& store, const std::string& csv_path, ImportReport* report);

}  // namespace gridcare::app
