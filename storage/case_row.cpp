// Row mapping for cases and case events (see case_row.h for the encodings).
// Not SQL beyond the two plain loads; the store builds its own queries.
#include "storage/case_row.h"

#include <charconv>

#include "engine/enums.h"
#include "storage/migrations.h"
#include "storage/netstring.h"
#include "storage/personal_seal.h"

namespace gridcare::storage {

using engine::Case;
using engine::CaseEvent;
using engine::Result;

namespace {

template <typename E>
Result<E> ParseColumn(const std::string& text, std::string_view column) {
  if (auto v = engine::ParseEnum<E>(text)) return *v;
  return engine::DataLoss("column " + std::string(column) + " has unknown value '" + text + "'");
}

std::optional<std::int64_t> OptMillis(const std::optional<engine::TimePoint>& t) {
  if (!t) return std::nullopt;
  return engine::ToUnixMillis(*t);
}

std::optional<engine::TimePoint> OptTime(const Stmt& stmt, int column) {
  if (stmt.IsNull(column)) return std::nullopt;
  return engine::FromUnixMillis(stmt.Int(column));
}

}  // namespace

std::string EncodeSubjects(const std::vector<engine::Subject>& subjects) {
  std::string out;
  for (const engine::Subject& s : subjects) {
    PutNetstring(out, s.name);
    PutNetstring(out, engine::Name(s.role));
    PutNetstring(out, std::to_string(s.age));
    PutNetstring(out, s.id_number);
    PutNetstring(out, s.phone);
  }
  return out;
}

Result<std::vector<engine::Subject>> DecodeSubjects(std::string_view text) {
  std::vector<engine::Subject> out;
  const auto bad = [] { return engine::DataLoss("column subjects is not a valid encoding"); };
  while (!text.empty()) {
    auto name = TakeNetstring(text);
    auto role = TakeNetstring(text);
    auto age = TakeNetstring(text);
    auto id_number = TakeNetstring(text);
    auto phone = TakeNetstring(text);
    if (!name || !role || !age || !id_number || !phone) return bad();
    engine::Subject s;
    s.name = std::move(*name);
    auto parsed_role = engine::ParseEnum<engine::SubjectRole>(*role);
    if (!parsed_role) return bad();
    s.role = *parsed_role;
    auto [end, ec] = std::from_chars(age->data(), age->data() + age->size(), s.age);
    if (ec != std::errc() || end != age->data() + age->size()) return bad();
    s.id_number = std::move(*id_number);
    s.phone = std::move(*phone);
    out.push_back(std::move(s));
  }
  return out;
}

std::string EncodeChanges(const engine::FieldMap& changes) {
  std::string out;
  for (const auto& [key, value] : changes) {
    PutNetstring(out, key);
    PutNetstring(out, value);
  }
  return out;
}

Result<engine::FieldMap> DecodeChanges(std::string_view text) {
  engine::FieldMap out;
  while (!text.empty()) {
    auto key = TakeNetstring(text);
    auto value = TakeNetstring(text);
    if (!key || !value) return engine::DataLoss("column changes is not a valid encoding");
    out.append_in_order(std::move(*key), std::move(*value));  // stored in name order
  }
  return out;
}

// --- cases -----------------------------------------------------------------------------

const std::string& CaseColumns() {
  static const std::string kColumns =
      "id, number, request_id, channel, category, priority, grid_id, village_id, title, "
      "description, address, subjects, state, assigned_unit_id, reporter_id, create_ms, "
      "update_ms, response_due_ms, respond_ms, resolve_due_ms, resolve_ms, close_ms, "
      "follow_up_due_ms, overdue, resolve_overdue, follow_up_overdue, escalations, version, "
      "pending_response_warn_ms, pending_response_due_ms, pending_resolve_due_ms, "
      "pending_follow_up_due_ms, last_hash, personal";
  return kColumns;
}

std::string CaseColumnsAt(std::int64_t schema_version) {
  if (schema_version >= kPersonalDataVersion) return CaseColumns();
  std::string columns = CaseColumns();
  columns.replace(columns.rfind("personal"), std::string::npos, "'' AS personal");
  return columns;
}

const std::vector<std::string>& CaseColumnNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    std::string_view rest = CaseColumns();
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      names.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
    }
    return names;
  }();
  return kNames;
}

