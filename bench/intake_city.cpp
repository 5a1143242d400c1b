// The benchmark city and its sample report.
#include "bench/intake_city.h"

#include "bench/bench_util.h"
#include "engine/status.h"

namespace gridcare::bench {

City MakeCity(const CityShape& o, const std::string& password_hash) {
  using engine::OrgLevel;
  using engine::Role;
  City city;
  city.units.push_back({"BC", "基准市", OrgLevel::kCity, ""});
  for (int t = 1; t <= o.townships; ++t) {
    const std::string tid = "BC-T" + std::to_string(t);
    city.units.push_back({tid, "第" + std::to_string(t) + "街道", OrgLevel::kTownship, "BC"});
    for (int v = 1; v <= o.villages_per_township; ++v) {
      const std::string vid = tid + "-V" + std::to_string(v);
      city.units.push_back({vid, "第" + std::to_string(v) + "社区", OrgLevel::kVillage, tid});
      const int village = static_cast<int>(city.villages.size());
      city.villages.push_back(vid);
      for (int g = 1; g <= o.grids_per_village; ++g) {
        const std::string gid = vid + "-G" + std::to_string(g);
        city.units.push_back({gid, "第" + std::to_string(g) + "网格", OrgLevel::kGrid, vid});
        city.grids.push_back({gid, village});
      }
    }
  }
  for (const Grid& g : city.grids) {
    city.users.push_back({"", City::WorkerName(g), "网格员-" + g.id, Role::kGridWorker, g.id,
                          password_hash});
  }
  for (size_t v = 0; v < city.villages.size(); ++v) {
    city.users.push_back({"", city.LeaderName(static_cast<int>(v)), "网格长", Role::kGridLeader,
                          city.villages[v], password_hash});
    city.users.push_back({"", city.StaffName(static_cast<int>(v)), "妇联干部",
                          Role::kFederationStaff, city.villages[v], password_hash});
  }
  return city;
}

void Seed(engine::Store& store, const City& city) {
  const engine::Status s = store.Write([&](engine::StoreWriter& w) {
    GC_RETURN_IF_ERROR(w.UpsertOrgUnits(city.units));
    return w.UpsertUsers(city.users);
  });
  if (!s.ok()) Die("intake_bench", "seeding: " + s.ToString());
}

engine::NewCase SampleReport(const std::string& request_id, const std::string& grid) {
  engine::NewCase c;
  c.request_id = request_id;
  c.channel = engine::Channel::kGridPatrol;
  c.category = engine::Category::kLeftBehindChild;
  c.priority = engine::Priority::kRoutine;
  c.grid_id = grid;
  c.title = kTitle;
  c.description = kDescription;
  c.address = kAddress;
  c.subjects = {{"小明", engine::SubjectRole::kChild, 9, "", ""}};
  return c;
}

}  // namespace gridcare::bench
