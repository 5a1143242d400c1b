// The demo city tells the truth: nothing it seeds happens after the moment it is seeded, and
// a console opened on it finds overdue cases, cases due soon and fresh reports to verify.
#include <catch2/catch.hpp>

#include <set>

#include "app/demo_city.h"
#include "app/runtime.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using std::chrono::hours;

// 2026-06-15T02:00:00Z, 10:00 in China: inside the calendar file's years.
const engine::TimePoint kNow = engine::FromUnixMillis(1781488800000);

std::vector<engine::Case> AllCases(engine::Store& store) {
  auto reader = store.Read();
  REQUIRE(reader.ok());
  engine::CaseQuery q;
  q.page_size = 200;
  auto page = (*reader)->ListCases(q);
  REQUIRE(page.ok());
  REQUIRE_FALSE(page->next_before_id);
  return page->cases;
}

}  // namespace

TEST_CASE("the demo city's cases and events all lie at or before the moment it is seeded",
          "[app]") {
  TempDir dir;
  auto clock = std::make_unique<engine::ManualClock>(kNow);
  engine::ManualClock* manual = clock.get();
  auto rt = app::OpenRuntime(dir.File("demo.db"), "", std::move(clock));
  REQUIRE(rt.ok());
  auto made = app::SeedDemoCity(*(*rt)->store, *(*rt)->cases, *manual, kNow);
  INFO(made.status().ToString());
  REQUIRE(made.ok());
  CHECK(manual->Now() <= kNow);

  const std::vector<engine::Case> cases = AllCases(*(*rt)->store);
  REQUIRE(static_cast<int>(cases.size()) == *made);
  auto reader = (*rt)->store->Read();
  REQUIRE(reader.ok());
  int overdue = 0, due_within_hours = 0, fresh_reports = 0;
  std::set<engine::CaseState> states;
  for (const engine::Case& c : cases) {
    CAPTURE(c.number, engine::Name(c.state));
    CHECK(c.create_time <= kNow);
    CHECK(c.update_time <= kNow);
    for (const auto& t : {c.respond_time, c.resolve_time, c.close_time}) {
      if (t) CHECK(*t <= kNow);
    }
    auto events = (*reader)->ListEvents(c.id);
    REQUIRE(events.ok());
    REQUIRE_FALSE(events->empty());
    for (const engine::CaseEvent& e : *events) CHECK(e.time <= kNow);
    CHECK(events->front().time == c.create_time);
    CHECK(events->back().time == c.update_time);
    states.insert(c.state);
    overdue += c.overdue ? 1 : 0;
    if (c.pending_response_due && *c.pending_response_due > kNow &&
        *c.pending_response_due <= kNow + hours(4)) {
      ++due_within_hours;
    }
    if (c.state == engine::CaseState::kReported && c.grid_id == "NA-LC-MTS-G1" &&
        c.create_time >= kNow - hours(6)) {
      ++fresh_reports;
    }
  }
  // Something for every part of the console to show.
  CHECK(states.size() == engine::AllValues<engine::CaseState>().size());
  CHECK(overdue >= 3);
  CHECK(due_within_hours >= 3);
  CHECK(fresh_reports >= 3);
  // Nothing is left due in the past: what fell due has fired.
  auto next = (*reader)->NextDeadline();
  REQUIRE(next.ok());
  REQUIRE(next->has_value());
  CHECK(**next > kNow);
}

}  // namespace gridcare::testing
