// Read queries of the SQLite store: cases, lists with scope/inbox/overdue filters, users,
// org units, sessions and the access log. Not writes (store_writes.*) and not scope rules
// (engine/scope.*).
#include "storage/store_reads.h"

#include <algorithm>
#include <charconv>
#include <variant>

#include "engine/enums.h"
#include "storage/case_row.h"

namespace gridcare::storage::reads {

using engine::Case;
using engine::CaseId;
using engine::Result;

namespace {

// Builds "WHERE ... AND ..." with numbered parameters; values never enter the SQL text.
class WhereBuilder {
 public:
  using Value = std::variant<std::int64_t, std::string>;

  // Returns "?N" for a new parameter holding `value`.
  std::string Param(std::int64_t value) { return Push(value); }
  std::string Param(std::string value) { return Push(std::move(value)); }
  std::string Param(std::string_view value) { return Push(std::string(value)); }
  void And(const std::string& clause) {
    sql_ += sql_.empty() ? " WHERE (" : " AND (";
    sql_ += clause;
    sql_ += ')';
  }
  const std::string& sql() const { return sql_; }
  void BindAll(Stmt& stmt) const {
    for (size_t i = 0; i < params_.size(); ++i) {
      int index = static_cast<int>(i) + 1;
      if (const auto* n = std::get_if<std::int64_t>(&params_[i])) {
        stmt.BindInt(index, *n);
      } else {
        stmt.BindText(index, std::get<std::string>(params_[i]));
      }
    }
  }

