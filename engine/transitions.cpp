// The transition table. Read it against the lifecycle diagram in product.md and the
// action table in api.md; every row is also exercised by tests/engine/transitions_test.
#include "engine/transitions.h"

#include <algorithm>
#include <array>

namespace gridcare::engine {
namespace {

using S = CaseState;
using C = Command;
using E = EventAction;

constexpr std::uint16_t operator|(ActorRule a, ActorRule b) {
  return static_cast<std::uint16_t>(a) | static_cast<std::uint16_t>(b);
}
constexpr std::uint16_t Only(ActorRule a) { return static_cast<std::uint16_t>(a); }

constexpr auto kLeaderOrHandler = ActorRule::kGridLeaderOfVillage | ActorRule::kHandlerOfAssignedUnit;
constexpr auto kHandler = Only(ActorRule::kHandlerOfAssignedUnit);
constexpr auto kHandlerOrSupervisor =
    ActorRule::kHandlerOfAssignedUnit | ActorRule::kSupervisorAboveAssigned;
constexpr auto kSupervisor = Only(ActorRule::kSupervisorAboveAssigned);
constexpr auto kSupervisorBoth = Only(ActorRule::kSupervisorAboveBoth);
constexpr auto kVisitor = ActorRule::kGridWorkerOfGrid | ActorRule::kHandlerOfAssignedUnit;
constexpr auto kReporter = Only(ActorRule::kReporter);
constexpr auto kReader = Only(ActorRule::kAnyReader);
constexpr auto kSystem = Only(ActorRule::kSystem);

constexpr std::uint32_t kEscalation = kMoveToParent | kCountEscalation | kRestartResponseClock;
constexpr std::uint32_t kReassignment = kMoveToTarget | kRestartResponseClock;

// from           command                  who                   to              records            effects          note   owes
constexpr Transition kTable[] = {
  {S::kReported,   C::kVerifyConfirm,       kLeaderOrHandler,     S::kAssigned,   E::kVerified,      kNoEffect,       false, true},
  {S::kReported,   C::kVerifyReject,        kLeaderOrHandler,     S::kRejected,   E::kRejected,      kStopAllClocks,  true,  true},
  {S::kAssigned,   C::kAccept,              kHandler,             S::kInProgress, E::kAccepted,      kRespond,        false, true},
  {S::kReported,   C::kEscalate,            kHandlerOrSupervisor, S::kReported,   E::kEscalated,     kEscalation,     true,  false},
  {S::kAssigned,   C::kEscalate,            kHandlerOrSupervisor, S::kAssigned,   E::kEscalated,     kEscalation,     true,  false},
  {S::kInProgress, C::kEscalate,            kHandlerOrSupervisor, S::kAssigned,   E::kEscalated,     kEscalation,     true,  false},
  {S::kReported,   C::kReassign,            kSupervisorBoth,      S::kReported,   E::kReassigned,    kReassignment,   true,  false},
  {S::kAssigned,   C::kReassign,            kSupervisorBoth,      S::kAssigned,   E::kReassigned,    kReassignment,   true,  false},
  {S::kInProgress, C::kReassign,            kSupervisorBoth,      S::kAssigned,   E::kReassigned,    kReassignment,   true,  false},
  {S::kInProgress, C::kResolve,             kHandler,             S::kResolved,   E::kResolved,      kResolveNow,     true,  true},
  {S::kResolved,   C::kFollowUpSatisfied,   kVisitor,             S::kClosed,     E::kClosed,        kCloseNow,       false, true},
  {S::kResolved,   C::kFollowUpUnsatisfied, kVisitor,             S::kInProgress, E::kReopened,      kReopen,         false, true},
  {S::kReported,   C::kWithdraw,            kReporter,            S::kWithdrawn,  E::kWithdrawn,     kStopAllClocks,  false, false},
  {S::kReported,   C::kComment,             kReader,              S::kReported,   E::kCommented,     kNoEffect,       true,  false},
  {S::kAssigned,   C::kComment,             kReader,              S::kAssigned,   E::kCommented,     kNoEffect,       true,  false},
  {S::kInProgress, C::kComment,             kReader,              S::kInProgress, E::kCommented,     kNoEffect,       true,  false},
  {S::kResolved,   C::kComment,             kReader,              S::kResolved,   E::kCommented,     kNoEffect,       true,  false},
  {S::kClosed,     C::kComment,             kReader,              S::kClosed,     E::kCommented,     kNoEffect,       true,  false},
  {S::kRejected,   C::kComment,             kReader,              S::kRejected,   E::kCommented,     kNoEffect,       true,  false},
  {S::kWithdrawn,  C::kComment,             kReader,              S::kWithdrawn,  E::kCommented,     kNoEffect,       true,  false},
  {S::kReported,   C::kUrge,                kSupervisor,          S::kReported,   E::kUrged,         kNoEffect,       false, false},
  {S::kAssigned,   C::kUrge,                kSupervisor,          S::kAssigned,   E::kUrged,         kNoEffect,       false, false},
  {S::kInProgress, C::kUrge,                kSupervisor,          S::kInProgress, E::kUrged,         kNoEffect,       false, false},
  {S::kResolved,   C::kUrge,                kSupervisor,          S::kResolved,   E::kUrged,         kNoEffect,       false, false},
  // Automatic, by actor "system", when a stored deadline falls.
  {S::kReported,   C::kResponseWarning,     kSystem,              S::kReported,   E::kSlaWarning,    kClearWarning,   false, false},
  {S::kAssigned,   C::kResponseWarning,     kSystem,              S::kAssigned,   E::kSlaWarning,    kClearWarning,   false, false},
  {S::kReported,   C::kResponseBreach,      kSystem,              S::kReported,   E::kSlaBreached,   kBreachResponse, false, false},
  {S::kAssigned,   C::kResponseBreach,      kSystem,              S::kAssigned,   E::kSlaBreached,   kBreachResponse, false, false},
  {S::kAssigned,   C::kResolveBreach,       kSystem,              S::kAssigned,   E::kResolveOverdue, kBreachResolve, false, false},
  {S::kInProgress, C::kResolveBreach,       kSystem,              S::kInProgress, E::kResolveOverdue, kBreachResolve, false, false},
  {S::kResolved,   C::kFollowUpBreach,      kSystem,              S::kResolved,   E::kFollowUpOverdue, kBreachFollowUp, false, false},
};

}  // namespace

std::span<const Transition> TransitionTable() { return kTable; }

std::span<const Transition> RowsFor(CaseState from, Command command) {
  // Rows for one (state, command) are adjacent in the table by construction.
  const auto* begin = std::find_if(std::begin(kTable), std::end(kTable), [&](const Transition& t) {
    return t.from == from && t.command == command;
  });
  const auto* end = std::find_if(begin, std::end(kTable), [&](const Transition& t) {
    return !(t.from == from && t.command == command);
  });
  return {begin, end};
}

bool IsRecordableTransition(EventAction action, std::optional<CaseState> from, CaseState to,
                            Role actor_role) {
  if (!from) return action == E::kReported && to == S::kReported && actor_role != Role::kSystem;
  const bool system = actor_role == Role::kSystem;
  // The ESCALATED that follows an SLA breach moves the case up like a manual escalation:
  // REPORTED stays REPORTED, anything being handled becomes ASSIGNED to the new unit.
  if (system && action == E::kEscalated) {
    return (*from == S::kReported && to == S::kReported) ||
           ((*from == S::kAssigned || *from == S::kInProgress) && to == S::kAssigned);
  }
  for (const Transition& t : kTable) {
    if (t.records == action && t.from == *from && t.to == to &&
        HasRule(t, ActorRule::kSystem) == system) {
      return true;
    }
  }
  return false;
}

}  // namespace gridcare::engine
