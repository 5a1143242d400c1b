// Tests that deploy/gridcare.toml loads, and sets every key of the loader's one key list
// (ConfigKeys) to the default that list states. Not the loader's rules (config_test.cpp).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/calendar_file.h"
#include "app/config.h"
#include "tests/support/temp_dir.h"

#ifndef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 0
#endif
#include <toml++/toml.h>

namespace gridcare::app {
namespace {

using engine::Category;
using engine::Priority;
using engine::SlaDuration;

const std::string kSample = std::string(GRIDCARE_SOURCE_DIR) + "/deploy/gridcare.toml";
constexpr const char* kInstalledCalendar = "/usr/share/gridcare/calendar/cn-statutory.toml";
constexpr const char* kInstalledConsole = "/usr/share/gridcare/console";

SlaDuration H(int h) { return SlaDuration::Natural(std::chrono::hours(h)); }

// The sample's node for `key`: [[notify.webhook]] keys in its first webhook.
const toml::node* SampleNode(const toml::table& sample, const ConfigKey& key) {
  if (key.table == "notify.webhook") {
    const toml::array* hooks = sample["notify"]["webhook"].as_array();
    if (hooks == nullptr || hooks->empty() || !hooks->front().is_table()) return nullptr;
    return hooks->front().as_table()->get(key.name);
  }
  const toml::table* table = sample[key.table].as_table();
  return table == nullptr ? nullptr : table->get(key.name);
}

// A value as TOML prints it, so that a sample value and a default text can be compared.
std::string Text(const toml::node& node) {
  std::ostringstream os;
  node.visit([&](const auto& v) { os << v; });
  return os.str();
}

TEST_CASE("the sample config in deploy/ loads and matches the defaults it documents", "[app]") {
  const auto loaded = LoadConfig(kSample);
  INFO(loaded.status().message());
  REQUIRE(loaded.ok());
  const Config& c = *loaded;
  const Config d = DefaultConfig();

  CHECK(c.sla.response == H(48));
  CHECK(c.sla.escalated_response == H(24));
  CHECK(c.sla.resolve == SlaDuration::WorkingDays(15));
  CHECK(c.sla.follow_up == H(24 * 7));
  CHECK(c.sla.warn_at == 0.75);
  CHECK(c.sla.response == d.sla.response);
  CHECK(c.sla.escalated_response == d.sla.escalated_response);
  CHECK(c.sla.resolve == d.sla.resolve);
  CHECK(c.sla.follow_up == d.sla.follow_up);
  CHECK(c.sla.warn_at == d.sla.warn_at);

  // The override examples restate the built-in min(2h, response); the policy is unchanged.
  CHECK(c.sla_by_category.at(Category::kDomesticViolence).response == H(2));
  CHECK(c.sla_by_priority.at(Priority::kUrgent).response == H(2));
  const engine::SlaPolicy policy = c.MakeSlaPolicy();
  const engine::SlaPolicy defaults = d.MakeSlaPolicy();
  for (const Category cat : engine::AllValues<Category>()) {
    for (const Priority pri : engine::AllValues<Priority>()) {
      CAPTURE(engine::Name(cat), engine::Name(pri));
      const engine::SlaWindows a = policy.For(cat, pri);
      const engine::SlaWindows b = defaults.For(cat, pri);
      CHECK(a.response == b.response);
      CHECK(a.escalated_response == b.escalated_response);
      CHECK(a.resolve == b.resolve);
      CHECK(a.follow_up == b.follow_up);
      CHECK(a.warn_at == b.warn_at);
    }
  }

  CHECK(c.case_number_prefix == "NA");
  CHECK(c.case_number_prefix == d.case_number_prefix);
  CHECK(c.server.listen == "127.0.0.1:8080");
  CHECK(c.server.listen == d.server.listen);
  CHECK(c.server.max_body_bytes == d.server.max_body_bytes);
  CHECK(c.server.max_header_bytes == d.server.max_header_bytes);
  CHECK(c.server.read_timeout == d.server.read_timeout);
  CHECK(c.server.idle_timeout == d.server.idle_timeout);
  CHECK(c.server.max_connections == d.server.max_connections);
  CHECK(c.server.io_threads == d.server.io_threads);
  CHECK(c.server.worker_threads == d.server.worker_threads);
  CHECK(c.server.session_ttl == d.server.session_ttl);
  CHECK(c.store.cache_mib == d.store.cache_mib);
  CHECK(c.store.mmap_mib == d.store.mmap_mib);
  CHECK(c.store.checkpoint_frames == d.store.checkpoint_frames);
  CHECK(c.store.checkpoint_flush_kib == d.store.checkpoint_flush_kib);
  CHECK(c.store.gather_wal_writes == d.store.gather_wal_writes);
  CHECK(c.audit == d.audit);
  CHECK_FALSE(c.audit.enabled());

  // The loader only stores the path (the calendar is opened by the runtime), so the installed
  // path loads here even where nothing is installed.
  CHECK(c.calendar_file == kInstalledCalendar);
  CHECK(c.console.dir == kInstalledConsole);
}

TEST_CASE("the sample config's calendar is the repo file that deploy/ installs there", "[app]") {
  // Dockerfile and README copy data/calendar/ to /usr/share/gridcare/calendar/. Point a copy
  // of the sample at the repo's file and load both, as `gridcare serve` would.
  std::ifstream in(kSample);
  REQUIRE(in);
  std::ostringstream rewritten;
  const std::string repo_calendar = std::string(GRIDCARE_SOURCE_DIR) + "/data/calendar/" +
                                    std::filesystem::path(kInstalledCalendar).filename().string();
  int replaced = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find(kInstalledCalendar) != std::string::npos) {
      line = "file = \"" + repo_calendar + "\"";
      ++replaced;
    }
    rewritten << line << "\n";
  }
  REQUIRE(replaced == 1);

