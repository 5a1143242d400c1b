// Validation and lookup for the statutory working-day calendar (holidays and 调休 days).
// Not the data itself (data/calendar/cn-statutory.toml) nor its parser (app/calendar_file.cpp).
#include "engine/work_calendar.h"

#include <cstdio>
#include <string>

namespace gridcare::engine {
namespace {

using std::chrono::sys_days;

bool IsWeekend(sys_days day) {
  const std::chrono::weekday wd{day};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

std::string WeekdayName(sys_days day) {
  static constexpr const char* kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                           "Thursday", "Friday", "Saturday"};
  return kNames[std::chrono::weekday{day}.c_encoding()];
}

Status CheckInYear(int year, sys_days day, std::string_view list) {
  if (static_cast<int>(std::chrono::year_month_day{day}.year()) == year) return Status::Ok();
  return InvalidArgument("calendar year " + std::to_string(year) + ": " + std::string(list) +
                         " day " + FormatIsoDate(day) + " is not in " + std::to_string(year));
}

}  // namespace

std::string FormatIsoDate(sys_days day) {
  const std::chrono::year_month_day ymd{day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Result<WorkCalendar> WorkCalendar::Build(std::map<int, CalendarYear> years) {
  for (const auto& [year, data] : years) {
    const std::string prefix = "calendar year " + std::to_string(year) + ": ";
    if (year < 1900 || year > 9999) {
      return InvalidArgument(prefix + "year out of range 1900..9999");
    }
    for (sys_days day : data.holidays) GC_RETURN_IF_ERROR(CheckInYear(year, day, "holiday"));
    for (sys_days day : data.make_up) {
      GC_RETURN_IF_ERROR(CheckInYear(year, day, "make-up"));
      if (data.holidays.contains(day)) {
        return InvalidArgument(prefix + FormatIsoDate(day) +
                               " is listed both as a holiday and as a make-up working day");
      }
      // 调休 only ever moves work onto a weekend; a weekday here is a typo in the data.
      if (!IsWeekend(day)) {
        return InvalidArgument(prefix + "make-up working day " + FormatIsoDate(day) + " is a " +
                               WeekdayName(day) + ", not a Saturday or Sunday");
      }
    }
  }
  WorkCalendar calendar;
  calendar.years_ = std::move(years);
  return calendar;
}

bool WorkCalendar::Covers(std::chrono::year y) const {
  return years_.contains(static_cast<int>(y));
}

bool WorkCalendar::IsWorkingDay(sys_days day) const {
  const auto it = years_.find(static_cast<int>(std::chrono::year_month_day{day}.year()));
  if (it != years_.end()) {
    if (it->second.holidays.contains(day)) return false;
    if (it->second.make_up.contains(day)) return true;
  }
  return !IsWeekend(day);
}

int WorkCalendar::first_year() const { return years_.empty() ? 0 : years_.begin()->first; }

int WorkCalendar::last_year() const { return years_.empty() ? 0 : years_.rbegin()->first; }

}  // namespace gridcare::engine
