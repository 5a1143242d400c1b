// A CaseService over a real SQLite store of the small city, writing through a FaultyStore
// so a test can abandon a write before COMMIT. Reopening the same file plays a restart.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "engine/case_service.h"
#include "storage/sqlite_store.h"
#include "tests/support/city_fixture.h"
#include "tests/support/faulty_store.h"

namespace gridcare::testing {

struct ServiceFixture {
  ServiceFixture(const std::string& path, engine::ManualClock& clock) {
    auto s = storage::SqliteStore::Open(path);
    REQUIRE(s.ok());
    store = std::move(s).value();
    faulty = std::make_unique<FaultyStore>(*store);
    REQUIRE(store
                ->Write([](engine::StoreWriter& w) {
                  return w.UpsertOrgUnits(SmallCity().units());
                })
                .ok());
    cases = std::make_unique<engine::CaseService>(
        *faulty, clock, std::make_shared<const engine::OrgTree>(), engine::SlaPolicy(),
        WeekdayCalendar(), engine::CaseService::Options{});
    REQUIRE(cases->ReloadOrgTree().ok());
  }

  std::unique_ptr<storage::SqliteStore> store;
  std::unique_ptr<FaultyStore> faulty;  // the service writes through this
  std::unique_ptr<engine::CaseService> cases;
};

}  // namespace gridcare::testing
