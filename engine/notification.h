// Notifications: who must be told what when a case changes (urged, warned, breached,
// escalated, an urgent report). Derived from a change's events, written to the outbox in
// the same transaction, delivered later by app/'s dispatcher. Not delivery.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/org_tree.h"

namespace gridcare::engine {

struct Notification {
  CaseId case_id = 0;
  int event_seq = 0;          // the event that caused it; (case_id, event_seq, unit) is unique
  EventAction reason = EventAction::kUrged;
  std::string unit_id;        // the unit to tell
  std::string case_number;
  std::string message;        // zh-CN, for a person
  TimePoint time{};
};

// One notification waiting for a sink, with the attempts made so far.
struct OutboxEntry {
  std::int64_t id = 0;
  Notification notification;
  int attempts = 0;
};

enum class DeliveryState { kRetrying, kDelivered, kDead };

struct DeliveryRecord {
  std::int64_t notification_id = 0;
  std::string sink;
  DeliveryState state = DeliveryState::kRetrying;
  int attempts = 0;
  std::optional<TimePoint> next_attempt;  // when retrying
  std::string last_error;
};

// The notifications a committed change owes, from its events and the case after it.
std::vector<Notification> NotificationsFor(const Case& after, const std::vector<CaseEvent>& events,
                                           const OrgTree& tree);

template <>
struct EnumNames<DeliveryState> {
  static constexpr std::pair<DeliveryState, std::string_view> kNames[] = {
      {DeliveryState::kRetrying, "RETRYING"},
      {DeliveryState::kDelivered, "DELIVERED"},
      {DeliveryState::kDead, "DEAD"}};
};

}  // namespace gridcare::engine
