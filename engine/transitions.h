// The case state machine as data: one row per (state, command, who) with the event it
// records and the effects it has. Reviewed line by line against product.md and api.md;
// the decider and the tests both iterate the same table.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "engine/case.h"
#include "engine/enums.h"

namespace gridcare::engine {

// Who may fire a row. A row lists one or more rules; any one suffices.
enum class ActorRule : std::uint16_t {
  kGridLeaderOfVillage = 1 << 0,      // GRID_LEADER of the village the case's grid is in
  kHandlerOfAssignedUnit = 1 << 1,    // FEDERATION_STAFF of the assigned unit, or
                                      // DEPARTMENT_STAFF when that unit is a department
  kSupervisorAboveAssigned = 1 << 2,  // SUPERVISOR whose subtree holds the assigned unit
  kSupervisorAboveBoth = 1 << 3,      // ... and the target unit of a reassign
  kReporter = 1 << 4,                 // the user who reported the case
  kGridWorkerOfGrid = 1 << 5,         // GRID_WORKER of the case's grid
  kAnyReader = 1 << 6,                // anyone who can read the case
  kSystem = 1 << 7,                   // the SLA scheduler
};

// What a row does besides changing state and recording its event.
enum Effect : std::uint32_t {
  kNoEffect = 0,
  kRespond = 1 << 0,               // respondTime (first time), stop the response clock,
                                   // start the resolution clock unless one runs
  kMoveToParent = 1 << 1,          // assigned unit → its parent; refused at the root
  kMoveToTarget = 1 << 2,          // assigned unit → request.unitId
  kCountEscalation = 1 << 3,       // escalations += 1
  kRestartResponseClock = 1 << 4,  // the new unit gets a fresh escalated_response window
  kStopAllClocks = 1 << 5,         // a terminal state: nothing is owed any more
  kResolveNow = 1 << 6,            // resolveTime, stop resolution clock, start follow-up clock
  kReopen = 1 << 7,                // clear resolveTime and follow-up, fresh resolution window
  kCloseNow = 1 << 8,              // closeTime, stop every clock
  kClearWarning = 1 << 9,          // the response warning fired
  kBreachResponse = 1 << 10,       // overdue for good, response clock stops; then, if the
                                   // unit has a parent, a second event ESCALATED moves it up
                                   // with a fresh window (kAutoEscalation)
  kBreachResolve = 1 << 11,        // resolve_overdue, resolution clock stops; when the
                                   // policy says so, a second event ESCALATED moves it up
  kBreachFollowUp = 1 << 12,       // follow_up_overdue, follow-up clock stops
};

struct Transition {
  CaseState from;
  Command command;
  std::uint16_t who;  // ActorRule bits
  CaseState to;
  EventAction records;
  std::uint32_t effects;  // Effect bits
  bool needs_note;
  bool owes_next_step;  // counts toward the actor's INBOX
};

std::span<const Transition> TransitionTable();

// The rows for (state, command), in table order; empty when the command does not apply.
std::span<const Transition> RowsFor(CaseState from, Command command);

// Whether an audit event with this shape is one the table can produce (used by replay).
// `auto_escalation` is the ESCALATED event that follows an SLA breach.
bool IsRecordableTransition(EventAction action, std::optional<CaseState> from, CaseState to,
                            Role actor_role);

inline bool HasRule(const Transition& t, ActorRule r) {
  return (t.who & static_cast<std::uint16_t>(r)) != 0;
}

}  // namespace gridcare::engine
