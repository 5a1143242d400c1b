// `gridcare demo`: fill a database with a demo org tree, users and cases to explore.
// Not the demo data itself: demo_city.h lays out the city and its cases.
#pragma once

#include <string>

#include "engine/status.h"

namespace gridcare::app {

// Seeds the demo city unless the database already has an organisation tree.
engine::Status SeedDemoIfEmpty(const std::string& db_path, const std::string& config_path);

// Returns the process exit code: 0 on success, 2 on a usage or input error.
int RunDemo(const std::string& db_path, const std::string& config_path);

}  // namespace gridcare::app
