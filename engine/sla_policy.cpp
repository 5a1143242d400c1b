// Resolves the SLA windows for one case from [sla] defaults and per-priority/category overrides.
// Not deadline arithmetic (sla_duration.cpp) nor config parsing (app/config.cpp).
#include "engine/sla_policy.h"

#include <utility>

namespace gridcare::engine {
namespace {

void Apply(const SlaOverride& o, SlaWindows& w) {
  if (o.response) w.response = *o.response;
  if (o.escalated_response) w.escalated_response = *o.escalated_response;
  if (o.resolve) w.resolve = *o.resolve;
  if (o.follow_up) w.follow_up = *o.follow_up;
  if (o.warn_at) w.warn_at = *o.warn_at;
  if (o.escalate_resolve_breach) w.escalate_resolve_breach = *o.escalate_resolve_breach;
}

}  // namespace

SlaPolicy::SlaPolicy(SlaWindows defaults, std::map<Priority, SlaOverride> by_priority,
                     std::map<Category, SlaOverride> by_category)
    : defaults_(std::move(defaults)),
      by_priority_(std::move(by_priority)),
      by_category_(std::move(by_category)) {}

SlaWindows SlaPolicy::For(Category category, Priority priority) const {
  SlaWindows w = defaults_;
  bool response_overridden = false;
  // Priority first, category second: the category is the more specific table and wins.
  if (const auto it = by_priority_.find(priority); it != by_priority_.end()) {
    Apply(it->second, w);
    response_overridden |= it->second.response.has_value();
  }
  if (const auto it = by_category_.find(category); it != by_category_.end()) {
    Apply(it->second, w);
    response_overridden |= it->second.response.has_value();
  }
  // A child at risk must not wait two days for someone to pick up the phone, even when the
  // administrator wrote no override (api.md §1).
  if (!response_overridden &&
      (priority == Priority::kUrgent || category == Category::kDomesticViolence)) {
    const SlaDuration urgent = SlaDuration::Natural(kUrgentResponse);
    const SlaDuration& base = defaults_.response;
    // A working-day default is always longer than 2h of wall time in effect, so 2h wins.
    if (base.unit == SlaDuration::Unit::kMillis && base.amount < urgent.amount) {
      w.response = base;
    } else {
      w.response = urgent;
    }
  }
  return w;
}

}  // namespace gridcare::engine
