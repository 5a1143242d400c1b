// The authorization matrix: every role × every action × every place a user can stand
// relative to a case (its unit, above, below, beside, another township, a department, its
// reporter) against the real server, each answer compared with what the engine's transition
// table says; then what each of those users sees of the same cases through lists, events,
// statistics, the access log, the live stream and error messages. The oracle reads api.md's
// words for scope and the table's `who` column, restated here, not the server's own checks.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/actions.h"
#include "engine/org_tree.h"
#include "engine/scope.h"
#include "engine/transitions.h"
#include "gridcare/v1/stats.pb.h"
#include "storage/sqlite_store.h"
#include "tests/e2e/server_fixture.h"
#include "tests/support/eventually.h"

namespace gridcare::testing {
namespace {

using engine::ActorRule;
using engine::CaseState;
using engine::Command;
using engine::OrgLevel;
using engine::Role;

// The units SeedCity makes, as a tree for the oracle.
engine::OrgTree City() {
  auto tree = engine::OrgTree::Build(CityUnits());
  REQUIRE(tree.ok());
  return std::move(tree).value();
}

struct User {
  std::string username;
  std::string id;
  Role role;
  std::string unit;
  std::string auth;  // "Bearer …"
};

// The facts about a case the oracle needs, as the admin reads them.
struct Facts {
  std::string id;
  CaseState state;
  std::string grid;
  std::string village;
  std::string assigned;
  std::string reporter;
  int version = 0;
};

// api.md, "Scope (who may read what)".
bool Readable(const User& u, const Facts& c, const engine::OrgTree& tree) {
  if (u.role == Role::kAdmin || u.id == c.reporter) return true;
  switch (u.role) {
    case Role::kGridWorker: return c.grid == u.unit;
    case Role::kHotlineOperator:
    case Role::kDepartmentStaff: return c.assigned == u.unit;
    default: return tree.IsWithin(c.grid, u.unit) || tree.IsWithin(c.assigned, u.unit);
  }
}

// transitions.h's ActorRule comments (api.md's "who" column), one by one.
bool Fits(ActorRule rule, const User& u, const Facts& c, const std::string& target,
          const engine::OrgTree& tree) {
  const bool to_department = tree.Find(c.assigned)->level == OrgLevel::kDepartment;
  switch (rule) {
    case ActorRule::kGridLeaderOfVillage: return u.role == Role::kGridLeader && u.unit == c.village;
    case ActorRule::kHandlerOfAssignedUnit:
      return u.role == (to_department ? Role::kDepartmentStaff : Role::kFederationStaff) &&
             u.unit == c.assigned;
    case ActorRule::kSupervisorAboveAssigned:
      return u.role == Role::kSupervisor && tree.IsWithin(c.assigned, u.unit);
    case ActorRule::kSupervisorAboveBoth:
      return u.role == Role::kSupervisor && tree.IsWithin(c.assigned, u.unit) &&
             tree.IsWithin(target, u.unit);
    case ActorRule::kReporter: return u.id == c.reporter;
    case ActorRule::kGridWorkerOfGrid: return u.role == Role::kGridWorker && u.unit == c.grid;
    case ActorRule::kAnyReader: return Readable(u, c, tree);
    case ActorRule::kSystem: return false;
  }
  return false;
}

// Where a user stands relative to a case, for the report of a mismatch.
std::string Relation(const User& u, const Facts& c, const engine::OrgTree& tree) {
  if (u.id == c.reporter) return "its reporter";
  if (u.unit == c.assigned) return "its unit";
  if (tree.Find(u.unit)->level == OrgLevel::kDepartment) return "a department";
  if (tree.IsWithin(c.assigned, u.unit)) return "above its unit";
  if (tree.IsWithin(u.unit, c.assigned)) return "below its unit";
  const engine::OrgUnit* parent = tree.Parent(c.assigned);
  if (parent != nullptr && tree.IsWithin(u.unit, parent->id)) return "beside its unit";
  return "another township";
}

// The reassign target: a unit beside the natural one, never where a case already is.
constexpr char kReassignTarget[] = "V12";

std::string Body(const engine::CommandInfo& info, int version) {
  std::string body = R"({"version":)" + std::to_string(version) + R"(,"note":"矩阵")";
  if (info.field == "decision") body += R"(,"decision":")" + std::string(info.value) + "\"";
  if (info.field == "satisfied") body += R"(,"satisfied":)" + std::string(info.value);
  if (info.field == "unitId") body += R"(,"unitId":")" + std::string(kReassignTarget) + "\"";
  return body + "}";
}

