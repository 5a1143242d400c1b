// DecideCreate / DecideCommand: the transition table applied to one case.
// Every rule is looked up in transitions.cpp; this file only interprets its effects.
#include "engine/case_decider.h"

#include <algorithm>
#include <cstdio>

#include "engine/actions.h"
#include "engine/case_fields.h"
#include "engine/scope.h"
#include "engine/sla_duration.h"
#include "engine/transitions.h"

namespace gridcare::engine {
namespace {

// Byte limits (UTF-8): generous for real reports, small enough to keep rows compact.
constexpr size_t kMaxRequestId = 128;
constexpr size_t kMaxTitle = 300;
constexpr size_t kMaxDescription = 8000;
constexpr size_t kMaxAddress = 500;
constexpr size_t kMaxNote = 4000;
constexpr size_t kMaxSubjects = 20;
constexpr size_t kMaxSubjectText = 100;

Status CheckLength(const std::string& value, size_t max, const char* field) {
  if (value.size() > max) {
    return InvalidArgument(std::string(field) + ": at most " + std::to_string(max) +
                           " bytes (got " + std::to_string(value.size()) + ")");
  }
  return Status::Ok();
}

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

Status ValidateSubjects(const std::vector<Subject>& subjects) {
  if (subjects.size() > kMaxSubjects) {
    return InvalidArgument("subjects: at most " + std::to_string(kMaxSubjects) + " people");
  }
  for (size_t i = 0; i < subjects.size(); ++i) {
    const Subject& s = subjects[i];
    const std::string at = "subjects[" + std::to_string(i) + "].";
    if (IsBlank(s.name)) return InvalidArgument(at + "name: required");
    GC_RETURN_IF_ERROR(CheckLength(s.name, kMaxSubjectText, (at + "name").c_str()));
    GC_RETURN_IF_ERROR(CheckLength(s.id_number, 32, (at + "idNumber").c_str()));
    GC_RETURN_IF_ERROR(CheckLength(s.phone, 32, (at + "phone").c_str()));
    if (s.age < 0 || s.age > 150) return InvalidArgument(at + "age: must be 0-150 (0 = unknown)");
  }
  return Status::Ok();
}

// Which grids an actor may report from.
Status CheckMayReportFrom(const Actor& actor, const std::string& grid_id, const OrgTree& tree) {
  switch (actor.role) {
    case Role::kGridWorker:
      if (grid_id != actor.unit_id) {
        return PermissionDenied("gridId: a grid worker reports only for their own grid (" +
                                actor.unit_id + ")");
      }
      return Status::Ok();
    case Role::kGridLeader:
    case Role::kFederationStaff:
    case Role::kSupervisor:
      if (!tree.IsWithin(grid_id, actor.unit_id)) {
        return PermissionDenied("gridId: grid " + grid_id + " is outside your unit " +
                                actor.unit_id);
      }
      return Status::Ok();
    case Role::kHotlineOperator:
    case Role::kDepartmentStaff:
    case Role::kAdmin:
      return Status::Ok();
    case Role::kSystem:
      break;
  }
  return PermissionDenied("this role cannot report cases");
}

// Deadlines are computed here so that every warning about an uncovered calendar year is
// collected in one place.
class Clocks {
 public:
  Clocks(const RuleBook& rules, const Case& c, std::vector<std::string>& warnings)
      : rules_(rules), windows_(rules.sla.For(c.category, c.priority)), warnings_(warnings) {}

  TimePoint Add(TimePoint start, const SlaDuration& d, const char* what) {
    const Deadline dl = AddSlaDuration(start, d, rules_.calendar);
    if (dl.approximated) {
      warnings_.push_back(std::string(what) + " deadline " + FormatRfc3339(dl.due) +
                          " was counted partly in natural days: the working-day calendar "
                          "does not cover that year; add the State Council notice to the "
                          "calendar file");
    }
    return dl.due;
  }

  // A response window [start, start + length): due time and warning point.
  void StartResponse(Case& c, TimePoint start, const SlaDuration& length) {
    const TimePoint due = Add(start, length, "response");
    c.response_due_time = due;
    c.pending_response_due = due;
    const auto span = due - start;
    const auto warn = start + std::chrono::duration_cast<Millis>(span * windows_.warn_at);
    if (warn > start && warn < due) {
      c.pending_response_warn = warn;
    } else {
      c.pending_response_warn.reset();
    }
  }

