// The real server writes anchors of the audit chain while it runs and at a clean stop, and
// `gridcare audit verify --anchors` accepts them. Not the anchor checks themselves
// (tests/storage/audit_anchor_test.cpp).
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "storage/audit_anchor.h"
#include "tests/e2e/serve_process.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The seq an anchor line records; -1 when it has none.
long long Seq(const std::string& line) {
  const size_t at = line.find(" seq=");
  return at == std::string::npos ? -1 : std::atoll(line.c_str() + at + 5);
}

TEST_CASE("a running server anchors its audit chain and the anchors verify", "[e2e]") {
  TempDir dir;
  const std::string db = dir.File("gc.db");
  const std::string anchors = dir.File("anchors.log");
  const std::string key = dir.File("anchor.key");
  const std::string config = dir.File("gridcare.toml");
  SeedCity(db);
  REQUIRE(storage::CreateAnchorKey(key).ok());
  std::ofstream(config) << "[audit]\nanchor_file = \"" << anchors << "\"\nanchor_key_file = \""
                        << key << "\"\nanchor_interval = \"1s\"\n";
  {
    ServeProcess server(db, {"--config", config});
    // One anchor at start, of the empty chain.
    REQUIRE(Eventually([&] { return !Lines(anchors).empty(); }, 20s));
    HttpClient http("127.0.0.1", server.port);
    auto created = http.Request("POST", "/v1/cases", ReportJson("anchor-1"),
                                {{"Authorization", server.Token("gw111")}});
    REQUIRE(created.status == 201);
    // Within an interval or two, an anchor covers the new case's event.
    REQUIRE(Eventually([&] {
      const auto lines = Lines(anchors);
      return !lines.empty() && Seq(lines.back()) >= 1;
    }, 20s));
    REQUIRE(server.process.Signal(SIGTERM));
    const auto status = server.process.Wait(30s);
    INFO("server output:\n" << server.process.output());
    REQUIRE(status.has_value());
    CHECK(WEXITSTATUS(*status) == 0);
  }
  const std::vector<std::string> lines = Lines(anchors);
  REQUIRE(lines.size() >= 2);
  CHECK(Seq(lines.front()) == 0);
  CHECK(Seq(lines.back()) >= 1);

  const RunResult verify = RunProcess({GRIDCARE_BINARY, "audit", "verify", "--db", db,
                                       "--anchors", anchors, "--anchor-key", key});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.out, Catch::Contains("chain holds every anchor"));

  // And the same anchors catch the case cut off the end of the chain.
  RawSql(db, "DROP TRIGGER case_events_no_delete; DROP TRIGGER audit_chain_no_delete;"
             "DROP TRIGGER access_log_no_delete; DELETE FROM access_log;"
             "DELETE FROM case_events; DELETE FROM deadlines; DELETE FROM cases;"
             "DELETE FROM case_serials; DELETE FROM audit_chain;"
             "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
             "BEGIN SELECT RAISE(ABORT, 'no'); END;"
             "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
             "BEGIN SELECT RAISE(ABORT, 'no'); END;"
             "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
             "BEGIN SELECT RAISE(ABORT, 'no'); END;");
  CHECK(RunProcess({GRIDCARE_BINARY, "audit", "verify", "--db", db}).exit_code == 0);
  const RunResult cut = RunProcess({GRIDCARE_BINARY, "audit", "verify", "--db", db, "--anchors",
                                    anchors, "--anchor-key", key});
  INFO(cut.out << cut.err);
  CHECK(cut.exit_code == 1);
  CHECK_THAT(cut.out, Catch::Contains("entries were deleted from its end"));
}

}  // namespace
}  // namespace gridcare::testing
