// DecideCreate / DecideCommand: the transition table applied to one case.
// Every rule is looked up in transitions.cpp; this file only interprets its effects.
#include "engine/case_decider.h"

#include <algorithm>
#include <cstdio>

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
  for (std::uint16_t bit = 1; bit != 0 && bit <= t.who; bit <<= 1) {
    if ((t.who & bit) && ActorMatches(static_cast<ActorRule>(bit), actor, c, req, tree)) {
      return true;
    }
  }
  return false;
}

std::string_view Verb(Command command) {
  switch (command) {
    case Command::kVerifyConfirm:
    case Command::kVerifyReject: return "verify";
    case Command::kAccept: return "accept";
    case Command::kEscalate: return "escalate";
    case Command::kReassign: return "reassign";
    case Command::kResolve: return "resolve";
    case Command::kFollowUpSatisfied:
    case Command::kFollowUpUnsatisfied: return "follow up";
    case Command::kWithdraw: return "withdraw";
    case Command::kComment: return "comment on";
    case Command::kUrge: return "urge";
    default: return "fire a deadline on";
  }
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

}  // namespace

std::string FormatCaseNumber(const std::string& prefix, int year, int serial) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%04d-%06d", year, serial);
  return prefix + buf;
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
    if ((t.effects & kMoveToParent) && tree.Parent(c.assigned_unit_id) == nullptr) continue;
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

Result<Decision> DecideCreate(const NewCase& req, const Actor& actor, TimePoint now, CaseId id,
                              const std::string& number, const RuleBook& rules) {
  GC_ASSIGN_OR_RETURN(Decision d, DraftCreate(req, actor, now, rules));
  NumberCreate(d, id, number);
  return d;
}

void NumberCreate(Decision& draft, CaseId id, const std::string& number) {
  draft.after.id = id;
  draft.after.number = number;
  for (CaseEvent& e : draft.events) {
    e.case_id = id;
    // The number is one of the projected fields (case_fields.cpp); the id is not.
    e.changes.insert_or_assign("number", number);
  }
}

Result<Decision> DraftCreate(const NewCase& req, const Actor& actor, TimePoint now,
                             const RuleBook& rules) {
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

  Decision d;
  Case& c = d.after;
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

Result<Decision> DecideCommand(const Case& before, const CommandRequest& req, const Actor& actor,
                               TimePoint now, const RuleBook& rules) {
  const bool system = actor.role == Role::kSystem;
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
    return FailedPrecondition("cannot " + std::string(Verb(req.command)) + " a case in state " +
                              std::string(Name(before.state)));
  }
  const Transition* row = nullptr;
  for (const Transition& t : rows) {
    if (AnyRuleMatches(t, actor, before, req, rules.tree)) {
      row = &t;
      break;
    }
  }
  if (row == nullptr) {
    return PermissionDenied("you may not " + std::string(Verb(req.command)) + " case " +
                            before.number + " (" + std::string(Name(actor.role)) + " of " +
                            actor.unit_id + ")");
  }
  if (system) {
    const auto pending = PendingFor(before, req.command);
    if (!pending || (req.due_time && *req.due_time != *pending)) {
      return FailedPrecondition("deadline already handled or no longer pending");
    }
  }
  if (row->needs_note && IsBlank(req.note)) {
    return InvalidArgument("note: required to " + std::string(Verb(req.command)) + " a case");
  }
  GC_RETURN_IF_ERROR(CheckLength(req.note, kMaxNote, "note"));

  Decision d;
  Case& c = d.after;
  c = before;
  Clocks clocks(rules, c, d.warnings);
  const auto& windows = clocks.windows();
  const std::uint32_t fx = row->effects;
  std::optional<TimePoint> fired_due = system ? PendingFor(before, req.command) : std::nullopt;

  if (fx & kMoveToParent) {
    const OrgUnit* parent = rules.tree.Parent(c.assigned_unit_id);
    if (parent == nullptr) {
      return FailedPrecondition("case " + c.number + " is already at the top unit " +
                                c.assigned_unit_id + "; it cannot be escalated further");
    }
    c.assigned_unit_id = parent->id;
  }
  if (fx & kMoveToTarget) {
    if (req.target_unit_id.empty()) return InvalidArgument("unitId: required to reassign");
    const OrgUnit* target = rules.tree.Find(req.target_unit_id);
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
  if (fx & kCountEscalation) ++c.escalations;
  if (fx & kRestartResponseClock) clocks.StartResponse(c, now, windows.escalated_response);
  if (fx & kRespond) {
    if (!c.respond_time) c.respond_time = now;
    StopResponseClock(c);
    if (!c.resolve_due_time) {
      c.resolve_due_time = clocks.Add(now, windows.resolve, "resolution");
      c.pending_resolve_due = c.resolve_due_time;
    }
  }
  if (fx & kResolveNow) {
    c.resolve_time = now;
    c.pending_resolve_due.reset();
    c.follow_up_due_time = clocks.Add(now, windows.follow_up, "follow-up");
    c.pending_follow_up_due = c.follow_up_due_time;
  }
  if (fx & kReopen) {
    c.resolve_time.reset();
    c.follow_up_due_time.reset();
    c.pending_follow_up_due.reset();
    c.resolve_overdue = false;
    c.follow_up_overdue = false;
    c.resolve_due_time = clocks.Add(now, windows.resolve, "resolution");
    c.pending_resolve_due = c.resolve_due_time;
  }
  if (fx & kCloseNow) {
    c.close_time = now;
    StopAllClocks(c);
  }
  if (fx & kStopAllClocks) StopAllClocks(c);
  if (fx & kClearWarning) c.pending_response_warn.reset();
  if (fx & kBreachResponse) {
    c.overdue = true;
    StopResponseClock(c);
  }
  if (fx & kBreachResolve) {
    c.resolve_overdue = true;
    c.pending_resolve_due.reset();
  }
  if (fx & kBreachFollowUp) {
    c.follow_up_overdue = true;
    c.pending_follow_up_due.reset();
  }
  c.state = row->to;

  CaseEvent e = MakeEvent(c, before.version + 1, actor, now, row->records, before.state, req.note);
  e.due_time = fired_due;
  e.changes = DiffCaseFields(before, c);
  d.events.push_back(std::move(e));

  // After a response breach (or, when the policy asks, a resolution breach) the parent unit
  // takes over with a fresh window — recorded as a second event so the trail shows the
  // breach and the move separately.
  const bool escalate_after = (fx & kBreachResponse) ||
                              ((fx & kBreachResolve) && windows.escalate_resolve_breach);
  if (escalate_after) {
    if (const OrgUnit* parent = rules.tree.Parent(c.assigned_unit_id)) {
      const Case breached = c;
      c.assigned_unit_id = parent->id;
      c.state = c.state == CaseState::kReported ? CaseState::kReported : CaseState::kAssigned;
      ++c.escalations;
      clocks.StartResponse(c, now, windows.escalated_response);
      if (fx & kBreachResolve) {
        // The new unit's resolution window starts when it accepts.
        c.resolve_due_time.reset();
      }
      CaseEvent up = MakeEvent(c, before.version + 2, actor, now, EventAction::kEscalated,
                               breached.state,
                               (fx & kBreachResolve) ? "办结超时，自动上报至上级单位"
                                                     : "响应超时，自动上报至上级单位");
      up.due_time = fired_due;
      up.changes = DiffCaseFields(breached, c);
      d.events.push_back(std::move(up));
    }
  }
  c.version = before.version + static_cast<int>(d.events.size());
  c.update_time = now;
  return d;
}

}  // namespace gridcare::engine
