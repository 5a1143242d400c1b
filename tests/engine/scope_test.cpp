// Who reads which case, and what lands in whose INBOX.
#include <catch2/catch.hpp>

#include <set>

#include "engine/case_decider.h"
#include "engine/scope.h"
#include "tests/support/city_fixture.h"

namespace gridcare::engine {

TEST_CASE("read scope follows the unit tree, the grid, filing and assignment", "[engine]") {
  const OrgTree tree = testing::SmallCity();
  Case c;
  c.grid_id = "G111";
  c.village_id = "V11";
  c.assigned_unit_id = "V11";
  c.reporter_id = "u-hot";  // filed by the hotline
  std::set<std::string> readers;
  for (const auto& [key, actor] : testing::AllActors()) {
    if (CanRead(actor, c, tree)) readers.insert(key);
  }
  CHECK(readers == std::set<std::string>{"gw111", "leaderV11", "staffV11", "staffT1", "staffC",
                                         "hotline", "supT1", "supC", "admin", "system"});
  // Referred to a department: its staff now read it, and the city still does.
  c.assigned_unit_id = "D-MZ";
  CHECK(CanRead(testing::ActorNamed("deptMZ"), c, tree));
  CHECK(CanRead(testing::ActorNamed("staffC"), c, tree));
  CHECK_FALSE(CanRead(testing::ActorNamed("staffT2"), c, tree));
  // Reassigned across townships: the new township reads it.
  c.assigned_unit_id = "V21";
  CHECK(CanRead(testing::ActorNamed("staffT2"), c, tree));
}

TEST_CASE("INBOX holds what the actor owes: verify, accept, resolve, follow-up", "[engine]") {
  const OrgTree tree = testing::SmallCity();
  using F = InboxClause::Field;
  const auto leader = InboxFor(testing::ActorNamed("leaderV11"), tree);
  CHECK(leader == std::vector<InboxClause>{{CaseState::kReported, F::kVillage, "V11"}});
  const auto staff = InboxFor(testing::ActorNamed("staffV11"), tree);
  CHECK(staff.size() == 4);  // REPORTED, ASSIGNED, IN_PROGRESS, RESOLVED at V11
  const auto worker = InboxFor(testing::ActorNamed("gw111"), tree);
  CHECK(worker == std::vector<InboxClause>{{CaseState::kResolved, F::kGrid, "G111"}});
  const auto dept = InboxFor(testing::ActorNamed("deptMZ"), tree);
  CHECK(dept.size() == 4);
  CHECK(InboxFor(testing::ActorNamed("supC"), tree).empty());
}

TEST_CASE("roles fit only the unit levels they work at", "[engine]") {
  CHECK(CheckRoleFitsUnit(Role::kGridWorker, OrgLevel::kGrid).ok());
  CHECK_FALSE(CheckRoleFitsUnit(Role::kGridWorker, OrgLevel::kVillage).ok());
  CHECK(CheckRoleFitsUnit(Role::kGridLeader, OrgLevel::kVillage).ok());
  CHECK(CheckRoleFitsUnit(Role::kDepartmentStaff, OrgLevel::kDepartment).ok());
  CHECK_FALSE(CheckRoleFitsUnit(Role::kSupervisor, OrgLevel::kVillage).ok());
  CHECK_FALSE(CheckRoleFitsUnit(Role::kSystem, OrgLevel::kCity).ok());
}

TEST_CASE("an org tree with a unit under the wrong level is refused by name", "[engine]") {
  auto tree = OrgTree::Build({{"C", "市", OrgLevel::kCity, ""},
                              {"G", "网格", OrgLevel::kGrid, "C"}});
  REQUIRE_FALSE(tree.ok());
  CHECK_THAT(tree.status().message(), Catch::Contains("G"));
  CHECK_FALSE(OrgTree::Build({{"bad id!", "x", OrgLevel::kCity, ""}}).ok());
  CHECK_FALSE(OrgTree::Build({{"T", "镇", OrgLevel::kTownship, "nowhere"}}).ok());
}

TEST_CASE("a caller is shown their unit's subtree, its ancestors and the departments",
          "[engine]") {
  const OrgTree tree = testing::SmallCity();
  const auto shown = [&](const char* who) {
    std::vector<std::string> ids;
    for (const OrgUnit* u : UnitsShownTo(testing::ActorNamed(who), tree)) ids.push_back(u->id);
    return ids;
  };
  using V = std::vector<std::string>;
  // Parents before children, siblings by id.
  CHECK(shown("gw111") == V{"C", "D-MZ", "T1", "V11", "G111"});
  CHECK(shown("leaderV11") == V{"C", "D-MZ", "T1", "V11", "G111", "G112"});
  CHECK(shown("supT1") == V{"C", "D-MZ", "T1", "V11", "G111", "G112", "V12", "G121"});
  CHECK(shown("deptMZ") == V{"C", "D-MZ"});
  const V everything = {"C", "D-MZ", "T1", "V11", "G111", "G112", "V12", "G121", "T2", "V21",
                        "G211"};
  CHECK(shown("staffC") == everything);
  CHECK(shown("admin") == everything);
}

}  // namespace gridcare::engine
