// The case state machine as data: one row per (state, command, who) with the event it
// records and the effects it has. Reviewed line by line against product.md and api.md;
// the decider and the tests both iterate the same table.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>

#include "engine/case.h"
#include "engine/enums.h"

namespace gridcare::engine {

// A set of the flags of one scoped enum whose values are single bits.
template <typename E>
class FlagSet {
 public:
  using Bits = std::underlying_type_t<E>;
  constexpr FlagSet() = default;
  constexpr FlagSet(E flag) : bits_(static_cast<Bits>(flag)) {}  // NOLINT: a flag is a set
  constexpr FlagSet operator|(FlagSet other) const {
    FlagSet out;
    out.bits_ = static_cast<Bits>(bits_ | other.bits_);
    return out;
  }
  constexpr bool Has(E flag) const { return (bits_ & static_cast<Bits>(flag)) != 0; }
  constexpr Bits bits() const { return bits_; }

 private:
  Bits bits_ = 0;
};

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
using ActorRules = FlagSet<ActorRule>;
constexpr ActorRules operator|(ActorRule a, ActorRule b) { return ActorRules(a) | b; }

// What a row does besides changing state and recording its event.
enum class Effect : std::uint32_t {
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
  kBreachResponse = 1 << 10,       // overdue for good, response clock stops
  kBreachResolve = 1 << 11,        // resolve_overdue, resolution clock stops
  kBreachFollowUp = 1 << 12,       // follow_up_overdue, follow-up clock stops
  kForgetResolveDue = 1 << 13,     // resolveDueTime cleared: the new unit's resolution
                                   // window starts when it accepts
  kErasePersonalData = 1 << 14,    // description, address and subjects cleared (retention)
};
using Effects = FlagSet<Effect>;
constexpr Effects operator|(Effect a, Effect b) { return Effects(a) | b; }

// Whether the command must carry a note (INVALID_ARGUMENT without one).
enum class Note : std::uint8_t { kOptional, kRequired };
// Whether a case in `from` is in the INBOX of the actors the row names: they owe it a step.
enum class Owes : std::uint8_t { kNothing, kInbox };

// When a row's follow-on applies, besides the follow-on row itself applying (a follow-on
// that would move the case up from the top unit is left out: the first event stands alone).
enum class When : std::uint8_t {
  kAlways,
  kPolicyEscalatesResolveBreach,  // SlaWindows::escalate_resolve_breach for the case
};

// A second row the decider applies right after this one, by the same actor at the same
// time, recorded as an event of its own with its command's label as the note: the
// scheduler's escalation after an SLA breach.
struct Then {
  std::optional<Command> command;  // none: the row stands alone
  When when = When::kAlways;
};

struct Transition {
  CaseState from;
  Command command;
  ActorRules who;
  CaseState to;
  EventAction records;
  Effects effects;
  Note note;
  Owes owes;
  Then then;
};

std::span<const Transition> TransitionTable();

// The rows for (state, command), in table order; empty when the command does not apply.
std::span<const Transition> RowsFor(CaseState from, Command command);

// Whether an audit event with this shape is one the table can produce (used by replay).
bool IsRecordableTransition(EventAction action, std::optional<CaseState> from, CaseState to,
                            Role actor_role);

inline bool HasRule(const Transition& t, ActorRule r) { return t.who.Has(r); }

}  // namespace gridcare::engine
