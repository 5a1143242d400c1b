// Who read which case, for those who supervise the readers: GET /v1/cases/{id}/accessLog and
// GET /v1/accessLog against the real server — what a supervisor sees, paging, who is refused
// and how, scope, bad input, and that six-month-old rows are still there.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/error.pb.h"
#include "storage/sqlite.h"
#include "tests/e2e/server_fixture.h"
#include "tests/support/eventually.h"

namespace gridcare::testing {
namespace {

using Entries = std::vector<v1::AccessLogEntry>;

v1::ListAccessLogResponse Parse(const HttpReply& r) {
  v1::ListAccessLogResponse m;
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 200);
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &m).ok());
  return m;
}

// The entries of one page.
Entries EntriesOf(const HttpReply& r) {
  const auto page = Parse(r);
  return {page.entries().begin(), page.entries().end()};
}

std::string ErrorStatus(const HttpReply& r) {
  v1::ErrorBody e;
  if (!google::protobuf::util::JsonStringToMessage(r.body, &e).ok()) return "unparsable: " + r.body;
  return e.error().status();
}

// Every entry of a log, following nextPageToken; `target` ends in '?' or '&'.
Entries AllPages(Caller& caller, const std::string& target, int page_size, int* pages = nullptr) {
  Entries out;
  std::string token;
  int n = 0;
  do {
    const auto page = Parse(caller.Call(
        "GET", target + "pageSize=" + std::to_string(page_size) +
                   (token.empty() ? "" : "&pageToken=" + token)));
    CHECK(page.entries_size() <= page_size);
    out.insert(out.end(), page.entries().begin(), page.entries().end());
    token = page.next_page_token();
    ++n;
  } while (!token.empty());
  if (pages != nullptr) *pages = n;
  return out;
}

// The entries of `entries` by `username` that say `what`.
int Count(const Entries& entries, const std::string& username, const std::string& what) {
  int n = 0;
  for (const auto& e : entries) n += e.username() == username && e.what() == what ? 1 : 0;
  return n;
}

std::string CaseLog(const std::string& id) { return "/v1/cases/" + id + "/accessLog"; }

// A user's id, as signing in tells it.
std::string UserId(TestServer& server, const std::string& username) {
  HttpClient c("127.0.0.1", server.port());
  const HttpReply r = c.Request("POST", "/v1/sessions", R"({"username":")" + username +
                                                            R"(","password":")" + kPassword + R"("})");
  REQUIRE(r.status == 200);
  v1::Session s;
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &s).ok());
  return s.user().id();
}

// Reads are written shortly after they happen (with the next commit, or within a second):
// waits until `username`'s log holds `n` entries saying `what`. Polls the per-user log, as
// reading a case's log would add to it.
bool Recorded(TestServer& server, Caller& watcher, const std::string& username,
              const std::string& what, int n) {
  const std::string target = "/v1/accessLog?pageSize=200&userId=" + UserId(server, username);
  return Eventually([&] { return Count(EntriesOf(watcher.Call("GET", target)), username, what) == n; });
}

// The number of access-log rows, read from the file as an outsider would.
std::int64_t AccessRows(const std::string& db_path) {
  auto db = storage::Db::Open(db_path, SQLITE_OPEN_READONLY);
  REQUIRE(db.ok());
  auto n = db->QueryInt("SELECT count(*) FROM access_log");
  REQUIRE(n.ok());
  return *n;
}

}  // namespace

