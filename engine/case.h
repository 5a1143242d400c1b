// The case record, its audit events, and the people who act on it — plain data.
// Not behaviour: transitions live in transitions.*, decisions in case_decider.*.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/enums.h"
#include "engine/field_map.h"
#include "engine/time.h"

namespace gridcare::engine {

using CaseId = std::int64_t;

enum class SubjectRole { kChild, kWoman, kParent, kGuardian, kOther };

struct Subject {
  std::string name;
  SubjectRole role = SubjectRole::kChild;
  int age = 0;  // 0 = unknown
  std::string id_number;
  std::string phone;

  bool operator==(const Subject&) const = default;
};

struct Case {
  CaseId id = 0;
  std::string number;      // human-facing, e.g. NA-2026-000123
  std::string request_id;  // the reporter's idempotency key
  Channel channel = Channel::kGridPatrol;
  Category category = Category::kOther;
  Priority priority = Priority::kRoutine;
  std::string grid_id;
  std::string village_id;  // the grid's village at creation: where verification happens
  std::string title;
  std::string description;
  std::string address;
  std::vector<Subject> subjects;

  CaseState state = CaseState::kReported;
  std::string assigned_unit_id;
  std::string reporter_id;

  TimePoint create_time{};
  TimePoint update_time{};
  TimePoint response_due_time{};  // the latest response deadline, kept after it is met
  std::optional<TimePoint> respond_time;
  std::optional<TimePoint> resolve_due_time;
  std::optional<TimePoint> resolve_time;
  std::optional<TimePoint> close_time;
  std::optional<TimePoint> follow_up_due_time;

  bool overdue = false;            // response SLA breached at least once; sticky
  bool resolve_overdue = false;    // the current resolution deadline passed unresolved
  bool follow_up_overdue = false;  // the current follow-up deadline passed unvisited
  int escalations = 0;             // moves up, manual and automatic
  int version = 0;                 // = seq of the last event

  // Deadlines still to fire. Each is cleared when it fires or stops applying, which is
  // what makes a deadline fire at most once; storage mirrors them into an index.
  std::optional<TimePoint> pending_response_warn;
  std::optional<TimePoint> pending_response_due;
  std::optional<TimePoint> pending_resolve_due;
  std::optional<TimePoint> pending_follow_up_due;

  std::string last_event_hash;  // head of the audit chain; set by storage

  bool operator==(const Case&) const = default;
};

struct CaseEvent {
  CaseId case_id = 0;
  int seq = 0;  // 1-based, gap-free per case
  TimePoint time{};
  std::string actor_id;  // a user id, or "system"
  Role actor_role = Role::kSystem;
  std::string actor_unit_id;
  EventAction action = EventAction::kReported;
  std::optional<CaseState> from_state;  // absent on the REPORTED event
  CaseState to_state = CaseState::kReported;
  std::string assigned_unit_id;  // after the event
  std::string note;
  std::optional<TimePoint> due_time;  // SLA events: the deadline that fell
  // Projected fields this event changed (name → canonical text, "" = cleared). Replaying
  // the changes of all events rebuilds the case row; see case_fields.h.
  FieldMap changes;
  std::string prev_hash;
  std::string hash;

  bool operator==(const CaseEvent&) const = default;
};

inline constexpr char kSystemActorId[] = "system";

struct User {
  std::string id;
  std::string username;
  std::string display_name;
  Role role = Role::kGridWorker;
  std::string org_unit_id;
  std::string password_hash;  // argon2id, encoded; never leaves storage/auth
};

// Whoever issues a command: a signed-in user, or the scheduler.
struct Actor {
  std::string user_id;
  Role role = Role::kSystem;
  std::string unit_id;

  static Actor System() { return {kSystemActorId, Role::kSystem, ""}; }
};

struct NewCase {
  std::string request_id;
  Channel channel = Channel::kGridPatrol;
  Category category = Category::kOther;
  Priority priority = Priority::kRoutine;
  std::string grid_id;  // may be empty for a GRID_WORKER: their own grid
  std::string title;
  std::string description;
  std::string address;
  std::vector<Subject> subjects;
};

struct CommandRequest {
  Command command = Command::kComment;
  std::optional<int> expected_version;
  std::string note;
  std::string target_unit_id;  // reassign
  // Deadline commands: the due time being fired; must match the pending one.
  std::optional<TimePoint> due_time;
};

}  // namespace gridcare::engine

namespace gridcare::engine {
template <>
struct EnumNames<SubjectRole> {
  static constexpr std::pair<SubjectRole, std::string_view> kNames[] = {
      {SubjectRole::kChild, "CHILD"},       {SubjectRole::kWoman, "WOMAN"},
      {SubjectRole::kParent, "PARENT"},     {SubjectRole::kGuardian, "GUARDIAN"},
      {SubjectRole::kOther, "OTHER"}};
};
}  // namespace gridcare::engine
