// Who may read a case, which cases a list may return, and what a user owes (INBOX).
// Every read path — get, list, events, stream — asks here; nothing else decides scope.
#pragma once

#include <vector>

#include "engine/case.h"
#include "engine/org_tree.h"
#include "engine/status.h"
#include "engine/store.h"

namespace gridcare::engine {

// The rule of api.md "Scope": own subtree; a grid worker their grid; hotline and
// department staff what they filed or what is assigned to their unit; admin all.
// A reporter always reads what they reported.
bool CanRead(const Actor& actor, const Case& c, const OrgTree& tree);

// The same rule as a filter storage can turn into a query.
CaseScope ScopeFor(const Actor& actor);

// The cases on which `actor` owes the next step, as clauses over state and unit, derived
// from the rows of the transition table marked as owing (verify, accept, resolve, followUp).
std::vector<InboxClause> InboxFor(const Actor& actor, const OrgTree& tree);

// The units `actor` needs to name cases and pick targets, parents before children and
// siblings by id: their own unit, its whole subtree, its ancestors up to the root and every
// DEPARTMENT (an ADMIN: every unit). Pointers into `tree`.
std::vector<const OrgUnit*> UnitsShownTo(const Actor& actor, const OrgTree& tree);

// Whether a user of `role` may belong to a unit of `level` (e.g. a GRID_WORKER to a GRID).
Status CheckRoleFitsUnit(Role role, OrgLevel level);

}  // namespace gridcare::engine
