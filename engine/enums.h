// The engine's own vocabulary: states, commands, event kinds, roles, org levels and
// case attributes, with their contract spellings. Protobuf enums mirror these in handlers/.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace gridcare::engine {

enum class CaseState { kReported, kAssigned, kInProgress, kResolved, kClosed, kRejected, kWithdrawn };

// What a person (or the scheduler) asks for: one row each in actions.def, which also gives
// its spelling, URL action and label (actions.h); its rows are in transitions.cpp.
enum class Command {
#define GC_ACTION(id, ...) id,
#define GC_SCHEDULER_COMMAND(id, ...) id,
#include "engine/actions.def"
#undef GC_ACTION
#undef GC_SCHEDULER_COMMAND
};

// What the audit trail records (CaseEvent.action in the contract).
enum class EventAction {
  kReported,
  kVerified,
  kRejected,
  kAccepted,
  kEscalated,
  kResolved,
  kReopened,
  kClosed,
  kWithdrawn,
  kCommented,
  kUrged,
  kReassigned,
  kSlaWarning,
  kSlaBreached,
  kResolveOverdue,
  kFollowUpOverdue,
  kPersonalDataMinimised,
};

enum class Role {
  kGridWorker,
  kGridLeader,
  kFederationStaff,
  kDepartmentStaff,
  kHotlineOperator,
  kSupervisor,
  kAdmin,
  kSystem,  // the scheduler; never a login role
};

enum class OrgLevel { kCity, kTownship, kVillage, kGrid, kDepartment };

enum class Channel { kGridPatrol, kTownshipDiscovery, kHotline12345, kDepartmentReferral };

enum class Category {
  kLeftBehindChild,
  kChildInHardship,
  kWomanInHardship,
  kFamilyInHardship,
  kDomesticViolence,
  kOther,
};

enum class Priority { kRoutine, kUrgent };

// Deadlines the store keeps per case; the scheduler fires each exactly once.
enum class DeadlineKind { kResponseWarning, kResponseDue, kResolveDue, kFollowUpDue };

// --- names -----------------------------------------------------------------------------

template <typename E>
struct EnumNames;  // specialised below: static constexpr std::array<std::pair<E, std::string_view>, N> kNames

#define GC_ENUM_NAMES(E, ...)                                                           \
  template <>                                                                           \
  struct EnumNames<E> {                                                                 \
    static constexpr std::pair<E, std::string_view> kNames[] = {__VA_ARGS__};           \
  };

GC_ENUM_NAMES(CaseState, {CaseState::kReported, "REPORTED"}, {CaseState::kAssigned, "ASSIGNED"},
              {CaseState::kInProgress, "IN_PROGRESS"}, {CaseState::kResolved, "RESOLVED"},
              {CaseState::kClosed, "CLOSED"}, {CaseState::kRejected, "REJECTED"},
              {CaseState::kWithdrawn, "WITHDRAWN"})
template <>
struct EnumNames<Command> {
  static constexpr std::pair<Command, std::string_view> kNames[] = {
#define GC_ACTION(id, spelling, ...) {Command::id, spelling},
#define GC_SCHEDULER_COMMAND(id, spelling, ...) {Command::id, spelling},
#include "engine/actions.def"
#undef GC_ACTION
#undef GC_SCHEDULER_COMMAND
  };
};
GC_ENUM_NAMES(EventAction, {EventAction::kReported, "REPORTED"},
              {EventAction::kVerified, "VERIFIED"}, {EventAction::kRejected, "REJECTED"},
              {EventAction::kAccepted, "ACCEPTED"}, {EventAction::kEscalated, "ESCALATED"},
              {EventAction::kResolved, "RESOLVED"}, {EventAction::kReopened, "REOPENED"},
              {EventAction::kClosed, "CLOSED"}, {EventAction::kWithdrawn, "WITHDRAWN"},
              {EventAction::kCommented, "COMMENTED"}, {EventAction::kUrged, "URGED"},
              {EventAction::kReassigned, "REASSIGNED"}, {EventAction::kSlaWarning, "SLA_WARNING"},
              {EventAction::kSlaBreached, "SLA_BREACHED"},
              {EventAction::kResolveOverdue, "RESOLVE_OVERDUE"},
              {EventAction::kFollowUpOverdue, "FOLLOW_UP_OVERDUE"},
              {EventAction::kPersonalDataMinimised, "PERSONAL_DATA_MINIMISED"})
GC_ENUM_NAMES(Role, {Role::kGridWorker, "GRID_WORKER"}, {Role::kGridLeader, "GRID_LEADER"},
              {Role::kFederationStaff, "FEDERATION_STAFF"},
              {Role::kDepartmentStaff, "DEPARTMENT_STAFF"},
              {Role::kHotlineOperator, "HOTLINE_OPERATOR"}, {Role::kSupervisor, "SUPERVISOR"},
              {Role::kAdmin, "ADMIN"}, {Role::kSystem, "SYSTEM"})
GC_ENUM_NAMES(OrgLevel, {OrgLevel::kCity, "CITY"}, {OrgLevel::kTownship, "TOWNSHIP"},
              {OrgLevel::kVillage, "VILLAGE"}, {OrgLevel::kGrid, "GRID"},
              {OrgLevel::kDepartment, "DEPARTMENT"})
GC_ENUM_NAMES(Channel, {Channel::kGridPatrol, "GRID_PATROL"},
              {Channel::kTownshipDiscovery, "TOWNSHIP_DISCOVERY"},
              {Channel::kHotline12345, "HOTLINE_12345"},
              {Channel::kDepartmentReferral, "DEPARTMENT_REFERRAL"})
GC_ENUM_NAMES(Category, {Category::kLeftBehindChild, "LEFT_BEHIND_CHILD"},
              {Category::kChildInHardship, "CHILD_IN_HARDSHIP"},
              {Category::kWomanInHardship, "WOMAN_IN_HARDSHIP"},
              {Category::kFamilyInHardship, "FAMILY_IN_HARDSHIP"},
              {Category::kDomesticViolence, "DOMESTIC_VIOLENCE"}, {Category::kOther, "OTHER"})
GC_ENUM_NAMES(Priority, {Priority::kRoutine, "ROUTINE"}, {Priority::kUrgent, "URGENT"})
GC_ENUM_NAMES(DeadlineKind, {DeadlineKind::kResponseWarning, "RESPONSE_WARNING"},
              {DeadlineKind::kResponseDue, "RESPONSE_DUE"},
              {DeadlineKind::kResolveDue, "RESOLVE_DUE"},
              {DeadlineKind::kFollowUpDue, "FOLLOW_UP_DUE"})
#undef GC_ENUM_NAMES

template <typename E>
constexpr std::string_view Name(E value) {
  for (const auto& [v, n] : EnumNames<E>::kNames) {
    if (v == value) return n;
  }
  return "?";
}

template <typename E>
constexpr std::optional<E> ParseEnum(std::string_view text) {
  for (const auto& [v, n] : EnumNames<E>::kNames) {
    if (n == text) return v;
  }
  return std::nullopt;
}

template <typename E>
constexpr auto AllValues() {
  std::array<E, std::size(EnumNames<E>::kNames)> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = EnumNames<E>::kNames[i].first;
  return out;
}

}  // namespace gridcare::engine