// What the table and the scope rule say one user's action on one case must answer.
int Expected(const User& u, const engine::CommandInfo& info, const Facts& c,
             const engine::OrgTree& tree) {
  if (!Readable(u, c, tree)) return 404;
  const auto rows = engine::RowsFor(c.state, info.command);
  if (rows.empty()) return 409;
  for (const engine::Transition& row : rows) {
    for (std::uint32_t bit = 1; bit <= 1u << 15; bit <<= 1) {
      const auto rule = static_cast<ActorRule>(bit);
      if (row.who.Has(rule) && Fits(rule, u, c, kReassignTarget, tree)) return 200;
    }
  }
  return 403;
}

// The personal data in every report of this test: no error message may carry any of it.
const std::vector<std::string> kPersonal = {"留守儿童无人照看", "父母外出务工", "梅亭社区3号", "小明"};

class Matrix {
 public:
  explicit Matrix(TestServer& server) : server_(server), tree_(City()) { MakeUsers(); }

  // A case reported by gw111 in G111, driven by `steps` (action, username, body).
  struct Step {
    std::string action, username, body;
  };
  Facts NewCase(const std::vector<Step>& steps) {
    const std::string request_id = "m-" + std::to_string(++cases_);
    const HttpReply created = Send(user("gw111"), "POST", "/v1/cases", ReportJson(request_id));
    INFO(created.body);
    REQUIRE(created.status == 201);
    std::string id = Field(created.body, "id");
    for (const Step& s : steps) {
      const HttpReply r = Send(user(s.username), "POST", "/v1/cases/" + id + ":" + s.action, s.body);
      INFO(s.action << " by " << s.username << ": " << r.body);
      REQUIRE(r.status == 200);
    }
    return Read(id);
  }

  Facts Read(const std::string& id) {
    const HttpReply r = Send(user("admin"), "GET", "/v1/cases/" + id);
    REQUIRE(r.status == 200);
    v1::Case c;
    REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &c).ok());
    Facts f;
    f.id = c.id();
    f.state = *engine::ParseEnum<CaseState>(v1::Case::State_Name(c.state()));
    f.grid = c.grid_id();
    f.village = tree_.Parent(c.grid_id())->id;
    f.assigned = c.assigned_unit_id();
    f.reporter = c.reporter_id();
    f.version = c.version();
    return f;
  }

  HttpReply Send(const User& u, const std::string& method, const std::string& target,
                 const std::string& body = "") {
    HttpReply r = http_.Request(method, target, body, {{"Authorization", u.auth}});
    if (r.status >= 400) {
      ++errors_checked_;
      for (const std::string& p : kPersonal) {
        INFO(method << " " << target << " as " << u.username << ": " << r.body);
        CHECK(r.body.find(p) == std::string::npos);
      }
    }
    return r;
  }

  const User& user(const std::string& username) const {
    const auto driver = drivers_.find(username);
    return driver != drivers_.end() ? driver->second : users_.at(username);
  }
  const std::map<std::string, User>& users() const { return users_; }
  const engine::OrgTree& tree() const { return tree_; }
  int errors_checked() const { return errors_checked_; }

  static std::string Field(const std::string& json, const std::string& name) {
    const std::string key = "\"" + name + "\":\"";
    const auto at = json.find(key);
    if (at == std::string::npos) return "";
    return json.substr(at + key.size(), json.find('"', at + key.size()) - at - key.size());
  }

 private:
  // One user for every role in every unit it fits, besides SeedCity's own.
  void MakeUsers() {
    auto store = storage::SqliteStore::Open(server_.db_path());
    REQUIRE(store.ok());
    const auto hash = util::HashPassword(kPassword);
    REQUIRE(hash.ok());
    std::vector<engine::User> extra;
    for (const engine::OrgUnit& unit : tree_.units()) {
      for (Role role : engine::AllValues<Role>()) {
        if (role == Role::kSystem || !engine::CheckRoleFitsUnit(role, unit.level).ok()) continue;
        const std::string name = "m-" + std::string(engine::Name(role)) + "-" + unit.id;
        extra.push_back({"", name, name, role, unit.id, *hash});
      }
    }
    REQUIRE((*store)->Write([&](engine::StoreWriter& w) { return w.UpsertUsers(extra); }).ok());
    std::vector<std::string> names{"gw111"};
    for (const auto& u : extra) names.push_back(u.username);
    names.push_back("admin");
    for (const std::string& name : names) users_[name] = SignIn(name);
    // Those who drive cases into their states, apart from the matrix.
    for (const char* name : {"leaderV11", "staffV11", "staffT1", "supC", "deptMZ"}) {
      drivers_[name] = SignIn(name);
    }
  }

  User SignIn(const std::string& name) {
    const HttpReply r = http_.Request(
        "POST", "/v1/sessions",
        R"({"username":")" + name + R"(","password":")" + kPassword + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    v1::Session s;
    REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &s).ok());
    const auto role = engine::ParseEnum<Role>(v1::User::Role_Name(s.user().role()));
    return {name, s.user().id(), *role, s.user().org_unit_id(), "Bearer " + s.token()};
  }

  TestServer& server_;
  engine::OrgTree tree_;
  HttpClient http_{"127.0.0.1", server_.port()};
  std::map<std::string, User> users_;    // the matrix's actors
  std::map<std::string, User> drivers_;  // SeedCity's, moving cases along
  int cases_ = 0;
  int errors_checked_ = 0;
};

