// VerifyAudit: re-derives every case's hash chain and row from its events with raw SQL.
// Not the store: it must not rely on anything the store maintains (triggers, FK checks).
#include "storage/audit_verifier.h"

#include <map>
#include <optional>

#include "engine/case_fields.h"
#include "engine/enums.h"
#include "storage/case_row.h"
#include "storage/event_chain.h"
#include "storage/migrations.h"
#include "storage/sqlite.h"

namespace gridcare::storage {

using engine::Case;
using engine::CaseEvent;
using engine::CaseId;
using engine::Result;
using engine::Status;

namespace {

class Findings {
 public:
  void Add(CaseId id, const std::string& number, int seq, const std::string& what) {
    std::string who = id == 0 ? "database" : "case " + std::to_string(id);
    if (!number.empty()) who += " (" + number + ")";
    std::string where = seq > 0 ? "event " + std::to_string(seq) + ": " : "";
    out_.push_back({id, number, seq, who + ": " + where + what});
  }
  std::vector<AuditFinding> Take() { return std::move(out_); }

 private:
  std::vector<AuditFinding> out_;
};

struct EventRows {
  std::vector<CaseEvent> events;
  bool all_readable = true;
};

// Reads the events one row at a time so one unreadable row is a finding, not an abort.
Result<EventRows> ReadEvents(Db& db, CaseId id, const std::string& number, Findings& findings) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT " + EventColumns() +
                                            " FROM case_events WHERE case_id = ?1 ORDER BY seq"));
  stmt.BindInt(1, id);
  EventRows rows;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    Result<CaseEvent> e = ReadEventColumns(stmt);
    if (!e.ok()) {
      findings.Add(id, number, static_cast<int>(stmt.Int(1)),
                   "unreadable (" + e.status().message() + ")");
      rows.all_readable = false;
      continue;
    }
    rows.events.push_back(std::move(*e));
  }
  return rows;
}

void CheckChain(const Case& row, const std::vector<CaseEvent>& events, Findings& findings) {
  int expected_seq = 1;
  std::string prev_hash;
  for (const CaseEvent& e : events) {
    for (int missing = expected_seq; missing < e.seq; ++missing) {
      findings.Add(row.id, row.number, missing, "missing (deleted?)");
    }
    expected_seq = e.seq + 1;
    if (e.prev_hash != prev_hash) {
      findings.Add(row.id, row.number, e.seq,
                   "prev_hash does not match the hash of the event before it "
                   "(an event was removed, inserted or reordered?)");
    }
    if (ChainHash(e.prev_hash, e) != e.hash) {
      findings.Add(row.id, row.number, e.seq, "hash does not match its content (edited?)");
    }
    prev_hash = e.hash;
  }
  if (events.empty()) {
    findings.Add(row.id, row.number, 0, "the case has no events (all deleted?)");
    return;
  }
  const CaseEvent& last = events.back();
  if (row.last_event_hash != last.hash) {
    findings.Add(row.id, row.number, 0,
                 "case row last_hash is not the hash of its last event " +
                     std::to_string(last.seq) + " (events appended or removed at the end?)");
  }
  // Name the events in question; a tampered version may be huge, so only the first few.
  constexpr int kMaxNamed = 10;
  const std::string version = std::to_string(row.version);
  for (int seq = last.seq + 1; seq <= row.version && seq <= last.seq + kMaxNamed; ++seq) {
    findings.Add(row.id, row.number, seq,
                 "missing (deleted?); the case row is at version " + version);
  }
  for (const CaseEvent& e : events) {
    if (e.seq > row.version && e.seq <= row.version + kMaxNamed) {
      findings.Add(row.id, row.number, e.seq,
                   "lies beyond the case row's version " + version + " (forged or appended?)");
    }
  }
}

void CheckReplay(const Case& row, const std::vector<CaseEvent>& events, Findings& findings) {
  Result<Case> replayed = engine::ReplayEvents(row.id, events);
  if (!replayed.ok()) {
    findings.Add(row.id, row.number, 0,
                 "its events do not replay: " + replayed.status().message());
    return;
  }
  std::string field = engine::FirstDifference(row, *replayed);
  if (!field.empty()) {
    findings.Add(row.id, row.number, 0,
                 "case row field " + field + " differs from the replay of its events");
  }
}

