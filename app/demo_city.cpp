// The demo city's data and the script that plays its cases through the real engine.
#include "app/demo_city.h"

#include <random>

#include "util/crypto.h"

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
    GC_ASSIGN_OR_RETURN(u.password_hash, util::HashPassword(d.password));
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

  // Where a case's story ends. Home cases are the demo village's (梅亭社区, where the demo
  // grid worker, grid leader and village staff work); away cases come in by the hotline from
  // elsewhere in the city, where only the city acts.
  enum class Fate {
    kWaiting,    // REPORTED, nobody has looked yet
    kVerified,   // ASSIGNED to the village, waiting to be accepted
    kUrged,      // home: verified and urged by the supervisor; away: urged while REPORTED
    kClosed,     // closed after a satisfied follow-up visit
    kResolved,   // resolved, waiting for the follow-up visit
    kEscalated,  // escalated to the township, in progress there
    kReferred,   // referred to the civil affairs bureau, in progress there
    kRejected,   // rejected at verification
    kReopened,   // reopened after an unsatisfied visit
    kWithdrawn,  // withdrawn by the reporter
  };
  std::mt19937 rng(2026);
  int made = 0;
  // Reports case `i` at `at` and plays it along `fate`, each step 37 minutes after the last.
  auto play = [&](int i, engine::TimePoint at, bool home, const Story& story,
                  Fate fate) -> engine::Status {
    clock.Set(at);
    engine::NewCase n;
    n.request_id = "demo-" + std::to_string(i);
    n.channel = home ? engine::Channel::kGridPatrol : engine::Channel::kHotline12345;
    n.category = story.category;
    n.priority = story.urgent ? engine::Priority::kUrgent : engine::Priority::kRoutine;
    n.title = story.title;
    n.description = story.description;
    n.subjects = {{story.child,
                   story.age < 18 ? engine::SubjectRole::kChild : engine::SubjectRole::kWoman,
                   story.age, "", ""}};
    const auto& t = Townships()[(i / 2) % Townships().size()];
    n.grid_id = home ? "NA-LC-MTS-G1"
                     : std::string(t.villages[(i / 10) % t.villages.size()].first) + "-G" +
                           std::to_string(1 + i % 3);
    n.address = home ? "南安市柳城街道梅亭社区" + std::to_string(1 + rng() % 30) + "号"
                     : std::string("南安市") + t.name + std::to_string(1 + rng() % 30) + "号";
    const char* reporter = home ? "gridworker" : "hotline";
    GC_ASSIGN_OR_RETURN(auto created, cases.Create(actors[reporter], n));
    const engine::CaseId id = created.c.id;
    ++made;
    if (!home) {
      switch (fate) {
        case Fate::kReferred:
          GC_RETURN_IF_ERROR(act(id, "city_supervisor", Command::kReassign, "转民政局办理", "NA-MZ"));
          GC_RETURN_IF_ERROR(act(id, "dept_staff", Command::kVerifyConfirm, "民政局核实属实"));
          return act(id, "dept_staff", Command::kAccept, "民政局已受理");
        case Fate::kUrged:
          return act(id, "city_supervisor", Command::kUrge, "请尽快核实");
        default:
          return engine::Status::Ok();
      }
    }
    switch (fate) {
      case Fate::kWaiting:
        return engine::Status::Ok();
      case Fate::kWithdrawn:
        return act(id, reporter, Command::kWithdraw, "重复上报");
      case Fate::kRejected:
        return act(id, "gridleader", Command::kVerifyReject, "经核实情况不属实");
      default:
        break;
    }
    GC_RETURN_IF_ERROR(act(id, "gridleader", Command::kVerifyConfirm, "已核实"));
    switch (fate) {
      case Fate::kUrged:
        return act(id, "township_supervisor", Command::kUrge, "请尽快受理");
      case Fate::kEscalated:
        GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kEscalate, "需镇街协调资源"));
        return act(id, "township_staff", Command::kAccept, "镇妇联已受理");
      case Fate::kReferred:
        GC_RETURN_IF_ERROR(act(id, "city_supervisor", Command::kReassign, "转民政局办理", "NA-MZ"));
        return act(id, "dept_staff", Command::kAccept, "民政局已受理");
      case Fate::kClosed:
      case Fate::kResolved:
      case Fate::kReopened:
        break;
      default:
        return engine::Status::Ok();  // kVerified
    }
    GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kAccept, "已受理"));
    if (fate == Fate::kResolved) {
      return act(id, "village_staff", Command::kResolve, "已安排巾帼志愿者结对帮扶");
    }
    if (fate == Fate::kClosed) {
      GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kResolve, "已联系民政落实临时救助"));
      return act(id, "gridworker", Command::kFollowUpSatisfied, "回访满意");
    }
    GC_RETURN_IF_ERROR(act(id, "village_staff", Command::kResolve, "已电话沟通"));
    return act(id, "gridworker", Command::kFollowUpUnsatisfied, "家属表示问题未解决");
  };

  // Ten days of history, a case every six hours, home and away in turn: the older a case,
  // the further along it is. The last starts 54 hours ago and is done 2 hours later.
  const auto start = now - hours(24 * 10);
  constexpr Fate kHomeFates[] = {Fate::kClosed,   Fate::kResolved, Fate::kEscalated,
                                 Fate::kReferred, Fate::kRejected, Fate::kUrged,
                                 Fate::kReopened, Fate::kWaiting};
  constexpr int kHistory = 32;
  for (int i = 0; i < kHistory; ++i) {
    const bool home = i % 2 == 0;
    Fate fate = home ? kHomeFates[(i / 2) % 8]
                     : (i % 6 == 1   ? Fate::kReferred
                        : i % 6 == 3 ? Fate::kUrged
                                     : Fate::kWaiting);
    if (home && i % 32 == 14) fate = Fate::kWithdrawn;
    GC_RETURN_IF_ERROR(play(i, start + hours(6) * i, home, Stories()[i % Stories().size()], fate));
  }
  // The last two days, closer together: two cases whose 48 hours run out within a few hours
  // of now, some being handled, and fresh reports in the demo grid still waiting for the
  // grid leader — the newest an urgent one due within the next two hours.
  struct Recent {
    minutes ago;
    bool home;
    int story;
    Fate fate;
  };
  const Recent kRecent[] = {
      {minutes(46 * 60 + 30), false, 1, Fate::kWaiting},
      {minutes(45 * 60), true, 0, Fate::kVerified},
      {minutes(30 * 60), false, 4, Fate::kUrged},
      {minutes(20 * 60), true, 5, Fate::kEscalated},
      {minutes(9 * 60), true, 2, Fate::kVerified},
      {minutes(5 * 60), true, 7, Fate::kWaiting},
      {minutes(2 * 60), true, 0, Fate::kWaiting},
      {minutes(50), true, 3, Fate::kWaiting},
  };
  int i = kHistory;
  for (const Recent& r : kRecent) {
    GC_RETURN_IF_ERROR(play(i++, now - r.ago, r.home, Stories()[r.story], r.fate));
  }
  if (clock.Now() > now) {
    return engine::Internal("demo: the seeded history ran past now by " +
                            std::to_string((clock.Now() - now).count()) + " ms");
  }
  // What fell due in the past has fallen: breaches recorded and escalated as the scheduler
  // would have done, at `now`.
  clock.Set(now);
  while (true) {
    GC_ASSIGN_OR_RETURN(const auto fired, cases.FireDue(1000));
    if (fired.due == 0 || fired.fired == 0) break;
  }
  return made;
}

}  // namespace gridcare::app
