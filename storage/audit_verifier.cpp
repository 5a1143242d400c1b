// VerifyAudit: re-derives every case's hash chain and row from its events, and the global
// audit chain from the events and access-log rows, with raw SQL. Not the store: it must not
// rely on anything the store maintains (triggers, FK checks).
#include "storage/audit_verifier.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include "engine/case_fields.h"
#include "engine/enums.h"
#include "storage/audit_chain.h"
#include "storage/case_row.h"
#include "storage/event_chain.h"
#include "storage/migrations.h"
#include "storage/personal_seal.h"
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
  constexpr int kMaxNamedEvents = 10;
  const std::string version = std::to_string(row.version);
  for (int seq = last.seq + 1; seq <= row.version && seq <= last.seq + kMaxNamedEvents; ++seq) {
    findings.Add(row.id, row.number, seq,
                 "missing (deleted?); the case row is at version " + version);
  }
  for (const CaseEvent& e : events) {
    if (e.seq > row.version && e.seq <= row.version + kMaxNamedEvents) {
      findings.Add(row.id, row.number, e.seq,
                   "lies beyond the case row's version " + version + " (forged or appended?)");
    }
  }
}

// Sealed fields are compared by commitment, without the data keys: the row's envelope and
// the events' "<field>.sealed" changes both become this placeholder.
std::string Placeholder(size_t field, const std::string& commitment) {
  if (commitment.empty()) return "";
  std::string mark = "sealed:" + commitment;
  if (kSealedFields[field] == "subjects") {
    engine::Subject s;
    s.name = std::move(mark);
    return EncodeSubjects({s});
  }
  return mark;
}

class CommitmentReader final : public PersonalReader {
 public:
  Result<std::array<std::string, 3>> Read(CaseId, std::string_view envelope) const override {
    GC_ASSIGN_OR_RETURN(EnvelopeHeader header, ReadEnvelopeHeader(envelope));
    std::array<std::string, 3> values;
    for (size_t i = 0; i < kSealedFieldCount; ++i) {
      values[i] = Placeholder(i, header.commitments[i]);
    }
    return values;
  }
};

// Each "<field>.sealed" change as the field itself, holding its placeholder.
std::vector<CaseEvent> WithPlaceholders(std::vector<CaseEvent> events) {
  for (CaseEvent& e : events) {
    engine::FieldMap changes;
    for (const auto& [key, value] : e.changes) {
      size_t i = 0;
      while (i < kSealedFieldCount && key != SealedChangeKey(kSealedFields[i])) ++i;
      if (i < kSealedFieldCount) {
        changes.insert_or_assign(std::string(kSealedFields[i]), Placeholder(i, value));
      } else {
        changes.insert_or_assign(key, value);
      }
    }
    e.changes = std::move(changes);
  }
  return events;
}

void CheckReplay(const Case& row, const std::vector<CaseEvent>& stored_events,
                 Findings& findings) {
  const std::vector<CaseEvent> events = WithPlaceholders(stored_events);
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

// The schema version that added audit_chain and the access log's triggers (migrations.cpp).
constexpr std::int64_t kGlobalChainVersion = 5;

Status CheckTriggers(Db& db, std::int64_t schema_version, Findings& findings) {
  struct Pair {
    const char* table;
    std::int64_t since;
  };
  for (const Pair& p : {Pair{"case_events", 1}, Pair{"audit_chain", kGlobalChainVersion},
                        Pair{"access_log", kGlobalChainVersion}}) {
    if (schema_version < p.since) continue;
    const std::string table = p.table;
    GC_ASSIGN_OR_RETURN(std::int64_t count,
                        db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                                    "name IN ('" + table + "_no_update', '" + table + "_no_delete')"));
    if (count != 2) {
      findings.Add(0, "", 0, "the append-only triggers on " + table + " are missing (dropped?)");
    }
  }
  return Status::Ok();
}

// Names at most this many items of a kind (deleted entries, serials) before a total.
constexpr int kMaxNamed = 10;

