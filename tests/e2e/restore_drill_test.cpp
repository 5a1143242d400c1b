// The restore drill against the real binary: a backup of a live server, the original
// damaged, `gridcare serve` refusing it with the way out, the documented restore, and the
// server serving every case acknowledged before the backup with an intact audit trail.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "gridcare/v1/case.pb.h"
#include "tests/e2e/serve_process.h"
#include "tests/support/damaged_file.h"

namespace gridcare::testing {
namespace {

using namespace std::chrono_literals;

std::string CaseId(const HttpReply& r) {
  v1::Case c;
  INFO(r.status << " " << r.body);
  REQUIRE((r.status == 201 || r.status == 200));
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &c).ok());
  return c.id();
}

void StopCleanly(ServeProcess& server) {
  REQUIRE(server.process.Signal(SIGTERM));
  const auto status = server.process.Wait(30s);
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
}

}  // namespace

TEST_CASE("a damaged database is refused at start, and the restored backup serves every case "
          "acknowledged before it", "[e2e]") {
  TempDir dir;
  const std::string db = dir.File("live.db");
  const std::string backup = dir.File("nightly.db");
  SeedCity(db);

  std::vector<std::string> before_backup;
  {
    ServeProcess server(db);
    const std::string token = server.Token("gw111");
    HttpClient http("127.0.0.1", server.port);
    for (int i = 0; i < 30; ++i) {
      before_backup.push_back(CaseId(http.Request("POST", "/v1/cases",
                                                  ReportJson("drill-" + std::to_string(i)),
                                                  {{"Authorization", token}})));
    }
    // The backup of the live server, as an operator's cron job takes it.
    const RunResult b = RunProcess({GRIDCARE_BINARY, "backup", "--db", db, "--to", backup});
    INFO(b.out << b.err);
    REQUIRE(b.exit_code == 0);
    for (int i = 0; i < 5; ++i) {  // after the backup: a restore loses these, by definition
      CaseId(http.Request("POST", "/v1/cases", ReportJson("late-" + std::to_string(i)),
                          {{"Authorization", token}}));
    }
    StopCleanly(server);
  }

  // A page of the events table goes bad on the disk.
  REQUIRE(CorruptRootPage(db, "case_events"));
  const std::string damaged = FileBytes(db);
  const RunResult refused =
      RunProcess({GRIDCARE_BINARY, "serve", "--db", db, "--listen", "127.0.0.1:0"}, "", 20s);
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code != 0);
  CHECK(refused.exit_code != -1);  // it refused at once: it did not serve until killed
  CHECK_THAT(refused.err, Catch::Contains("is damaged"));
  CHECK_THAT(refused.err, Catch::Contains("gridcare backup"));
  CHECK(refused.out.find("GridCare is serving") == std::string::npos);
  CHECK(FileBytes(db) == damaged);

  // The restore, as docs/storage.md "Restore" gives it.
  namespace fs = std::filesystem;
  const fs::path aside = dir.path() / "damaged";
  fs::create_directories(aside);
  for (const std::string suffix : {"", "-wal", "-shm"}) {
    if (fs::exists(db + suffix)) fs::rename(db + suffix, aside / ("live.db" + suffix));
  }
  fs::copy_file(backup, db);
  const RunResult verify = RunProcess({GRIDCARE_BINARY, "audit", "verify", "--db", db});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);

  {
    ServeProcess server(db);
    const std::string token = server.Token("gw111");
    HttpClient http("127.0.0.1", server.port);
    for (const std::string& id : before_backup) {
      INFO("case " << id);
      CHECK(http.Request("GET", "/v1/cases/" + id, "", {{"Authorization", token}}).status == 200);
    }
    // Idempotency survived too: a retry of a report from before the backup is a replay.
    CHECK(http.Request("POST", "/v1/cases", ReportJson("drill-0"), {{"Authorization", token}})
              .status == 200);
    StopCleanly(server);
  }
  const RunResult after = RunProcess({GRIDCARE_BINARY, "audit", "verify", "--db", db});
  INFO(after.out << after.err);
  CHECK(after.exit_code == 0);
}

}  // namespace gridcare::testing
