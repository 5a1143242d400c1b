// CaseService::DailyStats over a real SQLite store and a fake clock: China's calendar days
// (a day starts at 16:00 UTC), the subtree a unit counts, and who may ask for which unit.
// (Under app/ because it runs over a real SQLite store, like the other service tests.)
#include <catch2/catch.hpp>

#include "engine/case_service.h"
#include "tests/support/city_fixture.h"
#include "tests/support/service_fixture.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

// 2026-12-01T16:00:00Z: midnight of 2026-12-02 in China.
const engine::TimePoint kMidnightDec2 = engine::FromUnixMillis(1796140800000);

engine::CaseId Report(engine::CaseService& cases, const char* who, const char* grid,
                      const std::string& request_id) {
  engine::NewCase n = SampleReport(request_id);
  n.grid_id = grid;
  auto created = cases.Create(ActorNamed(who), n);
  INFO(created.status().ToString());
  REQUIRE(created.ok());
  return created->c.id;
}

void Do(engine::CaseService& cases, const char* who, engine::CaseId id, engine::Command command) {
  auto done = cases.Act(ActorNamed(who), id, {command, std::nullopt, "说明", "", std::nullopt});
  INFO(done.status().ToString());
  REQUIRE(done.ok());
}

struct Row {
  std::string date;
  int received;
  int responded;
  double avg;
  bool operator==(const Row&) const = default;
};

std::vector<Row> Rows(const std::vector<engine::DayStats>& days) {
  std::vector<Row> out;
  for (const auto& d : days) {
    out.push_back({d.date, d.counts.received, d.counts.responded, d.avg_response_seconds});
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << "{" << r.date << " received " << r.received << " responded " << r.responded
            << " avg " << r.avg << "}";
}

}  // namespace

TEST_CASE("daily stats count China's calendar days: a case at 16:00 UTC is the next day's",
          "[app]") {
  TempDir dir;
  engine::ManualClock clock(kMidnightDec2 - hours(24 * 2));
  ServiceFixture world(dir.File("g.db"), clock);
  engine::CaseService& cases = *world.cases;

  // 2026-11-30 23:59:59.999 in China: before a three-day window that starts on Dec 1.
  clock.Set(kMidnightDec2 - hours(24) - milliseconds(1));
  Report(cases, "gw111", "G111", "nov-30");
  // The last millisecond of Dec 1 in China, and the first of Dec 2.
  clock.Set(kMidnightDec2 - milliseconds(1));
  const engine::CaseId late_dec1 = Report(cases, "gw111", "G111", "dec-1");
  clock.Set(kMidnightDec2);
  Report(cases, "gw111", "G111", "dec-2");
  Report(cases, "gw211", "G211", "dec-2-other-township");
  // The Dec 1 case is verified and accepted an hour and a half later, on Dec 2.
  clock.Set(kMidnightDec2 + minutes(90) - milliseconds(1));
  Do(cases, "leaderV11", late_dec1, engine::Command::kVerifyConfirm);
  Do(cases, "staffV11", late_dec1, engine::Command::kAccept);
  // Today is Dec 3 (10:00 in China).
  clock.Set(kMidnightDec2 + hours(24 + 10));

  auto township = cases.DailyStats(ActorNamed("staffT1"), std::nullopt, 3);
  REQUIRE(township.ok());
  CHECK(Rows(*township) == std::vector<Row>{{"2026-12-01", 1, 0, 0},
                                            {"2026-12-02", 1, 1, 5400},
                                            {"2026-12-03", 0, 0, 0}});
  // The city counts both townships; a village without cases counts nothing.
  auto city = cases.DailyStats(ActorNamed("supC"), std::string("C"), 3);
  REQUIRE(city.ok());
  CHECK(Rows(*city) == std::vector<Row>{{"2026-12-01", 1, 0, 0},
                                        {"2026-12-02", 2, 1, 5400},
                                        {"2026-12-03", 0, 0, 0}});
  auto quiet = cases.DailyStats(ActorNamed("supC"), std::string("V12"), 3);
  REQUIRE(quiet.ok());
  CHECK(Rows(*quiet) == std::vector<Row>{{"2026-12-01", 0, 0, 0},
                                         {"2026-12-02", 0, 0, 0},
                                         {"2026-12-03", 0, 0, 0}});
  // Four days reach back to the Nov 30 case; one day is today alone.
  auto four = cases.DailyStats(ActorNamed("staffT1"), std::nullopt, 4);
  REQUIRE(four.ok());
  REQUIRE(four->size() == 4);
  CHECK(Rows(*four).front() == Row{"2026-11-30", 1, 0, 0});
  auto today = cases.DailyStats(ActorNamed("staffT1"), std::nullopt, 1);
  REQUIRE(today.ok());
  CHECK(Rows(*today) == std::vector<Row>{{"2026-12-03", 0, 0, 0}});
  // The default span is two weeks, ending today.
  auto fortnight = cases.DailyStats(ActorNamed("staffT1"), std::nullopt, engine::kDefaultStatsDays);
  REQUIRE(fortnight.ok());
  REQUIRE(fortnight->size() == 14);
  CHECK(fortnight->front().date == "2026-11-20");
  CHECK(fortnight->back().date == "2026-12-03");
}

TEST_CASE("daily stats are for the caller's unit and below, 1 to 90 days", "[app]") {
  TempDir dir;
  engine::ManualClock clock(kMidnightDec2);
  ServiceFixture world(dir.File("g.db"), clock);
  engine::CaseService& cases = *world.cases;
  const auto code = [](const auto& r) { return r.status().code(); };
  using engine::ErrorCode;
  CHECK(cases.DailyStats(ActorNamed("staffT1"), std::string("V11"), 7).ok());
  CHECK(code(cases.DailyStats(ActorNamed("staffT1"), std::string("T2"), 7)) ==
        ErrorCode::kPermissionDenied);
  CHECK(code(cases.DailyStats(ActorNamed("staffT1"), std::string("C"), 7)) ==
        ErrorCode::kPermissionDenied);
  CHECK(cases.DailyStats(ActorNamed("admin"), std::string("T2"), 7).ok());
  CHECK(code(cases.DailyStats(ActorNamed("admin"), std::string("nowhere"), 7)) ==
        ErrorCode::kInvalidArgument);
  CHECK(code(cases.DailyStats(ActorNamed("staffT1"), std::nullopt, 0)) ==
        ErrorCode::kInvalidArgument);
  CHECK(code(cases.DailyStats(ActorNamed("staffT1"), std::nullopt, 91)) ==
        ErrorCode::kInvalidArgument);
  auto longest = cases.DailyStats(ActorNamed("staffT1"), std::nullopt, 90);
  REQUIRE(longest.ok());
  CHECK(longest->size() == 90);
}

}  // namespace gridcare::testing
