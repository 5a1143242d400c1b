// Which SLA windows apply to a case: [sla] defaults, overridden per priority and then per
// category (the most specific wins), with the built-in short response for URGENT and
// DOMESTIC_VIOLENCE cases when no override says otherwise (api.md §1).
#pragma once

#include <map>
#include <optional>

#include "engine/enums.h"
#include "engine/sla_duration.h"

namespace gridcare::engine {

struct SlaWindows {
  SlaDuration response = SlaDuration::Natural(std::chrono::hours(48));
  SlaDuration escalated_response = SlaDuration::Natural(std::chrono::hours(24));
  SlaDuration resolve = SlaDuration::WorkingDays(15);
  SlaDuration follow_up = SlaDuration::Natural(std::chrono::hours(24 * 7));
  double warn_at = 0.75;
  // A missed resolution deadline is always recorded; with this set, the case also moves up
  // to the parent unit, which must accept it within escalated_response.
  bool escalate_resolve_breach = false;

  bool operator==(const SlaWindows&) const = default;
};

// A partial table: only the keys a config table sets.
struct SlaOverride {
  std::optional<SlaDuration> response;
  std::optional<SlaDuration> escalated_response;
  std::optional<SlaDuration> resolve;
  std::optional<SlaDuration> follow_up;
  std::optional<double> warn_at;
  std::optional<bool> escalate_resolve_breach;

  bool operator==(const SlaOverride&) const = default;
};

class SlaPolicy {
 public:
  SlaPolicy() = default;
  SlaPolicy(SlaWindows defaults, std::map<Priority, SlaOverride> by_priority,
            std::map<Category, SlaOverride> by_category);

  SlaWindows For(Category category, Priority priority) const;
  const SlaWindows& defaults() const { return defaults_; }

  // The default short response window for URGENT / DOMESTIC_VIOLENCE: min(2h, response).
  static constexpr std::chrono::hours kUrgentResponse{2};

 private:
  SlaWindows defaults_;
  std::map<Priority, SlaOverride> by_priority_;
  std::map<Category, SlaOverride> by_category_;
};

}  // namespace gridcare::engine
