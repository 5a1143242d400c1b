// Tests for LoadWorkCalendar: the shipped data file, and errors that name file, year and entry.
// Not the working-day rules themselves (tests/engine/work_calendar_test.cpp).
#include "app/calendar_file.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>

#include "engine/sla_duration.h"
#include "engine/time.h"
#include "tests/support/temp_dir.h"

namespace gridcare::app {
namespace {

using std::chrono::sys_days;

sys_days D(int y, unsigned m, unsigned d) {
  return sys_days(std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m),
                                              std::chrono::day(d)});
}

std::string Write(const testing::TempDir& dir, const std::string& text) {
  const std::string path = dir.File("calendar.toml");
  std::ofstream(path) << text;
  return path;
}

// Loads `text` and returns the error message; fails the test if it loads.
std::string ErrorOf(const std::string& text) {
  testing::TempDir dir;
  const std::string path = Write(dir, text);
  const auto cal = LoadWorkCalendar(path);
  REQUIRE_FALSE(cal.ok());
  CHECK(cal.status().code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(cal.status().message(), Catch::Contains(path));
  return cal.status().message();
}

int CountHolidays(const engine::WorkCalendar& cal, int year) {
  return static_cast<int>(cal.years().at(year).holidays.size());
}

TEST_CASE("the shipped calendar loads and covers 2024 to 2026", "[app]") {
  const auto cal = LoadWorkCalendar(DefaultCalendarPath());
  REQUIRE(cal.ok());
  CHECK(cal->first_year() <= 2024);
  CHECK(cal->last_year() >= 2026);
  for (int y = 2024; y <= 2026; ++y) {
    CAPTURE(y);
    CHECK(cal->Covers(std::chrono::year(y)));
    CHECK_THAT(cal->years().at(y).source, Catch::Contains("国务院办公厅关于"));
  }
  // Day counts of each notice: 2024 and 2025 have 28 days off, 2026 has 33.
  CHECK(CountHolidays(*cal, 2024) == 28);
  CHECK(CountHolidays(*cal, 2025) == 28);
  CHECK(CountHolidays(*cal, 2026) == 33);
  CHECK(cal->years().at(2024).make_up.size() == 8);
  CHECK(cal->years().at(2025).make_up.size() == 5);
  CHECK(cal->years().at(2026).make_up.size() == 6);
}

TEST_CASE("the shipped calendar has the 2025 Spring Festival and National Day 调休", "[app]") {
  const auto cal = LoadWorkCalendar(DefaultCalendarPath());
  REQUIRE(cal.ok());
  CHECK(cal->IsWorkingDay(D(2025, 1, 26)));  // Sunday, make-up
  for (sys_days d = D(2025, 1, 28); d <= D(2025, 2, 4); d += std::chrono::days(1)) {
    CHECK_FALSE(cal->IsWorkingDay(d));
  }
  CHECK(cal->IsWorkingDay(D(2025, 2, 8)));   // Saturday, make-up
  CHECK(cal->IsWorkingDay(D(2025, 9, 28)));  // Sunday, make-up
  for (sys_days d = D(2025, 10, 1); d <= D(2025, 10, 8); d += std::chrono::days(1)) {
    CHECK_FALSE(cal->IsWorkingDay(d));
  }
  CHECK(cal->IsWorkingDay(D(2025, 10, 11)));  // Saturday, make-up
  CHECK(cal->IsWorkingDay(D(2024, 2, 9)));    // 2024 除夕 was officially a working day
  CHECK(cal->IsWorkingDay(D(2026, 1, 4)));    // Sunday, make-up
  CHECK_FALSE(cal->IsWorkingDay(D(2026, 2, 23)));

  const auto respond = engine::ParseRfc3339("2025-01-24T10:00:00+08:00");
  REQUIRE(respond.has_value());
  const engine::Deadline d =
      engine::AddSlaDuration(*respond, engine::SlaDuration::WorkingDays(15), *cal);
  CHECK(engine::FormatRfc3339(d.due) == "2025-02-20T16:00:00Z");
  CHECK_FALSE(d.approximated);
}

TEST_CASE("a deadline past the shipped calendar's last year is approximated", "[app]") {
  const auto cal = LoadWorkCalendar(DefaultCalendarPath());
  REQUIRE(cal.ok());
  const int next = cal->last_year() + 1;
  const auto start = engine::ParseRfc3339(std::to_string(next - 1) + "-12-20T10:00:00+08:00");
  REQUIRE(start.has_value());
  const engine::Deadline d =
      engine::AddSlaDuration(*start, engine::SlaDuration::WorkingDays(15), *cal);
  CHECK(d.approximated);
}

TEST_CASE("a calendar file with broken TOML is rejected with its location", "[app]") {
  const std::string m = ErrorOf("[2025]\nsource = \"x\"\nholidays = [\"2025-01-01\"\n");
  CHECK_THAT(m, Catch::Contains("not valid TOML"));
}

TEST_CASE("a missing calendar file is an error naming the path", "[app]") {
  const auto cal = LoadWorkCalendar("/nonexistent/gridcare/calendar.toml");
  REQUIRE_FALSE(cal.ok());
  CHECK_THAT(cal.status().message(), Catch::Contains("/nonexistent/gridcare/calendar.toml"));
}

TEST_CASE("an invalid calendar date is rejected naming year and entry", "[app]") {
  const std::string m =
      ErrorOf("[2025]\nsource = \"x\"\nholidays = [\"2025-01-01\", \"2025-02-30\"]\n");
  CHECK_THAT(m, Catch::Contains("[2025]"));
  CHECK_THAT(m, Catch::Contains("holidays[1]"));
  CHECK_THAT(m, Catch::Contains("\"2025-02-30\""));
  CHECK_THAT(m, Catch::Contains(":3:"));  // the line
  for (const char* bad : {"2025-1-1", "2025/01/01", "2025-01-01..", "..2025-01-02",
                          "2025-01-01...2025-01-03", "2025-13-01", "tomorrow"}) {
    CAPTURE(bad);
    CHECK_THAT(ErrorOf(std::string("[2025]\nsource = \"x\"\nholidays = [\"") + bad + "\"]\n"),
               Catch::Contains(bad));
  }
}

TEST_CASE("a calendar range must run forwards and stay in its year", "[app]") {
  CHECK_THAT(ErrorOf("[2025]\nsource = \"x\"\nholidays = [\"2025-02-04..2025-01-28\"]\n"),
             Catch::Contains("ends before it starts"));
  const std::string m =
      ErrorOf("[2025]\nsource = \"x\"\nholidays = [\"2025-12-31..2026-01-01\"]\n");
  CHECK_THAT(m, Catch::Contains("\"2025-12-31..2026-01-01\""));
  CHECK_THAT(m, Catch::Contains("2026-01-01 is not in the year 2025"));
}

TEST_CASE("a day listed as holiday and make-up day is rejected naming both entries", "[app]") {
  const std::string m = ErrorOf(
      "[2025]\nsource = \"x\"\nholidays = [\"2025-01-28..2025-02-04\"]\n"
      "make_up_workdays = [\"2025-02-01\"]\n");
  CHECK_THAT(m, Catch::Contains("[2025]"));
  CHECK_THAT(m, Catch::Contains("make_up_workdays[0] \"2025-02-01\""));
  CHECK_THAT(m, Catch::Contains("holidays[0] \"2025-01-28..2025-02-04\""));
}

TEST_CASE("a make-up working day on a weekday is rejected", "[app]") {
  const std::string m = ErrorOf("[2025]\nsource = \"x\"\nmake_up_workdays = [\"2025-01-27\"]\n");
  CHECK_THAT(m, Catch::Contains("[2025] make_up_workdays[0] \"2025-01-27\""));
  CHECK_THAT(m, Catch::Contains("not a Saturday or Sunday"));
}

TEST_CASE("a calendar file rejects unknown keys, bad year tables and a missing source", "[app]") {
  CHECK_THAT(ErrorOf("[2025]\nsource = \"x\"\nholiday = [\"2025-01-01\"]\n"),
             Catch::Contains("unknown key \"holiday\""));
  CHECK_THAT(ErrorOf("[calendar]\nsource = \"x\"\n"), Catch::Contains("\"calendar\""));
  CHECK_THAT(ErrorOf("2025 = 1\n"), Catch::Contains("must be a table"));
  CHECK_THAT(ErrorOf("[2025]\nholidays = [\"2025-01-01\"]\n"), Catch::Contains("missing source"));
  CHECK_THAT(ErrorOf("[2025]\nsource = \"x\"\nholidays = \"2025-01-01\"\n"),
             Catch::Contains("must be an array"));
  CHECK_THAT(ErrorOf("[2025]\nsource = \"x\"\nholidays = [20250101]\n"),
             Catch::Contains("holidays[0] must be a string"));
  CHECK_THAT(ErrorOf("# nothing\n"), Catch::Contains("defines no years"));
}

TEST_CASE("a calendar file accepts unquoted TOML dates", "[app]") {
  testing::TempDir dir;
  const auto cal = LoadWorkCalendar(Write(
      dir, "[2025]\nsource = \"x\"\nholidays = [2025-01-01]\nmake_up_workdays = [2025-01-26]\n"));
  REQUIRE(cal.ok());
  CHECK_FALSE(cal->IsWorkingDay(D(2025, 1, 1)));
  CHECK(cal->IsWorkingDay(D(2025, 1, 26)));
}

}  // namespace
}  // namespace gridcare::app
