// The organisation tree (city → township → village → grid, departments under a city):
// validation of an imported tree, parent/child lookups and subtree membership.
// Not storage: units are loaded by the caller and handed in whole.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/enums.h"
#include "engine/status.h"

namespace gridcare::engine {

struct OrgUnit {
  std::string id;
  std::string name;
  OrgLevel level = OrgLevel::kCity;
  std::string parent_id;  // empty for a root

  bool operator==(const OrgUnit&) const = default;
};

// 1–64 characters of [A-Za-z0-9_-] (api.md §1).
bool IsValidUnitId(std::string_view id);

class OrgTree {
 public:
  OrgTree() = default;
  // Checks ids, names, levels, that every parent exists, and that each level sits under
  // the level above it (GRID under VILLAGE, VILLAGE under TOWNSHIP, TOWNSHIP and
  // DEPARTMENT under CITY, CITY at the root). The message names the unit at fault.
  static Result<OrgTree> Build(std::vector<OrgUnit> units);

  const OrgUnit* Find(std::string_view id) const;
  const OrgUnit* Parent(std::string_view id) const;
  // True when `unit` is `ancestor` or lies below it.
  bool IsWithin(std::string_view unit, std::string_view ancestor) const;
  // The VILLAGE a GRID belongs to; empty when `grid_id` is not a grid.
  std::string VillageOf(std::string_view grid_id) const;
  std::vector<const OrgUnit*> Children(std::string_view id) const;
  const std::vector<OrgUnit>& units() const { return units_; }
  size_t size() const { return units_.size(); }

 private:
  std::vector<OrgUnit> units_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, std::vector<size_t>> children_;
};

}  // namespace gridcare::engine
