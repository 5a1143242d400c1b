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
using N = Note;
using O = Owes;
using R = ActorRule;
using F = Effect;

constexpr ActorRules kLeaderOrHandler = R::kGridLeaderOfVillage | R::kHandlerOfAssignedUnit;
constexpr ActorRules kHandler = R::kHandlerOfAssignedUnit;
constexpr ActorRules kHandlerOrSupervisor = R::kHandlerOfAssignedUnit | R::kSupervisorAboveAssigned;
constexpr ActorRules kSupervisor = R::kSupervisorAboveAssigned;
constexpr ActorRules kSupervisorBoth = R::kSupervisorAboveBoth;
constexpr ActorRules kVisitor = R::kGridWorkerOfGrid | R::kHandlerOfAssignedUnit;
constexpr ActorRules kReporter = R::kReporter;
constexpr ActorRules kReader = R::kAnyReader;
constexpr ActorRules kSystem = R::kSystem;

constexpr Effects kNone{};
constexpr Effects kEscalation = F::kMoveToParent | F::kCountEscalation | F::kRestartResponseClock;
constexpr Effects kReassignment = F::kMoveToTarget | F::kRestartResponseClock;

// then: the row applied next (Then in transitions.h)
constexpr Then kAlone{};
constexpr Then kThenEscalate{C::kEscalateAfterResponseBreach, When::kAlways};
constexpr Then kThenEscalateByPolicy{C::kEscalateAfterResolveBreach,
                                     When::kPolicyEscalatesResolveBreach};

