// TimePoint (UTC, millisecond precision) and its RFC 3339 text form.
// Not a clock: nothing here reads the current time; see clock.h for that seam.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridcare::engine {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Millis>;

inline std::int64_t ToUnixMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromUnixMillis(std::int64_t ms) { return TimePoint(Millis(ms)); }

// "2026-01-02T03:04:05.678Z" (milliseconds printed only when non-zero).
std::string FormatRfc3339(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z" or with a "+HH:MM"/"-HH:MM" offset.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

// China Standard Time is UTC+8 all year (no daylight saving); working-day deadlines
// are computed on local dates.
inline constexpr std::chrono::hours kChinaUtcOffset{8};

}  // namespace gridcare::engine