  const SlaWindows& windows() const { return windows_; }

 private:
  const RuleBook& rules_;
  SlaWindows windows_;
  std::vector<std::string>& warnings_;
};

void StopResponseClock(Case& c) {
  c.pending_response_due.reset();
  c.pending_response_warn.reset();
}

void StopAllClocks(Case& c) {
  StopResponseClock(c);
  c.pending_resolve_due.reset();
  c.pending_follow_up_due.reset();
}

bool ActorMatches(ActorRule rule, const Actor& actor, const Case& c, const CommandRequest& req,
                  const OrgTree& tree) {
  switch (rule) {
    case ActorRule::kGridLeaderOfVillage:
      return actor.role == Role::kGridLeader && actor.unit_id == c.village_id;
    case ActorRule::kHandlerOfAssignedUnit: {
      const OrgUnit* unit = tree.Find(c.assigned_unit_id);
      const Role handler = unit != nullptr && unit->level == OrgLevel::kDepartment
                               ? Role::kDepartmentStaff
                               : Role::kFederationStaff;
      return actor.role == handler && actor.unit_id == c.assigned_unit_id;
    }
    case ActorRule::kSupervisorAboveAssigned:
      return actor.role == Role::kSupervisor && tree.IsWithin(c.assigned_unit_id, actor.unit_id);
    case ActorRule::kSupervisorAboveBoth:
      return actor.role == Role::kSupervisor && tree.IsWithin(c.assigned_unit_id, actor.unit_id) &&
             tree.IsWithin(req.target_unit_id, actor.unit_id);
    case ActorRule::kReporter:
      return actor.role != Role::kSystem && actor.user_id == c.reporter_id;
    case ActorRule::kGridWorkerOfGrid:
      return actor.role == Role::kGridWorker && actor.unit_id == c.grid_id;
    case ActorRule::kAnyReader:
      return actor.role != Role::kSystem && CanRead(actor, c, tree);
    case ActorRule::kSystem:
      return actor.role == Role::kSystem;
  }
  return false;
}

bool AnyRuleMatches(const Transition& t, const Actor& actor, const Case& c,
                    const CommandRequest& req, const OrgTree& tree) {
  using Bits = ActorRules::Bits;
  const Bits who = t.who.bits();
  for (Bits bit = 1; bit != 0 && bit <= who; bit = static_cast<Bits>(bit << 1)) {
    if ((who & bit) && ActorMatches(static_cast<ActorRule>(bit), actor, c, req, tree)) {
      return true;
    }
  }
  return false;
}

// The pending deadline a system command fires, so a stale or repeated firing is refused.
std::optional<TimePoint> PendingFor(const Case& c, Command command) {
  switch (command) {
    case Command::kResponseWarning: return c.pending_response_warn;
    case Command::kResponseBreach: return c.pending_response_due;
    case Command::kResolveBreach: return c.pending_resolve_due;
    case Command::kFollowUpBreach: return c.pending_follow_up_due;
    default: return std::nullopt;
  }
}

bool IsDeadlineCommand(Command command) {
  switch (command) {
    case Command::kResponseWarning:
    case Command::kResponseBreach:
    case Command::kResolveBreach:
    case Command::kFollowUpBreach:
    case Command::kEscalateAfterResponseBreach:
    case Command::kEscalateAfterResolveBreach:
      return true;
    default:
      return false;
  }
}

CaseEvent MakeEvent(const Case& after, int seq, const Actor& actor, TimePoint now,
                    EventAction action, std::optional<CaseState> from, std::string note) {
  CaseEvent e;
  e.case_id = after.id;
  e.seq = seq;
  e.time = now;
  e.actor_id = actor.user_id;
  e.actor_role = actor.role;
  e.actor_unit_id = actor.unit_id;
  e.action = action;
  e.from_state = from;
  e.to_state = after.state;
  e.assigned_unit_id = after.assigned_unit_id;
  e.note = std::move(note);
  return e;
}

const Transition* FirstAdmitting(std::span<const Transition> rows, const Actor& actor,
                                 const Case& c, const CommandRequest& req, const OrgTree& tree) {
  for (const Transition& t : rows) {
    if (AnyRuleMatches(t, actor, c, req, tree)) return &t;
  }
  return nullptr;
}

// The row to apply after `row` brought the case to `c`, or null: none is named, its guard
// does not hold, or it would move the case up from the top unit.
const Transition* FollowOn(const Transition& row, const Case& c, const Actor& actor,
                           const CommandRequest& req, const SlaWindows& windows,
                           const OrgTree& tree) {
  if (!row.then.command) return nullptr;
  if (row.then.when == When::kPolicyEscalatesResolveBreach && !windows.escalate_resolve_breach) {
    return nullptr;
  }
  const Transition* next = FirstAdmitting(RowsFor(c.state, *row.then.command), actor, c, req, tree);
  if (next == nullptr) return nullptr;
  if (next->effects.Has(Effect::kMoveToParent) && tree.Parent(c.assigned_unit_id) == nullptr) {
    return nullptr;
  }
  return next;
}

// Applies one row's effects and its next state to `c`; the error its arguments or the
// case's position can cause (a move up from the top unit, a bad reassign target).
Status ApplyRow(const Transition& row, const CommandRequest& req, TimePoint now,
                const OrgTree& tree, Clocks& clocks, Case& c) {
  const auto& windows = clocks.windows();
  const Effects fx = row.effects;
  if (fx.Has(Effect::kMoveToParent)) {
    const OrgUnit* parent = tree.Parent(c.assigned_unit_id);
    if (parent == nullptr) {
      return FailedPrecondition("case " + c.number + " is already at the top unit " +
                                c.assigned_unit_id + "; it cannot be escalated further");
    }
    c.assigned_unit_id = parent->id;
  }
  if (fx.Has(Effect::kMoveToTarget)) {
    if (req.target_unit_id.empty()) return InvalidArgument("unitId: required to reassign");
    const OrgUnit* target = tree.Find(req.target_unit_id);
    if (target == nullptr) return InvalidArgument("unitId: no unit " + req.target_unit_id);
    if (target->level == OrgLevel::kGrid) {
      return InvalidArgument("unitId: " + target->id + " is a grid; cases are handled by "
                             "villages, townships, the city or departments");
    }
    if (target->id == c.assigned_unit_id) {
      return FailedPrecondition("case " + c.number + " is already assigned to " + target->id);
    }
    c.assigned_unit_id = target->id;
  }
  if (fx.Has(Effect::kCountEscalation)) ++c.escalations;
  if (fx.Has(Effect::kRestartResponseClock)) {
    clocks.StartResponse(c, now, windows.escalated_response);
  }
  if (fx.Has(Effect::kRespond)) {
    if (!c.respond_time) c.respond_time = now;
    StopResponseClock(c);
    if (!c.resolve_due_time) {
      c.resolve_due_time = clocks.Add(now, windows.resolve, "resolution");
      c.pending_resolve_due = c.resolve_due_time;
    }
  }
  if (fx.Has(Effect::kResolveNow)) {
    c.resolve_time = now;
    c.pending_resolve_due.reset();
    c.follow_up_due_time = clocks.Add(now, windows.follow_up, "follow-up");
    c.pending_follow_up_due = c.follow_up_due_time;
  }
  if (fx.Has(Effect::kReopen)) {
    c.resolve_time.reset();
    c.follow_up_due_time.reset();
    c.pending_follow_up_due.reset();
    c.resolve_overdue = false;
    c.follow_up_overdue = false;
    c.resolve_due_time = clocks.Add(now, windows.resolve, "resolution");
    c.pending_resolve_due = c.resolve_due_time;
  }
  if (fx.Has(Effect::kCloseNow)) {
    c.close_time = now;
    StopAllClocks(c);
  }
  if (fx.Has(Effect::kStopAllClocks)) StopAllClocks(c);
  if (fx.Has(Effect::kClearWarning)) c.pending_response_warn.reset();
  if (fx.Has(Effect::kBreachResponse)) {
    c.overdue = true;
    StopResponseClock(c);
  }
  if (fx.Has(Effect::kBreachResolve)) {
    c.resolve_overdue = true;
    c.pending_resolve_due.reset();
  }
  if (fx.Has(Effect::kBreachFollowUp)) {
    c.follow_up_overdue = true;
    c.pending_follow_up_due.reset();
  }
  if (fx.Has(Effect::kForgetResolveDue)) c.resolve_due_time.reset();
  if (fx.Has(Effect::kErasePersonalData)) {
    if (!HoldsPersonalData(c)) {
      return FailedPrecondition("case " + c.number + " holds no personal data to erase");
    }
    c.description.clear();
    c.address.clear();
    c.subjects.clear();
  }
  c.state = row.to;
  return Status::Ok();
}

}  // namespace

bool HoldsPersonalData(const Case& c) {
  return !c.description.empty() || !c.address.empty() || !c.subjects.empty();
}

std::string FormatCaseNumber(const std::string& prefix, int year, int serial) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%04d-%06d", year, serial);
  return prefix + buf;
}

