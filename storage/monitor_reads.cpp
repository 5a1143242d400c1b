// Monitoring and scheduler queries. The deadline queries walk the deadlines_due index;
// per-unit counts join the org closure so a unit counts every case from its subtree.
#include "storage/monitor_reads.h"

#include <algorithm>
#include <cstdint>

namespace gridcare::storage::reads {

using engine::Result;

Result<std::vector<engine::UnitCaseCounts>> CountCasesByUnit(
    Db& db, const std::vector<std::string>& unit_ids) {
  GC_ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare("SELECT COUNT(*),"
                 " COALESCE(SUM(state NOT IN ('CLOSED', 'REJECTED', 'WITHDRAWN')), 0),"
                 " COALESCE(SUM(overdue), 0),"
                 " COALESCE(SUM(respond_ms IS NOT NULL AND overdue = 0), 0),"
                 " COALESCE(SUM(respond_ms IS NOT NULL AND overdue = 1), 0),"
                 " COALESCE(SUM(state = 'CLOSED'), 0),"
                 " COALESCE(SUM(CASE WHEN respond_ms IS NOT NULL"
                 "                   THEN respond_ms - create_ms ELSE 0 END), 0)"
                 " FROM cases WHERE grid_id IN"
                 " (SELECT descendant FROM org_closure WHERE ancestor = ?1)"));
  std::vector<engine::UnitCaseCounts> out;
  for (const std::string& unit : unit_ids) {
    stmt.Reset();
    stmt.BindText(1, unit);
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    engine::UnitCaseCounts c;
    c.unit_id = unit;
    if (row) {
      c.total = static_cast<int>(stmt.Int(0));
      c.open = static_cast<int>(stmt.Int(1));
      c.overdue = static_cast<int>(stmt.Int(2));
      c.responded_on_time = static_cast<int>(stmt.Int(3));
      c.responded_late = static_cast<int>(stmt.Int(4));
      c.closed = static_cast<int>(stmt.Int(5));
      c.response_seconds_sum = static_cast<double>(stmt.Int(6)) / 1000.0;
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<engine::DayCaseCounts>> CountCasesByDay(Db& db, const std::string& unit_id,
                                                           engine::TimePoint from, int days) {
  constexpr std::int64_t kDayMs = 24 * 60 * 60 * 1000;
  const std::int64_t from_ms = engine::ToUnixMillis(from);
  const std::int64_t to_ms = from_ms + kDayMs * days;
  std::vector<engine::DayCaseCounts> out(static_cast<size_t>(std::max(days, 0)));
  // One row per case created in the range and one per case first responded to in it, by the
  // day's index in the range: both operands of `/` are INTEGER, so it truncates, and the
  // range keeps them non-negative. INDEXED BY: the city's subtree holds every grid, and the
  // grid index would then read every case.
  GC_ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare("SELECT day, SUM(received), SUM(responded), SUM(response_ms) FROM ("
                 "  SELECT (create_ms - ?2) / ?4 AS day, 1 AS received, 0 AS responded,"
                 "         0 AS response_ms"
                 "  FROM cases INDEXED BY cases_create"
                 "  WHERE create_ms >= ?2 AND create_ms < ?3"
                 "    AND grid_id IN (SELECT descendant FROM org_closure WHERE ancestor = ?1)"
                 "  UNION ALL"
                 "  SELECT (respond_ms - ?2) / ?4, 0, 1, respond_ms - create_ms"
                 "  FROM cases INDEXED BY cases_respond"
                 "  WHERE respond_ms >= ?2 AND respond_ms < ?3"
                 "    AND grid_id IN (SELECT descendant FROM org_closure WHERE ancestor = ?1)"
                 ") GROUP BY day"));
  stmt.BindText(1, unit_id).BindInt(2, from_ms).BindInt(3, to_ms).BindInt(4, kDayMs);
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const std::int64_t i = stmt.Int(0);
    if (i < 0 || i >= static_cast<std::int64_t>(out.size())) {
      return engine::Internal("stats:daily: day " + std::to_string(i) + " outside the range");
    }
    engine::DayCaseCounts& day = out[static_cast<size_t>(i)];
    day.received = static_cast<int>(stmt.Int(1));
    day.responded = static_cast<int>(stmt.Int(2));
    day.response_seconds_sum = static_cast<double>(stmt.Int(3)) / 1000.0;
  }
  return out;
}

Result<engine::CaseTotals> CountTotals(Db& db) {
  GC_ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare("SELECT COUNT(*), COALESCE(SUM(overdue), 0) FROM cases"
                 " WHERE state IN ('REPORTED', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED')"));
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  engine::CaseTotals t;
  if (row) {
    t.open = stmt.Int(0);
    t.overdue_open = stmt.Int(1);
  }
  return t;
}

Result<std::vector<engine::DueDeadline>> ListDueDeadlines(Db& db, engine::TimePoint until,
                                                         int limit) {
  GC_ASSIGN_OR_RETURN(Stmt stmt,
                      db.Prepare("SELECT case_id, kind, due_ms FROM deadlines"
                                 " WHERE due_ms <= ?1 ORDER BY due_ms, case_id LIMIT ?2"));
  stmt.BindInt(1, engine::ToUnixMillis(until)).BindInt(2, limit);
  std::vector<engine::DueDeadline> out;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    auto kind = engine::ParseEnum<engine::DeadlineKind>(stmt.Text(1));
    if (!kind) return engine::DataLoss("deadline of case " + std::to_string(stmt.Int(0)) +
                                       " has unknown kind " + stmt.Text(1));
    out.push_back({stmt.Int(0), *kind, engine::FromUnixMillis(stmt.Int(2))});
  }
  return out;
}

Result<std::optional<engine::TimePoint>> NextDeadline(Db& db) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT MIN(due_ms) FROM deadlines"));
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.IsNull(0)) return std::optional<engine::TimePoint>();
  return std::optional<engine::TimePoint>(engine::FromUnixMillis(stmt.Int(0)));
}

}  // namespace gridcare::storage::reads
