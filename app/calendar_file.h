// Loads the statutory working-day calendar from its TOML data file (data/calendar/*.toml).
// Not the calendar's rules: engine/work_calendar.h validates and answers the questions.
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/work_calendar.h"

namespace gridcare::app {

// Reads one table per year: [2025] source = "...", holidays = ["2025-01-01",
// "2025-01-28..2025-02-04"], make_up_workdays = ["2025-01-26"]. Ranges are inclusive.
// Every error names the file, the year and the offending entry; unknown keys are errors.
engine::Result<engine::WorkCalendar> LoadWorkCalendar(const std::string& path);
// The same from the file's text; `path` only names it in messages.
engine::Result<engine::WorkCalendar> ParseWorkCalendar(std::string_view text,
                                                       const std::string& path);

// The calendar shipped with the source tree; an installed deployment sets
// [calendar] file in its config instead.
std::string DefaultCalendarPath();

}  // namespace gridcare::app