std::vector<SqlValue> CaseRowValues(const Case& c, const std::string& last_hash,
                                    const std::string& personal) {
  const bool sealed = !personal.empty();
  auto opt = [](const std::optional<engine::TimePoint>& t) -> SqlValue {
    const auto ms = OptMillis(t);
    return ms ? SqlValue(*ms) : SqlValue(std::monostate{});
  };
  auto flag = [](bool b) -> SqlValue { return std::int64_t{b ? 1 : 0}; };
  std::vector<SqlValue> row;
  row.reserve(kCaseColumnCount);
  row.emplace_back(std::int64_t{c.id});
  row.emplace_back(c.number);
  row.emplace_back(c.request_id);
  row.emplace_back(std::string(engine::Name(c.channel)));
  row.emplace_back(std::string(engine::Name(c.category)));
  row.emplace_back(std::string(engine::Name(c.priority)));
  row.emplace_back(c.grid_id);
  row.emplace_back(c.village_id);
  row.emplace_back(c.title);
  row.emplace_back(sealed ? std::string() : c.description);
  row.emplace_back(sealed ? std::string() : c.address);
  row.emplace_back(sealed ? std::string() : EncodeSubjects(c.subjects));
  row.emplace_back(std::string(engine::Name(c.state)));
  row.emplace_back(c.assigned_unit_id);
  row.emplace_back(c.reporter_id);
  row.emplace_back(engine::ToUnixMillis(c.create_time));
  row.emplace_back(engine::ToUnixMillis(c.update_time));
  row.emplace_back(engine::ToUnixMillis(c.response_due_time));
  row.push_back(opt(c.respond_time));
  row.push_back(opt(c.resolve_due_time));
  row.push_back(opt(c.resolve_time));
  row.push_back(opt(c.close_time));
  row.push_back(opt(c.follow_up_due_time));
  row.push_back(flag(c.overdue));
  row.push_back(flag(c.resolve_overdue));
  row.push_back(flag(c.follow_up_overdue));
  row.emplace_back(std::int64_t{c.escalations});
  row.emplace_back(std::int64_t{c.version});
  row.push_back(opt(c.pending_response_warn));
  row.push_back(opt(c.pending_response_due));
  row.push_back(opt(c.pending_resolve_due));
  row.push_back(opt(c.pending_follow_up_due));
  row.emplace_back(last_hash);
  row.emplace_back(personal);
  return row;
}

void BindCaseColumns(Stmt& stmt, const Case& c, const std::string& last_hash,
                     const std::string& personal) {
  const std::vector<SqlValue> row = CaseRowValues(c, last_hash, personal);
  for (int i = 0; i < kCaseColumnCount; ++i) stmt.BindValue(i + 1, row[static_cast<size_t>(i)]);
}

Result<std::array<std::string, 3>> KeyedPersonalReader::Read(engine::CaseId id,
                                                            std::string_view envelope) const {
  if (keys_ == nullptr) {
    return engine::FailedPrecondition("case " + std::to_string(id) +
                                      " holds sealed personal data and the store was opened "
                                      "without data keys ([privacy] key_file)");
  }
  GC_ASSIGN_OR_RETURN(PersonalFields fields, OpenPersonal(*keys_, id, envelope));
  return std::move(fields.values);
}

Result<Case> ReadCaseColumns(const Stmt& stmt, const PersonalReader& personal) {
  Case c;
  c.id = stmt.Int(0);
  c.number = stmt.Text(1);
  c.request_id = stmt.Text(2);
  GC_ASSIGN_OR_RETURN(c.channel, ParseColumn<engine::Channel>(stmt.Text(3), "channel"));
  GC_ASSIGN_OR_RETURN(c.category, ParseColumn<engine::Category>(stmt.Text(4), "category"));
  GC_ASSIGN_OR_RETURN(c.priority, ParseColumn<engine::Priority>(stmt.Text(5), "priority"));
  c.grid_id = stmt.Text(6);
  c.village_id = stmt.Text(7);
  c.title = stmt.Text(8);
  if (std::string envelope = stmt.Text(kCasePersonalColumn); !envelope.empty()) {
    GC_ASSIGN_OR_RETURN(auto values, personal.Read(c.id, envelope));
    c.description = std::move(values[0]);
    c.address = std::move(values[1]);
    GC_ASSIGN_OR_RETURN(c.subjects, DecodeSubjects(values[2]));
  } else {
    c.description = stmt.Text(9);
    c.address = stmt.Text(10);
    GC_ASSIGN_OR_RETURN(c.subjects, DecodeSubjects(stmt.Text(11)));
  }
  GC_ASSIGN_OR_RETURN(c.state, ParseColumn<engine::CaseState>(stmt.Text(12), "state"));
  c.assigned_unit_id = stmt.Text(13);
  c.reporter_id = stmt.Text(14);
  c.create_time = engine::FromUnixMillis(stmt.Int(15));
  c.update_time = engine::FromUnixMillis(stmt.Int(16));
  c.response_due_time = engine::FromUnixMillis(stmt.Int(17));
  c.respond_time = OptTime(stmt, 18);
  c.resolve_due_time = OptTime(stmt, 19);
  c.resolve_time = OptTime(stmt, 20);
  c.close_time = OptTime(stmt, 21);
  c.follow_up_due_time = OptTime(stmt, 22);
  c.overdue = stmt.Int(23) != 0;
  c.resolve_overdue = stmt.Int(24) != 0;
  c.follow_up_overdue = stmt.Int(25) != 0;
  c.escalations = static_cast<int>(stmt.Int(26));
  c.version = static_cast<int>(stmt.Int(27));
  c.pending_response_warn = OptTime(stmt, 28);
  c.pending_response_due = OptTime(stmt, 29);
  c.pending_resolve_due = OptTime(stmt, 30);
  c.pending_follow_up_due = OptTime(stmt, 31);
  c.last_event_hash = stmt.Text(32);
  return c;
}

