// Children's data at rest, against the real server: a report's subjects come back over the
// API and never reach the database file in the clear; `?subjectIdNumber=` finds the case
// within scope; the server makes its key file owner-only, and will not start on a store
// whose key file has gone missing. A restart with the key reads everything again.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/server_app.h"
#include "tests/e2e/server_fixture.h"

namespace gridcare::testing {
namespace {

constexpr char kIdNumber[] = "35058320150101123X";

std::string Report(const std::string& request_id) {
  return R"({"requestId":")" + request_id +
         R"(","channel":"GRID_PATROL","category":"LEFT_BEHIND_CHILD","priority":"ROUTINE",)"
         R"("title":"留守儿童无人照看","description":"祖母王桂兰住院","address":"梅亭社区九号楼",)"
         R"("subjects":[{"name":"郑小雨","role":"CHILD","age":8,"idNumber":")" +
         std::string(kIdNumber) + R"(","phone":"13905950001"}]})";
}

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int CasesIn(const HttpReply& r) {
  v1::ListCasesResponse list;
  INFO(r.body);
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &list).ok());
  return list.cases_size();
}

TEST_CASE("the server seals subjects at rest and finds them by ID number within scope",
          "[e2e][privacy]") {
  TestServer server;
  Caller worker(server, "gw111");
  auto created = worker.Call("POST", "/v1/cases", Report("p-1"));
  REQUIRE(created.status == 201);
  const v1::Case c = worker.CaseFrom(created);
  REQUIRE(c.subjects_size() == 1);
  CHECK(c.subjects(0).name() == "郑小雨");

  Caller staff(server, "staffV11");
  auto read = staff.CaseFrom(staff.Call("GET", "/v1/cases/" + c.id()));
  CHECK(read.subjects(0).id_number() == kIdNumber);
  CHECK(read.address() == "梅亭社区九号楼");

  const std::string target = std::string("/v1/cases?subjectIdNumber=") + kIdNumber;
  CHECK(CasesIn(staff.Call("GET", target)) == 1);
  CHECK(CasesIn(staff.Call("GET", "/v1/cases?subjectIdNumber=35058320150101123x")) == 1);
  CHECK(CasesIn(staff.Call("GET", "/v1/cases?subjectIdNumber=350583201501011230")) == 0);
  Caller elsewhere(server, "gw211");  // a grid worker of another township
  CHECK(CasesIn(elsewhere.Call("GET", target)) == 0);
  auto bad = staff.Call("GET", "/v1/cases?subjectIdNumber=%27%20OR%201%3D1");
  CHECK(bad.status == 400);
  CHECK_THAT(bad.body, Catch::Contains("subjectIdNumber"));

  const std::string file = Bytes(server.db_path()) + Bytes(server.db_path() + "-wal");
  for (const std::string secret : {"郑小雨", kIdNumber, "13905950001", "梅亭社区九号楼", "王桂兰"}) {
    INFO(secret);
    CHECK(file.find(secret) == std::string::npos);
  }
  const auto perms = std::filesystem::status(server.db_path() + ".keys").permissions();
  CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
        std::filesystem::perms::none);
}

TEST_CASE("a server will not start on sealed data whose key file is missing, and reads it all "
          "again once the key is back",
          "[e2e][privacy]") {
  TempDir dir;
  const std::string db = dir.File("gridcare.db");
  SeedCity(db);
  std::string id;
  {
    auto app = app::ServerApp::Start({db, "", "127.0.0.1:0", std::string()});
    REQUIRE(app.ok());
    HttpClient http("127.0.0.1", (*app)->port());
    auto signin = http.Request("POST", "/v1/sessions",
                               R"({"username":"gw111","password":")" + std::string(kPassword) +
                                   R"("})");
    REQUIRE(signin.status == 200);
    v1::Session s;
    REQUIRE(google::protobuf::util::JsonStringToMessage(signin.body, &s).ok());
    auto created = http.Request("POST", "/v1/cases", Report("p-1"),
                                {{"Authorization", "Bearer " + s.token()}});
    REQUIRE(created.status == 201);
    v1::Case c;
    REQUIRE(google::protobuf::util::JsonStringToMessage(created.body, &c).ok());
    id = c.id();
  }
  std::filesystem::rename(db + ".keys", dir.File("safe-place.keys"));
  auto refused = app::ServerApp::Start({db, "", "127.0.0.1:0", std::string()});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == engine::ErrorCode::kFailedPrecondition);
  CHECK_THAT(refused.status().message(), Catch::Contains(db + ".keys") && Catch::Contains("missing"));
  CHECK_FALSE(std::filesystem::exists(db + ".keys"));  // no new key was made over the data

  // Pointed at the key where the operator keeps it, the server reads every case again.
  std::ofstream(dir.File("gridcare.toml")) << "[privacy]\nkey_file = \"safe-place.keys\"\n";
  auto app = app::ServerApp::Start({db, dir.File("gridcare.toml"), "127.0.0.1:0", std::string()});
  INFO(app.status().ToString());
  REQUIRE(app.ok());
  HttpClient http("127.0.0.1", (*app)->port());
  auto signin = http.Request("POST", "/v1/sessions",
                             R"({"username":"staffV11","password":")" + std::string(kPassword) +
                                 R"("})");
  v1::Session s;
  REQUIRE(google::protobuf::util::JsonStringToMessage(signin.body, &s).ok());
  auto read = http.Request("GET", "/v1/cases/" + id, "", {{"Authorization", "Bearer " + s.token()}});
  REQUIRE(read.status == 200);
  CHECK_THAT(read.body, Catch::Contains("郑小雨"));
}

}  // namespace
}  // namespace gridcare::testing
