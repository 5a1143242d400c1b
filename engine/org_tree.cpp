// OrgTree validation and lookups. The tree is small (a few thousand units per city)
// and read-mostly, so it is held in memory and rebuilt whole on import.
#include "engine/org_tree.h"

#include <optional>

namespace gridcare::engine {

bool IsValidUnitId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

// The level a unit's parent must have; nullopt for the root level.
std::optional<OrgLevel> RequiredParentLevel(OrgLevel level) {
  switch (level) {
    case OrgLevel::kCity: return std::nullopt;
    case OrgLevel::kTownship: return OrgLevel::kCity;
    case OrgLevel::kVillage: return OrgLevel::kTownship;
    case OrgLevel::kGrid: return OrgLevel::kVillage;
    case OrgLevel::kDepartment: return OrgLevel::kCity;
  }
  return std::nullopt;
}

}  // namespace

Result<OrgTree> OrgTree::Build(std::vector<OrgUnit> units) {
  OrgTree tree;
  for (size_t i = 0; i < units.size(); ++i) {
    const OrgUnit& u = units[i];
    if (!IsValidUnitId(u.id)) {
      return InvalidArgument("id: unit id \"" + u.id +
                             "\" must be 1-64 characters of A-Z a-z 0-9 _ -");
    }
    if (u.name.empty()) return InvalidArgument("name: unit " + u.id + " has no name");
    if (!tree.index_.emplace(u.id, i).second) {
      return InvalidArgument("id: unit " + u.id + " appears twice");
    }
  }
  for (size_t i = 0; i < units.size(); ++i) {
    const OrgUnit& u = units[i];
    const auto need = RequiredParentLevel(u.level);
    if (!need) {
      if (!u.parent_id.empty()) {
        return InvalidArgument("parent_id: " + std::string(Name(u.level)) + " unit " + u.id +
                               " must not have a parent");
      }
      continue;
    }
    if (u.parent_id.empty()) {
      return InvalidArgument("parent_id: " + std::string(Name(u.level)) + " unit " + u.id +
                             " needs a parent of level " + std::string(Name(*need)));
    }
    auto it = tree.index_.find(u.parent_id);
    if (it == tree.index_.end()) {
      return InvalidArgument("parent_id: unit " + u.id + " names parent " + u.parent_id +
                             ", which does not exist");
    }
    const OrgUnit& parent = units[it->second];
    if (parent.level != *need) {
      return InvalidArgument("parent_id: " + std::string(Name(u.level)) + " unit " + u.id +
                             " must sit under a " + std::string(Name(*need)) + ", but " +
                             parent.id + " is a " + std::string(Name(parent.level)));
    }
    tree.children_[u.parent_id].push_back(i);
  }
  tree.units_ = std::move(units);
  return tree;
}

const OrgUnit* OrgTree::Find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? nullptr : &units_[it->second];
}

const OrgUnit* OrgTree::Parent(std::string_view id) const {
  const OrgUnit* u = Find(id);
  if (u == nullptr || u->parent_id.empty()) return nullptr;
  return Find(u->parent_id);
}

bool OrgTree::IsWithin(std::string_view unit, std::string_view ancestor) const {
  // The tree is at most four levels deep, so walking up is cheaper than a closure table.
  for (const OrgUnit* u = Find(unit); u != nullptr; u = Parent(u->id)) {
    if (u->id == ancestor) return true;
  }
  return false;
}

std::string OrgTree::VillageOf(std::string_view grid_id) const {
  const OrgUnit* grid = Find(grid_id);
  if (grid == nullptr || grid->level != OrgLevel::kGrid) return {};
  return grid->parent_id;
}

std::vector<const OrgUnit*> OrgTree::Children(std::string_view id) const {
  std::vector<const OrgUnit*> out;
  auto it = children_.find(std::string(id));
  if (it == children_.end()) return out;
  for (size_t i : it->second) out.push_back(&units_[i]);
  return out;
}

}  // namespace gridcare::engine