 private:
  std::string Push(Value value) {
    params_.push_back(std::move(value));
    return "?" + std::to_string(params_.size());
  }
  std::string sql_;
  std::vector<Value> params_;
};

std::string_view InboxColumn(engine::InboxClause::Field field) {
  switch (field) {
    case engine::InboxClause::Field::kAssignedUnit:
      return "assigned_unit_id";
    case engine::InboxClause::Field::kVillage:
      return "village_id";
    case engine::InboxClause::Field::kGrid:
      return "grid_id";
  }
  return "assigned_unit_id";
}

void AddScope(WhereBuilder& w, const engine::CaseScope& scope) {
  using Kind = engine::CaseScope::Kind;
  switch (scope.kind) {
    case Kind::kAll:
      return;
    case Kind::kSubtree: {
      std::string unit = w.Param(scope.unit_id);
      std::string subtree = "(SELECT descendant FROM org_closure WHERE ancestor = " + unit + ")";
      w.And("grid_id IN " + subtree + " OR assigned_unit_id IN " + subtree +
            " OR reporter_id = " + w.Param(scope.user_id));
      return;
    }
    case Kind::kGrid:
      w.And("grid_id = " + w.Param(scope.unit_id) + " OR reporter_id = " + w.Param(scope.user_id));
      return;
    case Kind::kFiledOrAssigned:
      w.And("reporter_id = " + w.Param(scope.user_id) +
            " OR assigned_unit_id = " + w.Param(scope.unit_id));
      return;
  }
}

void AddInbox(WhereBuilder& w, const std::vector<engine::InboxClause>& clauses) {
  if (clauses.empty()) {
    w.And("0");  // owes nothing: an empty inbox, not "no filter"
    return;
  }
  std::string any;
  for (const engine::InboxClause& c : clauses) {
    if (!any.empty()) any += " OR ";
    any += "(state = " + w.Param(engine::Name(c.state)) + " AND " +
           std::string(InboxColumn(c.field)) + " = " + w.Param(c.unit_id) + ")";
  }
  w.And(any);
}

void AddOverdue(WhereBuilder& w, engine::TimePoint at) {
  std::string t = w.Param(engine::ToUnixMillis(at));
  w.And(
      "state IN ('REPORTED', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED') AND ("
      "overdue = 1 OR resolve_overdue = 1 OR follow_up_overdue = 1"
      " OR (state = 'IN_PROGRESS' AND resolve_due_ms < " + t + ")"
      " OR (state = 'RESOLVED' AND follow_up_due_ms < " + t + "))");
}

// The five user columns from `first` on: id, username, display_name, role, org_unit_id.
Result<engine::User> ReadUserColumns(const Stmt& stmt, int first) {
  engine::User u;
  u.id = std::to_string(stmt.Int(first));
  u.username = stmt.Text(first + 1);
  u.display_name = stmt.Text(first + 2);
  auto role = engine::ParseEnum<engine::Role>(stmt.Text(first + 3));
  if (!role) {
    return engine::DataLoss("user " + u.username + " has unknown role " + stmt.Text(first + 3));
  }
  u.role = *role;
  u.org_unit_id = stmt.Text(first + 4);
  return u;
}

// kUserSelect's row.
Result<engine::User> ReadUser(const Stmt& stmt) {
  GC_ASSIGN_OR_RETURN(engine::User u, ReadUserColumns(stmt, 0));
  u.password_hash = stmt.Text(5);
  return u;
}

constexpr std::string_view kUserSelect =
    "SELECT id, username, display_name, role, org_unit_id, password_hash FROM users";

Result<std::optional<engine::User>> OneUser(Stmt& stmt) {
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<engine::User>();
  GC_ASSIGN_OR_RETURN(engine::User u, ReadUser(stmt));
  return std::optional<engine::User>(std::move(u));
}

}  // namespace

std::optional<std::int64_t> ParseUserId(const std::string& id) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (id.empty() || ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return value;
}

Result<std::optional<Case>> GetCase(Db& db, const DataKeys* keys, CaseId id) {
  return LoadCase(db, id, KeyedPersonalReader(keys));
}

Result<std::vector<engine::CaseEvent>> ListEvents(Db& db, CaseId id) { return LoadEvents(db, id); }

Result<engine::CasePage> ListCases(Db& db, const DataKeys* keys, const engine::CaseQuery& query) {
  WhereBuilder w;
  if (query.subject_id_number) {
    if (keys == nullptr) {
      return engine::FailedPrecondition("finding cases by ID number needs the data keys "
                                        "([privacy] key_file)");
    }
    // Drives the query from the matching rows of subject_ids (rowid lookups), however many
    // cases the store holds.
    w.And("id IN (SELECT case_id FROM subject_ids WHERE id_hash = " +
          w.Param(keys->LookupHash(*query.subject_id_number)) + ")");
  }
  AddScope(w, query.scope);
  if (query.inbox) AddInbox(w, *query.inbox);
  if (query.reporter_id) w.And("reporter_id = " + w.Param(*query.reporter_id));
  if (query.overdue_at) AddOverdue(w, *query.overdue_at);
  if (query.state) w.And("state = " + w.Param(engine::Name(*query.state)));
  if (query.category) w.And("category = " + w.Param(engine::Name(*query.category)));
  if (query.assigned_unit_id) w.And("assigned_unit_id = " + w.Param(*query.assigned_unit_id));
  if (query.before_id) w.And("id < " + w.Param(*query.before_id));

  const int page_size = std::clamp(query.page_size, 1, kMaxPageSize);
  // One row more than the page tells whether another page exists.
  std::string limit = w.Param(static_cast<std::int64_t>(page_size) + 1);
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT " + CaseColumns() + " FROM cases" + w.sql() +
                                            " ORDER BY id DESC LIMIT " + limit));
  w.BindAll(stmt);
  const KeyedPersonalReader personal(keys);
  engine::CasePage page;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.cases.size()) == page_size) {
      page.next_before_id = page.cases.back().id;
      break;
    }
    GC_ASSIGN_OR_RETURN(Case c, ReadCaseColumns(stmt, personal));
    page.cases.push_back(std::move(c));
  }
  return page;
}

