// `gridcare demo`: seed the demo city into a database (once) and print how to use it.
#include "app/demo_command.h"

#include <cstdio>
#include <iostream>

#include "app/demo_city.h"
#include "app/runtime.h"
#include "app/system_clock.h"

namespace gridcare::app {

namespace {

void PrintAccounts() {
  std::cout << "Demo accounts (password for all: " << DemoUsers().front().password << "):\n";
  for (const DemoUser& u : DemoUsers()) {
    std::printf("  %-20s %-17s %s\n", u.username.c_str(), u.role.c_str(), u.unit.c_str());
  }
}

}  // namespace

engine::Status SeedDemoIfEmpty(const std::string& db_path, const std::string& config_path) {
  const engine::TimePoint now = SystemClock().Now();
  auto clock = std::make_unique<engine::ManualClock>(now);
  engine::ManualClock* manual = clock.get();
  GC_ASSIGN_OR_RETURN(auto rt, OpenRuntime(db_path, config_path, std::move(clock)));
  GC_ASSIGN_OR_RETURN(auto reader, rt->store->Read());
  GC_ASSIGN_OR_RETURN(auto units, reader->ListOrgUnits());
  reader.reset();
  if (!units.empty()) {
    std::cout << "demo: " << db_path << " already has an organisation tree; leaving it as is\n";
    return engine::Status::Ok();
  }
  GC_ASSIGN_OR_RETURN(int made, SeedDemoCity(*rt->store, *rt->cases, *manual, now));
  std::cout << "demo: seeded 南安市 with " << made << " cases into " << db_path << "\n";
  return engine::Status::Ok();
}

int RunDemo(const std::string& db_path, const std::string& config_path) {
  const engine::Status s = SeedDemoIfEmpty(db_path, config_path);
  if (!s.ok()) {
    std::cerr << "demo: " << s.ToString() << "\n";
    return 2;
  }
  PrintAccounts();
  std::cout << "Check the audit trail: gridcare audit verify --db " << db_path << "\n";
  return 0;
}

}  // namespace gridcare::app
