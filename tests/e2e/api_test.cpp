// The published contract end to end: a real server on loopback, every role through the
// lifecycle, scope denials, bad inputs, idempotent retries and stale versions.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/error.pb.h"
#include "storage/audit_verifier.h"
#include "storage/sqlite.h"
#include "tests/e2e/server_fixture.h"

namespace gridcare::testing {
namespace {

using namespace std::chrono_literals;

std::string ErrorStatus(const HttpReply& r) {
  v1::ErrorBody e;
  if (!google::protobuf::util::JsonStringToMessage(r.body, &e).ok()) return "unparsable: " + r.body;
  return e.error().status();
}

}  // namespace

TEST_CASE("every role plays its part from report to closed case over HTTP", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111"), leader(server, "leaderV11"), staff(server, "staffV11");

  auto created = worker.Call("POST", "/v1/cases", ReportJson("r-1"));
  REQUIRE(created.status == 201);
  const v1::Case c = worker.CaseFrom(created);
  CHECK(c.state() == v1::Case::REPORTED);
  CHECK(c.grid_id() == "G111");
  CHECK(c.assigned_unit_id() == "V11");
  CHECK(c.version() == 1);
  CHECK_FALSE(c.has_respond_time());
  CHECK(created.body.find("\"respondTime\"") == std::string::npos);
  CHECK(created.body.find("\"overdue\":false") != std::string::npos);
  CHECK(created.body.find("\"version\":1") != std::string::npos);
  const std::string base = "/v1/cases/" + c.id();

  // The village's INBOX shows it at once.
  auto inbox = leader.Call("GET", "/v1/cases?view=INBOX");
  REQUIRE(inbox.status == 200);
  CHECK(inbox.body.find(c.number()) != std::string::npos);

  auto verified = leader.Call("POST", base + ":verify", R"({"decision":"CONFIRM","note":"属实"})");
  REQUIRE(verified.status == 200);
  CHECK(leader.CaseFrom(verified).state() == v1::Case::ASSIGNED);
  auto accepted = staff.Call("POST", base + ":accept", R"({"version":2})");
  REQUIRE(accepted.status == 200);
  const v1::Case a = staff.CaseFrom(accepted);
  CHECK(a.state() == v1::Case::IN_PROGRESS);
  CHECK(a.has_respond_time());
  CHECK(a.has_resolve_due_time());
  auto resolved = staff.Call("POST", base + ":resolve", R"({"note":"已落实临时救助"})");
  REQUIRE(resolved.status == 200);
  auto closed = worker.Call("POST", base + ":followUp", R"({"satisfied":true,"note":"满意"})");
  REQUIRE(closed.status == 200);
  const v1::Case done = worker.CaseFrom(closed);
  CHECK(done.state() == v1::Case::CLOSED);
  CHECK(done.has_close_time());
  CHECK(done.version() == 5);

  auto events = staff.Call("GET", base + "/events");
  REQUIRE(events.status == 200);
  v1::ListEventsResponse list;
  REQUIRE(google::protobuf::util::JsonStringToMessage(events.body, &list).ok());
  REQUIRE(list.events_size() == 5);
  CHECK(list.events(0).action() == v1::CaseEvent::REPORTED);
  CHECK(list.events(0).prev_hash().empty());
  for (int i = 1; i < list.events_size(); ++i) {
    CHECK(list.events(i).prev_hash() == list.events(i - 1).hash());
    CHECK(list.events(i).seq() == i + 1);
  }
  CHECK(list.events(4).action() == v1::CaseEvent::CLOSED);

  auto audit = storage::VerifyAudit(server.db_path());
  REQUIRE(audit.ok());
  CHECK(audit->empty());

  // Who read this child's case is on record (written shortly, with the next commit).
  auto db = storage::Db::Open(server.db_path(), SQLITE_OPEN_READONLY);
  REQUIRE(db.ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::int64_t reads = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto n = db->QueryInt("SELECT COUNT(*) FROM access_log WHERE case_id = " + c.id() +
                          " AND what = 'events'");
    REQUIRE(n.ok());
    reads = *n;
    if (reads > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(reads == 1);
}

TEST_CASE("cases outside the caller's scope do not exist for them", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111"), other_worker(server, "gw211"), other_staff(server, "staffV21"),
      leader(server, "leaderV11"), hotline(server, "hotline");
  const v1::Case c = worker.CaseFrom(worker.Call("POST", "/v1/cases", ReportJson("r-1")));
  const std::string base = "/v1/cases/" + c.id();
  CHECK(other_worker.Call("GET", base).status == 404);
  CHECK(other_worker.Call("GET", base + "/events").status == 404);
  auto act = other_staff.Call("POST", base + ":verify", R"({"decision":"CONFIRM"})");
  CHECK(act.status == 404);
  CHECK(ErrorStatus(act) == "NOT_FOUND");
  CHECK(hotline.Call("GET", base).status == 404);  // neither filed nor assigned to it
  auto list = other_staff.Call("GET", "/v1/cases?view=ALL");
  REQUIRE(list.status == 200);
  CHECK(list.body.find(c.number()) == std::string::npos);
  // In scope but not theirs to do: 403; not in this state: 409.
  auto denied = worker.Call("POST", base + ":verify", R"({"decision":"CONFIRM"})");
  CHECK(denied.status == 403);
  CHECK(ErrorStatus(denied) == "PERMISSION_DENIED");
  auto wrong_state = leader.Call("POST", base + ":resolve", R"({"note":"x"})");
  CHECK(wrong_state.status == 409);
  CHECK(ErrorStatus(wrong_state) == "FAILED_PRECONDITION");
  // A grid worker cannot report for another grid.
  auto foreign = worker.Call("POST", "/v1/cases", ReportJson("r-2", "G211"));
  CHECK(foreign.status == 403);
}

TEST_CASE("bad input gets a clear error and changes nothing", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111");
  HttpClient anonymous("127.0.0.1", server.port());

  auto no_token = anonymous.Request("GET", "/v1/cases");
  CHECK(no_token.status == 401);
  CHECK(ErrorStatus(no_token) == "UNAUTHENTICATED");
  auto bad_token = anonymous.Request("GET", "/v1/cases", "", {{"Authorization", "Bearer nope"}});
  CHECK(bad_token.status == 401);
  auto wrong_password = anonymous.Request("POST", "/v1/sessions",
                                          R"({"username":"gw111","password":"wrong-one"})");
  CHECK(wrong_password.status == 401);

  auto malformed = worker.Call("POST", "/v1/cases", "{not json");
  CHECK(malformed.status == 400);
  CHECK(ErrorStatus(malformed) == "INVALID_ARGUMENT");
  std::string unknown_enum = ReportJson("r-x");
  unknown_enum.replace(unknown_enum.find("LEFT_BEHIND_CHILD"), 17, "ALIENS");
  auto bad_enum = worker.Call("POST", "/v1/cases", unknown_enum);
  CHECK(bad_enum.status == 400);
  auto missing_title = worker.Call(
      "POST", "/v1/cases",
      R"({"requestId":"r-y","channel":"GRID_PATROL","category":"OTHER","priority":"ROUTINE"})");
  CHECK(missing_title.status == 400);
  CHECK(missing_title.body.find("title") != std::string::npos);
  auto bad_proto = worker.Raw("POST", "/v1/cases", std::string("\xff\xff\xff\x01", 4),
                              {{"Content-Type", "application/x-protobuf"}});
  CHECK(bad_proto.status == 400);
  auto huge = worker.Call("POST", "/v1/cases", std::string(2 * 1024 * 1024, 'x'));
  CHECK(huge.status == 413);
  CHECK(ErrorStatus(huge) == "RESOURCE_EXHAUSTED");
  auto bad_view = worker.Call("GET", "/v1/cases?view=EVERYTHING");
  CHECK(bad_view.status == 400);
  CHECK(worker.Call("GET", "/v1/cases/999999").status == 404);
  CHECK(worker.Call("GET", "/v1/nowhere").status == 404);

  // None of it created anything.
  auto mine = worker.Call("GET", "/v1/cases?view=MINE");
  REQUIRE(mine.status == 200);
  v1::ListCasesResponse list;
  REQUIRE(google::protobuf::util::JsonStringToMessage(mine.body, &list).ok());
  CHECK(list.cases_size() == 0);
}

TEST_CASE("a retried report returns the same case, even when retries race", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111");
  auto first = worker.Call("POST", "/v1/cases", ReportJson("same-key"));
  REQUIRE(first.status == 201);
  auto again = worker.Call("POST", "/v1/cases", ReportJson("same-key"));
  REQUIRE(again.status == 200);
  CHECK(worker.CaseFrom(again).id() == worker.CaseFrom(first).id());

  std::atomic<int> created{0}, replayed{0};
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  const std::string token = worker.auth();
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c("127.0.0.1", server.port());
      auto r = c.Request("POST", "/v1/cases", ReportJson("race-key"), {{"Authorization", token}});
      if (r.status == 201) ++created;
      if (r.status == 200) ++replayed;
      v1::Case cs;
      if (google::protobuf::util::JsonStringToMessage(r.body, &cs).ok()) ids[i] = cs.id();
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created == 1);
  CHECK(replayed == 7);
  for (const auto& id : ids) CHECK(id == ids[0]);
}

TEST_CASE("a requestId used again with a different body is 409 ALREADY_EXISTS and changes nothing",
          "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111");
  auto first = worker.Call("POST", "/v1/cases", ReportJson("key-1"));
  REQUIRE(first.status == 201);
  const v1::Case filed = worker.CaseFrom(first);

  // An urgent report sent under an old key must not be answered with the old case.
  std::string urgent = ReportJson("key-1");
  urgent.replace(urgent.find("ROUTINE"), 7, "URGENT");
  auto conflict = worker.Call("POST", "/v1/cases", urgent);
  CHECK(conflict.status == 409);
  CHECK(ErrorStatus(conflict) == "ALREADY_EXISTS");
  CHECK(conflict.body.find(filed.number()) != std::string::npos);
  CHECK(conflict.body.find("priority") != std::string::npos);
  // The same body with the grid spelled out is the same report.
  auto explicit_grid = worker.Call("POST", "/v1/cases", ReportJson("key-1", filed.grid_id()));
  CHECK(explicit_grid.status == 200);
  // A different title: the same answer.
  std::string retitled = ReportJson("key-1");
  retitled.replace(retitled.find("留守儿童无人照看"), std::string("留守儿童无人照看").size(), "另一件事");
  CHECK(worker.Call("POST", "/v1/cases", retitled).status == 409);

  auto mine = worker.Call("GET", "/v1/cases?view=MINE");
  REQUIRE(mine.status == 200);
  v1::ListCasesResponse list;
  REQUIRE(google::protobuf::util::JsonStringToMessage(mine.body, &list).ok());
  REQUIRE(list.cases_size() == 1);
  CHECK(list.cases(0).version() == filed.version());
  CHECK(list.cases(0).priority() == v1::Case::ROUTINE);
  CHECK(worker.Call("GET", "/v1/cases/" + filed.id() + "/events").body.find("URGENT") ==
        std::string::npos);
}

TEST_CASE("a stale version is refused with ABORTED", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111"), leader(server, "leaderV11");
  const v1::Case c = worker.CaseFrom(worker.Call("POST", "/v1/cases", ReportJson("r-1")));
  auto stale = leader.Call("POST", "/v1/cases/" + c.id() + ":verify",
                           R"({"version":7,"decision":"CONFIRM"})");
  CHECK(stale.status == 409);
  CHECK(ErrorStatus(stale) == "ABORTED");
  auto fresh = leader.Call("POST", "/v1/cases/" + c.id() + ":verify",
                           R"({"version":1,"decision":"CONFIRM"})");
  CHECK(fresh.status == 200);
}

TEST_CASE("binary protobuf works both ways", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111");
  v1::CreateCaseRequest req;
  req.set_request_id("bin-1");
  req.set_channel(v1::Case::GRID_PATROL);
  req.set_category(v1::Case::CHILD_IN_HARDSHIP);
  req.set_priority(v1::Case::URGENT);
  req.set_title("困境儿童");
  auto r = worker.Raw("POST", "/v1/cases", req.SerializeAsString(),
                      {{"Content-Type", "application/x-protobuf"},
                       {"Accept", "application/x-protobuf"}});
  REQUIRE(r.status == 201);
  CHECK(r.headers["content-type"] == "application/x-protobuf");
  v1::Case c;
  REQUIRE(c.ParseFromString(r.body));
  CHECK(c.priority() == v1::Case::URGENT);
  CHECK(c.grid_id() == "G111");
}

TEST_CASE("signing out revokes the token", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111");
  CHECK(worker.Call("GET", "/v1/cases").status == 200);
  CHECK(worker.Call("DELETE", "/v1/sessions/current").status == 204);
  CHECK(worker.Call("GET", "/v1/cases").status == 401);
}

TEST_CASE("health, metrics and stats answer", "[e2e]") {
  TestServer server;
  HttpClient anonymous("127.0.0.1", server.port());
  auto health = anonymous.Request("GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok");
  Caller worker(server, "gw111"), sup(server, "supC");
  REQUIRE(worker.Call("POST", "/v1/cases", ReportJson("r-1")).status == 201);
  auto metrics = anonymous.Request("GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find("gridcare_http_requests_total{route=\"/v1/cases\",status=\"201\"} 1") !=
        std::string::npos);
  CHECK(metrics.body.find("gridcare_cases_open 1") != std::string::npos);
  CHECK(metrics.body.find("gridcare_store_wal_pages_total ") != std::string::npos);
  CHECK(metrics.body.find("gridcare_store_wal_pages_total 0\n") == std::string::npos);
  CHECK(metrics.body.find("gridcare_store_inline_checkpoint_seconds_total ") != std::string::npos);
  CHECK(metrics.body.find("gridcare_store_wal_sync_duration_seconds_count ") != std::string::npos);
  CHECK(metrics.body.find("gridcare_store_group_size_bucket{le=\"1\"} ") != std::string::npos);
  auto stats = sup.Call("GET", "/v1/stats");
  REQUIRE(stats.status == 200);
  CHECK(stats.body.find("\"unitId\":\"T1\"") != std::string::npos);
  CHECK(stats.body.find("\"total\":{") != std::string::npos);
  CHECK(worker.Call("GET", "/v1/stats?unitId=T2").status == 403);
}

TEST_CASE("the stream tells a township about a new case in its village", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111"), township(server, "staffT1"), other(server, "staffV21");
  RawConn stream(server.port()), stream_other(server.port());
  REQUIRE(stream.Get("/v1/stream", {{"Authorization", township.auth()}}));
  REQUIRE(stream_other.Get("/v1/stream", {{"Authorization", other.auth()}}));
  REQUIRE(stream.ReadUntil(": connected", 5s).find("text/event-stream") != std::string::npos);
  REQUIRE(stream_other.ReadUntil(": connected", 5s).find("200") != std::string::npos);
  REQUIRE(worker.Call("POST", "/v1/cases", ReportJson("r-1")).status == 201);
  const std::string got = stream.ReadUntil("\n\n", 5s);
  CHECK(got.find("event: case") != std::string::npos);
  CHECK(got.find("\"action\":\"REPORTED\"") != std::string::npos);
  CHECK(got.find("\"assignedUnitId\":\"V11\"") != std::string::npos);
  // Another township hears nothing of it.
  CHECK(stream_other.ReadUntil("event: case", 300ms).find("event: case") == std::string::npos);
}

TEST_CASE("one I/O thread and one worker serve sign-in, a stream, writes and reads", "[e2e]") {
  TestServer server("[server]\nio_threads = 1\nworker_threads = 1\n");
  Caller worker(server, "gw111"), township(server, "staffT1");
  // A stream held open must not hold the only worker.
  RawConn stream(server.port());
  REQUIRE(stream.Get("/v1/stream", {{"Authorization", township.auth()}}));
  REQUIRE(stream.ReadUntil(": connected", 5s).find("text/event-stream") != std::string::npos);
  auto created = worker.Call("POST", "/v1/cases", ReportJson("r-1"));
  REQUIRE(created.status == 201);
  const v1::Case c = worker.CaseFrom(created);
  CHECK(stream.ReadUntil("\n\n", 5s).find("event: case") != std::string::npos);
  CHECK(worker.Call("GET", "/v1/cases/" + c.id()).status == 200);
  CHECK(township.Call("GET", "/v1/cases").status == 200);
  CHECK(worker.Call("GET", "/v1/cases/" + c.id() + "/events").status == 200);
}

}  // namespace gridcare::testing
