// VerifyAudit finds nothing on an honest store and names the case and event for each kind
// of tampering an attacker with the sqlite3 shell could do after dropping the triggers.
// Not the store's own refusals (sqlite_store_test.cpp covers the triggers).
#include <catch2/catch.hpp>

#include <sstream>

#include "storage/audit_verifier.h"
#include "storage/event_chain.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using storage::AuditFinding;

bool Has(const std::vector<AuditFinding>& findings, engine::CaseId id, int seq,
         const std::string& words) {
  for (const AuditFinding& f : findings) {
    if (f.case_id == id && f.seq == seq && f.problem.find(words) != std::string::npos) return true;
  }
  return false;
}

// Case 1 has four events (reported, verified, accepted, comment), case 2 two, case 3 one.
class AuditFixture {
 public:
  AuditFixture() : path_(dir_.File("gc.db")) {
    auto store = OpenStore(path_);
    CaseStory one = CaseStory::Reported(1);
    REQUIRE(Save(*store, one.now, one.last_events).ok());
    one.Verify(Hours(1));
    REQUIRE(Save(*store, one.now, one.last_events).ok());
    // Two events in one save: the chain continues within a write too.
    std::vector<CaseEvent> both;
    one.Accept(Hours(2));
    both.push_back(one.last_events[0]);
    one.Comment(Hours(3), "visited the family");
    both.push_back(one.last_events[0]);
    REQUIRE(Save(*store, one.now, both).ok());

    CaseStory two = CaseStory::Reported(2);
    REQUIRE(Save(*store, two.now, two.last_events).ok());
    two.Verify(Hours(4));
    REQUIRE(Save(*store, two.now, two.last_events).ok());

    CaseStory three = CaseStory::Reported(3);
    REQUIRE(Save(*store, three.now, three.last_events).ok());
  }

  // Tampering starts where an attacker would: by removing what stands in the way.
  void Tamper(const std::string& sql) {
    RawSql(path_, "DROP TRIGGER IF EXISTS case_events_no_update;"
                  "DROP TRIGGER IF EXISTS case_events_no_delete;"
                  "DROP TRIGGER IF EXISTS access_log_no_update;"
                  "DROP TRIGGER IF EXISTS access_log_no_delete;"
                  "DROP TRIGGER IF EXISTS audit_chain_no_update;"
                  "DROP TRIGGER IF EXISTS audit_chain_no_delete;");
    RawSql(path_, sql);
  }

  // Three reads logged through the store's single writer: access-log rows 1 to 3.
  void LogReads() {
    auto store = OpenStore(path_);
    REQUIRE(store
                ->Write([](engine::StoreWriter& w) {
                  return w.LogAccess({{"3", 1, Hours(6), "case"},
                                      {"3", 1, Hours(6), "events"},
                                      {"4", 2, Hours(7), "case"}});
                })
                .ok());
  }

  std::vector<AuditFinding> Verify() {
    auto findings = storage::VerifyAudit(path_);
    INFO(findings.status().ToString());
    REQUIRE(findings.ok());
    return *findings;
  }

  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
};

TEST_CASE("an honest store verifies with no findings", "[storage]") {
  AuditFixture f;
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(findings.empty());
}

TEST_CASE("an edited event note is named by case and event", "[storage]") {
  AuditFixture f;
  f.Tamper("UPDATE case_events SET note = 'nothing happened' WHERE case_id = 1 AND seq = 4");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 1, 4, "case 1 (NA-2026-00001): event 4: hash does not match its content"));
  CHECK(Has(findings, 0, 0, "append-only triggers"));
  for (const AuditFinding& x : findings) CHECK((x.case_id == 1 || x.case_id == 0));
}

TEST_CASE("an edited title in the case row differs from the replay of its events",
          "[storage]") {
  AuditFixture f;
  f.Tamper("UPDATE cases SET title = 'nothing to see' WHERE id = 2");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 2, 0, "case row field title differs from the replay of its events"));
}

TEST_CASE("a deleted middle event is reported missing and breaks the chain after it",
          "[storage]") {
  AuditFixture f;
  f.Tamper("DELETE FROM case_events WHERE case_id = 1 AND seq = 2");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 1, 2, "event 2: missing"));
  CHECK(Has(findings, 1, 3, "prev_hash does not match"));
}

TEST_CASE("a deleted last event is reported missing against the case row", "[storage]") {
  AuditFixture f;
  f.Tamper("DELETE FROM case_events WHERE case_id = 1 AND seq = 4");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 1, 4, "event 4: missing"));
  CHECK(Has(findings, 1, 0, "last_hash"));
}

