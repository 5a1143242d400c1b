// Write operations of the SQLite store: case rows with their hash-chained events and
// deadline index, org units, users, sessions, access log; events and access rows also go
// onto the global audit chain (audit_chain.h). Not transaction control.
#include "storage/store_writes.h"

#include "engine/enums.h"
#include "storage/audit_chain.h"
#include "storage/case_row.h"
#include "storage/event_chain.h"
#include "storage/personal_writes.h"
#include "storage/store_reads.h"

namespace gridcare::storage::writes {

using engine::Case;
using engine::CaseEvent;
using engine::Result;
using engine::Status;

namespace {

std::string CaseName(const Case& c) {
  return "case " + std::to_string(c.id) + (c.number.empty() ? "" : " (" + c.number + ")");
}

// The caller's contract, checked before anything is written: a violation is a bug upstream.
Status CheckEvents(const Case& after, const std::vector<CaseEvent>& events) {
  if (after.id <= 0) return engine::Internal("SaveCase: case id must be positive");
  if (events.empty()) return engine::Internal("SaveCase: " + CaseName(after) + " without events");
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].case_id != after.id) {
      return engine::Internal("SaveCase: an event of " + CaseName(after) + " names case " +
                              std::to_string(events[i].case_id));
    }
    if (events[i].seq != events[0].seq + static_cast<int>(i) || events[i].seq < 1) {
      return engine::Internal("SaveCase: event seqs of " + CaseName(after) +
                              " are not consecutive from 1 or more");
    }
  }
  if (after.version != events.back().seq) {
    return engine::Internal("SaveCase: " + CaseName(after) + " version " +
                            std::to_string(after.version) + " is not the last event's seq " +
                            std::to_string(events.back().seq));
  }
  return Status::Ok();
}

// "INSERT INTO <table> (<columns>) VALUES (?1, ..., ?<count>)".
std::string InsertSql(const std::string& table, const std::string& columns, int count) {
  std::string values;
  for (int i = 1; i <= count; ++i) values += (i > 1 ? ", ?" : "?") + std::to_string(i);
  return "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
}

const std::string& InsertCaseSql() {
  static const std::string kSql = InsertSql("cases", CaseColumns(), kCaseColumnCount);
  return kSql;
}

const std::string& InsertEventSql() {
  static const std::string kSql = InsertSql("case_events", EventColumns(), kEventColumnCount);
  return kSql;
}

// "UPDATE cases SET <changed columns> WHERE id = ?1 AND version = ?N" with the new values
// bound. Only what changed is written: SQLite rewrites every index on a column named in SET,
// and an unchanged index entry of an old case sits on a page that would otherwise be neither
// read nor written (firing a deadline touches a few hundred thousand such pages).
Result<Stmt> PrepareCaseUpdate(Db& db, const std::vector<SqlValue>& stored,
                               const std::vector<SqlValue>& row, std::int64_t expected_version) {
  const std::vector<std::string>& names = CaseColumnNames();
  std::string sql = "UPDATE cases SET ";
  std::vector<int> changed;
  for (int i = 1; i < kCaseColumnCount; ++i) {  // not id
    const auto k = static_cast<size_t>(i);
    if (stored[k] == row[k]) continue;
    changed.push_back(i);
    if (changed.size() > 1) sql += ", ";
    sql += names[k] + " = ?" + std::to_string(changed.size() + 1);
  }
  const int version_param = static_cast<int>(changed.size()) + 2;
  sql += " WHERE id = ?1 AND version = ?" + std::to_string(version_param);
  GC_ASSIGN_OR_RETURN(Stmt update, db.Prepare(sql));
  update.BindValue(1, row[0]);
  for (size_t p = 0; p < changed.size(); ++p) {
    update.BindValue(static_cast<int>(p) + 2, row[static_cast<size_t>(changed[p])]);
  }
  update.BindInt(version_param, expected_version);
  return update;
}