// from           command                  who                   to              records             effects               note          owes       then
constexpr Transition kTable[] = {
  {S::kReported,   C::kVerifyConfirm,       kLeaderOrHandler,     S::kAssigned,   E::kVerified,       kNone,                N::kOptional, O::kInbox,   kAlone},
  {S::kReported,   C::kVerifyReject,        kLeaderOrHandler,     S::kRejected,   E::kRejected,       F::kStopAllClocks,    N::kRequired, O::kInbox,   kAlone},
  {S::kAssigned,   C::kAccept,              kHandler,             S::kInProgress, E::kAccepted,       F::kRespond,          N::kOptional, O::kInbox,   kAlone},
  {S::kReported,   C::kEscalate,            kHandlerOrSupervisor, S::kReported,   E::kEscalated,      kEscalation,          N::kRequired, O::kNothing, kAlone},
  {S::kAssigned,   C::kEscalate,            kHandlerOrSupervisor, S::kAssigned,   E::kEscalated,      kEscalation,          N::kRequired, O::kNothing, kAlone},
  {S::kInProgress, C::kEscalate,            kHandlerOrSupervisor, S::kAssigned,   E::kEscalated,      kEscalation,          N::kRequired, O::kNothing, kAlone},
  {S::kReported,   C::kReassign,            kSupervisorBoth,      S::kReported,   E::kReassigned,     kReassignment,        N::kRequired, O::kNothing, kAlone},
  {S::kAssigned,   C::kReassign,            kSupervisorBoth,      S::kAssigned,   E::kReassigned,     kReassignment,        N::kRequired, O::kNothing, kAlone},
  {S::kInProgress, C::kReassign,            kSupervisorBoth,      S::kAssigned,   E::kReassigned,     kReassignment,        N::kRequired, O::kNothing, kAlone},
  {S::kInProgress, C::kResolve,             kHandler,             S::kResolved,   E::kResolved,       F::kResolveNow,       N::kRequired, O::kInbox,   kAlone},
  {S::kResolved,   C::kFollowUpSatisfied,   kVisitor,             S::kClosed,     E::kClosed,         F::kCloseNow,         N::kOptional, O::kInbox,   kAlone},
  {S::kResolved,   C::kFollowUpUnsatisfied, kVisitor,             S::kInProgress, E::kReopened,       F::kReopen,           N::kOptional, O::kInbox,   kAlone},
  {S::kReported,   C::kWithdraw,            kReporter,            S::kWithdrawn,  E::kWithdrawn,      F::kStopAllClocks,    N::kOptional, O::kNothing, kAlone},
  {S::kReported,   C::kComment,             kReader,              S::kReported,   E::kCommented,      kNone,                N::kRequired, O::kNothing, kAlone},
  {S::kAssigned,   C::kComment,             kReader,              S::kAssigned,   E::kCommented,      kNone,                N::kRequired, O::kNothing, kAlone},
  {S::kInProgress, C::kComment,             kReader,              S::kInProgress, E::kCommented,      kNone,                N::kRequired, O::kNothing, kAlone},
  {S::kResolved,   C::kComment,             kReader,              S::kResolved,   E::kCommented,      kNone,                N::kRequired, O::kNothing, kAlone},
  {S::kClosed,     C::kComment,             kReader,              S::kClosed,     E::kCommented,      kNone,                N::kRequired, O::kNothing, kAlone},
  {S::kRejected,   C::kComment,             kReader,              S::kRejected,   E::kCommented,      kNone,                N::kRequired, O::kNothing, kAlone},
  {S::kWithdrawn,  C::kComment,             kReader,              S::kWithdrawn,  E::kCommented,      kNone,                N::kRequired, O::kNothing, kAlone},
  {S::kReported,   C::kUrge,                kSupervisor,          S::kReported,   E::kUrged,          kNone,                N::kOptional, O::kNothing, kAlone},
  {S::kAssigned,   C::kUrge,                kSupervisor,          S::kAssigned,   E::kUrged,          kNone,                N::kOptional, O::kNothing, kAlone},
  {S::kInProgress, C::kUrge,                kSupervisor,          S::kInProgress, E::kUrged,          kNone,                N::kOptional, O::kNothing, kAlone},
  {S::kResolved,   C::kUrge,                kSupervisor,          S::kResolved,   E::kUrged,          kNone,                N::kOptional, O::kNothing, kAlone},
  // Automatic, by actor "system", when a stored deadline falls.
  {S::kReported,   C::kResponseWarning,     kSystem,              S::kReported,   E::kSlaWarning,     F::kClearWarning,     N::kOptional, O::kNothing, kAlone},
  {S::kAssigned,   C::kResponseWarning,     kSystem,              S::kAssigned,   E::kSlaWarning,     F::kClearWarning,     N::kOptional, O::kNothing, kAlone},
  {S::kReported,   C::kResponseBreach,      kSystem,              S::kReported,   E::kSlaBreached,    F::kBreachResponse,   N::kOptional, O::kNothing, kThenEscalate},
  {S::kAssigned,   C::kResponseBreach,      kSystem,              S::kAssigned,   E::kSlaBreached,    F::kBreachResponse,   N::kOptional, O::kNothing, kThenEscalate},
  {S::kAssigned,   C::kResolveBreach,       kSystem,              S::kAssigned,   E::kResolveOverdue, F::kBreachResolve,    N::kOptional, O::kNothing, kThenEscalateByPolicy},
  {S::kInProgress, C::kResolveBreach,       kSystem,              S::kInProgress, E::kResolveOverdue, F::kBreachResolve,    N::kOptional, O::kNothing, kThenEscalateByPolicy},
  {S::kResolved,   C::kFollowUpBreach,      kSystem,              S::kResolved,   E::kFollowUpOverdue, F::kBreachFollowUp,  N::kOptional, O::kNothing, kAlone},
  // Only as the follow-on of a breach above: the parent unit takes over with a fresh window.
  {S::kReported,   C::kEscalateAfterResponseBreach, kSystem,     S::kReported,   E::kEscalated,      kEscalation,          N::kOptional, O::kNothing, kAlone},
  {S::kAssigned,   C::kEscalateAfterResponseBreach, kSystem,     S::kAssigned,   E::kEscalated,      kEscalation,          N::kOptional, O::kNothing, kAlone},
  {S::kAssigned,   C::kEscalateAfterResolveBreach,  kSystem,     S::kAssigned,   E::kEscalated,      kEscalation | F::kForgetResolveDue, N::kOptional, O::kNothing, kAlone},
  {S::kInProgress, C::kEscalateAfterResolveBreach,  kSystem,     S::kAssigned,   E::kEscalated,      kEscalation | F::kForgetResolveDue, N::kOptional, O::kNothing, kAlone},
  // Retention ([privacy] minimise_after): a finished case's personal data is erased; the
  // event records that it was, and by the chain, what it had committed to.
  {S::kClosed,     C::kMinimisePersonalData, kSystem,             S::kClosed,     E::kPersonalDataMinimised, F::kErasePersonalData, N::kOptional, O::kNothing, kAlone},
  {S::kRejected,   C::kMinimisePersonalData, kSystem,             S::kRejected,   E::kPersonalDataMinimised, F::kErasePersonalData, N::kOptional, O::kNothing, kAlone},
  {S::kWithdrawn,  C::kMinimisePersonalData, kSystem,             S::kWithdrawn,  E::kPersonalDataMinimised, F::kErasePersonalData, N::kOptional, O::kNothing, kAlone},
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
  for (const Transition& t : kTable) {
    if (t.records == action && t.from == *from && t.to == to &&
        HasRule(t, ActorRule::kSystem) == system) {
      return true;
    }
  }
  return false;
}

}  // namespace gridcare::engine