  testing::TempDir dir;
  const std::string path = dir.File("gridcare.toml");
  std::ofstream(path) << rewritten.str();
  const auto c = LoadConfig(path);
  INFO(c.status().message());
  REQUIRE(c.ok());
  CHECK(c->calendar_file == repo_calendar);
  const auto calendar = LoadWorkCalendar(c->calendar_file);
  INFO(calendar.status().message());
  CHECK(calendar.ok());
}

TEST_CASE("the sample config sets every key the loader accepts, to its default", "[app]") {
  const toml::table sample = toml::parse_file(kSample);
  std::set<std::string> listed;
  for (const ConfigKey& key : ConfigKeys()) {
    const std::string name = std::string(key.table) + "." + std::string(key.name);
    CAPTURE(name);
    listed.insert(name);
    const toml::node* value = SampleNode(sample, key);
    if (key.ignored) {
      CHECK(value == nullptr);  // accepted from old files, not offered in new ones
      continue;
    }
    REQUIRE(value != nullptr);
    CHECK_FALSE(key.help.empty());
    if (key.default_toml.empty()) continue;  // set by the build, or required
    const toml::table parsed = toml::parse("v = " + std::string(key.default_toml));
    CHECK(Text(*value) == Text(*parsed.get("v")));
  }

  // And nothing else, apart from the tables that hold tables.
  const std::set<std::string> holders = {"sla.category", "sla.priority", "notify.webhook"};
  for (const auto& [table, node] : sample) {
    REQUIRE(node.is_table());
    for (const auto& [k, v] : *node.as_table()) {
      const std::string name = std::string(table.str()) + "." + std::string(k.str());
      CAPTURE(name);
      CHECK((listed.count(name) == 1 || holders.count(name) == 1));
    }
  }
  REQUIRE(sample["sla"]["category"]["DOMESTIC_VIOLENCE"].as_table() != nullptr);
  REQUIRE(sample["sla"]["priority"]["URGENT"].as_table() != nullptr);
}

TEST_CASE("a key set to the default the key list states changes nothing", "[app]") {
  const Config defaults = DefaultConfig();
  for (const ConfigKey& key : ConfigKeys()) {
    if (key.default_toml.empty() || key.table == "notify.webhook") continue;
    const std::string text = "[" + std::string(key.table) + "]\n" + std::string(key.name) +
                             " = " + std::string(key.default_toml) + "\n";
    CAPTURE(text);
    testing::TempDir dir;
    const std::string path = dir.File("gridcare.toml");
    std::ofstream(path) << text;
    const auto c = LoadConfig(path);
    INFO(c.status().message());
    REQUIRE(c.ok());
    CHECK(*c == defaults);
  }
}

TEST_CASE("an unknown key is answered with the keys its table accepts", "[app]") {
  std::set<std::string> tables;
  for (const ConfigKey& key : ConfigKeys()) {
    if (key.table != "notify.webhook") tables.insert(std::string(key.table));
  }
  for (const std::string& table : tables) {
    CAPTURE(table);
    testing::TempDir dir;
    const std::string path = dir.File("probe.toml");
    std::ofstream(path) << "[" << table << "]\nzz_not_a_key = 1\n";
    const auto c = LoadConfig(path);
    REQUIRE_FALSE(c.ok());
    for (const ConfigKey& key : ConfigKeys()) {
      if (key.table != table) continue;
      CAPTURE(key.name);
      const bool named = c.status().message().find(std::string(key.name)) != std::string::npos;
      CHECK(named != key.ignored);
    }
  }
}

}  // namespace
}  // namespace gridcare::app
