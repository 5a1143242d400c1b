// A real GridCare server on an ephemeral loopback port over a fresh store seeded with a
// small city and one user per role, plus helpers to sign in and call it as JSON.
#pragma once

#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "app/server_app.h"
#include "engine/case.h"
#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/session.pb.h"
#include "storage/sqlite_store.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"
#include "util/crypto.h"

namespace gridcare::testing {

inline constexpr char kPassword[] = "test-password";

// Org tree: C → T1 (V11: G111, G112; V12: G121), T2 (V21: G211); D-MZ department.
inline std::vector<engine::OrgUnit> CityUnits() {
  using engine::OrgLevel;
  return {
      {"C", "南安市", OrgLevel::kCity, ""},        {"T1", "柳城街道", OrgLevel::kTownship, "C"},
      {"T2", "美林街道", OrgLevel::kTownship, "C"}, {"V11", "梅亭社区", OrgLevel::kVillage, "T1"},
      {"V12", "南门社区", OrgLevel::kVillage, "T1"}, {"V21", "美林村", OrgLevel::kVillage, "T2"},
      {"G111", "梅亭一网格", OrgLevel::kGrid, "V11"}, {"G112", "梅亭二网格", OrgLevel::kGrid, "V11"},
      {"G121", "南门一网格", OrgLevel::kGrid, "V12"}, {"G211", "美林一网格", OrgLevel::kGrid, "V21"},
      {"D-MZ", "民政局", OrgLevel::kDepartment, "C"},
  };
}

inline void SeedCity(const std::string& db_path) {
  auto store = storage::SqliteStore::Open(db_path);
  REQUIRE(store.ok());
  using engine::Role;
  const std::vector<engine::OrgUnit> units = CityUnits();
  const std::vector<std::tuple<std::string, Role, std::string>> people = {
      {"gw111", Role::kGridWorker, "G111"},       {"gw211", Role::kGridWorker, "G211"},
      {"leaderV11", Role::kGridLeader, "V11"},    {"staffV11", Role::kFederationStaff, "V11"},
      {"staffV21", Role::kFederationStaff, "V21"}, {"staffT1", Role::kFederationStaff, "T1"},
      {"staffC", Role::kFederationStaff, "C"},    {"deptMZ", Role::kDepartmentStaff, "D-MZ"},
      {"hotline", Role::kHotlineOperator, "C"},   {"supT1", Role::kSupervisor, "T1"},
      {"supC", Role::kSupervisor, "C"},           {"admin", Role::kAdmin, "C"},
  };
  const auto hash = util::HashPassword(kPassword);
  REQUIRE(hash.ok());
  std::vector<engine::User> users;
  for (const auto& [name, role, unit] : people) {
    users.push_back({"", name, "测试-" + name, role, unit, *hash});
  }
  REQUIRE((*store)->Write([&](engine::StoreWriter& w) {
                     GC_RETURN_IF_ERROR(w.UpsertOrgUnits(units));
                     return w.UpsertUsers(users);
                   }).ok());
}

class TestServer {
 public:
  // `console_dir`: as `gridcare serve --console`; by default none, so that a console built
  // in the source tree does not change what the API tests see at paths outside /v1.
  explicit TestServer(std::string config_text = "",
                      std::optional<std::string> console_dir = std::string()) {
    db_ = dir_.File("gridcare.db");
    SeedCity(db_);
    app::ServerAppOptions options{db_, "", "127.0.0.1:0", std::move(console_dir)};
    if (!config_text.empty()) {
      options.config_path = dir_.File("gridcare.toml");
      FILE* f = std::fopen(options.config_path.c_str(), "w");
      std::fputs(config_text.c_str(), f);
      std::fclose(f);
    }
    auto started = app::ServerApp::Start(options);
    INFO(started.status().ToString());
    REQUIRE(started.ok());
    app_ = std::move(started).value();
  }

  int port() const { return app_->port(); }
  app::ServerApp& app() { return *app_; }
  const std::string& db_path() const { return db_; }

  // Signs in and returns the bearer header value.
  std::string Token(const std::string& username) {
    HttpClient c("127.0.0.1", port());
    auto r = c.Request("POST", "/v1/sessions",
                       R"({"username":")" + username + R"(","password":")" + kPassword + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    v1::Session s;
    REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &s).ok());
    return "Bearer " + s.token();
  }

 private:
  TempDir dir_;
  std::string db_;
  std::unique_ptr<app::ServerApp> app_;
};

// A signed-in JSON client.
class Caller {
 public:
  Caller(TestServer& server, const std::string& username)
      : http_("127.0.0.1", server.port()), auth_(server.Token(username)) {}

  HttpReply Call(const std::string& method, const std::string& target,
                 const std::string& body = "") {
    return http_.Request(method, target, body, {{"Authorization", auth_}});
  }
  HttpReply Raw(const std::string& method, const std::string& target, const std::string& body,
                const std::map<std::string, std::string>& headers) {
    auto h = headers;
    h["Authorization"] = auth_;
    return http_.Request(method, target, body, h);
  }
  v1::Case CaseFrom(const HttpReply& r) {
    v1::Case c;
    INFO(r.body);
    REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &c).ok());
    return c;
  }
  const std::string& auth() const { return auth_; }

 private:
  HttpClient http_;
  std::string auth_;
};

// Opens GET /v1/stream as `caller` and reads until the stream has said it is connected.
inline std::unique_ptr<RawConn> OpenStream(TestServer& server, const Caller& caller) {
  auto conn = std::make_unique<RawConn>(server.port());
  REQUIRE(conn->Get("/v1/stream", {{"Authorization", caller.auth()}}));
  std::string head;
  REQUIRE(conn->ReadUntil(": connected", std::chrono::seconds(5), &head));
  REQUIRE(head.rfind("HTTP/1.1 200", 0) == 0);
  return conn;
}

inline std::string ReportJson(const std::string& request_id, const std::string& grid = "") {
  std::string grid_field = grid.empty() ? "" : R"("gridId":")" + grid + R"(",)";
  return R"({"requestId":")" + request_id +
         R"(","channel":"GRID_PATROL","category":"LEFT_BEHIND_CHILD","priority":"ROUTINE",)" +
         grid_field +
         R"("title":"留守儿童无人照看","description":"父母外出务工","address":"梅亭社区3号",)"
         R"("subjects":[{"name":"小明","role":"CHILD","age":9}]})";
}

}  // namespace gridcare::testing
