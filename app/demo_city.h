// A demo 南安市: townships, villages, grids and departments, one user per role, and a few
// dozen cases laid out over the past ten days in every state. For trying GridCare, not for
// tests.
#pragma once

#include <string>
#include <vector>

#include "engine/case_service.h"
#include "engine/clock.h"
#include "engine/store.h"

namespace gridcare::app {

struct DemoUser {
  std::string username;
  std::string password;
  std::string role;
  std::string unit;
};

// The demo accounts (all share one demo password), for printing at start-up.
std::vector<DemoUser> DemoUsers();

// Seeds an empty store: org tree, users, then cases driven through `cases` with `clock`
// stepped forward from ten days before `now`, never past it: every time recorded lies at or
// before `now`, and the deadlines due by then have fired (with the clock at `now`). Some
// cases are overdue, some due within hours, and the newest are fresh reports in the demo
// grid worker's grid. Returns how many cases it made.
engine::Result<int> SeedDemoCity(engine::Store& store, engine::CaseService& cases,
                                 engine::ManualClock& clock, engine::TimePoint now);

}  // namespace gridcare::app