// Everything SaveCase writes; the store undoes the Write command whole on error.
Status SaveCaseBody(Db& db, const DataKeys* keys, const Case& after,
                    const std::vector<CaseEvent>& events) {
  const bool is_new = events.front().seq == 1;
  const int expected_version = after.version - static_cast<int>(events.size());
  std::string prev_hash;
  std::vector<SqlValue> stored;  // the row as it is, for an update

  if (is_new) {
    // The key is unique per reporter (cases_reporter_request): a case without one would
    // collide with the reporter's next.
    if (after.request_id.empty()) {
      return engine::Internal("SaveCase: new " + CaseName(after) + " has no requestId");
    }
  } else {
    GC_ASSIGN_OR_RETURN(Stmt head,
                        db.Prepare("SELECT " + CaseColumns() + " FROM cases WHERE id = ?1"));
    head.BindInt(1, after.id);
    GC_ASSIGN_OR_RETURN(bool found, head.Step());
    if (!found) return engine::NotFound(CaseName(after) + " does not exist");
    const std::int64_t version = head.Int(kCaseVersionColumn);
    if (version != expected_version) {
      return engine::Aborted(CaseName(after) + " was changed by someone else (version " +
                             std::to_string(version) + ", expected " +
                             std::to_string(expected_version) + ")");
    }
    prev_hash = head.Text(kCaseLastHashColumn);
    stored.reserve(kCaseColumnCount);
    for (int i = 0; i < kCaseColumnCount; ++i) stored.push_back(head.Value(i));
  }

  // Personal fields go into the row sealed and into the chain as commitments: the events
  // are chained as stored.
  const std::string stored_personal =
      is_new ? std::string() : std::get<std::string>(stored[kCasePersonalColumn]);
  GC_ASSIGN_OR_RETURN(SealedWrite sealed,
                      SealCaseWrite(db, keys, after.id, is_new, stored_personal, events));

  // Chain the events: each hash covers its content and the hash before it. links[i] is the
  // hash before events[i]; links.back() the case's new last hash.
  std::vector<std::string> links{prev_hash};
  links.reserve(events.size() + 1);
  for (const CaseEvent& e : sealed.events) links.push_back(ChainHash(links.back(), e));
  prev_hash = links.back();

  if (is_new) {
    GC_ASSIGN_OR_RETURN(Stmt insert, db.Prepare(InsertCaseSql()));
    BindCaseColumns(insert, after, prev_hash, sealed.personal);
    if (Status inserted = insert.Run(); !inserted.ok()) {
      // The unique index on (reporter_id, request_id) is the duplicate check: a lookup
      // before the insert would cost every create a B-tree search the index repeats.
      if (inserted.code() != engine::ErrorCode::kAborted) return inserted;
      GC_ASSIGN_OR_RETURN(auto existing,
                          reads::FindCaseByRequestId(db, after.reporter_id, after.request_id));
      if (!existing) return inserted;
      return engine::Aborted("duplicate requestId " + after.request_id + " of reporter " +
                             after.reporter_id + " (case " + std::to_string(*existing) + ")");
    }
  } else {
    GC_ASSIGN_OR_RETURN(Stmt update,
                        PrepareCaseUpdate(db, stored,
                                          CaseRowValues(after, prev_hash, sealed.personal),
                                          expected_version));
    GC_RETURN_IF_ERROR(update.Run());
    if (db.Changes() != 1) {  // the check above runs in the same transaction; belt and braces
      return engine::Aborted(CaseName(after) + " was changed by someone else (version " +
                             std::to_string(expected_version) + " expected)");
    }
  }

  GC_ASSIGN_OR_RETURN(Stmt insert_event, db.Prepare(InsertEventSql()));
  for (size_t i = 0; i < events.size(); ++i) {
    insert_event.Reset();
    BindEventColumns(insert_event, sealed.events[i], links[i], links[i + 1]);
    GC_RETURN_IF_ERROR(insert_event.Run());
  }
  GC_RETURN_IF_ERROR(
      ChainEvents(db, sealed.events, std::vector<std::string>(links.begin() + 1, links.end())));

  // The deadline index mirrors the pending_* columns exactly; only the ones that changed are
  // touched (each is an entry in the due-time index too).
  struct Pending {
    engine::DeadlineKind kind;
    const std::optional<engine::TimePoint>* due;
    int column;
  };
  const Pending kPending[] = {
      {engine::DeadlineKind::kResponseWarning, &after.pending_response_warn,
       kCasePendingResponseWarnColumn},
      {engine::DeadlineKind::kResponseDue, &after.pending_response_due,
       kCasePendingResponseDueColumn},
      {engine::DeadlineKind::kResolveDue, &after.pending_resolve_due, kCasePendingResolveDueColumn},
      {engine::DeadlineKind::kFollowUpDue, &after.pending_follow_up_due,
       kCasePendingFollowUpDueColumn},
  };
  for (const Pending& p : kPending) {
    const SqlValue now = p.due->has_value() ? SqlValue(engine::ToUnixMillis(**p.due))
                                            : SqlValue(std::monostate{});
    const SqlValue was =
        is_new ? SqlValue(std::monostate{}) : stored[static_cast<size_t>(p.column)];
    if (now == was) continue;
    if (!std::holds_alternative<std::monostate>(was)) {
      GC_ASSIGN_OR_RETURN(Stmt clear,
                          db.Prepare("DELETE FROM deadlines WHERE case_id = ?1 AND kind = ?2"));
      clear.BindInt(1, after.id).BindText(2, engine::Name(p.kind));
      GC_RETURN_IF_ERROR(clear.Run());
    }
    if (std::holds_alternative<std::monostate>(now)) continue;
    GC_ASSIGN_OR_RETURN(Stmt add, db.Prepare("INSERT INTO deadlines (case_id, kind, due_ms) "
                                             "VALUES (?1, ?2, ?3)"));
    add.BindInt(1, after.id).BindText(2, engine::Name(p.kind)).BindValue(3, now);
    GC_RETURN_IF_ERROR(add.Run());
  }
  return Status::Ok();
}

}  // namespace