TakeNumbering FixedNumbering(CaseId id, std::string number) {
  return [id, number = std::move(number)]() -> Result<CaseNumbering> {
    return CaseNumbering{id, number};
  };
}

int ChinaYear(TimePoint t) {
  using namespace std::chrono;
  return int(year_month_day{floor<days>(t + kChinaUtcOffset)}.year());
}

std::vector<Command> AllowedCommands(const Case& c, const Actor& actor, const OrgTree& tree) {
  std::vector<Command> out;
  if (actor.role == Role::kSystem || !CanRead(actor, c, tree)) return out;
  // The supervisor's own unit stands for the target a reassign names later: it is always in
  // their subtree, so kSupervisorAboveBoth asks only whether they are above the assigned unit.
  CommandRequest probe;
  probe.target_unit_id = actor.unit_id;
  for (const Transition& t : TransitionTable()) {
    if (t.from != c.state) continue;
    if (t.effects.Has(Effect::kMoveToParent) && tree.Parent(c.assigned_unit_id) == nullptr) {
      continue;
    }
    probe.command = t.command;
    if (AnyRuleMatches(t, actor, c, probe, tree) &&
        std::find(out.begin(), out.end(), t.command) == out.end()) {
      out.push_back(t.command);
    }
  }
  return out;
}