Result<std::vector<CaseId>> ListCasesToMinimise(Db& db, engine::TimePoint changed_before,
                                                int limit) {
  // A scan of the cases (a background pass, hourly; not measured at scale): an index just
  // for this would cost every write of every case.
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(
      "SELECT id FROM cases WHERE state IN ('CLOSED', 'REJECTED', 'WITHDRAWN') "
      "AND update_ms <= ?1 AND (personal != '' OR description != '' OR address != '' "
      "OR subjects != '') ORDER BY id LIMIT ?2"));
  stmt.BindInt(1, engine::ToUnixMillis(changed_before)).BindInt(2, std::max(1, limit));
  std::vector<CaseId> ids;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ids.push_back(stmt.Int(0));
  }
  return ids;
}

Result<std::optional<CaseId>> FindCaseByRequestId(Db& db, const std::string& reporter_id,
                                                  const std::string& request_id) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT id FROM cases "
                                            "WHERE reporter_id = ?1 AND request_id = ?2"));
  stmt.BindText(1, reporter_id).BindText(2, request_id);
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<CaseId>();
  return std::optional<CaseId>(stmt.Int(0));
}

Result<std::vector<engine::OrgUnit>> ListOrgUnits(Db& db) {
  GC_ASSIGN_OR_RETURN(Stmt stmt,
                      db.Prepare("SELECT id, name, level, parent_id FROM org_units ORDER BY rowid"));
  std::vector<engine::OrgUnit> units;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    engine::OrgUnit u;
    u.id = stmt.Text(0);
    u.name = stmt.Text(1);
    auto level = engine::ParseEnum<engine::OrgLevel>(stmt.Text(2));
    if (!level) return engine::DataLoss("org unit " + u.id + " has unknown level " + stmt.Text(2));
    u.level = *level;
    u.parent_id = stmt.Text(3);
    units.push_back(std::move(u));
  }
  return units;
}

Result<std::vector<engine::User>> ListUsers(Db& db) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(std::string(kUserSelect) + " ORDER BY id"));
  std::vector<engine::User> users;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    GC_ASSIGN_OR_RETURN(engine::User u, ReadUser(stmt));
    users.push_back(std::move(u));
  }
  return users;
}

Result<std::optional<engine::User>> FindUserByUsername(Db& db, const std::string& username) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(std::string(kUserSelect) + " WHERE username = ?1"));
  stmt.BindText(1, username);
  return OneUser(stmt);
}

Result<std::optional<engine::User>> FindUserById(Db& db, const std::string& id) {
  std::optional<std::int64_t> numeric = ParseUserId(id);
  if (!numeric) return std::optional<engine::User>();
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(std::string(kUserSelect) + " WHERE id = ?1"));
  stmt.BindInt(1, *numeric);
  return OneUser(stmt);
}

Result<std::optional<engine::Session>> FindSession(Db& db, const std::string& token_hash) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT token_hash, user_id, create_ms, expire_ms "
                                            "FROM sessions WHERE token_hash = ?1"));
  stmt.BindText(1, token_hash);
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<engine::Session>();
  engine::Session s;
  s.token_hash = stmt.Text(0);
  s.user_id = std::to_string(stmt.Int(1));
  s.create_time = engine::FromUnixMillis(stmt.Int(2));
  s.expire_time = engine::FromUnixMillis(stmt.Int(3));
  return std::optional<engine::Session>(std::move(s));
}

Result<std::vector<engine::SessionRevocation>> ListSessionRevocations(Db& db,
                                                                     std::int64_t after_id,
                                                                     int limit) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT id, user_id, time_ms, reason "
                                            "FROM session_revocations WHERE id > ?1 "
                                            "ORDER BY id LIMIT ?2"));
  stmt.BindInt(1, after_id).BindInt(2, limit);
  std::vector<engine::SessionRevocation> out;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.Int(0), std::to_string(stmt.Int(1)), engine::FromUnixMillis(stmt.Int(2)),
                   stmt.Text(3)});
  }
  return out;
}

