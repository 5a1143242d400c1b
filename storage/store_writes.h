// The write operations of the SQLite store, as functions over the write connection, and the
// StoreWriter a write callback gets. Not transactions: GroupCommit opens and commits them.
#pragma once

#include <string>
#include <vector>

#include "engine/store.h"
#include "storage/outbox.h"
#include "storage/sqlite.h"
#include "storage/store_reads.h"

namespace gridcare::storage::writes {

engine::Result<engine::CaseId> NextCaseId(Db& db);
engine::Result<int> NextCaseSerial(Db& db, int year);
// See engine::StoreWriter::SaveCase. On error part of it may be written: the caller returns
// the error and the store undoes the Write command whole.
// `keys` seal the personal fields (null: stored in the clear; see personal_writes.h).
engine::Status SaveCase(Db& db, const DataKeys* keys, const engine::Case& after,
                        const std::vector<engine::CaseEvent>& events);
// Upserts by id, then rebuilds org_closure from the whole table.
engine::Status UpsertOrgUnits(Db& db, const std::vector<engine::OrgUnit>& units);
// Upserts by username, keeping the id. An empty password_hash keeps the stored one, so a
// re-import of the roster without passwords does not lock everyone out.
engine::Status UpsertUsers(Db& db, const std::vector<engine::User>& users);
engine::Status SaveSession(Db& db, const engine::Session& session);
engine::Status DeleteSession(Db& db, const std::string& token_hash);
engine::Result<int> RevokeSessions(Db& db, const std::string& user_id, engine::TimePoint time,
                                   const std::string& reason);
engine::Status LogAccess(Db& db, const std::vector<engine::AccessRecord>& records);

}  // namespace gridcare::storage::writes

namespace gridcare::storage {

// engine::StoreWriter on the write connection, inside the group's open transaction.
class SqliteWriter final : public SqliteReads<SqliteOutboxWrites<engine::StoreWriter>> {
 public:
  SqliteWriter(Db& db, const DataKeys* keys) : db_(db), keys_(keys) {}

  engine::Result<engine::CaseId> NextCaseId() override { return writes::NextCaseId(db_); }
  engine::Result<int> NextCaseSerial(int year) override {
    return writes::NextCaseSerial(db_, year);
  }
  engine::Status SaveCase(const engine::Case& after,
                          const std::vector<engine::CaseEvent>& events) override {
    return writes::SaveCase(db_, keys_, after, events);
  }
  engine::Status UpsertOrgUnits(const std::vector<engine::OrgUnit>& units) override {
    return writes::UpsertOrgUnits(db_, units);
  }
  engine::Status UpsertUsers(const std::vector<engine::User>& users) override {
    return writes::UpsertUsers(db_, users);
  }
  engine::Status SaveSession(const engine::Session& session) override {
    return writes::SaveSession(db_, session);
  }
  engine::Status DeleteSession(const std::string& token_hash) override {
    return writes::DeleteSession(db_, token_hash);
  }
  engine::Result<int> RevokeSessions(const std::string& user_id, engine::TimePoint time,
                                     const std::string& reason) override {
    return writes::RevokeSessions(db_, user_id, time, reason);
  }
  engine::Status LogAccess(const std::vector<engine::AccessRecord>& records) override {
    return writes::LogAccess(db_, records);
  }

 protected:
  Db& conn() override { return db_; }
  const DataKeys* data_keys() const override { return keys_; }

 private:
  Db& db_;
  const DataKeys* keys_;
};

}  // namespace gridcare::storage
