// ListCases: scope, INBOX, MINE, OVERDUE and plain filters turned into SQL, newest first,
// with paging. Not who gets which scope: that is engine/scope (tests/engine/scope_test).
#include <catch2/catch.hpp>

#include <set>

#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using engine::CaseQuery;
using engine::CaseScope;
using engine::InboxClause;

//  city ─ t1 ─ v1 ─ g1, g2        d1 (department under city)
//       │    └ v2 ─ g3
//       └ t2 ─ v3 ─ g4
class ListFixture {
 public:
  ListFixture() : store_(OpenStore(dir_.File("gc.db"))) {
    std::vector<engine::OrgUnit> units = {
        {"city", "city", engine::OrgLevel::kCity, ""},
        {"t1", "t1", engine::OrgLevel::kTownship, "city"},
        {"t2", "t2", engine::OrgLevel::kTownship, "city"},
        {"d1", "d1", engine::OrgLevel::kDepartment, "city"},
        {"v1", "v1", engine::OrgLevel::kVillage, "t1"},
        {"v2", "v2", engine::OrgLevel::kVillage, "t1"},
        {"v3", "v3", engine::OrgLevel::kVillage, "t2"},
        {"g1", "g1", engine::OrgLevel::kGrid, "v1"},
        {"g2", "g2", engine::OrgLevel::kGrid, "v1"},
        {"g3", "g3", engine::OrgLevel::kGrid, "v2"},
        {"g4", "g4", engine::OrgLevel::kGrid, "v3"},
    };
    REQUIRE(store_->Write([&](engine::StoreWriter& w) { return w.UpsertOrgUnits(units); }).ok());
    using S = CaseState;
    Add(1, "g1", "v1", "v1", S::kReported, "10");
    Add(2, "g2", "v1", "v1", S::kAssigned, "11");
    Add(3, "g3", "v2", "t1", S::kAssigned, "10");
    Add(4, "g4", "v3", "v3", S::kInProgress, "12", [](Case& c) { c.resolve_due_time = Hours(500); });
    Add(5, "g4", "v3", "d1", S::kInProgress, "13", [](Case& c) { c.resolve_due_time = Hours(5000); });
    Add(6, "g1", "v1", "v1", S::kResolved, "10", [](Case& c) { c.follow_up_due_time = Hours(600); });
    Add(7, "g2", "v1", "v1", S::kClosed, "11", [](Case& c) { c.overdue = true; });
    Add(8, "g3", "v2", "v2", S::kAssigned, "11", [](Case& c) { c.overdue = true; });
  }

  std::vector<engine::CaseId> Ids(const CaseQuery& q) {
    auto page = Page(q);
    std::vector<engine::CaseId> ids;
    for (const Case& c : page.cases) ids.push_back(c.id);
    return ids;
  }

  engine::CasePage Page(const CaseQuery& q) {
    auto reader = store_->Read();
    REQUIRE(reader.ok());
    auto page = (*reader)->ListCases(q);
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    return *page;
  }

  engine::Store& store() { return *store_; }

 private:
  void Add(engine::CaseId id, const std::string& grid, const std::string& village,
           const std::string& assigned, CaseState state, const std::string& reporter,
           const std::function<void(Case&)>& tweak = [](Case&) {}) {
    CaseStory s = CaseStory::Reported(
        CaseStory::Report(id).Grid(grid, village).Reporter(reporter).State(state));
    s.now.assigned_unit_id = assigned;
    s.last_events[0].assigned_unit_id = assigned;
    tweak(s.now);
    REQUIRE(Save(*store_, s.now, s.last_events).ok());
  }

  TempDir dir_;
  std::unique_ptr<storage::SqliteStore> store_;
};

using Ids = std::vector<engine::CaseId>;

CaseQuery Scoped(CaseScope::Kind kind, std::string unit, std::string user) {
  CaseQuery q;
  q.scope = {kind, std::move(unit), std::move(user)};
  return q;
}

TEST_CASE("ALL scope lists every case, newest first", "[storage]") {
  ListFixture f;
  CHECK(f.Ids(CaseQuery{}) == Ids{8, 7, 6, 5, 4, 3, 2, 1});
}

