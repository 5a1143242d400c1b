// The Chinese statutory working-day calendar: weekends off, public holidays off,
// 调休 make-up weekend days on, per year as published by the State Council.
// Not file loading: app/calendar_file.* reads the data file into this.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "engine/status.h"

namespace gridcare::engine {

struct CalendarYear {
  std::set<std::chrono::sys_days> holidays;  // days off, whole ranges as the notice lists them
  std::set<std::chrono::sys_days> make_up;   // weekend days that are working days
  std::string source;                        // the notice, e.g. 国办发明电〔2024〕12号
};

class WorkCalendar {
 public:
  WorkCalendar() = default;
  // Rejects a day listed both as holiday and make-up day, a day outside its year, and a
  // make-up day that is not a Saturday or Sunday. A holiday on a weekend is accepted:
  // the notices announce whole ranges ("1月28日至2月4日") that include weekends.
  static Result<WorkCalendar> Build(std::map<int, CalendarYear> years);

  bool Covers(std::chrono::year y) const;
  // Only meaningful for covered years; an uncovered year falls back to Mon–Fri.
  bool IsWorkingDay(std::chrono::sys_days day) const;
  // The covered range; both 0 for an empty calendar.
  int first_year() const;
  int last_year() const;
  const std::map<int, CalendarYear>& years() const { return years_; }

 private:
  std::map<int, CalendarYear> years_;
};

// "2025-01-28", for messages and the data file's own syntax.
std::string FormatIsoDate(std::chrono::sys_days day);

}  // namespace gridcare::engine
