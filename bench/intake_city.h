// The intake benchmark's city: townships, villages and grids, a worker per grid and a leader
// and a staff member per village, and the one report every grid worker files. Shared by the
// HTTP phases and the raw SQLite baseline, which must write the same rows.
#pragma once

#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/org_tree.h"
#include "engine/store.h"

namespace gridcare::bench {

inline const std::string kTitle = "留守儿童无人照看";
inline const std::string kDescription =
    "父母外出务工，孩子由年迈祖母照看，近期祖母住院，孩子独自在家。";
inline const std::string kAddress = "基准市第1街道第1社区3号";

struct Grid {
  std::string id;
  int village = 0;  // index into City::villages
};

struct CityShape {
  int townships = 5;
  int villages_per_township = 4;
  int grids_per_village = 10;  // 5 × 4 × 10 = 200 grids
};

struct City {
  std::vector<engine::OrgUnit> units;
  std::vector<std::string> villages;
  std::vector<Grid> grids;
  std::vector<engine::User> users;

  static std::string WorkerName(const Grid& g) { return "w-" + g.id; }
  std::string LeaderName(int village) const { return "l-" + villages[village]; }
  std::string StaffName(int village) const { return "s-" + villages[village]; }
};

// 基准市 with the given shape; every user gets `password_hash`.
City MakeCity(const CityShape& shape, const std::string& password_hash);

// Writes the city's org units and users into `store`; exits the program on failure.
void Seed(engine::Store& store, const City& city);

// The report a grid worker of `grid` files (the raw baseline's; the HTTP phases send the
// same fields as JSON or protobuf).
engine::NewCase SampleReport(const std::string& request_id, const std::string& grid);

}  // namespace gridcare::bench
