// Tests for SLA duration parsing/printing and deadline arithmetic over the working-day calendar.
// Not the data file: tests/app/calendar_file_test.cpp checks the shipped calendar.
#include "engine/sla_duration.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "engine/time.h"
#include "engine/work_calendar.h"

namespace gridcare::engine {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::year_month_day;

sys_days D(int y, unsigned m, unsigned d) {
  return sys_days(year_month_day{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)});
}

void AddRange(std::set<sys_days>& days, sys_days first, sys_days last) {
  for (sys_days d = first; d <= last; d += std::chrono::days(1)) days.insert(d);
}

// The 2025 notice (国办发明电〔2024〕12号), enough of it for these tests.
WorkCalendar Calendar2025() {
  CalendarYear y;
  y.source = "test";
  y.holidays.insert(D(2025, 1, 1));
  AddRange(y.holidays, D(2025, 1, 28), D(2025, 2, 4));
  AddRange(y.holidays, D(2025, 10, 1), D(2025, 10, 8));
  y.make_up = {D(2025, 1, 26), D(2025, 2, 8), D(2025, 9, 28), D(2025, 10, 11)};
  std::map<int, CalendarYear> years;
  years.emplace(2025, y);
  auto c = WorkCalendar::Build(years);
  REQUIRE(c.ok());
  return *c;
}

TimePoint At(const char* rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  REQUIRE(t.has_value());
  return *t;
}

std::string Due(TimePoint start, const char* duration, const WorkCalendar& cal) {
  auto d = ParseSlaDuration(duration);
  REQUIRE(d.ok());
  return FormatRfc3339(AddSlaDuration(start, *d, cal).due);
}

TEST_CASE("SLA durations parse in seconds, minutes, hours, days and working days", "[engine]") {
  CHECK(ParseSlaDuration("30s").value() == SlaDuration::Natural(30s));
  CHECK(ParseSlaDuration("30m").value() == SlaDuration::Natural(30min));
  CHECK(ParseSlaDuration("48h").value() == SlaDuration::Natural(48h));
  CHECK(ParseSlaDuration("7d").value() == SlaDuration::Natural(168h));
  CHECK(ParseSlaDuration("15wd").value() == SlaDuration::WorkingDays(15));
}

TEST_CASE("an SLA duration must be a positive whole number with a unit", "[engine]") {
  for (const char* bad :
       {"0h", "-1h", "1.5h", "", "48", "48hours", "h", "48H", " 48h", "48h ", "+48h", "0wd", "2w",
        "99999999999999999999999h", "9223372036854775807s", "40000d", "30000wd"}) {
    CAPTURE(bad);
    const auto r = ParseSlaDuration(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kInvalidArgument);
    // The message quotes the text and lists the accepted forms.
    CHECK_THAT(r.status().message(), Catch::Contains("\"" + std::string(bad) + "\""));
    CHECK_THAT(r.status().message(), Catch::Contains("wd"));
  }
}

TEST_CASE("an SLA duration prints in its largest exact unit and parses back", "[engine]") {
  for (const char* text : {"30s", "90s", "30m", "25h", "7d", "15wd"}) {
    CAPTURE(text);
    CHECK(FormatSlaDuration(ParseSlaDuration(text).value()) == text);
  }
  CHECK(FormatSlaDuration(ParseSlaDuration("120m").value()) == "2h");
  CHECK(FormatSlaDuration(ParseSlaDuration("48h").value()) == "2d");
  CHECK(FormatSlaDuration(SlaDuration::Natural(1500ms)) == "1500ms");
}

TEST_CASE("a natural SLA duration is wall-clock time, holidays included", "[engine]") {
  const WorkCalendar cal = Calendar2025();
  const Deadline d = AddSlaDuration(At("2025-01-27T02:00:00Z"), SlaDuration::Natural(48h), cal);
  CHECK(FormatRfc3339(d.due) == "2025-01-29T02:00:00Z");
  CHECK_FALSE(d.approximated);
}

