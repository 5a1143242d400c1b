// Parsing, printing and deadline arithmetic for SLA durations ("48h", "15wd").
// Not the choice of window per case (sla_policy.cpp) nor the holiday data (work_calendar.cpp).
#include "engine/sla_duration.h"

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace gridcare::engine {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::string_view kAcceptedForms =
    "expected a positive whole number followed by s, m, h, d or wd "
    "(seconds, minutes, hours, days, working days), e.g. \"30m\", \"48h\", \"7d\", \"15wd\"";

// Anything longer than this is a typo, not a policy; the cap also keeps every deadline
// far inside TimePoint's range so the arithmetic below can never overflow.
constexpr std::int64_t kMaxNaturalMillis = std::int64_t{100} * 366 * 24 * 3600 * 1000;
constexpr std::int64_t kMaxWorkingDays = 100 * 250;

Status Bad(std::string_view text, std::string_view why) {
  std::string m = "invalid SLA duration \"";
  m.append(text);
  m += "\"";
  if (!why.empty()) {
    m += " (";
    m.append(why);
    m += ")";
  }
  m += ": ";
  m.append(kAcceptedForms);
  return InvalidArgument(std::move(m));
}

bool IsWeekday(sys_days day) {
  const std::chrono::weekday wd{day};
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

}  // namespace

Result<SlaDuration> ParseSlaDuration(std::string_view text) {
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const int digit = text[i] - '0';
    // Saturate instead of overflowing; the range check below rejects it with one message.
    if (n > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
      n = std::numeric_limits<std::int64_t>::max();
    } else {
      n = n * 10 + digit;
    }
    ++i;
  }
  if (i == 0) return Bad(text, text.empty() ? "empty" : "must start with a whole number");
  const std::string_view unit = text.substr(i);
  if (unit.empty()) return Bad(text, "missing unit");
  if (n == 0) return Bad(text, "must be greater than zero");

  if (unit == "wd") {
    if (n > kMaxWorkingDays) return Bad(text, "too large, at most 25000wd");
    return SlaDuration::WorkingDays(static_cast<int>(n));
  }
  std::int64_t unit_ms = 0;
  if (unit == "s") {
    unit_ms = 1000;
  } else if (unit == "m") {
    unit_ms = 60 * 1000;
  } else if (unit == "h") {
    unit_ms = 3600 * 1000;
  } else if (unit == "d") {
    unit_ms = 24 * 3600 * 1000;
  } else {
    return Bad(text, "unknown unit");
  }
  if (n > kMaxNaturalMillis / unit_ms) return Bad(text, "too large, at most 100 years");
  return SlaDuration::Natural(Millis(n * unit_ms));
}

std::string FormatSlaDuration(const SlaDuration& d) {
  if (d.unit == SlaDuration::Unit::kWorkingDays) return std::to_string(d.amount) + "wd";
  struct UnitName {
    std::int64_t ms;
    const char* suffix;
  };
  // Largest unit that divides exactly, so that Format(Parse(x)) is stable and readable.
  constexpr UnitName kUnits[] = {
      {24 * 3600 * 1000, "d"}, {3600 * 1000, "h"}, {60 * 1000, "m"}, {1000, "s"}};
  if (d.amount != 0) {
    for (const auto& u : kUnits) {
      if (d.amount % u.ms == 0) return std::to_string(d.amount / u.ms) + u.suffix;
    }
    // Not expressible in config syntax; only code can build such a value.
    return std::to_string(d.amount) + "ms";
  }
  return "0s";
}

Deadline AddSlaDuration(TimePoint start, const SlaDuration& d, const WorkCalendar& calendar) {
  Deadline out;
  if (d.unit == SlaDuration::Unit::kMillis) {
    out.due = start + Millis(d.amount);
    return out;
  }
  if (d.amount <= 0) {
    out.due = start;
    return out;
  }
  // Working days are counted on China's local calendar, whatever the server's zone.
  const auto local = start + std::chrono::duration_cast<Millis>(kChinaUtcOffset);
  sys_days day = std::chrono::floor<days>(local);
  std::int64_t remaining = d.amount;
  while (remaining > 0) {
    day += days(1);
    const std::chrono::year_month_day ymd{day};
    bool working = false;
    if (calendar.Covers(ymd.year())) {
      working = calendar.IsWorkingDay(day);
    } else {
      // Without the State Council's notice for that year we cannot know its holidays;
      // Mon–Fri is the best guess, and the flag makes the guess visible.
      working = IsWeekday(day);
      out.approximated = true;
    }
    if (working) --remaining;
  }
  // End of the local day = start of the next local day, expressed in UTC.
  out.due =
      TimePoint(sys_days(day + days(1))) - std::chrono::duration_cast<Millis>(kChinaUtcOffset);
  return out;
}

}  // namespace gridcare::engine