TEST_CASE("a supervisor sees who read a case, newest first, page by page",
          "[e2e][access-log]") {
  TestServer server;
  Caller gw(server, "gw111");
  Caller sup(server, "supT1");
  const v1::Case c = gw.CaseFrom(gw.Call("POST", "/v1/cases", ReportJson("read-1")));
  const std::string log = CaseLog(c.id());
  REQUIRE(gw.Call("GET", "/v1/cases/" + c.id()).status == 200);

  REQUIRE(Recorded(server, sup, "gw111", "case", 1));
  const Entries seen = EntriesOf(sup.Call("GET", log));
  const v1::AccessLogEntry* read = nullptr;
  for (const auto& e : seen) {
    if (e.username() == "gw111") read = &e;
  }
  REQUIRE(read != nullptr);
  CHECK(read->user_id() == c.reporter_id());
  CHECK(read->display_name() == "测试-gw111");
  CHECK(read->role() == v1::User::GRID_WORKER);
  CHECK(read->unit_id() == "G111");
  CHECK(read->what() == "case");
  CHECK(read->case_id() == c.id());
  CHECK(read->case_number() == c.number());
  CHECK(read->has_time());
  CHECK(read->time().seconds() >= c.create_time().seconds());

  // More reads, then the log page by page: the same entries as one page, newest first.
  for (int i = 0; i < 4; ++i) REQUIRE(gw.Call("GET", "/v1/cases/" + c.id()).status == 200);
  REQUIRE(gw.Call("GET", "/v1/cases/" + c.id() + "/events").status == 200);
  REQUIRE(Recorded(server, sup, "gw111", "case", 5));
  REQUIRE(Recorded(server, sup, "gw111", "events", 1));
  int pages = 0;
  const Entries paged = AllPages(sup, log + "?", 2, &pages);
  const Entries whole = EntriesOf(sup.Call("GET", log + "?pageSize=200"));
  // The supervisor's own reads of the log are on it too, newer than any page it was reading.
  const auto others = [](const Entries& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) {
      if (e.what() != "accessLog") out.push_back(e.what() + "@" + std::to_string(e.time().seconds()) + "." + std::to_string(e.time().nanos()));
    }
    return out;
  };
  CHECK(pages >= 3);
  CHECK(others(paged) == others(whole));
  CHECK(Count(paged, "gw111", "case") == 5);
  for (size_t i = 1; i < whole.size(); ++i) {
    const auto& newer = whole[i - 1].time();
    const auto& older = whole[i].time();
    CHECK((newer.seconds() > older.seconds() ||
           (newer.seconds() == older.seconds() && newer.nanos() >= older.nanos())));
  }
  // Reading the log is itself on the log.
  CHECK(Count(whole, "supT1", "accessLog") >= 1);
  // And a JSON entry names exactly the promised fields.
  const HttpReply raw = sup.Call("GET", log + "?pageSize=1");
  for (const char* field : {"\"userId\"", "\"username\"", "\"displayName\"", "\"role\"",
                            "\"unitId\"", "\"time\"", "\"what\"", "\"caseId\"", "\"caseNumber\"",
                            "\"nextPageToken\""}) {
    CHECK(raw.body.find(field) != std::string::npos);
  }
}

TEST_CASE("only a supervisor above the case or an admin reads its access log, others get the "
          "answer of an unreadable case or 403",
          "[e2e][access-log][hostile]") {
  TestServer server;
  Caller gw(server, "gw111");
  const v1::Case c = gw.CaseFrom(gw.Call("POST", "/v1/cases", ReportJson("who-1")));
  const std::string log = CaseLog(c.id());

  // Can read the case, may not read who else did: 403.
  for (const char* name : {"gw111", "staffV11", "leaderV11", "staffT1"}) {
    Caller u(server, name);
    REQUIRE(u.Call("GET", "/v1/cases/" + c.id()).status == 200);
    const HttpReply r = u.Call("GET", log);
    INFO(name << ": " << r.body);
    CHECK(r.status == 403);
    CHECK(ErrorStatus(r) == "PERMISSION_DENIED");
  }
  // Cannot read the case (another township's supervisor, another grid, a department, the
  // hotline): the very answer of a case that never existed.
  for (const char* name : {"gw211", "staffV21", "deptMZ", "hotline"}) {
    Caller u(server, name);
    REQUIRE(u.Call("GET", "/v1/cases/" + c.id()).status == 404);
    const HttpReply r = u.Call("GET", log);
    const HttpReply never = u.Call("GET", CaseLog("999999"));
    INFO(name << ": " << r.body);
    CHECK(r.status == 404);
    std::string same = never.body;
    same.replace(same.find("999999"), 6, c.id());
    CHECK(r.body == same);
  }
  // A supervisor of another township: its case is out of scope the same way.
  Caller gw2(server, "gw211");
  const v1::Case far = gw2.CaseFrom(gw2.Call("POST", "/v1/cases", ReportJson("who-2")));
  Caller sup(server, "supT1");
  const HttpReply other = sup.Call("GET", CaseLog(far.id()));
  CHECK(other.status == 404);
  std::string same = sup.Call("GET", CaseLog("999999")).body;
  same.replace(same.find("999999"), 6, far.id());
  CHECK(other.body == same);
  for (const char* name : {"supT1", "supC", "admin"}) {
    Caller u(server, name);
    INFO(name);
    CHECK(u.Call("GET", log).status == 200);
  }
}

