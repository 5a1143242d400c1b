// The demo city's data and the script that plays its cases through the real engine.
#include "app/demo_city.h"

#include <random>

#include "storage/password_hash.h"

namespace gridcare::app {
namespace {

using engine::Category;
using engine::Command;
using engine::OrgLevel;
using engine::OrgUnit;

constexpr char kDemoPassword[] = "gridcare-demo";

struct TownshipSpec {
  const char* id;
  const char* name;
  std::vector<std::pair<const char*, const char*>> villages;  // id, name
};

const std::vector<TownshipSpec>& Townships() {
  static const std::vector<TownshipSpec> kTownships = {
      {"NA-XM", "溪美街道", {{"NA-XM-GXS", "宫星社区"}, {"NA-XM-CXS", "彩虹社区"}}},
      {"NA-LC", "柳城街道", {{"NA-LC-MTS", "梅亭社区"}, {"NA-LC-NMS", "南门社区"}}},
      {"NA-ML", "美林街道", {{"NA-ML-MLC", "美林村"}, {"NA-ML-XKC", "溪口村"}}},
      {"NA-SX", "省新镇", {{"NA-SX-SXC", "省新村"}, {"NA-SX-MBC", "满山红村"}}},
      {"NA-ST", "水头镇", {{"NA-ST-STC", "水头村"}, {"NA-ST-BSC", "蟠龙村"}}},
  };
  return kTownships;
}

std::vector<OrgUnit> DemoUnits() {
  std::vector<OrgUnit> units = {{"NA", "南安市", OrgLevel::kCity, ""}};
  for (const auto& [id, name] : std::vector<std::pair<const char*, const char*>>{
           {"NA-MZ", "南安市民政局"}, {"NA-JY", "南安市教育局"}, {"NA-WJ", "南安市卫健局"},
           {"NA-GA", "南安市公安局"}, {"NA-SF", "南安市司法局"}, {"NA-RS", "南安市人社局"}}) {
    units.push_back({id, name, OrgLevel::kDepartment, "NA"});
  }
  for (const auto& t : Townships()) {
    units.push_back({t.id, t.name, OrgLevel::kTownship, "NA"});
    for (const auto& [vid, vname] : t.villages) {
      units.push_back({vid, vname, OrgLevel::kVillage, t.id});
      for (int g = 1; g <= 3; ++g) {
        units.push_back({std::string(vid) + "-G" + std::to_string(g),
                         std::string(vname) + "第" + std::to_string(g) + "网格", OrgLevel::kGrid,
                         vid});
      }
    }
  }
  return units;
}

struct Story {
  const char* title;
  const char* description;
  Category category;
  bool urgent;
  const char* child;
  int age;
};

const std::vector<Story>& Stories() {
  static const std::vector<Story> kStories = {
      {"留守儿童独自在家", "父母均在外务工，孩子由年迈祖母照看，近期祖母住院，孩子独自在家。",
       Category::kLeftBehindChild, false, "小杰", 9},
      {"困境儿童上学困难", "父亲因病去世，母亲无固定收入，孩子面临辍学。",
       Category::kChildInHardship, false, "小雨", 12},
      {"单亲母亲就业求助", "离异后独自抚养两个孩子，希望获得就业培训和岗位推荐。",
       Category::kWomanInHardship, false, "林女士", 36},
      {"家庭暴力求助", "邻居反映夜间多次听到争吵和哭喊，当事人身上有伤。",
       Category::kDomesticViolence, true, "陈女士", 41},
      {"重病家庭经济困难", "家中主要劳动力重病，医疗费用负担重。", Category::kFamilyInHardship,
       false, "黄先生", 45},
      {"留守儿童心理问题", "孩子近期情绪低落、沉迷手机，老师建议心理疏导。",
       Category::kLeftBehindChild, false, "小航", 13},
      {"残疾儿童康复需求", "孩子患有脑瘫，家庭无力承担康复训练费用。",
       Category::kChildInHardship, true, "小宝", 6},
      {"孤寡老人与孙辈生活困难", "祖孙二人相依为命，住房漏雨。", Category::kFamilyInHardship,
       false, "小芳", 10},
  };
  return kStories;
}

}  // namespace

std::vector<DemoUser> DemoUsers() {
  return {
      {"gridworker", kDemoPassword, "GRID_WORKER", "NA-LC-MTS-G1"},
      {"gridworker2", kDemoPassword, "GRID_WORKER", "NA-XM-GXS-G1"},
      {"gridleader", kDemoPassword, "GRID_LEADER", "NA-LC-MTS"},
      {"village_staff", kDemoPassword, "FEDERATION_STAFF", "NA-LC-MTS"},
      {"township_staff", kDemoPassword, "FEDERATION_STAFF", "NA-LC"},
      {"city_staff", kDemoPassword, "FEDERATION_STAFF", "NA"},
      {"dept_staff", kDemoPassword, "DEPARTMENT_STAFF", "NA-MZ"},
      {"hotline", kDemoPassword, "HOTLINE_OPERATOR", "NA"},
      {"township_supervisor", kDemoPassword, "SUPERVISOR", "NA-LC"},
      {"city_supervisor", kDemoPassword, "SUPERVISOR", "NA"},
      {"admin", kDemoPassword, "ADMIN", "NA"},
  };
}

engine::Result<int> SeedDemoCity(engine::Store& store, engine::CaseService& cases,
                                 engine::ManualClock& clock, engine::TimePoint now) {
  using namespace std::chrono;
  std::vector<engine::User> users;
  for (const DemoUser& d : DemoUsers()) {
    engine::User u;
    u.username = d.username;
    u.display_name = "演示-" + d.username;
    u.role = *engine::ParseEnum<engine::Role>(d.role);
    u.org_unit_id = d.unit;
    GC_ASSIGN_OR_RETURN(u.password_hash, storage::HashPassword(d.password));
    users.push_back(std::move(u));
  }
  GC_RETURN_IF_ERROR(store.Write([&](engine::StoreWriter& w) {
    GC_RETURN_IF_ERROR(w.UpsertOrgUnits(DemoUnits()));
    return w.UpsertUsers(users);
  }));
  GC_RETURN_IF_ERROR(cases.ReloadOrgTree());

  std::map<std::string, engine::Actor> actors;
  {
    GC_ASSIGN_OR_RETURN(auto reader, store.Read());
    for (const DemoUser& d : DemoUsers()) {
      GC_ASSIGN_OR_RETURN(auto user, reader->FindUserByUsername(d.username));
      if (!user) return engine::Internal("demo user " + d.username + " was not saved");
      actors[d.username] = {user->id, user->role, user->org_unit_id};
    }
  }
  auto act = [&](engine::CaseId id, const char* who, Command command, const char* note,
                 const char* unit = "") -> engine::Status {
    clock.Advance(minutes(37));
    return cases.Act(actors[who], id, {command, std::nullopt, note, unit, std::nullopt}).status();
  };

  // Stories play out from ten days ago: the older a case, the further along it is.
  std::mt19937 rng(2026);
  const auto start = now - hours(24 * 10);
  const int kCases = 40;
  int made = 0;
  for (int i = 0; i < kCases; ++i) {
    clock.Set(start + hours(7) * i);
    const Story& story = Stories()[i % Stories().size()];
    engine::NewCase n;
    n.request_id = "demo-" + std::to_string(i);
    n.channel = i % 5 == 4 ? engine::Channel::kHotline12345 : engine::Channel::kGridPatrol;
    n.category = story.category;
    n.priority = story.urgent ? engine::Priority::kUrgent : engine::Priority::kRoutine;
    n.title = story.title;
    n.description = story.description;
    n.address = "南安市柳城街道梅亭社区" + std::to_string(1 + rng() % 30) + "号";
    n.subjects = {{story.child, story.age < 18 ? engine::SubjectRole::kChild
                                                : engine::SubjectRole::kWoman,
                   story.age, "", ""}};
    // Every other case comes from elsewhere in the city, by the 12345 hotline, so that the
    // board and the township ranking have something to compare.
    const bool home = i % 2 == 0;
    if (!home) n.channel = engine::Channel::kHotline12345;
    const char* reporter = home ? "gridworker" : "hotline";
    const auto& t = Townships()[(i / 2) % Townships().size()];
    n.grid_id = home ? "NA-LC-MTS-G1"
                     : std::string(t.villages[(i / 10) % t.villages.size()].first) + "-G" +
                           std::to_string(1 + i % 3);
    if (!home) n.address = std::string("南安市") + t.name + std::to_string(1 + rng() % 30) + "号";
    GC_ASSIGN_OR_RETURN(auto created, cases.Create(actors[reporter], n));
    const engine::CaseId id = created.c.id;
    ++made;
    // The case's fate, by position: a spread over every state and path.
    if (!home) {
      // Away from the demo village only the city can act: some wait (and will breach their
      // 48 hours — the scheduler escalates them when the server starts), some are pushed.
      switch (i % 6) {
        case 1:
          GC_RETURN_IF_ERROR(act(id, "city_supervisor", Command::kReassign, "转民政局办理", "NA-MZ"));
          GC_RETURN_IF_ERROR(act(id, "dept_staff", Command::kVerifyConfirm, "民政局核实属实"));
          GC_RETURN_IF_ERROR(act(id, "dept_staff", Command::kAccept, "民政局已受理"));
          break;
        case 3:
          GC_RETURN_IF_ERROR(act(id, "city_supervisor", Command::kUrge, "请尽快核实"));
          break;
        default:
          break;
      }
      continue;
    }
    switch ((i / 2) % 8) {
      case 0:  // closed after a satisfied follow-up visit
        GC_RETURN_IF_ERROR(act(id, "gridleader", Command::kVerifyConfirm, "已核实"));
        GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kAccept, "已受理"));
        GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kResolve, "已联系民政落实临时救助"));
        GC_RETURN_IF_ERROR(act(id, "gridworker", Command::kFollowUpSatisfied, "回访满意"));
        break;
      case 1:  // resolved, waiting for the follow-up visit
        GC_RETURN_IF_ERROR(act(id, "gridleader", Command::kVerifyConfirm, "已核实"));
        GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kAccept, "已受理"));
        GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kResolve, "已安排巾帼志愿者结对帮扶"));
        break;
      case 2:  // escalated to the township, in progress there
        GC_RETURN_IF_ERROR(act(id, "gridleader", Command::kVerifyConfirm, "已核实"));
        GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kEscalate, "需镇街协调资源"));
        GC_RETURN_IF_ERROR(act(id, "township_staff", Command::kAccept, "镇妇联已受理"));
        break;
      case 3:  // referred to the civil affairs bureau
        GC_RETURN_IF_ERROR(act(id, "gridleader", Command::kVerifyConfirm, "已核实"));
        GC_RETURN_IF_ERROR(act(id, "city_supervisor", Command::kReassign, "转民政局办理",
                               "NA-MZ"));
        GC_RETURN_IF_ERROR(act(id, "dept_staff", Command::kAccept, "民政局已受理"));
        break;
      case 4:  // rejected at verification
        GC_RETURN_IF_ERROR(act(id, "gridleader", Command::kVerifyReject, "经核实情况不属实"));
        break;
      case 5:  // verified, waiting to be accepted, urged by the supervisor
        GC_RETURN_IF_ERROR(act(id, "gridleader", Command::kVerifyConfirm, "已核实"));
        GC_RETURN_IF_ERROR(act(id, "township_supervisor", Command::kUrge, "请尽快受理"));
        break;
      case 6:  // reopened after an unsatisfied visit
        GC_RETURN_IF_ERROR(act(id, "gridleader", Command::kVerifyConfirm, "已核实"));
        GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kAccept, "已受理"));
        GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kResolve, "已电话沟通"));
        GC_RETURN_IF_ERROR(act(id, "gridworker", Command::kFollowUpUnsatisfied, "家属表示问题未解决"));
        break;
      case 7:  // withdrawn by the reporter, or still waiting for verification
        if (i % 32 == 14) {
          GC_RETURN_IF_ERROR(act(id, reporter, Command::kWithdraw, "重复上报"));
        }
        break;
    }
  }
  return made;
}

}  // namespace gridcare::app
