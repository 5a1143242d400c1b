// The write operations of the SQLite store, as functions over the write connection.
// Not transactions: SqliteStore::Write opens and commits the one these run inside.
#pragma once

#include <string>
#include <vector>

#include "engine/store.h"
#include "storage/sqlite.h"

namespace gridcare::storage::writes {

engine::Result<engine::CaseId> NextCaseId(Db& db);
engine::Result<int> NextCaseSerial(Db& db, int year);
// See engine::StoreWriter::SaveCase. On error part of it may be written: the caller returns
// the error and the store undoes the Write command whole.
engine::Status SaveCase(Db& db, const engine::Case& after,
                        const std::vector<engine::CaseEvent>& events);
// Upserts by id, then rebuilds org_closure from the whole table.
engine::Status UpsertOrgUnits(Db& db, const std::vector<engine::OrgUnit>& units);
// Upserts by username, keeping the id. An empty password_hash keeps the stored one, so a
// re-import of the roster without passwords does not lock everyone out.
engine::Status UpsertUsers(Db& db, const std::vector<engine::User>& users);
engine::Status SaveSession(Db& db, const engine::Session& session);
engine::Status DeleteSession(Db& db, const std::string& token_hash);
engine::Status LogAccess(Db& db, const std::vector<engine::AccessRecord>& records);

}  // namespace gridcare::storage::writes