TEST_CASE("what one user read: a supervisor sees only the cases in its scope, an admin all",
          "[e2e][access-log]") {
  TestServer server;
  Caller gw1(server, "gw111");
  Caller gw2(server, "gw211");
  const v1::Case near = gw1.CaseFrom(gw1.Call("POST", "/v1/cases", ReportJson("u-1")));
  const v1::Case far = gw2.CaseFrom(gw2.Call("POST", "/v1/cases", ReportJson("u-2")));
  Caller staff(server, "staffC");  // reads every case of the city
  REQUIRE(staff.Call("GET", "/v1/cases/" + near.id()).status == 200);
  REQUIRE(staff.Call("GET", "/v1/cases/" + far.id()).status == 200);

  Caller admin(server, "admin");
  const std::string staff_id = UserId(server, "staffC");
  const std::string query = "/v1/accessLog?userId=" + staff_id + "&";
  const auto cases = [](const Entries& entries) {
    std::multiset<std::string> out;
    for (const auto& e : entries) {
      out.insert(e.case_id() + " " + e.case_number() + " " + e.what());
    }
    return out;
  };
  using Set = std::multiset<std::string>;
  const Set both = {near.id() + " " + near.number() + " case", far.id() + " " + far.number() + " case"};
  CHECK(Eventually([&] { return cases(AllPages(admin, query, 1)) == both; }));
  Caller supc(server, "supC");
  CHECK(cases(AllPages(supc, query, 200)) == both);
  Caller sup(server, "supT1");
  CHECK(cases(AllPages(sup, query, 1)) == Set{near.id() + " " + near.number() + " case"});
  for (const auto& e : AllPages(admin, query, 200)) {
    CHECK(e.user_id() == staff_id);
    CHECK(e.username() == "staffC");
  }

  // since / until: a window that ends before the reads, or starts after them, is empty.
  CHECK(AllPages(admin, query + "until=2020-01-01T00:00:00Z&", 200).empty());
  CHECK(AllPages(admin, query + "since=2099-01-01T00:00:00Z&", 200).empty());
  CHECK(cases(AllPages(admin, query + "since=2020-01-01T00:00:00Z&until=2099-01-01T00:00:00Z&",
                       200)) == both);

  // Not a supervisor or an admin: 403, whoever's reads were asked for.
  for (const char* name : {"gw111", "staffC", "staffT1", "deptMZ", "hotline", "leaderV11"}) {
    Caller u(server, name);
    const HttpReply r = u.Call("GET", query);
    INFO(name << ": " << r.body);
    CHECK(r.status == 403);
    CHECK(ErrorStatus(r) == "PERMISSION_DENIED");
  }
}

TEST_CASE("bad access-log queries are 400 and change nothing", "[e2e][access-log][hostile]") {
  TestServer server;
  Caller gw(server, "gw111");
  const v1::Case c = gw.CaseFrom(gw.Call("POST", "/v1/cases", ReportJson("bad-1")));
  Caller admin(server, "admin");
  Caller sup(server, "supT1");
  // A marker read, so that once it is on the log everything read before it is too.
  REQUIRE(admin.Call("GET", "/v1/cases/" + c.id()).status == 200);
  REQUIRE(Eventually([&] { return AccessRows(server.db_path()) == 1; }));

  const std::string log = CaseLog(c.id());
  for (const std::string& target :
       {log + "?pageToken=nonsense", log + "?pageToken=p1.5", log + "?pageToken=a1.5",
        log + "?pageToken=a1.-5.3", log + "?pageToken=a1.5.0", log + "?pageSize=0",
        log + "?pageSize=201", log + "?pageSize=two", std::string("/v1/accessLog"),
        std::string("/v1/accessLog?userId="), std::string("/v1/accessLog?userId=abc"),
        std::string("/v1/accessLog?userId=1%20OR%201=1"),
        std::string("/v1/accessLog?userId=1&since=yesterday"),
        std::string("/v1/accessLog?userId=1&until=2026-13-01T00:00:00Z"),
        std::string("/v1/accessLog?userId=1&since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z"),
        std::string("/v1/accessLog?userId=1&pageToken=x")}) {
    for (Caller* u : {&sup, &admin}) {
      const HttpReply r = u->Call("GET", target);
      INFO(target << ": " << r.status << " " << r.body);
      CHECK(r.status == 400);
      CHECK(ErrorStatus(r) == "INVALID_ARGUMENT");
    }
  }
  // Nothing was read, so nothing was recorded: a second marker is the only new row.
  REQUIRE(admin.Call("GET", "/v1/cases/" + c.id()).status == 200);
  REQUIRE(Eventually([&] { return AccessRows(server.db_path()) >= 2; }));
  CHECK(AccessRows(server.db_path()) == 2);
}

TEST_CASE("access-log rows older than six months are still answered", "[e2e][access-log]") {
  TestServer server;
  Caller gw(server, "gw111");
  const v1::Case c = gw.CaseFrom(gw.Call("POST", "/v1/cases", ReportJson("old-1")));
  // A read 200 days ago, written as the server writes reads (through the audit chain).
  const auto long_ago = std::chrono::time_point_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now()) - std::chrono::hours(24 * 200);
  {
    auto store = storage::SqliteStore::Open(server.db_path());
    REQUIRE(store.ok());
    REQUIRE((*store)->Write([&](engine::StoreWriter& w) {
                       return w.LogAccess({{c.reporter_id(), std::stoll(c.id()), long_ago, "case"}});
                     }).ok());
  }
  Caller admin(server, "admin");
  const auto old_enough = [&](const Entries& entries) {
    for (const auto& e : entries) {
      if (e.time().seconds() * 1000 + e.time().nanos() / 1'000'000 ==
          engine::ToUnixMillis(long_ago)) {
        return true;
      }
    }
    return false;
  };
  CHECK(old_enough(EntriesOf(admin.Call("GET", CaseLog(c.id())))));
  CHECK(old_enough(AllPages(admin, "/v1/accessLog?userId=" + c.reporter_id() + "&", 200)));
}

}  // namespace gridcare::testing