TEST_CASE("two events with swapped seqs fail their hashes", "[storage]") {
  AuditFixture f;
  f.Tamper(
      "UPDATE case_events SET seq = -seq WHERE case_id = 1 AND seq IN (2, 3);"
      "UPDATE case_events SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END "
      "WHERE case_id = 1 AND seq < 0;");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 1, 2, "hash does not match its content"));
  CHECK(Has(findings, 1, 3, "hash does not match its content"));
}

TEST_CASE("a forged event with a correct chain hash is still caught by the case row",
          "[storage]") {
  AuditFixture f;
  // The attacker knows the algorithm and chains the forgery onto case 2's last event.
  std::string head;
  {
    auto db = storage::Db::Open(f.path(), SQLITE_OPEN_READONLY);
    REQUIRE(db.ok());
    auto stmt = db->Prepare("SELECT hash FROM case_events WHERE case_id = 2 AND seq = 2");
    REQUIRE(stmt.ok());
    REQUIRE(*stmt->Step());
    head = stmt->Text(0);
  }
  CaseEvent forged;
  forged.case_id = 2;
  forged.seq = 3;
  forged.time = Hours(5);
  forged.actor_id = "3";
  forged.actor_role = Role::kFederationStaff;
  forged.action = EventAction::kCommented;
  forged.from_state = CaseState::kAssigned;
  forged.to_state = CaseState::kAssigned;
  forged.assigned_unit_id = "v1";
  forged.note = "family visited, all fine";
  std::string hash = storage::ChainHash(head, forged);
  f.Tamper(
      "INSERT INTO case_events (case_id, seq, time_ms, actor_id, actor_role, actor_unit_id, "
      "action, from_state, to_state, assigned_unit_id, note, due_ms, changes, prev_hash, hash) "
      "VALUES (2, 3, " + std::to_string(engine::ToUnixMillis(forged.time)) +
      ", '3', 'FEDERATION_STAFF', '', 'COMMENTED', 'ASSIGNED', 'ASSIGNED', 'v1', "
      "'family visited, all fine', NULL, '', '" + head + "', '" + hash + "')");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 2, 3, "event 3: lies beyond the case row's version 2"));
  CHECK(Has(findings, 2, 0, "last_hash"));
}

TEST_CASE("a forged event with a made-up hash fails its hash", "[storage]") {
  AuditFixture f;
  f.Tamper(
      "INSERT INTO case_events (case_id, seq, time_ms, actor_id, actor_role, actor_unit_id, "
      "action, from_state, to_state, assigned_unit_id, note, due_ms, changes, prev_hash, hash) "
      "VALUES (3, 2, 0, '9', 'GRID_LEADER', 'v1', 'COMMENTED', 'REPORTED', 'REPORTED', 'v1', "
      "'forged', NULL, '', 'x', 'y')");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 3, 2, "hash does not match its content"));
  CHECK(Has(findings, 3, 2, "prev_hash does not match"));
}

TEST_CASE("events whose case row was deleted are reported", "[storage]") {
  AuditFixture f;
  f.Tamper("DELETE FROM deadlines WHERE case_id = 3;"
           "DELETE FROM cases WHERE id = 3");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 3, 1, "case row does not"));
}

