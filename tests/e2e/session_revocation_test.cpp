// Sessions ended by someone else: an administrator's revoke, and an import (another
// process) that changes a user's password, role or unit. Both end the user's sign-ins —
// cached ones included — and their live streams at once, and nobody else's.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>

#include "app/import_commands.h"
#include "storage/sqlite_store.h"
#include "tests/e2e/server_fixture.h"
#include "tests/support/eventually.h"

namespace gridcare::testing {
namespace {

using std::chrono::seconds;

bool Works(Caller& caller) { return caller.Call("GET", "/v1/cases?view=ALL").status == 200; }

// The users of SeedCity, as users.csv rows with the test password, `changed` appended.
std::string UsersCsv(const std::string& changed_rows) {
  std::string csv = "username,display_name,role,org_id,password\n";
  csv += "staffV11,测试-staffV11,FEDERATION_STAFF,V11," + std::string(kPassword) + "\n";
  csv += "supC,测试-supC,SUPERVISOR,C," + std::string(kPassword) + "\n";
  return csv + changed_rows;
}

app::ImportReport ImportUsersFromOtherProcess(TestServer& server, const std::string& csv) {
  const std::string path = server.db_path() + ".users.csv";
  std::ofstream(path) << csv;
  // Its own store on the same file: the server hears of it only through the file, as it
  // would from `gridcare import users`.
  auto store = storage::SqliteStore::Open(server.db_path());
  REQUIRE(store.ok());
  app::ImportReport report;
  const engine::Status status = app::ImportUsers(**store, path, &report);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return report;
}

TEST_CASE("an administrator's revoke ends every session and stream of that user at once",
          "[e2e][hostile]") {
  TestServer server;
  Caller target(server, "supC"), target_again(server, "supC"), bystander(server, "supT1");
  Caller admin(server, "admin"), not_admin(server, "supC");
  // Used once, so the server has the sign-ins cached.
  REQUIRE(Works(target));
  REQUIRE(Works(target_again));
  auto stream = OpenStream(server, target);
  auto bystander_stream = OpenStream(server, bystander);

  SECTION("only an ADMIN may, and only by POST") {
    CHECK(not_admin.Call("POST", "/v1/users/supT1:revokeSessions").status == 403);
    CHECK(Works(bystander));
    CHECK(admin.Call("GET", "/v1/users/supT1:revokeSessions").status == 405);
    CHECK(admin.Call("POST", "/v1/users/nobody:revokeSessions").status == 404);
    CHECK(admin.Call("POST", "/v1/users/:revokeSessions").status == 404);
    CHECK(admin.Call("POST", "/v1/users/supT1:somethingElse").status == 404);
  }

  const HttpReply revoked = admin.Call("POST", "/v1/users/supC:revokeSessions");
  INFO(revoked.body);
  REQUIRE(revoked.status == 200);
  // Three sign-ins of supC: target, target_again and not_admin.
  CHECK(revoked.body.find(R"("revokedSessions":3)") != std::string::npos);
  CHECK(revoked.body.find(R"("username":"supC")") != std::string::npos);
  // At once: the very next request, though the token was cached.
  CHECK(target.Call("GET", "/v1/cases?view=ALL").status == 401);
  CHECK(target_again.Call("GET", "/v1/cases?view=ALL").status == 401);
  CHECK(stream->ReadToEof(seconds(5)));
  // Nobody else is touched; supC may sign in again.
  CHECK(Works(bystander));
  CHECK(Works(admin));
  Caller worker(server, "gw111");
  REQUIRE(worker.Call("POST", "/v1/cases", ReportJson("after-revoke")).status == 201);
  std::string news;
  CHECK(bystander_stream->ReadUntil("event: case", seconds(5), &news));
  Caller back(server, "supC");
  CHECK(Works(back));
}

TEST_CASE("an import that changes a user's password, role or unit signs that user out "
          "everywhere, even from another process",
          "[e2e][hostile]") {
  struct Change {
    const char* what;
    std::string row;  // gw111's row in the new roster
    bool signs_out;
  };
  const std::string pw = kPassword;
  const Change change = GENERATE_COPY(
      Change{"nothing", "gw111,测试-gw111,GRID_WORKER,G111," + pw, false},
      Change{"the display name only", "gw111,新名字,GRID_WORKER,G111," + pw, false},
      Change{"the unit", "gw111,测试-gw111,GRID_WORKER,G112," + pw, true},
      Change{"the role", "gw111,测试-gw111,GRID_LEADER,V11," + pw, true},
      Change{"the password", "gw111,测试-gw111,GRID_WORKER,G111,another-password", true});
  INFO("changed: " << change.what);
  TestServer server;
  Caller staff(server, "staffV11"), supervisor(server, "supC"), changed(server, "gw111");
  // Used once, so the server has the sign-ins cached.
  REQUIRE(Works(staff));
  REQUIRE(Works(supervisor));
  REQUIRE(Works(changed));
  auto changed_stream = OpenStream(server, changed);
  auto staff_stream = OpenStream(server, staff);

  const app::ImportReport report = ImportUsersFromOtherProcess(server, UsersCsv(change.row + "\n"));
  CHECK(report.created == 0);
  CHECK(report.users_signed_out == (change.signs_out ? 1 : 0));
  CHECK(report.sessions_ended == (change.signs_out ? 1 : 0));
  if (change.signs_out) {
    // Within the watcher's poll, not the sign-in cache's 30 s.
    CHECK(Eventually([&] { return !Works(changed); }, seconds(3)));
    CHECK(changed.Call("GET", "/v1/cases?view=ALL").status == 401);
    CHECK(changed_stream->ReadToEof(seconds(3)));
  } else {
    // Given the watcher time to act (four polls), the sign-in still works.
    CHECK_FALSE(Eventually([&] { return !Works(changed); }, seconds(1)));
    CHECK_FALSE(changed_stream->ReadToEof(std::chrono::milliseconds(100)));
  }
  // Nobody else is touched.
  CHECK(Works(staff));
  CHECK(Works(supervisor));
  CHECK_FALSE(staff_stream->ReadToEof(std::chrono::milliseconds(100)));
}

}  // namespace
}  // namespace gridcare::testing
