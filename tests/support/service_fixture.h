// A CaseService over a real SQLite store of the small city, writing through a FaultyStore
// so a test can abandon a write before COMMIT. Reopening the same file plays a restart.
// Personal data is sealed as the server seals it, with keys in "<path>.keys" (made at the
// first open of a path, read again at each reopening).
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
    storage::SqliteStoreOptions options;
    options.data_keys = KeysFor(path);
    auto s = storage::SqliteStore::Open(path, options);
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

  static std::shared_ptr<const storage::DataKeys> KeysFor(const std::string& db_path) {
    auto loaded = storage::DataKeys::Load(db_path + ".keys");
    if (loaded.ok()) return std::make_shared<const storage::DataKeys>(std::move(*loaded));
    auto made = storage::DataKeys::Generate();
    REQUIRE(made.ok());
    REQUIRE(made->Save(db_path + ".keys").ok());
    return std::make_shared<const storage::DataKeys>(std::move(*made));
  }

  std::unique_ptr<storage::SqliteStore> store;
  std::unique_ptr<FaultyStore> faulty;  // the service writes through this
  std::unique_ptr<engine::CaseService> cases;
};

}  // namespace gridcare::testing