Command CommandForDeadline(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kResponseWarning: return Command::kResponseWarning;
    case DeadlineKind::kResponseDue: return Command::kResponseBreach;
    case DeadlineKind::kResolveDue: return Command::kResolveBreach;
    case DeadlineKind::kFollowUpDue: return Command::kFollowUpBreach;
  }
  return Command::kResponseBreach;
}

Result<Decision> DecideCreate(const NewCase& req, const Actor& actor, TimePoint now,
                              const RuleBook& rules, const TakeNumbering& take_numbering) {
  if (IsBlank(req.request_id)) return InvalidArgument("requestId: required");
  GC_RETURN_IF_ERROR(CheckLength(req.request_id, kMaxRequestId, "requestId"));
  if (IsBlank(req.title)) return InvalidArgument("title: required");
  GC_RETURN_IF_ERROR(CheckLength(req.title, kMaxTitle, "title"));
  GC_RETURN_IF_ERROR(CheckLength(req.description, kMaxDescription, "description"));
  GC_RETURN_IF_ERROR(CheckLength(req.address, kMaxAddress, "address"));
  GC_RETURN_IF_ERROR(ValidateSubjects(req.subjects));

  std::string grid_id = req.grid_id;
  if (grid_id.empty() && actor.role == Role::kGridWorker) grid_id = actor.unit_id;
  if (grid_id.empty()) return InvalidArgument("gridId: required");
  const OrgUnit* grid = rules.tree.Find(grid_id);
  if (grid == nullptr || grid->level != OrgLevel::kGrid) {
    return InvalidArgument("gridId: " + grid_id + " is not a grid unit");
  }
  GC_RETURN_IF_ERROR(CheckMayReportFrom(actor, grid_id, rules.tree));
  GC_ASSIGN_OR_RETURN(CaseNumbering numbering, take_numbering());

  Decision d;
  Case& c = d.after;
  c.id = numbering.id;
  c.number = std::move(numbering.number);
  c.request_id = req.request_id;
  c.channel = req.channel;
  c.category = req.category;
  c.priority = req.priority;
  c.grid_id = grid_id;
  c.village_id = grid->parent_id;
  c.title = req.title;
  c.description = req.description;
  c.address = req.address;
  c.subjects = req.subjects;
  c.state = CaseState::kReported;
  c.assigned_unit_id = c.village_id;
  c.reporter_id = actor.user_id;
  c.create_time = now;
  c.update_time = now;
  Clocks clocks(rules, c, d.warnings);
  clocks.StartResponse(c, now, clocks.windows().response);
  c.version = 1;

  CaseEvent e = MakeEvent(c, 1, actor, now, EventAction::kReported, std::nullopt, "");
  e.changes = EncodeCaseFields(c);
  d.events.push_back(std::move(e));
  return d;
}