bool HasText(const std::vector<AuditFinding>& findings, const std::string& words) {
  for (const AuditFinding& f : findings) {
    if (f.problem.find(words) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("a whole deleted case, row and events and deadlines, is caught by the global chain",
          "[storage]") {
  AuditFixture f;
  REQUIRE(f.Verify().empty());
  f.Tamper("DELETE FROM case_events WHERE case_id = 2;"
           "DELETE FROM deadlines WHERE case_id = 2;"
           "DELETE FROM cases WHERE id = 2;");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(Has(findings, 2, 1, "no longer in case_events (deleted?)"));
  CHECK(Has(findings, 2, 2, "no longer in case_events (deleted?)"));
}

TEST_CASE("a case's newest events deleted and its row rolled back are caught by the global chain",
          "[storage]") {
  AuditFixture f;
  std::string hash2;
  {
    auto db = storage::Db::Open(f.path(), SQLITE_OPEN_READONLY);
    REQUIRE(db.ok());
    auto stmt = db->Prepare("SELECT hash FROM case_events WHERE case_id = 1 AND seq = 2");
    REQUIRE(stmt.ok());
    REQUIRE(*stmt->Step());
    hash2 = stmt->Text(0);
  }
  // Back to what case 1 was after event 2 (verified, assigned): the row agrees with its
  // remaining events, so the per-case checks find nothing.
  CaseStory one = CaseStory::Reported(1);
  one.Verify(Hours(1));
  const int64_t warn = engine::ToUnixMillis(*one.now.pending_response_warn);
  const int64_t due = engine::ToUnixMillis(*one.now.pending_response_due);
  f.Tamper("DELETE FROM case_events WHERE case_id = 1 AND seq > 2;"
           "UPDATE cases SET version = 2, state = 'ASSIGNED', last_hash = '" + hash2 + "', "
           "update_ms = " + std::to_string(engine::ToUnixMillis(one.now.update_time)) + ", "
           "respond_ms = NULL, resolve_due_ms = NULL, pending_resolve_due_ms = NULL, "
           "pending_response_warn_ms = " + std::to_string(warn) + ", "
           "pending_response_due_ms = " + std::to_string(due) + " WHERE id = 1;"
           "DELETE FROM deadlines WHERE case_id = 1;"
           "INSERT INTO deadlines VALUES (1, 'RESPONSE_WARNING', " + std::to_string(warn) + "),"
           " (1, 'RESPONSE_DUE', " + std::to_string(due) + ");");
  auto findings = f.Verify();
  INFO(Describe(findings));
  for (const AuditFinding& x : findings) CHECK(x.problem.find("case row") == std::string::npos);
  CHECK(Has(findings, 1, 3, "no longer in case_events (deleted?)"));
  CHECK(Has(findings, 1, 4, "no longer in case_events (deleted?)"));
}

TEST_CASE("a deleted access-log row is caught by the global chain", "[storage]") {
  AuditFixture f;
  f.LogReads();
  REQUIRE(f.Verify().empty());
  f.Tamper("DELETE FROM access_log WHERE id = 2");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(HasText(findings, "access-log row 2 (a read of case 1) was written but is no longer"));
}

TEST_CASE("an edited access-log row is caught by the global chain", "[storage]") {
  AuditFixture f;
  f.LogReads();
  f.Tamper("UPDATE access_log SET user_id = '9' WHERE id = 3");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(HasText(findings, "chain_hash does not match the access-log row 3"));
}

TEST_CASE("the newest access-log rows deleted are caught by the global chain", "[storage]") {
  AuditFixture f;
  f.LogReads();
  f.Tamper("DELETE FROM access_log WHERE id >= 2");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(HasText(findings, "access-log row 2 (a read of case 1) was written but is no longer"));
  CHECK(HasText(findings, "access-log row 3 (a read of case 2) was written but is no longer"));
}

TEST_CASE("an access-log row added behind the writer's back is caught", "[storage]") {
  AuditFixture f;
  f.LogReads();
  f.Tamper("INSERT INTO access_log (user_id, case_id, time_ms, what) VALUES ('5', 3, 0, 'case')");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(HasText(findings, "1 access-log row(s) are not in the audit chain, the first from id 4"));
}

TEST_CASE("dropped append-only triggers of the access log and the chain are reported",
          "[storage]") {
  AuditFixture f;
  RawSql(f.path(), "DROP TRIGGER access_log_no_delete; DROP TRIGGER audit_chain_no_update;");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(HasText(findings, "append-only triggers on access_log are missing"));
  CHECK(HasText(findings, "append-only triggers on audit_chain are missing"));
}

TEST_CASE("a serial handed out without its case is reported", "[storage]") {
  AuditFixture f;
  // The fixture's numbers are NA-2026-00001..3 (hand-made); a serial table that handed out
  // four in 2026 has one without a case.
  RawSql(f.path(), "INSERT INTO case_serials (year, last) VALUES (2026, 4)");
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(HasText(findings, "case serial 4 of 2026 was handed out but no case has it"));
  CHECK_FALSE(HasText(findings, "case serial 1 of 2026"));
}

TEST_CASE("the migration chains an existing store so it verifies", "[storage]") {
  AuditFixture f;
  f.LogReads();
  // Back to version 4: no chain, no access-log triggers.
  RawSql(f.path(), "DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;"
                   "DROP TABLE audit_chain; DROP TABLE session_revocations;"
                   "DROP INDEX sessions_user; DROP TABLE subject_ids;"
                   "ALTER TABLE cases DROP COLUMN personal; DROP INDEX access_log_user;"
                   "PRAGMA user_version = 4;");
  REQUIRE(f.Verify().empty());  // checked without the chain
  { auto store = OpenStore(f.path()); }
  CHECK(RawInt(f.path(), "SELECT count(*) FROM audit_chain") == 7 + 3);
  auto findings = f.Verify();
  INFO(Describe(findings));
  CHECK(findings.empty());
}

TEST_CASE("a file from a newer gridcare is not verified", "[storage]") {
  AuditFixture f;
  RawSql(f.path(), "PRAGMA user_version = 999");
  auto findings = storage::VerifyAudit(f.path());
  CHECK(findings.status().code() == engine::ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace gridcare::testing