TEST_CASE("subtree scope covers the grid or assigned unit below the unit, or own reports",
          "[storage]") {
  ListFixture f;
  using K = CaseScope::Kind;
  CHECK(f.Ids(Scoped(K::kSubtree, "t1", "nobody")) == Ids{8, 7, 6, 3, 2, 1});
  CHECK(f.Ids(Scoped(K::kSubtree, "t1", "12")) == Ids{8, 7, 6, 4, 3, 2, 1});
  CHECK(f.Ids(Scoped(K::kSubtree, "v3", "nobody")) == Ids{5, 4});
  // An escalated case is visible to the township it was escalated to.
  CHECK(f.Ids(Scoped(K::kSubtree, "v2", "nobody")) == Ids{8, 3});
  CHECK(f.Ids(Scoped(K::kSubtree, "city", "nobody")).size() == 8);
}

TEST_CASE("grid scope covers the grid's cases and the user's own reports", "[storage]") {
  ListFixture f;
  CHECK(f.Ids(Scoped(CaseScope::Kind::kGrid, "g1", "11")) == Ids{8, 7, 6, 2, 1});
  CHECK(f.Ids(Scoped(CaseScope::Kind::kGrid, "g1", "nobody")) == Ids{6, 1});
}

TEST_CASE("filed-or-assigned scope covers own filings and the unit's assignments",
          "[storage]") {
  ListFixture f;
  CHECK(f.Ids(Scoped(CaseScope::Kind::kFiledOrAssigned, "d1", "13")) == Ids{5});
  CHECK(f.Ids(Scoped(CaseScope::Kind::kFiledOrAssigned, "d1", "10")) == Ids{6, 5, 3, 1});
}

TEST_CASE("inbox matches any of its state-and-unit clauses, an empty inbox lists nothing",
          "[storage]") {
  ListFixture f;
  CaseQuery q;
  q.inbox = std::vector<InboxClause>{
      {CaseState::kReported, InboxClause::Field::kVillage, "v1"},
      {CaseState::kAssigned, InboxClause::Field::kAssignedUnit, "t1"},
      {CaseState::kResolved, InboxClause::Field::kGrid, "g1"},
  };
  CHECK(f.Ids(q) == Ids{6, 3, 1});
  q.inbox = std::vector<InboxClause>{};
  CHECK(f.Ids(q).empty());
}

TEST_CASE("MINE lists the reporter's cases", "[storage]") {
  ListFixture f;
  CaseQuery q;
  q.reporter_id = "10";
  CHECK(f.Ids(q) == Ids{6, 3, 1});
}

TEST_CASE("OVERDUE lists open cases that are overdue or past a resolution or follow-up deadline",
          "[storage]") {
  ListFixture f;
  CaseQuery q;
  q.overdue_at = Hours(1000);
  // 4: resolution due at 500h; 6: follow-up due at 600h; 8: response breached.
  // 7 is overdue but closed; 5 is due at 5000h.
  CHECK(f.Ids(q) == Ids{8, 6, 4});
  q.overdue_at = Hours(100);
  CHECK(f.Ids(q) == Ids{8});
}

TEST_CASE("state, category and assigned unit filters combine with AND", "[storage]") {
  ListFixture f;
  CaseQuery q;
  q.state = CaseState::kAssigned;
  CHECK(f.Ids(q) == Ids{8, 3, 2});
  q.assigned_unit_id = "v1";
  CHECK(f.Ids(q) == Ids{2});
  q.category = engine::Category::kDomesticViolence;
  CHECK(f.Ids(q).empty());
  q.category = engine::Category::kLeftBehindChild;
  CHECK(f.Ids(q) == Ids{2});
}

TEST_CASE("pages are newest first and chain through next_before_id", "[storage]") {
  ListFixture f;
  CaseQuery q;
  q.page_size = 3;
  std::vector<Ids> pages;
  while (true) {
    engine::CasePage page = f.Page(q);
    Ids ids;
    for (const Case& c : page.cases) ids.push_back(c.id);
    pages.push_back(ids);
    if (!page.next_before_id) break;
    CHECK(*page.next_before_id == ids.back());
    q.before_id = page.next_before_id;
  }
  CHECK(pages == std::vector<Ids>{{8, 7, 6}, {5, 4, 3}, {2, 1}});

  CaseQuery exact;
  exact.page_size = 8;
  CHECK_FALSE(f.Page(exact).next_before_id.has_value());
  CaseQuery tiny;
  tiny.page_size = 0;  // clamped to 1
  CHECK(f.Ids(tiny) == Ids{8});
}

TEST_CASE("filter values are bound, never spliced into SQL", "[storage]") {
  ListFixture f;
  CHECK(f.Ids(Scoped(CaseScope::Kind::kGrid, "g1' OR '1'='1", "x' OR 1=1 --")).empty());
  CaseQuery q;
  q.reporter_id = "10' OR '1'='1";
  CHECK(f.Ids(q).empty());
}

}  // namespace
}  // namespace gridcare::testing
