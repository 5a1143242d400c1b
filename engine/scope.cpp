// Read scope, list scope, INBOX clauses and role/unit fit — the one place these rules live.
#include "engine/scope.h"

#include <algorithm>

#include "engine/transitions.h"

namespace gridcare::engine {

bool CanRead(const Actor& actor, const Case& c, const OrgTree& tree) {
  if (actor.role == Role::kSystem || actor.role == Role::kAdmin) return true;
  if (!actor.user_id.empty() && actor.user_id == c.reporter_id) return true;
  switch (actor.role) {
    case Role::kGridWorker:
      return c.grid_id == actor.unit_id;
    case Role::kHotlineOperator:
    case Role::kDepartmentStaff:
      return c.assigned_unit_id == actor.unit_id;
    case Role::kGridLeader:
    case Role::kFederationStaff:
    case Role::kSupervisor:
      // Where it came from or where it is now: a case escalated or reassigned into the
      // unit's subtree must be readable by those who now owe it a step.
      return tree.IsWithin(c.grid_id, actor.unit_id) ||
             tree.IsWithin(c.assigned_unit_id, actor.unit_id);
    case Role::kAdmin:
    case Role::kSystem:
      return true;
  }
  return false;
}

CaseScope ScopeFor(const Actor& actor) {
  switch (actor.role) {
    case Role::kAdmin:
    case Role::kSystem:
      return {CaseScope::Kind::kAll, "", actor.user_id};
    case Role::kGridWorker:
      return {CaseScope::Kind::kGrid, actor.unit_id, actor.user_id};
    case Role::kHotlineOperator:
    case Role::kDepartmentStaff:
      return {CaseScope::Kind::kFiledOrAssigned, actor.unit_id, actor.user_id};
    case Role::kGridLeader:
    case Role::kFederationStaff:
    case Role::kSupervisor:
      return {CaseScope::Kind::kSubtree, actor.unit_id, actor.user_id};
  }
  return {CaseScope::Kind::kFiledOrAssigned, actor.unit_id, actor.user_id};
}

std::vector<InboxClause> InboxFor(const Actor& actor, const OrgTree& tree) {
  std::vector<InboxClause> out;
  const OrgUnit* unit = tree.Find(actor.unit_id);
  if (unit == nullptr) return out;
  const bool is_department = unit->level == OrgLevel::kDepartment;
  auto add = [&](CaseState state, InboxClause::Field field) {
    InboxClause clause{state, field, actor.unit_id};
    if (std::find(out.begin(), out.end(), clause) == out.end()) out.push_back(clause);
  };
  for (const Transition& t : TransitionTable()) {
    if (t.owes != Owes::kInbox) continue;
    if (HasRule(t, ActorRule::kGridLeaderOfVillage) && actor.role == Role::kGridLeader) {
      add(t.from, InboxClause::Field::kVillage);
    }
    if (HasRule(t, ActorRule::kHandlerOfAssignedUnit) &&
        actor.role == (is_department ? Role::kDepartmentStaff : Role::kFederationStaff)) {
      add(t.from, InboxClause::Field::kAssignedUnit);
    }
    if (HasRule(t, ActorRule::kGridWorkerOfGrid) && actor.role == Role::kGridWorker) {
      add(t.from, InboxClause::Field::kGrid);
    }
  }
  return out;
}

std::vector<const OrgUnit*> UnitsShownTo(const Actor& actor, const OrgTree& tree) {
  const auto shown = [&](const OrgUnit& u) {
    return actor.role == Role::kAdmin || u.level == OrgLevel::kDepartment ||
           tree.IsWithin(u.id, actor.unit_id) || tree.IsWithin(actor.unit_id, u.id);
  };
  std::vector<const OrgUnit*> out;
  // Depth first from the roots, through every unit: where there is more than one city, a
  // department under another city is shown though its parent is not.
  std::vector<const OrgUnit*> stack;
  const auto push_sorted = [&](std::vector<const OrgUnit*> units) {
    // Largest id first: the stack then hands out siblings smallest id first.
    std::sort(units.begin(), units.end(),
              [](const OrgUnit* a, const OrgUnit* b) { return a->id > b->id; });
    stack.insert(stack.end(), units.begin(), units.end());
  };
  std::vector<const OrgUnit*> roots;
  for (const OrgUnit& u : tree.units()) {
    if (u.parent_id.empty()) roots.push_back(&u);
  }
  push_sorted(std::move(roots));
  while (!stack.empty()) {
    const OrgUnit* u = stack.back();
    stack.pop_back();
    if (shown(*u)) out.push_back(u);
    push_sorted(tree.Children(u->id));
  }
  return out;
}

Status CheckRoleFitsUnit(Role role, OrgLevel level) {
  bool fits = false;
  switch (role) {
    case Role::kGridWorker: fits = level == OrgLevel::kGrid; break;
    case Role::kGridLeader: fits = level == OrgLevel::kVillage; break;
    case Role::kFederationStaff:
      fits = level == OrgLevel::kVillage || level == OrgLevel::kTownship || level == OrgLevel::kCity;
      break;
    case Role::kDepartmentStaff: fits = level == OrgLevel::kDepartment; break;
    case Role::kHotlineOperator: fits = level == OrgLevel::kCity; break;
    case Role::kSupervisor: fits = level == OrgLevel::kTownship || level == OrgLevel::kCity; break;
    case Role::kAdmin: fits = level == OrgLevel::kCity; break;
    case Role::kSystem: return InvalidArgument("role: SYSTEM is reserved for the scheduler");
  }
  if (fits) return Status::Ok();
  return InvalidArgument("role: a " + std::string(Name(role)) + " cannot belong to a " +
                         std::string(Name(level)) + " unit");
}

}  // namespace gridcare::engine
