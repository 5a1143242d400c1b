// A small city for engine tests: two townships, three villages, four grids, a department,
// and one actor per role and place. Plain data, built fresh per test.
#pragma once

#include <string>
#include <vector>

#include "engine/case_decider.h"
#include "engine/org_tree.h"
#include "engine/sla_policy.h"
#include "engine/work_calendar.h"

namespace gridcare::testing {

inline engine::OrgTree SmallCity() {
  using engine::OrgLevel;
  auto tree = engine::OrgTree::Build({
      {"C", "南安市", OrgLevel::kCity, ""},
      {"T1", "柳城街道", OrgLevel::kTownship, "C"},
      {"T2", "美林街道", OrgLevel::kTownship, "C"},
      {"V11", "梅亭社区", OrgLevel::kVillage, "T1"},
      {"V12", "南门社区", OrgLevel::kVillage, "T1"},
      {"V21", "美林村", OrgLevel::kVillage, "T2"},
      {"G111", "梅亭一网格", OrgLevel::kGrid, "V11"},
      {"G112", "梅亭二网格", OrgLevel::kGrid, "V11"},
      {"G121", "南门一网格", OrgLevel::kGrid, "V12"},
      {"G211", "美林一网格", OrgLevel::kGrid, "V21"},
      {"D-MZ", "民政局", OrgLevel::kDepartment, "C"},
  });
  return std::move(tree).value();
}

struct NamedActor {
  std::string key;
  engine::Actor actor;
};

// Everyone who might touch a case reported by "gw111" in grid G111.
inline std::vector<NamedActor> AllActors() {
  using engine::Role;
  return {
      {"gw111", {"u-gw111", Role::kGridWorker, "G111"}},
      {"gw112", {"u-gw112", Role::kGridWorker, "G112"}},
      {"gw211", {"u-gw211", Role::kGridWorker, "G211"}},
      {"leaderV11", {"u-lv11", Role::kGridLeader, "V11"}},
      {"leaderV12", {"u-lv12", Role::kGridLeader, "V12"}},
      {"staffV11", {"u-sv11", Role::kFederationStaff, "V11"}},
      {"staffV12", {"u-sv12", Role::kFederationStaff, "V12"}},
      {"staffT1", {"u-st1", Role::kFederationStaff, "T1"}},
      {"staffT2", {"u-st2", Role::kFederationStaff, "T2"}},
      {"staffC", {"u-sc", Role::kFederationStaff, "C"}},
      {"deptMZ", {"u-dmz", Role::kDepartmentStaff, "D-MZ"}},
      {"hotline", {"u-hot", Role::kHotlineOperator, "C"}},
      {"supT1", {"u-sup1", Role::kSupervisor, "T1"}},
      {"supT2", {"u-sup2", Role::kSupervisor, "T2"}},
      {"supC", {"u-supc", Role::kSupervisor, "C"}},
      {"admin", {"u-admin", Role::kAdmin, "C"}},
      {"system", engine::Actor::System()},
  };
}

inline engine::Actor ActorNamed(const std::string& key) {
  for (auto& a : AllActors()) {
    if (a.key == key) return a.actor;
  }
  return {};
}

// A calendar of plain weekdays for 2020–2035: most engine tests do not care about holidays.
inline engine::WorkCalendar WeekdayCalendar() {
  std::map<int, engine::CalendarYear> years;
  for (int y = 2020; y <= 2035; ++y) years[y] = engine::CalendarYear{};
  return std::move(engine::WorkCalendar::Build(std::move(years))).value();
}

inline engine::NewCase SampleReport(const std::string& request_id = "req-1") {
  engine::NewCase n;
  n.request_id = request_id;
  n.channel = engine::Channel::kGridPatrol;
  n.category = engine::Category::kLeftBehindChild;
  n.priority = engine::Priority::kRoutine;
  n.grid_id = "G111";
  n.title = "留守儿童无人照看";
  n.description = "父母在外务工，祖母年迈，需妇联上门了解情况。";
  n.address = "梅亭社区3号楼";
  n.subjects = {{"小明", engine::SubjectRole::kChild, 9, "", ""}};
  return n;
}

}  // namespace gridcare::testing
