// Case ↔ named text fields, and replay of an event stream into a case row.
// The field table below is the single list of what the audit trail projects.
#include "engine/case_fields.h"

#include <algorithm>
#include <charconv>
#include <functional>

#include "engine/transitions.h"

namespace gridcare::engine {
namespace {

std::string TimeText(TimePoint t) { return std::to_string(ToUnixMillis(t)); }
std::string TimeText(const std::optional<TimePoint>& t) { return t ? TimeText(*t) : ""; }

bool ParseInt64(const std::string& s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
bool ParseTime(const std::string& s, TimePoint& out) {
  std::int64_t ms;
  if (!ParseInt64(s, ms)) return false;
  out = FromUnixMillis(ms);
  return true;
}
bool ParseOptTime(const std::string& s, std::optional<TimePoint>& out) {
  if (s.empty()) {
    out.reset();
    return true;
  }
  TimePoint t;
  if (!ParseTime(s, t)) return false;
  out = t;
  return true;
}
bool ParseBool(const std::string& s, bool& out) {
  if (s != "0" && s != "1") return false;
  out = s == "1";
  return true;
}
bool ParseInt(const std::string& s, int& out) {
  std::int64_t v;
  if (!ParseInt64(s, v)) return false;
  out = static_cast<int>(v);
  return true;
}
template <typename E>
bool ParseEnumText(const std::string& s, E& out) {
  auto v = ParseEnum<E>(s);
  if (!v) return false;
  out = *v;
  return true;
}

void AppendLengthPrefixed(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}
bool ReadLengthPrefixed(std::string_view& in, std::string& out) {
  const auto colon = in.find(':');
  if (colon == std::string_view::npos) return false;
  std::int64_t n;
  if (!ParseInt64(std::string(in.substr(0, colon)), n) || n < 0 ||
      static_cast<size_t>(n) > in.size() - colon - 1) {
    return false;
  }
  out = std::string(in.substr(colon + 1, n));
  in.remove_prefix(colon + 1 + n);
  return true;
}

// Subjects as length-prefixed fields: unambiguous whatever the names contain.
std::string SubjectsText(const std::vector<Subject>& subjects) {
  std::string out;
  for (const Subject& s : subjects) {
    AppendLengthPrefixed(out, s.name);
    AppendLengthPrefixed(out, Name(s.role));
    AppendLengthPrefixed(out, std::to_string(s.age));
    AppendLengthPrefixed(out, s.id_number);
    AppendLengthPrefixed(out, s.phone);
  }
  return out;
}
bool ParseSubjects(const std::string& text, std::vector<Subject>& out) {
  std::vector<Subject> subjects;
  std::string_view in = text;
  while (!in.empty()) {
    Subject s;
    std::string role, age;
    if (!ReadLengthPrefixed(in, s.name) || !ReadLengthPrefixed(in, role) ||
        !ReadLengthPrefixed(in, age) || !ReadLengthPrefixed(in, s.id_number) ||
        !ReadLengthPrefixed(in, s.phone) || !ParseEnumText(role, s.role) || !ParseInt(age, s.age)) {
      return false;
    }
    subjects.push_back(std::move(s));
  }
  out = std::move(subjects);
  return true;
}

struct FieldDef {
  const char* name;
  std::function<std::string(const Case&)> get;
  std::function<bool(Case&, const std::string&)> set;
};

#define GC_STRING_FIELD(f) \
  {#f, [](const Case& c) { return c.f; }, [](Case& c, const std::string& v) { c.f = v; return true; }}
#define GC_ENUM_FIELD(f) \
  {#f, [](const Case& c) { return std::string(Name(c.f)); }, \
   [](Case& c, const std::string& v) { return ParseEnumText(v, c.f); }}
#define GC_TIME_FIELD(f) \
  {#f, [](const Case& c) { return TimeText(c.f); }, \
   [](Case& c, const std::string& v) { return ParseTime(v, c.f); }}
#define GC_OPT_TIME_FIELD(f) \
  {#f, [](const Case& c) { return TimeText(c.f); }, \
   [](Case& c, const std::string& v) { return ParseOptTime(v, c.f); }}
#define GC_BOOL_FIELD(f) \
  {#f, [](const Case& c) { return std::string(c.f ? "1" : "0"); }, \
   [](Case& c, const std::string& v) { return ParseBool(v, c.f); }}

// Everything the case row holds except id, version, update_time and last_event_hash,
// which the events carry themselves (case_id, seq, time, hash).
const std::vector<FieldDef>& Fields() {
  static const std::vector<FieldDef> kFields = {
      GC_STRING_FIELD(number),
      GC_STRING_FIELD(request_id),
      GC_ENUM_FIELD(channel),
      GC_ENUM_FIELD(category),
      GC_ENUM_FIELD(priority),
      GC_STRING_FIELD(grid_id),
      GC_STRING_FIELD(village_id),
      GC_STRING_FIELD(title),
      GC_STRING_FIELD(description),
      GC_STRING_FIELD(address),
      {"subjects", [](const Case& c) { return SubjectsText(c.subjects); },
       [](Case& c, const std::string& v) { return ParseSubjects(v, c.subjects); }},
      GC_ENUM_FIELD(state),
      GC_STRING_FIELD(assigned_unit_id),
      GC_STRING_FIELD(reporter_id),
      GC_TIME_FIELD(create_time),
      GC_TIME_FIELD(response_due_time),
      GC_OPT_TIME_FIELD(respond_time),
      GC_OPT_TIME_FIELD(resolve_due_time),
      GC_OPT_TIME_FIELD(resolve_time),
      GC_OPT_TIME_FIELD(close_time),
      GC_OPT_TIME_FIELD(follow_up_due_time),
      GC_BOOL_FIELD(overdue),
      GC_BOOL_FIELD(resolve_overdue),
      GC_BOOL_FIELD(follow_up_overdue),
      {"escalations", [](const Case& c) { return std::to_string(c.escalations); },
       [](Case& c, const std::string& v) { return ParseInt(v, c.escalations); }},
      GC_OPT_TIME_FIELD(pending_response_warn),
      GC_OPT_TIME_FIELD(pending_response_due),
      GC_OPT_TIME_FIELD(pending_resolve_due),
      GC_OPT_TIME_FIELD(pending_follow_up_due),
  };
  return kFields;
}

#undef GC_STRING_FIELD
#undef GC_ENUM_FIELD
#undef GC_TIME_FIELD
#undef GC_OPT_TIME_FIELD
#undef GC_BOOL_FIELD

// The table in name order: the order a FieldMap keeps, so encoding appends in place.
const std::vector<const FieldDef*>& FieldsByName() {
  static const std::vector<const FieldDef*> kByName = [] {
    std::vector<const FieldDef*> out;
    for (const FieldDef& f : Fields()) out.push_back(&f);
    std::sort(out.begin(), out.end(), [](const FieldDef* a, const FieldDef* b) {
      return std::string_view(a->name) < std::string_view(b->name);
    });
    return out;
  }();
  return kByName;
}

const FieldDef* FindField(const std::string& name) {
  for (const FieldDef& f : Fields()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string EventRef(const CaseEvent& e) { return "event " + std::to_string(e.seq); }

}  // namespace

CaseFields EncodeCaseFields(const Case& c) {
  CaseFields out;
  out.reserve(Fields().size());
  for (const FieldDef* f : FieldsByName()) out.append_in_order(f->name, f->get(c));
  return out;
}

CaseFields DiffCaseFields(const Case& before, const Case& after) {
  CaseFields out;
  for (const FieldDef* f : FieldsByName()) {
    std::string a = f->get(after);
    if (a != f->get(before)) out.append_in_order(f->name, std::move(a));
  }
  return out;
}

Result<Case> ReplayEvents(CaseId id, const std::vector<CaseEvent>& events) {
  if (events.empty()) return DataLoss("case " + std::to_string(id) + " has no events");
  Case c;
  c.id = id;
  for (size_t i = 0; i < events.size(); ++i) {
    const CaseEvent& e = events[i];
    if (e.seq != static_cast<int>(i) + 1) {
      return DataLoss("event " + std::to_string(i + 1) + " missing or out of order (found seq " +
                      std::to_string(e.seq) + ")");
    }
    const std::optional<CaseState> from = i == 0 ? std::nullopt : std::optional(c.state);
    if (e.from_state != from) {
      return DataLoss(EventRef(e) + ": starts in state " +
                      std::string(e.from_state ? Name(*e.from_state) : "(none)") +
                      " but the case was in " + std::string(from ? Name(*from) : "(none)"));
    }
    if (!IsRecordableTransition(e.action, e.from_state, e.to_state, e.actor_role)) {
      return DataLoss(EventRef(e) + ": " + std::string(Name(e.action)) + " by " +
                      std::string(Name(e.actor_role)) + " to " + std::string(Name(e.to_state)) +
                      " is not a transition the state machine allows");
    }
    for (const auto& [name, value] : e.changes) {
      const FieldDef* f = FindField(name);
      if (f == nullptr) return DataLoss(EventRef(e) + ": unknown field " + name);
      if (!f->set(c, value)) return DataLoss(EventRef(e) + ": bad value for field " + name);
    }
    if (c.state != e.to_state || c.assigned_unit_id != e.assigned_unit_id) {
      return DataLoss(EventRef(e) + ": its changes do not lead to its recorded state or unit");
    }
    c.version = e.seq;
    c.update_time = e.time;
    c.last_event_hash = e.hash;
  }
  return c;
}

std::string FirstDifference(const Case& a, const Case& b) {
  if (a.id != b.id) return "id";
  if (a.version != b.version) return "version";
  if (a.update_time != b.update_time) return "update_time";
  if (a.last_event_hash != b.last_event_hash) return "last_hash";
  for (const FieldDef& f : Fields()) {
    if (f.get(a) != f.get(b)) return f.name;
  }
  return "";
}

}  // namespace gridcare::engine
