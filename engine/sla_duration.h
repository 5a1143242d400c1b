// SLA durations as configured ("48h", "30m", "15wd") and deadline arithmetic over them.
// Not the policy: which window applies to which case is sla_policy.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/time.h"
#include "engine/work_calendar.h"

namespace gridcare::engine {

struct SlaDuration {
  enum class Unit { kMillis, kWorkingDays };
  Unit unit = Unit::kMillis;
  std::int64_t amount = 0;  // milliseconds, or working days

  static SlaDuration Natural(Millis d) { return {Unit::kMillis, d.count()}; }
  static SlaDuration WorkingDays(int n) { return {Unit::kWorkingDays, n}; }
  bool operator==(const SlaDuration&) const = default;
};

// Parses "Ns", "Nm", "Nh", "Nd" (natural) and "Nwd" (working days); N a positive integer.
// The message quotes the text and lists the accepted forms.
Result<SlaDuration> ParseSlaDuration(std::string_view text);
std::string FormatSlaDuration(const SlaDuration& d);

struct Deadline {
  TimePoint due{};
  // True when a working-day span ran into a year the calendar does not cover and that
  // part was counted in natural days. The caller must log and count it: never silent.
  bool approximated = false;
};

// start + d. Working days: the deadline is the end (24:00 China time) of the N-th
// working day after the local date of `start`; the start day itself never counts.
Deadline AddSlaDuration(TimePoint start, const SlaDuration& d, const WorkCalendar& calendar);

}  // namespace gridcare::engine
