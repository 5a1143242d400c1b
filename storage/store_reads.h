// The read queries of the SQLite store, as functions over one connection, plus the mixin
// that serves engine::StoreReader from them. Not transactions: the caller holds one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/store.h"
#include "storage/data_keys.h"
#include "storage/monitor_reads.h"
#include "storage/outbox.h"
#include "storage/sqlite.h"

namespace gridcare::storage::reads {

// `keys` open sealed personal data (null: a sealed case is FAILED_PRECONDITION).
engine::Result<std::optional<engine::Case>> GetCase(Db& db, const DataKeys* keys,
                                                   engine::CaseId id);
engine::Result<std::vector<engine::CaseEvent>> ListEvents(Db& db, engine::CaseId id);
// Every filter is a bound parameter; page_size is clamped to 1..200.
// A subject_id_number filter needs `keys` (its keyed hash is what the store holds).
engine::Result<engine::CasePage> ListCases(Db& db, const DataKeys* keys,
                                           const engine::CaseQuery& query);
engine::Result<std::vector<engine::CaseId>> ListCasesToMinimise(Db& db,
                                                               engine::TimePoint changed_before,
                                                               int limit);
engine::Result<std::optional<engine::CaseId>> FindCaseByRequestId(Db& db,
                                                                 const std::string& reporter_id,
                                                                 const std::string& request_id);
// In the order they were first imported (parents normally before children).
engine::Result<std::vector<engine::OrgUnit>> ListOrgUnits(Db& db);
engine::Result<std::vector<engine::User>> ListUsers(Db& db);
engine::Result<std::optional<engine::User>> FindUserByUsername(Db& db, const std::string& username);
engine::Result<std::optional<engine::User>> FindUserById(Db& db, const std::string& id);
engine::Result<std::optional<engine::Session>> FindSession(Db& db, const std::string& token_hash);
engine::Result<std::vector<engine::SessionRevocation>> ListSessionRevocations(Db& db,
                                                                             std::int64_t after_id,
                                                                             int limit);
// One case's or one user's access log, newest first; page_size is clamped to 1..200.
engine::Result<engine::AccessPage> ListAccess(Db& db, const engine::AccessQuery& query);
// SQLite's EXPLAIN QUERY PLAN of ListAccess's statement, one line per step: for tests that
// hold the query to its indexes.
engine::Result<std::string> ListAccessPlan(Db& db, const engine::AccessQuery& query);

// User ids are INTEGER in the table and text in the engine; nullopt for non-numeric text.
std::optional<std::int64_t> ParseUserId(const std::string& id);

inline constexpr int kMaxPageSize = 200;

}  // namespace gridcare::storage::reads

namespace gridcare::storage {

// Implements the StoreReader half of `Interface` (StoreReader or StoreWriter) on conn().
template <typename Interface>
class SqliteReads : public Interface {
 public:
  engine::Result<std::optional<engine::Case>> GetCase(engine::CaseId id) override {
    return reads::GetCase(conn(), data_keys(), id);
  }
  engine::Result<std::vector<engine::CaseEvent>> ListEvents(engine::CaseId id) override {
    return reads::ListEvents(conn(), id);
  }
  engine::Result<engine::CasePage> ListCases(const engine::CaseQuery& query) override {
    return reads::ListCases(conn(), data_keys(), query);
  }
  engine::Result<std::optional<engine::CaseId>> FindCaseByRequestId(
      const std::string& reporter_id, const std::string& request_id) override {
    return reads::FindCaseByRequestId(conn(), reporter_id, request_id);
  }
  engine::Result<std::vector<engine::OrgUnit>> ListOrgUnits() override {
    return reads::ListOrgUnits(conn());
  }
  engine::Result<std::vector<engine::User>> ListUsers() override {
    return reads::ListUsers(conn());
  }
  engine::Result<std::optional<engine::User>> FindUserByUsername(
      const std::string& username) override {
    return reads::FindUserByUsername(conn(), username);
  }
  engine::Result<std::optional<engine::User>> FindUserById(const std::string& id) override {
    return reads::FindUserById(conn(), id);
  }
  engine::Result<std::optional<engine::Session>> FindSession(
      const std::string& token_hash) override {
    return reads::FindSession(conn(), token_hash);
  }
  engine::Result<std::vector<engine::SessionRevocation>> ListSessionRevocations(
      std::int64_t after_id, int limit) override {
    return reads::ListSessionRevocations(conn(), after_id, limit);
  }
  engine::Result<engine::AccessPage> ListAccess(const engine::AccessQuery& query) override {
    return reads::ListAccess(conn(), query);
  }
  engine::Result<std::vector<engine::UnitCaseCounts>> CountCasesByUnit(
      const std::vector<std::string>& unit_ids) override {
    return reads::CountCasesByUnit(conn(), unit_ids);
  }
  engine::Result<std::vector<engine::DayCaseCounts>> CountCasesByDay(const std::string& unit_id,
                                                                     engine::TimePoint from,
                                                                     int days) override {
    return reads::CountCasesByDay(conn(), unit_id, from, days);
  }
  engine::Result<std::vector<engine::DueDeadline>> ListDueDeadlines(engine::TimePoint until,
                                                                    int limit) override {
    return reads::ListDueDeadlines(conn(), until, limit);
  }
  engine::Result<std::optional<engine::TimePoint>> NextDeadline() override {
    return reads::NextDeadline(conn());
  }
  engine::Result<engine::CaseTotals> CountTotals() override { return reads::CountTotals(conn()); }
  engine::Result<std::vector<engine::CaseId>> ListCasesToMinimise(engine::TimePoint changed_before,
                                                                  int limit) override {
    return reads::ListCasesToMinimise(conn(), changed_before, limit);
  }
  engine::Result<std::vector<engine::OutboxEntry>> PendingDeliveries(const std::string& sink,
                                                                     engine::TimePoint now,
                                                                     int limit) override {
    return outbox::Pending(conn(), sink, now, limit);
  }
  engine::Result<std::optional<engine::TimePoint>> NextRetryTime() override {
    return outbox::NextRetryTime(conn());
  }

 protected:
  // Overrides SqliteOutboxWrites::conn when that is the base, and only then, so `override`
  // cannot be written here; clang's warning about its absence is scoped to this line.
#ifdef __clang__
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winconsistent-missing-override"
#endif
  virtual Db& conn() = 0;
#ifdef __clang__
#pragma clang diagnostic pop
#endif
  // The keys that open sealed personal data; null when the store has none.
  virtual const DataKeys* data_keys() const = 0;
};

}  // namespace gridcare::storage
