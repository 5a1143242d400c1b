// The endpoints the console reads beside the contract's: GET /v1/orgUnits,
// GET /v1/cases/{id}/actions and GET /v1/stats:daily, over HTTP with their JSON shapes.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <chrono>

#include "engine/work_calendar.h"
#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/error.pb.h"
#include "gridcare/v1/org.pb.h"
#include "gridcare/v1/stats.pb.h"
#include "tests/e2e/server_fixture.h"

namespace gridcare::testing {
namespace {

template <typename M>
M Parse(const HttpReply& r) {
  M m;
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 200);
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &m).ok());
  return m;
}

std::vector<std::string> UnitIds(Caller& caller) {
  const auto list = Parse<v1::ListOrgUnitsResponse>(caller.Call("GET", "/v1/orgUnits"));
  std::vector<std::string> ids;
  for (const auto& u : list.units()) ids.push_back(u.id());
  return ids;
}

std::string ErrorStatus(const HttpReply& r) {
  v1::ErrorBody e;
  if (!google::protobuf::util::JsonStringToMessage(r.body, &e).ok()) return "unparsable: " + r.body;
  return e.error().status();
}

// Today in China, from the real clock the server also reads.
std::string ChinaToday() {
  using namespace std::chrono;
  return engine::FormatIsoDate(floor<days>(system_clock::now() + hours(8)));
}

}  // namespace

TEST_CASE("GET /v1/orgUnits shows a caller their branch of the tree and the departments",
          "[e2e]") {
  TestServer server;
  using V = std::vector<std::string>;
  Caller worker(server, "gw111");
  CHECK(UnitIds(worker) == V{"C", "D-MZ", "T1", "V11", "G111"});
  Caller supervisor(server, "supT1");
  CHECK(UnitIds(supervisor) == V{"C", "D-MZ", "T1", "V11", "G111", "G112", "V12", "G121"});
  Caller admin(server, "admin");
  CHECK(UnitIds(admin).size() == 11);

  auto r = worker.Call("GET", "/v1/orgUnits");
  CHECK(r.body.find(R"({"id":"T1","name":"柳城街道","level":"TOWNSHIP","parentId":"C"})") !=
        std::string::npos);
  CHECK(r.body.find(R"({"id":"C","name":"南安市","level":"CITY","parentId":""})") !=
        std::string::npos);
  HttpClient anonymous("127.0.0.1", server.port());
  CHECK(anonymous.Request("GET", "/v1/orgUnits").status == 401);
}

TEST_CASE("GET /v1/cases/{id}/actions lists what the caller may do now", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111"), leader(server, "leaderV11"), staff(server, "staffV11"),
      stranger(server, "gw211");
  const v1::Case c = worker.CaseFrom(worker.Call("POST", "/v1/cases", ReportJson("a-1")));
  const std::string base = "/v1/cases/" + c.id();

  auto listed = leader.Call("GET", base + "/actions");
  REQUIRE(listed.status == 200);
  CHECK(listed.body == R"({"actions":["verify","comment"]})");
  CHECK(Parse<v1::ListActionsResponse>(worker.Call("GET", base + "/actions")).actions_size() == 2);

  REQUIRE(leader.Call("POST", base + ":verify", R"({"decision":"CONFIRM"})").status == 200);
  CHECK(staff.Call("GET", base + "/actions").body ==
        R"({"actions":["accept","escalate","comment"]})");
  CHECK(leader.Call("GET", base + "/actions").body == R"({"actions":["comment"]})");

  // Out of scope looks exactly like GET /v1/cases/{id}: 404, existence not leaked.
  auto hidden = stranger.Call("GET", base + "/actions");
  CHECK(hidden.status == 404);
  CHECK(ErrorStatus(hidden) == "NOT_FOUND");
  CHECK(stranger.Call("GET", base).status == 404);
  CHECK(staff.Call("GET", "/v1/cases/999999/actions").status == 404);
  CHECK(staff.Call("GET", "/v1/cases/abc/actions").status == 404);
}

TEST_CASE("GET /v1/stats:daily gives one row per China day, today last", "[e2e]") {
  TestServer server;
  Caller worker(server, "gw111"), staff(server, "staffT1"), other(server, "staffV21");
  const std::string before = ChinaToday();
  REQUIRE(worker.Call("POST", "/v1/cases", ReportJson("d-1")).status == 201);

  auto r = staff.Call("GET", "/v1/stats:daily");
  const auto series = Parse<v1::DailyStatsResponse>(r);
  REQUIRE(series.days_size() == 14);
  const std::string after = ChinaToday();
  const v1::DayStats& last = series.days(13);
  CHECK((last.date() == before || last.date() == after));
  if (before == after) {
    CHECK(last.received() == 1);
    CHECK(r.body.find(R"({"date":")" + after +
                      R"(","received":1,"responded":0,"avgResponseSeconds":0})") !=
          std::string::npos);
  }
  CHECK(series.days(0).date() < series.days(1).date());

  CHECK(Parse<v1::DailyStatsResponse>(staff.Call("GET", "/v1/stats:daily?days=3&unitId=V11"))
            .days_size() == 3);
  auto denied = other.Call("GET", "/v1/stats:daily?unitId=T1");
  CHECK(denied.status == 403);
  CHECK(ErrorStatus(denied) == "PERMISSION_DENIED");
  for (const char* bad : {"days=0", "days=91", "days=two", "days=-1"}) {
    CAPTURE(bad);
    auto refused = staff.Call("GET", std::string("/v1/stats:daily?") + bad);
    CHECK(refused.status == 400);
    CHECK(refused.body.find("days") != std::string::npos);
  }
}

}  // namespace gridcare::testing