// The global chain (audit_chain.h): entries 1..n without gaps, each chain_hash right for its
// entry and the stored hash before it, each naming an event or access-log row that exists,
// a case's events in seq order, access rows in id order; and every event and access-log row
// on it. Edits, deletions and insertions anywhere but at the very end show here; a
// consistent rewrite of the chain, or a cut at its end, only against anchors
// (audit_anchor.h).
Status CheckGlobalChain(Db& db, const std::map<CaseId, std::string>& numbers,
                        Findings& findings) {
  auto number_of = [&numbers](CaseId id) {
    auto it = numbers.find(id);
    return it == numbers.end() ? std::string() : it->second;
  };
  GC_ASSIGN_OR_RETURN(Stmt walk, db.Prepare(
      "SELECT a.seq, a.kind, a.case_id, a.ref, a.chain_hash, e.hash, l.id, l.user_id, "
      "l.case_id, l.time_ms, l.what FROM audit_chain a "
      "LEFT JOIN case_events e ON a.kind = 'EVENT' AND e.case_id = a.case_id AND e.seq = a.ref "
      "LEFT JOIN access_log l ON a.kind = 'ACCESS' AND l.id = a.ref ORDER BY a.seq"));
  std::int64_t expected = 1;
  std::string prev;
  std::unordered_map<CaseId, std::int64_t> next_event;  // per case: the seq chained next
  std::int64_t chained_access = 0;
  std::int64_t last_access = 0;
  int named_missing = 0;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, walk.Step());
    if (!row) break;
    const std::int64_t seq = walk.Int(0);
    const std::string kind = walk.Text(1);
    const CaseId case_id = walk.Int(2);
    const std::int64_t ref = walk.Int(3);
    const std::string where = "audit chain entry " + std::to_string(seq) + ": ";
    if (seq != expected) {
      findings.Add(0, "", 0, "audit chain entries " + std::to_string(expected) + " to " +
                                 std::to_string(seq - 1) + " are missing (deleted?)");
    }
    expected = seq + 1;
    std::optional<std::string> entry;
    if (kind == kChainEvent) {
      std::int64_t& next = next_event.try_emplace(case_id, 1).first->second;
      if (ref != next) {
        findings.Add(case_id, number_of(case_id), static_cast<int>(ref),
                     where + "out of order: event " + std::to_string(next) +
                         " of this case was expected next (chain reordered or rewritten?)");
      }
      next = std::max(next, ref + 1);
      if (walk.IsNull(5)) {
        if (++named_missing <= kMaxNamed * 10) {
          findings.Add(case_id, number_of(case_id), static_cast<int>(ref),
                       where + "this event was written but is no longer in case_events (deleted?)");
        }
      } else {
        entry = ChainEventEntry(case_id, static_cast<int>(ref), walk.Text(5));
      }
    } else if (kind == kChainAccess) {
      ++chained_access;
      if (ref <= last_access) {
        findings.Add(0, "", 0, where + "access-log row " + std::to_string(ref) +
                                   " is out of order (chain reordered or rewritten?)");
      }
      last_access = std::max(last_access, ref);
      if (walk.IsNull(6)) {
        if (++named_missing <= kMaxNamed * 10) {
          findings.Add(0, "", 0, where + "access-log row " + std::to_string(ref) +
                                     " (a read of case " + std::to_string(case_id) +
                                     ") was written but is no longer in access_log (deleted?)");
        }
      } else if (walk.Int(8) != case_id) {
        findings.Add(0, "", 0, where + "access-log row " + std::to_string(ref) +
                                   " names another case than the chain records (edited?)");
      } else {
        entry = ChainAccessEntry(ref, walk.Text(7), case_id, walk.Int(9), walk.Text(10));
      }
    } else {
      findings.Add(0, "", 0, where + "unknown kind \"" + kind + "\" (forged?)");
    }
    if (entry && NextChainHash(prev, *entry) != walk.Text(4)) {
      findings.Add(0, "", 0, where + "chain_hash does not match the " +
                                 (kind == kChainEvent ? "event of case " + std::to_string(case_id) +
                                                            " event " + std::to_string(ref)
                                                      : "access-log row " + std::to_string(ref)) +
                                 " and the entry before it (edited?)");
    }
    prev = walk.Text(4);
  }
  if (named_missing > kMaxNamed * 10) {
    findings.Add(0, "", 0, std::to_string(named_missing) +
                               " chained events and access-log rows are missing in all (deleted?)");
  }

  // Everything written must be on the chain: a row that is not was added behind its back.
  GC_ASSIGN_OR_RETURN(Stmt per_case, db.Prepare(
      "SELECT case_id, count(*), max(seq) FROM case_events GROUP BY case_id ORDER BY case_id"));
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, per_case.Step());
    if (!row) break;
    const CaseId id = per_case.Int(0);
    auto it = next_event.find(id);
    const std::int64_t chained = it == next_event.end() ? 0 : it->second - 1;
    if (per_case.Int(2) > chained) {
      findings.Add(id, number_of(id), static_cast<int>(chained + 1),
                   "events " + std::to_string(chained + 1) + " to " +
                       std::to_string(per_case.Int(2)) +
                       " are not in the audit chain (written outside gridcare?)");
    }
  }
  GC_ASSIGN_OR_RETURN(std::int64_t access_rows, db.QueryInt("SELECT count(*) FROM access_log"));
  if (access_rows > chained_access) {
    GC_ASSIGN_OR_RETURN(std::int64_t first,
                        db.QueryInt("SELECT coalesce(min(id), 0) FROM access_log WHERE id > " +
                                    std::to_string(last_access)));
    findings.Add(0, "", 0, std::to_string(access_rows - chained_access) +
                               " access-log row(s) are not in the audit chain" +
                               (first > 0 ? ", the first from id " + std::to_string(first) : "") +
                               " (written outside gridcare?)");
  }
  return Status::Ok();
}