namespace {

// The statement ListAccess runs, and its parameters.
struct AccessSql {
  std::string sql;
  WhereBuilder params;
};

Result<AccessSql> ListAccessSql(const engine::AccessQuery& query) {
  WhereBuilder w;
  // The one equality that picks the index: access_log_case or access_log_user, both ending
  // in time_ms (and the rowid), so the rows come newest first without a sort.
  if (query.case_id) {
    w.And("l.case_id = " + w.Param(*query.case_id));
  } else if (query.user_id) {
    w.And("l.user_id = " + w.Param(*query.user_id));
  } else {
    return engine::InvalidArgument("an access-log query names a case or a user");
  }
  AddScope(w, query.scope);
  if (query.since) w.And("l.time_ms >= " + w.Param(engine::ToUnixMillis(*query.since)));
  if (query.until) w.And("l.time_ms < " + w.Param(engine::ToUnixMillis(*query.until)));
  if (query.after) {
    // A range on time_ms the index can seek to; the id only breaks ties within one ms.
    const std::string t = w.Param(engine::ToUnixMillis(query.after->time));
    w.And("l.time_ms <= " + t + " AND (l.time_ms < " + t +
          " OR l.id < " + w.Param(query.after->id) + ")");
  }
  const int page_size = std::clamp(query.page_size, 1, kMaxPageSize);
  // One row more than the page tells whether another page exists.
  const std::string limit = w.Param(static_cast<std::int64_t>(page_size) + 1);
  // CROSS JOIN keeps access_log the outer table: SQLite never reorders it, so a scope that
  // an index on cases could serve does not make it walk cases instead.
  std::string sql =
      "SELECT l.id, l.user_id, l.case_id, l.time_ms, l.what, c.number, u.id, u.username, "
      "u.display_name, u.role, u.org_unit_id "
      "FROM access_log AS l CROSS JOIN cases AS c ON c.id = l.case_id "
      "LEFT JOIN users AS u ON u.id = l.user_id" +
      w.sql() + " ORDER BY l.time_ms DESC, l.id DESC LIMIT " + limit;
  return AccessSql{std::move(sql), std::move(w)};
}

}  // namespace

Result<std::string> ListAccessPlan(Db& db, const engine::AccessQuery& query) {
  GC_ASSIGN_OR_RETURN(AccessSql q, ListAccessSql(query));
  GC_ASSIGN_OR_RETURN(Stmt plan, db.Prepare("EXPLAIN QUERY PLAN " + q.sql));
  q.params.BindAll(plan);
  std::string out;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, plan.Step());
    if (!row) break;
    out += plan.Text(3) + "\n";
  }
  return out;
}

Result<engine::AccessPage> ListAccess(Db& db, const engine::AccessQuery& query) {
  GC_ASSIGN_OR_RETURN(AccessSql q, ListAccessSql(query));
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(q.sql));
  q.params.BindAll(stmt);
  const int page_size = std::clamp(query.page_size, 1, kMaxPageSize);
  engine::AccessPage page;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.entries.size()) == page_size) {
      const engine::AccessEntry& last = page.entries.back();
      page.next = engine::AccessCursor{last.record.time, last.id};
      break;
    }
    engine::AccessEntry e;
    e.id = stmt.Int(0);
    e.record = {stmt.Text(1), stmt.Int(2), engine::FromUnixMillis(stmt.Int(3)), stmt.Text(4)};
    e.case_number = stmt.Text(5);
    if (!stmt.IsNull(6)) {  // the reader's user row, unless it was deleted
      GC_ASSIGN_OR_RETURN(engine::User u, ReadUserColumns(stmt, 6));
      e.reader = std::move(u);
    }
    page.entries.push_back(std::move(e));
  }
  return page;
}

}  // namespace gridcare::storage::reads
