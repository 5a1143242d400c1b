// Outbox queries. Pending() is a left join: a notification with no delivery row for the
// sink has never been tried; one with a RETRYING row is due when its next attempt is.
#include "storage/outbox.h"

namespace gridcare::storage::outbox {

using engine::Result;
using engine::Status;

Status Enqueue(Db& db, const std::vector<engine::Notification>& notifications) {
  if (notifications.empty()) return Status::Ok();
  GC_ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare("INSERT INTO notifications (case_id, event_seq, reason, unit_id, case_number,"
                 " message, time_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                 " ON CONFLICT (case_id, event_seq, unit_id) DO NOTHING"));
  for (const auto& n : notifications) {
    stmt.Reset();
    stmt.BindInt(1, n.case_id)
        .BindInt(2, n.event_seq)
        .BindText(3, engine::Name(n.reason))
        .BindText(4, n.unit_id)
        .BindText(5, n.case_number)
        .BindText(6, n.message)
        .BindInt(7, engine::ToUnixMillis(n.time));
    GC_RETURN_IF_ERROR(stmt.Run());
  }
  return Status::Ok();
}

Result<std::vector<engine::OutboxEntry>> Pending(Db& db, const std::string& sink,
                                                 engine::TimePoint now, int limit) {
  GC_ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare("SELECT n.id, n.case_id, n.event_seq, n.reason, n.unit_id, n.case_number,"
                 " n.message, n.time_ms, COALESCE(d.attempts, 0)"
                 " FROM notifications n LEFT JOIN deliveries d"
                 "   ON d.notification_id = n.id AND d.sink = ?1"
                 " WHERE d.state IS NULL OR (d.state = 'RETRYING' AND d.next_attempt_ms <= ?2)"
                 " ORDER BY n.id LIMIT ?3"));
  stmt.BindText(1, sink).BindInt(2, engine::ToUnixMillis(now)).BindInt(3, limit);
  std::vector<engine::OutboxEntry> out;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    engine::OutboxEntry e;
    e.id = stmt.Int(0);
    e.notification.case_id = stmt.Int(1);
    e.notification.event_seq = static_cast<int>(stmt.Int(2));
    auto reason = engine::ParseEnum<engine::EventAction>(stmt.Text(3));
    if (!reason) return engine::DataLoss("notification " + std::to_string(e.id) +
                                         " has unknown reason " + stmt.Text(3));
    e.notification.reason = *reason;
    e.notification.unit_id = stmt.Text(4);
    e.notification.case_number = stmt.Text(5);
    e.notification.message = stmt.Text(6);
    e.notification.time = engine::FromUnixMillis(stmt.Int(7));
    e.attempts = static_cast<int>(stmt.Int(8));
    out.push_back(std::move(e));
  }
  return out;
}

Status Record(Db& db, const engine::DeliveryRecord& r) {
  GC_ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare("INSERT INTO deliveries (notification_id, sink, state, attempts,"
                 " next_attempt_ms, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                 " ON CONFLICT (notification_id, sink) DO UPDATE SET state = excluded.state,"
                 " attempts = excluded.attempts, next_attempt_ms = excluded.next_attempt_ms,"
                 " last_error = excluded.last_error"));
  std::optional<std::int64_t> next;
  if (r.next_attempt) next = engine::ToUnixMillis(*r.next_attempt);
  stmt.BindInt(1, r.notification_id)
      .BindText(2, r.sink)
      .BindText(3, engine::Name(r.state))
      .BindInt(4, r.attempts)
      .BindOptInt(5, next)
      .BindText(6, r.last_error);
  return stmt.Run();
}

Result<std::optional<engine::TimePoint>> NextRetryTime(Db& db) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT MIN(next_attempt_ms) FROM deliveries"
                                            " WHERE state = 'RETRYING'"));
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.IsNull(0)) return std::optional<engine::TimePoint>();
  return std::optional<engine::TimePoint>(engine::FromUnixMillis(stmt.Int(0)));
}

}  // namespace gridcare::storage::outbox
