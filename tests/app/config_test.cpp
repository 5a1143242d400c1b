// Tests for LoadConfig: defaults, the api.md §1 example, override precedence, strict keys/values.
// Not the policy rules themselves (tests/engine/sla_policy_test.cpp).
#include "app/config.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.h"

namespace gridcare::app {
namespace {

using namespace std::chrono_literals;
using engine::Category;
using engine::Priority;
using engine::SlaDuration;

SlaDuration H(int h) { return SlaDuration::Natural(std::chrono::hours(h)); }

engine::Result<Config> Load(const std::string& text, testing::TempDir& dir) {
  const std::string path = dir.File("gridcare.toml");
  std::ofstream(path) << text;
  return LoadConfig(path);
}

Config LoadOk(const std::string& text) {
  testing::TempDir dir;
  auto c = Load(text, dir);
  INFO(c.status().message());
  REQUIRE(c.ok());
  return *c;
}

std::string ErrorOf(const std::string& text) {
  testing::TempDir dir;
  auto c = Load(text, dir);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(c.status().message(), Catch::Contains("gridcare.toml"));
  return c.status().message();
}

TEST_CASE("the default config matches the contract's defaults", "[app]") {
  const Config c = DefaultConfig();
  CHECK(c.sla.response == H(48));
  CHECK(c.sla.escalated_response == H(24));
  CHECK(c.sla.resolve == SlaDuration::WorkingDays(15));
  CHECK(c.sla.follow_up == H(24 * 7));
  CHECK(c.sla.warn_at == 0.75);
  CHECK(c.calendar_file == DefaultCalendarPath());
  CHECK(c.case_number_prefix == "NA");
  CHECK(c.server.listen == "127.0.0.1:8080");
  CHECK(c.server.max_body_bytes == 1048576);
  CHECK(c.server.max_header_bytes == 16384);
  CHECK(c.server.read_timeout == 30s);
  CHECK(c.server.idle_timeout == 60s);
  CHECK(c.server.max_connections == 1024);
  CHECK(c.server.session_ttl == 12h);
  // The default policy already gives DV and URGENT cases 2h.
  CHECK(c.MakeSlaPolicy().For(Category::kDomesticViolence, Priority::kRoutine).response == H(2));
}

TEST_CASE("an empty config file gives the defaults", "[app]") {
  const Config c = LoadOk("");
  CHECK(c.sla.response == H(48));
  CHECK(c.server.listen == "127.0.0.1:8080");
}

TEST_CASE("the api.md example config loads", "[app]") {
  const Config c = LoadOk(R"(
[sla]
response = "48h"            # create → first accept
escalated_response = "24h"  # window a unit gets after an escalation
resolve = "15wd"            # accept → resolve
follow_up = "7d"            # resolve → follow-up visit
warn_at = 0.75

[sla.category.DOMESTIC_VIOLENCE]
response = "2h"
[sla.priority.URGENT]
response = "2h"
)");
  CHECK(c.sla.response == H(48));
  CHECK(c.sla.resolve == SlaDuration::WorkingDays(15));
  CHECK(c.sla_by_category.at(Category::kDomesticViolence).response == H(2));
  CHECK(c.sla_by_priority.at(Priority::kUrgent).response == H(2));
  CHECK_FALSE(c.sla_by_priority.at(Priority::kUrgent).resolve.has_value());
}

TEST_CASE("config SLA overrides: category beats priority beats [sla]", "[app]") {
  const Config c = LoadOk(R"(
[sla]
response = "24h"
resolve = "10wd"
follow_up = "5d"
[sla.priority.URGENT]
response = "4h"
resolve = "3wd"
[sla.category.CHILD_IN_HARDSHIP]
response = "8h"
warn_at = 0.5
)");
  const engine::SlaPolicy policy = c.MakeSlaPolicy();
  const engine::SlaWindows both = policy.For(Category::kChildInHardship, Priority::kUrgent);
  CHECK(both.response == H(8));
  CHECK(both.resolve == SlaDuration::WorkingDays(3));
  CHECK(both.follow_up == H(120));
  CHECK(both.warn_at == 0.5);
  const engine::SlaWindows routine = policy.For(Category::kOther, Priority::kRoutine);
  CHECK(routine.response == H(24));
  CHECK(routine.resolve == SlaDuration::WorkingDays(10));
  CHECK(policy.For(Category::kOther, Priority::kUrgent).response == H(4));
  // No override sets response for DV here: the built-in min(2h, 24h).
  CHECK(policy.For(Category::kDomesticViolence, Priority::kRoutine).response == H(2));
}

TEST_CASE("a config with a misspelt SLA key is rejected naming the key", "[app]") {
  CHECK_THAT(ErrorOf("[sla]\nrespnse = \"2h\"\n"), Catch::Contains("sla.respnse"));
  CHECK_THAT(ErrorOf("[sla.category.DOMESTIC_VIOLENCE]\nresponce = \"2h\"\n"),
             Catch::Contains("sla.category.DOMESTIC_VIOLENCE.responce"));
  CHECK_THAT(ErrorOf("[sla.priority.URGENT.extra]\nresponse = \"2h\"\n"),
             Catch::Contains("sla.priority.URGENT.extra"));
}

TEST_CASE("a config override for an unknown category or priority is rejected", "[app]") {
  const std::string m = ErrorOf("[sla.category.DOMESTIC_VIOLANCE]\nresponse = \"2h\"\n");
  CHECK_THAT(m, Catch::Contains("DOMESTIC_VIOLANCE"));
  CHECK_THAT(m, Catch::Contains("LEFT_BEHIND_CHILD"));  // lists the valid names
  CHECK_THAT(ErrorOf("[sla.priority.HIGH]\nresponse = \"2h\"\n"),
             Catch::Contains("sla.priority.HIGH"));
  CHECK_THAT(ErrorOf("[sla]\ncategory = 3\n"), Catch::Contains("sla.category must be a table"));
}

TEST_CASE("a config with an unknown table or key is rejected", "[app]") {
  CHECK_THAT(ErrorOf("[slas]\nresponse = \"2h\"\n"), Catch::Contains("\"slas\""));
  CHECK_THAT(ErrorOf("[server]\nport = 8080\n"), Catch::Contains("server.port"));
  CHECK_THAT(ErrorOf("[calendar]\npath = \"x.toml\"\n"), Catch::Contains("calendar.path"));
  CHECK_THAT(ErrorOf("[cases]\nprefix = \"NA\"\n"), Catch::Contains("cases.prefix"));
  CHECK_THAT(ErrorOf("debug = true\n"), Catch::Contains("\"debug\""));
}

TEST_CASE("a bad SLA value is rejected naming the key and the value", "[app]") {
  std::string m = ErrorOf("[sla]\nresponse = \"2x\"\n");
  CHECK_THAT(m, Catch::Contains("sla.response = \"2x\""));
  CHECK_THAT(m, Catch::Contains(":2:"));
  m = ErrorOf("[sla.priority.URGENT]\nresolve = \"0wd\"\n");
  CHECK_THAT(m, Catch::Contains("sla.priority.URGENT.resolve = \"0wd\""));
  CHECK_THAT(ErrorOf("[sla]\nresponse = 48\n"), Catch::Contains("sla.response = 48"));
  for (const char* bad : {"1.0", "0", "0.0", "-0.5", "1.5", "\"0.75\"", "true"}) {
    CAPTURE(bad);
    CHECK_THAT(ErrorOf(std::string("[sla]\nwarn_at = ") + bad + "\n"),
               Catch::Contains("sla.warn_at = "));
  }
  CHECK(LoadOk("[sla]\nwarn_at = 0.5\n").sla.warn_at == 0.5);
}

TEST_CASE("broken TOML in the config is an error with its location", "[app]") {
  CHECK_THAT(ErrorOf("[sla\nresponse = \"2h\"\n"), Catch::Contains("not valid TOML"));
  const auto c = LoadConfig("/nonexistent/gridcare.toml");
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.status().message(), Catch::Contains("/nonexistent/gridcare.toml"));
}

TEST_CASE("server settings parse and bad ones name key and value", "[app]") {
  const Config c = LoadOk(R"(
[server]
listen = "0.0.0.0:9000"
max_body_bytes = 2048
max_header_bytes = 8192
read_timeout = "10s"
idle_timeout = "2m"
max_connections = 64
session_ttl = "1d"
io_threads = 3
worker_threads = 5
)");
  CHECK(c.server.listen == "0.0.0.0:9000");
  CHECK(c.server.max_body_bytes == 2048);
  CHECK(c.server.max_header_bytes == 8192);
  CHECK(c.server.read_timeout == 10s);
  CHECK(c.server.idle_timeout == 2min);
  CHECK(c.server.max_connections == 64);
  CHECK(c.server.session_ttl == 24h);
  CHECK(c.server.io_threads == 3);
  CHECK(c.server.worker_threads == 5);
  CHECK(LoadOk("").server.io_threads == 0);
  CHECK(LoadOk("").server.worker_threads == 64);
  CHECK_THAT(ErrorOf("[server]\nworker_threads = 0\n"),
             Catch::Contains("server.worker_threads = 0"));
  CHECK_THAT(ErrorOf("[server]\nio_threads = -1\n"), Catch::Contains("server.io_threads = -1"));
  CHECK(LoadOk("[server]\nlisten = \"[::1]:8080\"\n").server.listen == "[::1]:8080");

  CHECK_THAT(ErrorOf("[server]\nsession_ttl = \"1wd\"\n"),
             Catch::Contains("server.session_ttl = \"1wd\": working days are not allowed"));
  CHECK_THAT(ErrorOf("[server]\nread_timeout = \"30\"\n"),
             Catch::Contains("server.read_timeout = \"30\""));
  CHECK_THAT(ErrorOf("[server]\nmax_body_bytes = 0\n"),
             Catch::Contains("server.max_body_bytes = 0"));
  CHECK_THAT(ErrorOf("[server]\nmax_connections = 1.5\n"),
             Catch::Contains("server.max_connections = 1.5"));
  for (const char* bad : {"8080", ":8080", "localhost", "127.0.0.1:0", "127.0.0.1:70000",
                          "127.0.0.1:http", "::1:8080", "[]:80"}) {
    CAPTURE(bad);
    CHECK_THAT(ErrorOf(std::string("[server]\nlisten = \"") + bad + "\"\n"),
               Catch::Contains(std::string("server.listen = \"") + bad + "\""));
  }
}

TEST_CASE("an old config's batch_io_threads still loads and changes nothing", "[app]") {
  CHECK(LoadOk("[server]\nbatch_io_threads = true\n") == DefaultConfig());
  CHECK(LoadOk("[server]\nbatch_io_threads = false\n") == DefaultConfig());
  CHECK_THAT(ErrorOf("[server]\nbatch_io_threads = 1\n"),
             Catch::Contains("server.batch_io_threads = 1"));
}

TEST_CASE("store settings parse and bad ones name key and value", "[app]") {
  const Config c = LoadOk(
      "[store]\ncache_mib = 8\nmmap_mib = 0\ncheckpoint_frames = 0\ngather_wal_writes = false\n"
      "checkpoint_flush_kib = 0\n");
  CHECK(c.store.cache_mib == 8);
  CHECK(c.store.mmap_mib == 0);
  CHECK(c.store.checkpoint_frames == 0);
  CHECK_FALSE(c.store.gather_wal_writes);
  CHECK(c.store.checkpoint_flush_kib == 0);
  CHECK(LoadOk("").store.checkpoint_flush_kib == 256);
  CHECK_THAT(ErrorOf("[store]\ncheckpoint_flush_kib = -1\n"),
             Catch::Contains("store.checkpoint_flush_kib"));
  CHECK(LoadOk("").store.gather_wal_writes);
  CHECK_THAT(ErrorOf("[store]\ngather_wal_writes = 1\n"),
             Catch::Contains("store.gather_wal_writes"));
  CHECK_THAT(ErrorOf("[store]\ncache_mib = 0\n"), Catch::Contains("store.cache_mib"));
  CHECK_THAT(ErrorOf("[store]\nmmap_mib = -1\n"), Catch::Contains("store.mmap_mib"));
  CHECK_THAT(ErrorOf("[store]\ncheckpoint_frames = \"1k\"\n"),
             Catch::Contains("store.checkpoint_frames"));
  CHECK_THAT(ErrorOf("[store]\nwal = 1\n"), Catch::Contains("store.wal"));
}

TEST_CASE("audit anchor settings parse, relative to the config, and go together", "[app]") {
  testing::TempDir dir;
  auto c = Load("[audit]\nanchor_file = \"anchors.log\"\nanchor_key_file = \"/etc/gc/a.key\"\n"
                "anchor_interval = \"30s\"\n",
                dir);
  INFO(c.status().message());
  REQUIRE(c.ok());
  CHECK(std::filesystem::path(c->audit.anchor_file) == dir.path() / "anchors.log");
  CHECK(c->audit.anchor_key_file == "/etc/gc/a.key");
  CHECK(c->audit.anchor_interval == std::chrono::seconds(30));
  CHECK(c->audit.enabled());
  CHECK_FALSE(LoadOk("").audit.enabled());
  CHECK_THAT(ErrorOf("[audit]\nanchor_file = \"a.log\"\n"),
             Catch::Contains("anchor_file and anchor_key_file go together"));
  CHECK_THAT(ErrorOf("[audit]\nanchor_key_file = \"a.key\"\n"),
             Catch::Contains("anchor_file and anchor_key_file go together"));
  CHECK_THAT(ErrorOf("[audit]\nanchor_interval = \"0s\"\n"),
             Catch::Contains("audit.anchor_interval"));
  CHECK_THAT(ErrorOf("[audit]\nanchor_interval = \"2wd\"\n"),
             Catch::Contains("audit.anchor_interval"));
}

TEST_CASE("the case number prefix is 1 to 8 capital letters", "[app]") {
  CHECK(LoadOk("[cases]\nnumber_prefix = \"GC\"\n").case_number_prefix == "GC");
  CHECK(LoadOk("[cases]\nnumber_prefix = \"ABCDEFGH\"\n").case_number_prefix == "ABCDEFGH");
  for (const char* bad : {"", "na", "ABCDEFGHI", "N1", "南安"}) {
    CAPTURE(bad);
    CHECK_THAT(ErrorOf(std::string("[cases]\nnumber_prefix = \"") + bad + "\"\n"),
               Catch::Contains("cases.number_prefix"));
  }
}

TEST_CASE("a relative calendar file is resolved against the config file's directory", "[app]") {
  testing::TempDir dir;
  auto c = Load("[calendar]\nfile = \"cal/cn.toml\"\n", dir);
  REQUIRE(c.ok());
  CHECK(std::filesystem::path(c->calendar_file) == dir.path() / "cal/cn.toml");
  c = Load("[calendar]\nfile = \"/etc/gridcare/cn.toml\"\n", dir);
  REQUIRE(c.ok());
  CHECK(c->calendar_file == "/etc/gridcare/cn.toml");
  CHECK_THAT(ErrorOf("[calendar]\nfile = \"\"\n"), Catch::Contains("calendar.file"));
}

}  // namespace
}  // namespace gridcare::app