// Every state a case can be in, and where it can stand: at its village, escalated to the
// township, referred to a department.
struct Scenario {
  const char* name;
  std::vector<Matrix::Step> steps;
};

std::vector<Scenario> Scenarios() {
  const Matrix::Step confirm{"verify", "leaderV11", R"({"decision":"CONFIRM"})"};
  const Matrix::Step escalate{"escalate", "staffV11", R"({"note":"上报"})"};
  const Matrix::Step refer{"reassign", "supC", R"({"unitId":"D-MZ","note":"转民政"})"};
  const Matrix::Step accept_v{"accept", "staffV11", "{}"};
  const Matrix::Step accept_t{"accept", "staffT1", "{}"};
  const Matrix::Step accept_d{"accept", "deptMZ", "{}"};
  const Matrix::Step resolve_v{"resolve", "staffV11", R"({"note":"已办"})"};
  const Matrix::Step resolve_d{"resolve", "deptMZ", R"({"note":"已办"})"};
  return {
      {"REPORTED at its village", {}},
      {"REPORTED escalated to the township", {escalate}},
      {"ASSIGNED at its village", {confirm}},
      {"ASSIGNED escalated to the township", {confirm, escalate}},
      {"ASSIGNED referred to a department", {confirm, refer}},
      {"IN_PROGRESS at its village", {confirm, accept_v}},
      {"IN_PROGRESS at the township", {confirm, escalate, accept_t}},
      {"IN_PROGRESS at a department", {confirm, refer, accept_d}},
      {"RESOLVED at its village", {confirm, accept_v, resolve_v}},
      {"RESOLVED at a department", {confirm, refer, accept_d, resolve_d}},
      {"CLOSED", {confirm, accept_v, resolve_v, {"followUp", "gw111", R"({"satisfied":true})"}}},
      {"REJECTED", {{"verify", "leaderV11", R"({"decision":"REJECT","note":"不属实"})"}}},
      {"WITHDRAWN", {{"withdraw", "gw111", "{}"}}},
  };
}

