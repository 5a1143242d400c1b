// Everything a running gridcare needs, opened in one place: config, calendar, store, clock
// and the case service. Not the HTTP server (handlers/) nor the command line (main.cpp).
#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "engine/case_service.h"
#include "engine/clock.h"
#include "storage/sqlite_store.h"

namespace gridcare::app {

struct Runtime {
  Config config;
  std::unique_ptr<storage::SqliteStore> store;
  std::unique_ptr<engine::Clock> clock;
  std::unique_ptr<engine::CaseService> cases;
};

// Loads `config_path` (empty: defaults) and its calendar, opens (or creates) the store at
// `db_path`, and builds the case service on `clock` (null: the system clock).
engine::Result<std::unique_ptr<Runtime>> OpenRuntime(const std::string& db_path,
                                                     const std::string& config_path,
                                                     std::unique_ptr<engine::Clock> clock = {});

}  // namespace gridcare::app
