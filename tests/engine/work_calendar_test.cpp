// Tests for WorkCalendar: validation of a year's data and classification of days.
// Not deadline arithmetic (sla_duration_test.cpp) nor the TOML file (tests/app).
#include "engine/work_calendar.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace gridcare::engine {
namespace {

using std::chrono::sys_days;

sys_days D(int y, unsigned m, unsigned d) {
  return sys_days(std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m),
                                              std::chrono::day(d)});
}

Result<WorkCalendar> One(int year, std::set<sys_days> holidays, std::set<sys_days> make_up) {
  std::map<int, CalendarYear> years;
  years[year] = CalendarYear{std::move(holidays), std::move(make_up), "test notice"};
  return WorkCalendar::Build(std::move(years));
}

TEST_CASE("a calendar classifies weekends, holidays and 调休 make-up days", "[engine]") {
  const auto cal = One(2025, {D(2025, 1, 28), D(2025, 2, 1)}, {D(2025, 1, 26)});
  REQUIRE(cal.ok());
  CHECK(cal->IsWorkingDay(D(2025, 1, 24)));        // ordinary Friday
  CHECK_FALSE(cal->IsWorkingDay(D(2025, 1, 25)));  // ordinary Saturday
  CHECK(cal->IsWorkingDay(D(2025, 1, 26)));        // Sunday, make-up day
  CHECK_FALSE(cal->IsWorkingDay(D(2025, 1, 28)));  // Tuesday, holiday
  CHECK_FALSE(cal->IsWorkingDay(D(2025, 2, 1)));   // Saturday inside a holiday range
}

TEST_CASE("a calendar reports the years it covers", "[engine]") {
  std::map<int, CalendarYear> years;
  years[2024].source = "a";
  years[2026].source = "b";
  const auto cal = WorkCalendar::Build(years);
  REQUIRE(cal.ok());
  CHECK(cal->first_year() == 2024);
  CHECK(cal->last_year() == 2026);
  CHECK(cal->Covers(std::chrono::year(2024)));
  CHECK_FALSE(cal->Covers(std::chrono::year(2025)));
  CHECK_FALSE(cal->Covers(std::chrono::year(2027)));
  const WorkCalendar empty;
  CHECK(empty.first_year() == 0);
  CHECK(empty.last_year() == 0);
}

TEST_CASE("an uncovered year falls back to Monday to Friday", "[engine]") {
  const auto cal = One(2025, {}, {});
  REQUIRE(cal.ok());
  CHECK(cal->IsWorkingDay(D(2027, 1, 1)));  // a Friday; the real calendar will say otherwise
  CHECK_FALSE(cal->IsWorkingDay(D(2027, 1, 2)));
}

TEST_CASE("a day cannot be both a holiday and a make-up working day", "[engine]") {
  const auto cal = One(2025, {D(2025, 1, 26)}, {D(2025, 1, 26)});
  REQUIRE_FALSE(cal.ok());
  CHECK(cal.status().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(cal.status().message(), Catch::Contains("2025-01-26"));
  CHECK_THAT(cal.status().message(), Catch::Contains("both"));
}

TEST_CASE("a calendar day must lie in the year it is listed under", "[engine]") {
  const auto holiday = One(2025, {D(2026, 1, 1)}, {});
  REQUIRE_FALSE(holiday.ok());
  CHECK_THAT(holiday.status().message(), Catch::Contains("2026-01-01"));
  CHECK_THAT(holiday.status().message(), Catch::Contains("2025"));
  const auto make_up = One(2025, {}, {D(2024, 12, 28)});
  REQUIRE_FALSE(make_up.ok());
  CHECK_THAT(make_up.status().message(), Catch::Contains("2024-12-28"));
}

TEST_CASE("a make-up working day must be a Saturday or Sunday", "[engine]") {
  const auto cal = One(2025, {}, {D(2025, 1, 27)});
  REQUIRE_FALSE(cal.ok());
  CHECK_THAT(cal.status().message(), Catch::Contains("2025-01-27"));
  CHECK_THAT(cal.status().message(), Catch::Contains("Monday"));
}

TEST_CASE("a holiday that falls on a weekend is accepted", "[engine]") {
  // Notices announce whole ranges such as 2025-05-31..2025-06-02 (Saturday to Monday).
  const auto cal = One(2025, {D(2025, 5, 31), D(2025, 6, 1), D(2025, 6, 2)}, {});
  REQUIRE(cal.ok());
  CHECK_FALSE(cal->IsWorkingDay(D(2025, 6, 2)));
}

TEST_CASE("dates print as YYYY-MM-DD", "[engine]") {
  CHECK(FormatIsoDate(D(2025, 1, 8)) == "2025-01-08");
  CHECK(FormatIsoDate(D(2026, 12, 31)) == "2026-12-31");
}

}  // namespace
}  // namespace gridcare::engine