TEST_CASE("the authorization matrix: every role, action and scope relation answers as the "
          "transition table says, and nothing leaks",
          "[e2e][hostile][matrix]") {
  TestServer server;
  Matrix m(server);
  // Streams opened before any case, one per role and place that reads something.
  std::map<std::string, std::unique_ptr<RawConn>> streams;
  for (const char* name : {"gw111", "m-GRID_WORKER-G112", "m-GRID_LEADER-V11", "m-GRID_LEADER-V12",
                           "m-FEDERATION_STAFF-T2", "m-SUPERVISOR-T1", "m-DEPARTMENT_STAFF-D-MZ",
                           "m-HOTLINE_OPERATOR-C"}) {
    auto conn = std::make_unique<RawConn>(server.port());
    REQUIRE(conn->Get("/v1/stream", {{"Authorization", m.user(name).auth}}));
    std::string head;
    REQUIRE(conn->ReadUntil(": connected", std::chrono::seconds(5), &head));
    streams[name] = std::move(conn);
  }

  // Read as they come, so no listener falls so far behind that the server cuts it off.
  std::map<std::string, std::string> frames;
  const auto drain = [&] {
    for (auto& [name, conn] : streams) {
      conn->ReadUntil("no such text", std::chrono::milliseconds(20), &frames[name]);
    }
  };

  int cells = 0, mismatches = 0;
  std::map<int, int> by_status;
  std::ostringstream report;
  for (const Scenario& scenario : Scenarios()) {
    for (const engine::CommandInfo& info : engine::CommandTable()) {
      if (info.scheduler()) continue;
      Facts c = m.NewCase(scenario.steps);
      for (const auto& [name, u] : m.users()) {
        const int expected = Expected(u, info, c, m.tree());
        const HttpReply r = m.Send(u, "POST", "/v1/cases/" + c.id + ":" + std::string(info.action),
                                   Body(info, c.version));
        ++cells;
        ++by_status[r.status];
        if (r.status != expected) {
          ++mismatches;
          report << scenario.name << " × " << info.spelling << " × " << engine::Name(u.role)
                 << " of " << u.unit << " (" << Relation(u, c, m.tree()) << "): expected "
                 << expected << ", got " << r.status << " " << r.body << "\n";
        }
        if (r.status == 200) {
          c = m.NewCase(scenario.steps);  // the next user meets the case as it was
        } else {
          CHECK(m.Read(c.id).version == c.version);  // a refusal changes nothing
        }
      }
      drain();
    }
  }
  INFO(report.str());
  CHECK(mismatches == 0);
  CHECK(cells > 2000);
  WARN("authorization matrix: " << cells << " cells, " << mismatches << " mismatches; answers "
                                << by_status[200] << "×200 " << by_status[403] << "×403 "
                                << by_status[404] << "×404 " << by_status[409] << "×409");

  // Every case there is, as the admin lists it.
  std::vector<Facts> all;
  {
    std::string token;
    do {
      const HttpReply r = m.Send(m.user("admin"), "GET",
                                 "/v1/cases?view=ALL&pageSize=200" +
                                     (token.empty() ? "" : "&pageToken=" + token));
      REQUIRE(r.status == 200);
      v1::ListCasesResponse page;
      REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &page).ok());
      for (const v1::Case& c : page.cases()) all.push_back(m.Read(c.id()));
      token = page.next_page_token();
    } while (!token.empty());
  }
  REQUIRE(all.size() > 100);

  for (const auto& [name, u] : m.users()) {
    INFO(name);
    std::set<std::string> readable;
    for (const Facts& c : all) {
      if (Readable(u, c, m.tree())) readable.insert(c.id);
    }
    // Lists: exactly the readable cases, over every view's pages.
    std::set<std::string> listed;
    std::string token;
    do {
      const HttpReply r = m.Send(u, "GET", "/v1/cases?view=ALL&pageSize=200" +
                                               (token.empty() ? "" : "&pageToken=" + token));
      REQUIRE(r.status == 200);
      v1::ListCasesResponse page;
      REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &page).ok());
      for (const v1::Case& c : page.cases()) listed.insert(c.id());
      token = page.next_page_token();
    } while (!token.empty());
    CHECK(listed == readable);
    for (const char* view : {"INBOX", "MINE", "OVERDUE"}) {
      const HttpReply r = m.Send(u, "GET", std::string("/v1/cases?pageSize=200&view=") + view);
      REQUIRE(r.status == 200);
      v1::ListCasesResponse page;
      REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &page).ok());
      for (const v1::Case& c : page.cases()) CHECK(readable.count(c.id()) == 1);
    }
    // Events and the case itself: 404 outside scope, worded as for a case that never was.
    for (const Facts& c : all) {
      const bool can = readable.count(c.id) == 1;
      const HttpReply events = m.Send(u, "GET", "/v1/cases/" + c.id + "/events");
      CHECK(events.status == (can ? 200 : 404));
      if (!can) {
        const HttpReply never = m.Send(u, "GET", "/v1/cases/999999/events");
        std::string same = never.body;
        same.replace(same.find("999999"), 6, c.id);
        CHECK(events.body == same);
      }
    }
    // Who read a case: 404 outside scope as above, else only for a supervisor or admin.
    const bool watches = u.role == Role::kSupervisor || u.role == Role::kAdmin;
    for (const Facts& c : all) {
      const bool can = readable.count(c.id) == 1;
      const HttpReply log = m.Send(u, "GET", "/v1/cases/" + c.id + "/accessLog?pageSize=1");
      CHECK(log.status == (!can ? 404 : watches ? 200 : 403));
      if (!can) {
        const HttpReply never = m.Send(u, "GET", "/v1/cases/999999/accessLog?pageSize=1");
        std::string same = never.body;
        if (const auto at = same.find("999999"); at != std::string::npos) same.replace(at, 6, c.id);
        CHECK(log.body == same);
      }
    }
    if (!watches) {
      CHECK(m.Send(u, "GET", "/v1/accessLog?userId=" + m.user("gw111").id).status == 403);
    }
    // Statistics: only over cases the user could read one by one.
    const HttpReply stats = m.Send(u, "GET", "/v1/stats");
    if (stats.status == 200) {
      v1::StatsResponse s;
      REQUIRE(google::protobuf::util::JsonStringToMessage(stats.body, &s).ok());
      int counted = 0;
      for (const Facts& c : all) {
        if (m.tree().IsWithin(c.grid, u.unit)) {
          ++counted;
          CHECK(readable.count(c.id) == 1);
        }
      }
      CHECK(s.total().total() == counted);
    } else {
      CHECK(stats.status == 403);
    }
  }

  // What one user read, as each supervisor and admin is shown it: exactly the cases of that
  // user's reads it can read itself. gw111 has read every case by now (lists, events).
  for (const auto& [name, u] : m.users()) {
    if (u.role != Role::kSupervisor && u.role != Role::kAdmin) continue;
    INFO(name);
    std::set<std::string> readable;
    for (const Facts& c : all) {
      if (Readable(u, c, m.tree())) readable.insert(c.id);
    }
    std::set<std::string> shown;
    const auto read_all = [&] {
      shown.clear();
      std::string token;
      do {
        const HttpReply r =
            m.Send(u, "GET", "/v1/accessLog?pageSize=200&userId=" + m.user("gw111").id +
                                 (token.empty() ? "" : "&pageToken=" + token));
        REQUIRE(r.status == 200);
        v1::ListAccessLogResponse page;
        REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &page).ok());
        for (const v1::AccessLogEntry& e : page.entries()) shown.insert(e.case_id());
        token = page.next_page_token();
      } while (!token.empty());
      return shown == readable;
    };
    // Reads are written within a second or so of happening.
    CHECK(Eventually(read_all));
    for (const std::string& id : shown) CHECK(readable.count(id) == 1);
  }

  // The stream: each event only to those who can read the case as that event left it (its
  // unit then, not now: a case referred on is gone from the department's scope), and not
  // nothing to those who can read something.
  drain();
  std::map<std::string, const Facts*> by_id;
  for (const Facts& c : all) by_id[c.id] = &c;
  for (const auto& [name, text] : frames) {
    INFO(name);
    const User& listener = m.user(name);
    int events = 0, readable_now = 0;
    for (std::size_t at = text.find("data: {"); at != std::string::npos;
         at = text.find("data: {", at + 1)) {
      const std::string frame = text.substr(at, text.find('\n', at) - at);
      ++events;
      Facts then = *by_id.at(Matrix::Field(frame, "caseId"));
      then.assigned = Matrix::Field(frame, "assignedUnitId");
      INFO(frame);
      CHECK(Readable(listener, then, m.tree()));
    }
    for (const Facts& c : all) readable_now += Readable(listener, c, m.tree()) ? 1 : 0;
    CHECK((events > 0) == (readable_now > 0));
  }
  WARN("error bodies checked for personal data: " << m.errors_checked());
}

}  // namespace
}  // namespace gridcare::testing