TEST_CASE("a working-day deadline skips the 2025 Spring Festival", "[engine]") {
  const WorkCalendar cal = Calendar2025();
  // Friday 2025-01-24 10:00 in China. Working days after it: 01-26 (Sunday, 调休), 01-27,
  // then 01-28..02-04 off, 02-05..02-07, 02-08 (Saturday, 调休), 02-10..02-14, 02-17..02-20.
  const TimePoint friday = At("2025-01-24T10:00:00+08:00");
  CHECK(Due(friday, "1wd", cal) == "2025-01-26T16:00:00Z");  // Sunday 01-26 is a working day
  CHECK(Due(friday, "2wd", cal) == "2025-01-27T16:00:00Z");
  CHECK(Due(friday, "3wd", cal) == "2025-02-05T16:00:00Z");  // 01-28..02-04 off
  CHECK(Due(friday, "6wd", cal) == "2025-02-08T16:00:00Z");  // Saturday 02-08 is on
  CHECK(Due(friday, "15wd", cal) == "2025-02-20T16:00:00Z");
  CHECK_FALSE(AddSlaDuration(friday, SlaDuration::WorkingDays(15), cal).approximated);
}

TEST_CASE("a working-day deadline follows the 2025 National Day 调休", "[engine]") {
  const WorkCalendar cal = Calendar2025();
  // Friday 09-26 + 1wd: Saturday 09-27 off, Sunday 09-28 on.
  CHECK(Due(At("2025-09-26T09:00:00+08:00"), "1wd", cal) == "2025-09-28T16:00:00Z");
  // Tuesday 09-30 + 1wd: 10-01..10-08 off, Thursday 10-09 on.
  const TimePoint tuesday = At("2025-09-30T09:00:00+08:00");
  CHECK(Due(tuesday, "1wd", cal) == "2025-10-09T16:00:00Z");
  CHECK(Due(tuesday, "3wd", cal) == "2025-10-11T16:00:00Z");  // Saturday 10-11 is on
  CHECK(Due(tuesday, "15wd", cal) == "2025-10-28T16:00:00Z");
}

TEST_CASE("working days count from the China local date of the start, never the start day",
          "[engine]") {
  const WorkCalendar cal = Calendar2025();
  // 23:30 UTC on Wednesday 02-05 is already Thursday 02-06 in China.
  CHECK(Due(At("2025-02-05T23:30:00Z"), "1wd", cal) == "2025-02-07T16:00:00Z");
  // 15:59 UTC is still Wednesday in China, 16:00 UTC is Thursday.
  CHECK(Due(At("2025-02-05T15:59:59Z"), "1wd", cal) == "2025-02-06T16:00:00Z");
  CHECK(Due(At("2025-02-05T16:00:00Z"), "1wd", cal) == "2025-02-07T16:00:00Z");
  // Starting on a holiday or weekend: the next working day is the first one counted.
  CHECK(Due(At("2025-02-01T12:00:00+08:00"), "1wd", cal) == "2025-02-05T16:00:00Z");
}

TEST_CASE("a working-day deadline running into an uncovered year is approximated", "[engine]") {
  const WorkCalendar cal = Calendar2025();
  // Wednesday 2025-12-31 + 1wd: 2026 is not covered, Thursday 2026-01-01 counted as Mon–Fri.
  const Deadline d =
      AddSlaDuration(At("2025-12-31T09:00:00+08:00"), SlaDuration::WorkingDays(1), cal);
  CHECK(FormatRfc3339(d.due) == "2026-01-01T16:00:00Z");
  CHECK(d.approximated);
  // Inside the covered year the same kind of span is exact.
  CHECK_FALSE(AddSlaDuration(At("2025-12-01T09:00:00+08:00"), SlaDuration::WorkingDays(5), cal)
                  .approximated);
  // A start in an uncovered year whose counted days are all covered is exact too.
  CHECK_FALSE(AddSlaDuration(At("2024-12-31T09:00:00+08:00"), SlaDuration::WorkingDays(1), cal)
                  .approximated);
}

TEST_CASE("with an empty calendar working days are Mon–Fri and always approximated", "[engine]") {
  const WorkCalendar empty;
  const Deadline d =
      AddSlaDuration(At("2025-01-24T10:00:00+08:00"), SlaDuration::WorkingDays(3), empty);
  CHECK(FormatRfc3339(d.due) == "2025-01-29T16:00:00Z");  // Mon 27, Tue 28, Wed 29
  CHECK(d.approximated);
}

}  // namespace
}  // namespace gridcare::engine