Result<engine::CaseId> NextCaseId(Db& db) {
  // One writer at a time holds the write transaction, so max + 1 cannot be handed out twice.
  GC_ASSIGN_OR_RETURN(std::int64_t id, db.QueryInt("SELECT coalesce(max(id), 0) + 1 FROM cases"));
  return id;
}

Result<int> NextCaseSerial(Db& db, int year) {
  // Plain one-row statements rather than an UPSERT ... RETURNING: that form makes SQLite
  // open (and free) a statement journal on every create.
  GC_ASSIGN_OR_RETURN(Stmt bump,
                      db.Prepare("UPDATE case_serials SET last = last + 1 WHERE year = ?1"));
  bump.BindInt(1, year);
  GC_RETURN_IF_ERROR(bump.Run());
  if (db.Changes() == 0) {
    GC_ASSIGN_OR_RETURN(Stmt first,
                        db.Prepare("INSERT INTO case_serials (year, last) VALUES (?1, 1)"));
    first.BindInt(1, year);
    GC_RETURN_IF_ERROR(first.Run());
    return 1;
  }
  GC_ASSIGN_OR_RETURN(Stmt read, db.Prepare("SELECT last FROM case_serials WHERE year = ?1"));
  read.BindInt(1, year);
  GC_ASSIGN_OR_RETURN(bool row, read.Step());
  if (!row) return engine::Internal("case serial: no row for " + std::to_string(year));
  return static_cast<int>(read.Int(0));
}

Status SaveCase(Db& db, const DataKeys* keys, const Case& after,
                const std::vector<CaseEvent>& events) {
  GC_RETURN_IF_ERROR(CheckEvents(after, events));
  // No savepoint of its own: a Write command that returns an error after writing is rolled
  // back whole by the store (GroupCommit::Write). A savepoint would make SQLite copy each
  // page it touches into a statement journal.
  return SaveCaseBody(db, keys, after, events);
}

Status UpsertOrgUnits(Db& db, const std::vector<engine::OrgUnit>& units) {
  GC_ASSIGN_OR_RETURN(Stmt upsert, db.Prepare(
      "INSERT INTO org_units (id, name, level, parent_id) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, "
      "parent_id = excluded.parent_id"));
  for (const engine::OrgUnit& u : units) {
    upsert.Reset();
    upsert.BindText(1, u.id)
        .BindText(2, u.name)
        .BindText(3, engine::Name(u.level))
        .BindTextOrNull(4, u.parent_id);
    GC_RETURN_IF_ERROR(upsert.Run());
  }
  // Rebuilt whole: a moved unit changes the ancestors of its entire subtree. The depth
  // bound stops a (rejected upstream, but possible in a hand-edited file) cycle.
  GC_RETURN_IF_ERROR(db.Exec("DELETE FROM org_closure"));
  return db.Exec(
      "INSERT OR IGNORE INTO org_closure (ancestor, descendant, depth) "
      "WITH RECURSIVE closure (ancestor, descendant, depth) AS ("
      "  SELECT id, id, 0 FROM org_units"
      "  UNION ALL"
      "  SELECT closure.ancestor, org_units.id, closure.depth + 1"
      "  FROM closure JOIN org_units ON org_units.parent_id = closure.descendant"
      "  WHERE closure.depth < 32)"
      "SELECT ancestor, descendant, depth FROM closure");
}