// Case numbers are PREFIX-YEAR-SERIAL with serials handed out 1, 2, 3, ... per year
// (case_serials): a serial without its case is a deleted case. Numbers that do not parse
// (tests' hand-made ones) are left alone.
Status CheckSerials(Db& db, const std::map<CaseId, std::string>& numbers, Findings& findings) {
  std::map<std::int64_t, std::vector<bool>> seen;  // year -> serial -> has a case
  {
    GC_ASSIGN_OR_RETURN(Stmt years, db.Prepare("SELECT year, last FROM case_serials ORDER BY year"));
    while (true) {
      GC_ASSIGN_OR_RETURN(bool row, years.Step());
      if (!row) break;
      if (years.Int(1) < 0 || years.Int(1) > 100000000) {
        findings.Add(0, "", 0, "case_serials of " + std::to_string(years.Int(0)) +
                                   " holds an impossible last serial (edited?)");
        continue;
      }
      seen[years.Int(0)].assign(static_cast<size_t>(years.Int(1)) + 1, false);
    }
  }
  for (const auto& [id, number] : numbers) {
    const size_t dash = number.rfind('-');
    if (dash == std::string::npos || dash < 5 || number[dash - 5] != '-') continue;
    const std::string year_text = number.substr(dash - 4, 4);
    const std::string serial_text = number.substr(dash + 1);
    if (serial_text.empty() || serial_text.find_first_not_of("0123456789") != std::string::npos ||
        year_text.find_first_not_of("0123456789") != std::string::npos || serial_text.size() > 9) {
      continue;
    }
    auto it = seen.find(std::stoll(year_text));
    if (it == seen.end()) continue;
    const size_t serial = static_cast<size_t>(std::stoll(serial_text));
    if (serial < it->second.size()) it->second[serial] = true;
  }
  for (const auto& [year, serials] : seen) {
    int missing = 0;
    for (size_t serial = 1; serial < serials.size(); ++serial) {
      if (serials[serial]) continue;
      if (++missing <= kMaxNamed) {
        findings.Add(0, "", 0, "case serial " + std::to_string(serial) + " of " +
                                   std::to_string(year) +
                                   " was handed out but no case has it (case deleted?)");
      }
    }
    if (missing > kMaxNamed) {
      findings.Add(0, "", 0, std::to_string(missing) + " case serials of " + std::to_string(year) +
                                 " have no case in all (cases deleted?)");
    }
  }
  return Status::Ok();
}

Status VerifyAll(Db& db, Findings& findings) {
  GC_ASSIGN_OR_RETURN(const std::int64_t version, db.QueryInt("PRAGMA user_version"));
  GC_RETURN_IF_ERROR(CheckTriggers(db, version, findings));

  std::vector<std::pair<CaseId, std::string>> cases;
  {
    GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT id, number FROM cases ORDER BY id"));
    while (true) {
      GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      cases.emplace_back(stmt.Int(0), stmt.Text(1));
    }
  }
  const std::string columns = CaseColumnsAt(version);
  for (const auto& [id, number] : cases) {
    Result<std::optional<Case>> row = LoadCase(db, id, CommitmentReader(), columns);
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
  const std::map<CaseId, std::string> numbers(cases.begin(), cases.end());
  GC_RETURN_IF_ERROR(CheckSerials(db, numbers, findings));
  // A file not yet opened by a gridcare that has the chain is checked without it; opening it
  // with `gridcare serve` adds the chain for what it holds.
  if (version >= kGlobalChainVersion) GC_RETURN_IF_ERROR(CheckGlobalChain(db, numbers, findings));
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
