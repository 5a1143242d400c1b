// ListAccess: one case's or one user's access log, newest first, paged without skipping or
// repeating a row, kept to a scope and a time window, each query on its index. Not who may
// ask: that is CaseService (tests/e2e/access_log_test.cpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "storage/store_reads.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using engine::AccessQuery;
using engine::CaseScope;

//  city ─ t1 ─ v1 ─ g1        t2 ─ v3 ─ g4
class AccessFixture {
 public:
  AccessFixture() : path_(dir_.File("gc.db")), store_(OpenStore(path_)) {
    using L = engine::OrgLevel;
    const std::vector<engine::OrgUnit> units = {
        {"city", "city", L::kCity, ""}, {"t1", "t1", L::kTownship, "city"},
        {"t2", "t2", L::kTownship, "city"}, {"v1", "v1", L::kVillage, "t1"},
        {"v3", "v3", L::kVillage, "t2"}, {"g1", "g1", L::kGrid, "v1"},
        {"g4", "g4", L::kGrid, "v3"},
    };
    const std::vector<engine::User> users = {
        {"", "reader", "读者", Role::kFederationStaff, "city", "x"},
        {"", "other", "别人", Role::kGridWorker, "g1", "x"},
    };
    REQUIRE(store_->Write([&](engine::StoreWriter& w) {
                     GC_RETURN_IF_ERROR(w.UpsertOrgUnits(units));
                     return w.UpsertUsers(users);
                   }).ok());
    reader_id_ = UserId("reader");
    other_id_ = UserId("other");
    for (const auto& [id, grid, village] : {std::tuple{1, "g1", "v1"}, std::tuple{2, "g4", "v3"}}) {
      const CaseStory s = CaseStory::Reported(CaseStory::Report(id).Grid(grid, village));
      REQUIRE(Save(*store_, s.now, s.last_events).ok());
    }
  }

  void Log(const std::vector<engine::AccessRecord>& records) {
    REQUIRE(store_->Write([&](engine::StoreWriter& w) { return w.LogAccess(records); }).ok());
  }

  engine::AccessPage Page(const AccessQuery& q) {
    auto reader = store_->Read();
    REQUIRE(reader.ok());
    auto page = (*reader)->ListAccess(q);
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    return std::move(page).value();
  }

  // Every page of `q`, `size` entries at a time: "what@ms" of each entry, in order.
  std::vector<std::string> AllPages(AccessQuery q, int size) {
    q.page_size = size;
    std::vector<std::string> out;
    for (int pages = 0; pages < 100; ++pages) {
      const engine::AccessPage page = Page(q);
      CHECK(static_cast<int>(page.entries.size()) <= size);
      for (const auto& e : page.entries) {
        out.push_back(e.record.what + "@" + std::to_string(engine::ToUnixMillis(e.record.time)));
      }
      if (!page.next) return out;
      q.after = page.next;
    }
    FAIL("more than 100 pages");
    return out;
  }

  std::string Plan(const AccessQuery& q) {
    auto db = storage::Db::Open(path_, SQLITE_OPEN_READONLY);
    REQUIRE(db.ok());
    auto plan = storage::reads::ListAccessPlan(*db, q);
    INFO(plan.status().ToString());
    REQUIRE(plan.ok());
    return *plan;
  }

  const std::string& path() const { return path_; }
  const std::string& reader_id() const { return reader_id_; }
  const std::string& other_id() const { return other_id_; }