Status CheckSameReport(const NewCase& retry, const Actor& actor, const Case& filed) {
  // What DecideCreate stores from the request. No action changes these fields after the
  // report, so the row still holds the first body (were one ever edited, compare with the
  // REPORTED event's fields instead).
  std::string grid_id = retry.grid_id;
  if (grid_id.empty() && actor.role == Role::kGridWorker) grid_id = actor.unit_id;
  const char* differs = nullptr;
  if (retry.channel != filed.channel) differs = "channel";
  else if (retry.category != filed.category) differs = "category";
  else if (retry.priority != filed.priority) differs = "priority";
  else if (grid_id != filed.grid_id) differs = "gridId";
  else if (retry.title != filed.title) differs = "title";
  else if (retry.description != filed.description) differs = "description";
  else if (retry.address != filed.address) differs = "address";
  else if (retry.subjects != filed.subjects) differs = "subjects";
  if (differs == nullptr) return Status::Ok();
  return AlreadyExists("requestId " + retry.request_id + " was already used for case " +
                       filed.number + " (id " + std::to_string(filed.id) + "), whose " +
                       differs + " differs; a retry must repeat the same report, a new "
                       "report needs a new requestId");
}

Result<Decision> DecideCommand(const Case& before, const CommandRequest& req, const Actor& actor,
                               TimePoint now, const RuleBook& rules) {
  const bool system = actor.role == Role::kSystem;
  const std::string verb(InfoFor(req.command).verb);
  if (!system && !CanRead(actor, before, rules.tree)) {
    return NotFound("case " + std::to_string(before.id) + " not found");
  }
  if (req.expected_version && *req.expected_version != before.version) {
    return Aborted("case " + before.number + " is at version " +
                   std::to_string(before.version) + ", not " +
                   std::to_string(*req.expected_version) + ": someone changed it first; reload");
  }
  const auto rows = RowsFor(before.state, req.command);
  if (rows.empty()) {
    return FailedPrecondition("cannot " + verb + " a case in state " +
                              std::string(Name(before.state)));
  }
  const Transition* row = FirstAdmitting(rows, actor, before, req, rules.tree);
  if (row == nullptr) {
    return PermissionDenied("you may not " + verb + " case " + before.number + " (" +
                            std::string(Name(actor.role)) + " of " + actor.unit_id + ")");
  }
  if (system && IsDeadlineCommand(req.command)) {
    const auto pending = PendingFor(before, req.command);
    if (!pending || (req.due_time && *req.due_time != *pending)) {
      return FailedPrecondition("deadline already handled or no longer pending");
    }
  }
  if (row->note == Note::kRequired && IsBlank(req.note)) {
    return InvalidArgument("note: required to " + verb + " a case");
  }
  GC_RETURN_IF_ERROR(CheckLength(req.note, kMaxNote, "note"));

  Decision d;
  Case& c = d.after;
  c = before;
  Clocks clocks(rules, c, d.warnings);
  const std::optional<TimePoint> fired_due =
      system ? PendingFor(before, req.command) : std::nullopt;

  GC_RETURN_IF_ERROR(ApplyRow(*row, req, now, rules.tree, clocks, c));
  CaseEvent e = MakeEvent(c, before.version + 1, actor, now, row->records, before.state, req.note);
  e.due_time = fired_due;
  e.changes = DiffCaseFields(before, c);
  d.events.push_back(std::move(e));

  // A follow-on (the escalation after a breach) is recorded as a second event, so the trail
  // shows the breach and the move separately; its note says why the system moved the case.
  if (const Transition* next = FollowOn(*row, c, actor, req, clocks.windows(), rules.tree)) {
    const Case first = c;
    GC_RETURN_IF_ERROR(ApplyRow(*next, req, now, rules.tree, clocks, c));
    CaseEvent up = MakeEvent(c, before.version + 2, actor, now, next->records, first.state,
                             std::string(InfoFor(next->command).label));
    up.due_time = fired_due;
    up.changes = DiffCaseFields(first, c);
    d.events.push_back(std::move(up));
  }
  c.version = before.version + static_cast<int>(d.events.size());
  c.update_time = now;
  return d;
}

}  // namespace gridcare::engine