// The deadline index must mirror pending_*: a missing row is a deadline that never fires.
Status CheckDeadlines(Db& db, const Case& row, Findings& findings) {
  std::map<std::string, std::int64_t> expected;
  const std::pair<engine::DeadlineKind, const std::optional<engine::TimePoint>*> kPending[] = {
      {engine::DeadlineKind::kResponseWarning, &row.pending_response_warn},
      {engine::DeadlineKind::kResponseDue, &row.pending_response_due},
      {engine::DeadlineKind::kResolveDue, &row.pending_resolve_due},
      {engine::DeadlineKind::kFollowUpDue, &row.pending_follow_up_due},
  };
  for (const auto& [kind, due] : kPending) {
    if (due->has_value()) expected[std::string(engine::Name(kind))] = engine::ToUnixMillis(**due);
  }
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT kind, due_ms FROM deadlines WHERE case_id = ?1"));
  stmt.BindInt(1, row.id);
  std::map<std::string, std::int64_t> found;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    found[stmt.Text(0)] = stmt.Int(1);
  }
  if (found != expected) {
    findings.Add(row.id, row.number, 0, "deadline index does not match the case row's pending deadlines");
  }
  return Status::Ok();
}

Status CheckTriggers(Db& db, Findings& findings) {
  GC_ASSIGN_OR_RETURN(std::int64_t count,
                      db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                                  "name IN ('case_events_no_update', 'case_events_no_delete')"));
  if (count != 2) {
    findings.Add(0, "", 0, "the append-only triggers on case_events are missing (dropped?)");
  }
  return Status::Ok();
}

Status VerifyAll(Db& db, Findings& findings) {
  GC_RETURN_IF_ERROR(CheckTriggers(db, findings));

  std::vector<std::pair<CaseId, std::string>> cases;
  {
    GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT id, number FROM cases ORDER BY id"));
    while (true) {
      GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      cases.emplace_back(stmt.Int(0), stmt.Text(1));
    }
  }
  for (const auto& [id, number] : cases) {
    Result<std::optional<Case>> row = LoadCase(db, id);
    if (!row.ok()) {
      if (row.status().code() != engine::ErrorCode::kDataLoss) return row.status();
      findings.Add(id, number, 0, "case row unreadable (" + row.status().message() + ")");
      continue;
    }
    GC_ASSIGN_OR_RETURN(EventRows rows, ReadEvents(db, id, number, findings));
    CheckChain(**row, rows.events, findings);
    GC_RETURN_IF_ERROR(CheckDeadlines(db, **row, findings));
    // Replay needs every event; a gap or an unreadable row is already reported above.
    if (rows.all_readable && !rows.events.empty()) CheckReplay(**row, rows.events, findings);
  }

  GC_ASSIGN_OR_RETURN(Stmt orphans, db.Prepare(
      "SELECT case_id, min(seq), count(*) FROM case_events "
      "WHERE case_id NOT IN (SELECT id FROM cases) GROUP BY case_id ORDER BY case_id"));
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, orphans.Step());
    if (!row) break;
    findings.Add(orphans.Int(0), "", static_cast<int>(orphans.Int(1)),
                 std::to_string(orphans.Int(2)) + " event(s) exist but the case row does not "
                 "(case row deleted?)");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<AuditFinding>> VerifyAudit(const std::string& db_path) {
  GC_ASSIGN_OR_RETURN(Db db, Db::Open(db_path, SQLITE_OPEN_READONLY));
  GC_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 5000"));
  GC_RETURN_IF_ERROR(CheckSchemaVersion(db));
  // One read transaction: a live server may keep writing; we check one consistent snapshot.
  GC_RETURN_IF_ERROR(db.Exec("BEGIN"));
  Findings findings;
  Status s = VerifyAll(db, findings);
  (void)db.Exec("COMMIT");
  GC_RETURN_IF_ERROR(s);
  return findings.Take();
}

}  // namespace gridcare::storage