 private:
  std::string UserId(const std::string& username) {
    auto reader = store_->Read();
    REQUIRE(reader.ok());
    auto user = (*reader)->FindUserByUsername(username);
    REQUIRE(user.ok());
    REQUIRE(user->has_value());
    return (*user)->id;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::string reader_id_, other_id_;
};

TEST_CASE("a case's access log comes newest first, in pages that neither skip nor repeat a row",
          "[storage][access-log]") {
  AccessFixture f;
  const auto at = [](int minute) { return Hours(1) + std::chrono::minutes(minute); };
  // Several reads in the same millisecond, and rows written out of time order (as a batch
  // of buffered reads may be), among reads of another case.
  f.Log({{f.reader_id(), 1, at(5), "a"}, {f.reader_id(), 1, at(5), "b"}, {f.other_id(), 2, at(6), "x"}});
  f.Log({{f.other_id(), 1, at(9), "c"}, {f.reader_id(), 1, at(1), "d"}, {f.reader_id(), 1, at(5), "e"}});
  f.Log({{f.reader_id(), 1, at(5), "f"}, {f.reader_id(), 1, at(7), "g"}});
  const std::string t1 = std::to_string(engine::ToUnixMillis(at(1)));
  const std::string t5 = std::to_string(engine::ToUnixMillis(at(5)));
  const std::string t7 = std::to_string(engine::ToUnixMillis(at(7)));
  const std::string t9 = std::to_string(engine::ToUnixMillis(at(9)));
  const std::vector<std::string> expected = {"c@" + t9, "g@" + t7, "f@" + t5, "e@" + t5,
                                             "b@" + t5, "a@" + t5, "d@" + t1};
  AccessQuery q;
  q.case_id = 1;
  for (int size : {1, 2, 3, 7, 200}) {
    INFO("page size " << size);
    CHECK(f.AllPages(q, size) == expected);
  }
  q.page_size = 7;
  CHECK_FALSE(f.Page(q).next);  // exactly one page: no empty page after it

  // Who read: the users table's row now, and the case's number.
  q.page_size = 1;
  const engine::AccessEntry newest = f.Page(q).entries.at(0);
  CHECK(newest.record.user_id == f.other_id());
  CHECK(newest.record.case_id == 1);
  CHECK(newest.case_number == "NA-2026-00001");
  REQUIRE(newest.reader.has_value());
  CHECK(newest.reader->username == "other");
  CHECK(newest.reader->display_name == "别人");
  CHECK(newest.reader->role == Role::kGridWorker);
  CHECK(newest.reader->org_unit_id == "g1");
  CHECK(newest.reader->password_hash.empty());

  // A reader no longer in users: the entry stays, with the id alone.
  RawSql(f.path(), "DELETE FROM users WHERE username = 'other'");
  const engine::AccessEntry orphan = f.Page(q).entries.at(0);
  CHECK(orphan.record.user_id == f.other_id());
  CHECK_FALSE(orphan.reader.has_value());
}

TEST_CASE("one user's access log keeps to the scope and the time window it is given",
          "[storage][access-log]") {
  AccessFixture f;
  f.Log({{f.reader_id(), 1, Hours(1), "case"}, {f.reader_id(), 2, Hours(2), "case"},
         {f.other_id(), 1, Hours(3), "case"}, {f.reader_id(), 1, Hours(4), "events"}});
  AccessQuery q;
  q.user_id = f.reader_id();
  const auto h = [](int hours) { return "@" + std::to_string(engine::ToUnixMillis(Hours(hours))); };
  CHECK(f.AllPages(q, 1) == std::vector<std::string>{"events" + h(4), "case" + h(2), "case" + h(1)});
  q.scope = {CaseScope::Kind::kSubtree, "t1", "nobody"};
  CHECK(f.AllPages(q, 1) == std::vector<std::string>{"events" + h(4), "case" + h(1)});
  q.scope = {CaseScope::Kind::kSubtree, "t2", "nobody"};
  CHECK(f.AllPages(q, 1) == std::vector<std::string>{"case" + h(2)});
  q.scope = {CaseScope::Kind::kAll, "", ""};
  q.since = Hours(2);
  q.until = Hours(4);  // exclusive
  CHECK(f.AllPages(q, 5) == std::vector<std::string>{"case" + h(2)});
  q.user_id = "no such user";
  q.since.reset();
  q.until.reset();
  CHECK(f.AllPages(q, 5).empty());
}

TEST_CASE("both access-log queries seek their index and never scan the log or sort it",
          "[storage][access-log]") {
  AccessFixture f;
  AccessQuery by_case;
  by_case.case_id = 1;
  by_case.after = engine::AccessCursor{Hours(3), 7};
  AccessQuery by_user;
  by_user.user_id = f.reader_id();
  by_user.scope = {CaseScope::Kind::kSubtree, "t1", f.reader_id()};
  by_user.since = Hours(1);
  by_user.until = Hours(9);
  by_user.after = engine::AccessCursor{Hours(3), 7};
  AccessQuery by_user_plain;
  by_user_plain.user_id = f.reader_id();
  for (const auto& [q, index] : {std::pair{by_case, "access_log_case"},
                                 std::pair{by_user, "access_log_user"},
                                 std::pair{by_user_plain, "access_log_user"}}) {
    const std::string plan = f.Plan(q);
    INFO(plan);
    CHECK_THAT(plan, Catch::Contains("SEARCH l USING INDEX " + std::string(index)));
    CHECK_THAT(plan, !Catch::Contains("SCAN l"));
    CHECK_THAT(plan, !Catch::Contains("TEMP B-TREE"));
    // The case and the user are looked up by their keys, once per row read.
    CHECK_THAT(plan, Catch::Contains("SEARCH c USING INTEGER PRIMARY KEY"));
    CHECK_THAT(plan, Catch::Contains("SEARCH u USING INTEGER PRIMARY KEY"));
  }
}

}  // namespace
}  // namespace gridcare::testing