// --- events ----------------------------------------------------------------------------

const std::string& EventColumns() {
  static const std::string kColumns =
      "case_id, seq, time_ms, actor_id, actor_role, actor_unit_id, action, from_state, "
      "to_state, assigned_unit_id, note, due_ms, changes, prev_hash, hash";
  return kColumns;
}

void BindEventColumns(Stmt& stmt, const CaseEvent& e, const std::string& prev_hash,
                      const std::string& hash) {
  stmt.BindInt(1, e.case_id)
      .BindInt(2, e.seq)
      .BindInt(3, engine::ToUnixMillis(e.time))
      .BindText(4, e.actor_id)
      .BindText(5, engine::Name(e.actor_role))
      .BindText(6, e.actor_unit_id)
      .BindText(7, engine::Name(e.action));
  if (e.from_state) {
    stmt.BindText(8, engine::Name(*e.from_state));
  } else {
    stmt.BindNull(8);
  }
  stmt.BindText(9, engine::Name(e.to_state))
      .BindText(10, e.assigned_unit_id)
      .BindText(11, e.note)
      .BindOptInt(12, OptMillis(e.due_time))
      .BindText(13, EncodeChanges(e.changes))
      .BindText(14, prev_hash)
      .BindText(15, hash);
}

Result<CaseEvent> ReadEventColumns(const Stmt& stmt) {
  CaseEvent e;
  e.case_id = stmt.Int(0);
  e.seq = static_cast<int>(stmt.Int(1));
  e.time = engine::FromUnixMillis(stmt.Int(2));
  e.actor_id = stmt.Text(3);
  GC_ASSIGN_OR_RETURN(e.actor_role, ParseColumn<engine::Role>(stmt.Text(4), "actor_role"));
  e.actor_unit_id = stmt.Text(5);
  GC_ASSIGN_OR_RETURN(e.action, ParseColumn<engine::EventAction>(stmt.Text(6), "action"));
  if (!stmt.IsNull(7)) {
    GC_ASSIGN_OR_RETURN(e.from_state, ParseColumn<engine::CaseState>(stmt.Text(7), "from_state"));
  }
  GC_ASSIGN_OR_RETURN(e.to_state, ParseColumn<engine::CaseState>(stmt.Text(8), "to_state"));
  e.assigned_unit_id = stmt.Text(9);
  e.note = stmt.Text(10);
  e.due_time = OptTime(stmt, 11);
  GC_ASSIGN_OR_RETURN(e.changes, DecodeChanges(stmt.Text(12)));
  e.prev_hash = stmt.Text(13);
  e.hash = stmt.Text(14);
  return e;
}

Result<std::optional<Case>> LoadCase(Db& db, engine::CaseId id, const PersonalReader& personal,
                                     const std::string& columns) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT " + columns + " FROM cases WHERE id = ?1"));
  stmt.BindInt(1, id);
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Case>();
  GC_ASSIGN_OR_RETURN(Case c, ReadCaseColumns(stmt, personal));
  return std::optional<Case>(std::move(c));
}

Result<std::vector<CaseEvent>> LoadEvents(Db& db, engine::CaseId id) {
  GC_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT " + EventColumns() +
                                            " FROM case_events WHERE case_id = ?1 ORDER BY seq"));
  stmt.BindInt(1, id);
  std::vector<CaseEvent> events;
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    GC_ASSIGN_OR_RETURN(CaseEvent e, ReadEventColumns(stmt));
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace gridcare::storage