Status UpsertUsers(Db& db, const std::vector<engine::User>& users) {
  // create_ms is bookkeeping for administrators, not domain time, so SQLite's clock is used.
  GC_ASSIGN_OR_RETURN(Stmt upsert, db.Prepare(
      "INSERT INTO users (username, display_name, role, org_unit_id, password_hash, create_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) "
      "ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, "
      "role = excluded.role, org_unit_id = excluded.org_unit_id, "
      "password_hash = CASE WHEN excluded.password_hash = '' THEN users.password_hash "
      "ELSE excluded.password_hash END"));
  for (const engine::User& u : users) {
    upsert.Reset();
    upsert.BindText(1, u.username)
        .BindText(2, u.display_name)
        .BindText(3, engine::Name(u.role))
        .BindTextOrNull(4, u.org_unit_id)
        .BindText(5, u.password_hash);
    GC_RETURN_IF_ERROR(upsert.Run());
  }
  return Status::Ok();
}

Status SaveSession(Db& db, const engine::Session& session) {
  std::optional<std::int64_t> user = reads::ParseUserId(session.user_id);
  if (!user) return engine::InvalidArgument("session user id is not a user: " + session.user_id);
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(
      "INSERT INTO sessions (token_hash, user_id, create_ms, expire_ms) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, "
      "create_ms = excluded.create_ms, expire_ms = excluded.expire_ms"));
  stmt.BindText(1, session.token_hash)
      .BindInt(2, *user)
      .BindInt(3, engine::ToUnixMillis(session.create_time))
      .BindInt(4, engine::ToUnixMillis(session.expire_time));
  return stmt.Run();
}

Status DeleteSession(Db& db, const std::string& token_hash) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("DELETE FROM sessions WHERE token_hash = ?1"));
  stmt.BindText(1, token_hash);
  return stmt.Run();
}

Result<int> RevokeSessions(Db& db, const std::string& user_id, engine::TimePoint time,
                           const std::string& reason) {
  std::optional<std::int64_t> user = reads::ParseUserId(user_id);
  if (!user) return engine::InvalidArgument("not a user id: " + user_id);
  GC_ASSIGN_OR_RETURN(Stmt del, db.Prepare("DELETE FROM sessions WHERE user_id = ?1"));
  del.BindInt(1, *user);
  GC_RETURN_IF_ERROR(del.Run());
  const int ended = db.Changes();
  GC_ASSIGN_OR_RETURN(Stmt log, db.Prepare("INSERT INTO session_revocations (user_id, time_ms, "
                                           "reason) VALUES (?1, ?2, ?3)"));
  log.BindInt(1, *user).BindInt(2, engine::ToUnixMillis(time)).BindText(3, reason);
  GC_RETURN_IF_ERROR(log.Run());
  return ended;
}

Status LogAccess(Db& db, const std::vector<engine::AccessRecord>& records) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("INSERT INTO access_log (user_id, case_id, time_ms, "
                                            "what) VALUES (?1, ?2, ?3, ?4)"));
  std::vector<std::int64_t> ids;
  ids.reserve(records.size());
  for (const engine::AccessRecord& r : records) {
    stmt.Reset();
    stmt.BindText(1, r.user_id)
        .BindInt(2, r.case_id)
        .BindInt(3, engine::ToUnixMillis(r.time))
        .BindText(4, r.what);
    GC_RETURN_IF_ERROR(stmt.Run());
    ids.push_back(db.LastInsertRowid());
  }
  return ChainAccess(db, ids, records);
}

}  // namespace gridcare::storage::writes
