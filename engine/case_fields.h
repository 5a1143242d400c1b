// The case row as a set of named fields, and its rebuild from the audit trail: every
// event carries the fields it changed, so replaying a case's events must give its row.
// Not hashing (storage/event_chain.*) and not the rules (transitions.*).
#pragma once

#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/status.h"

namespace gridcare::engine {

using CaseFields = FieldMap;

// Every projected field of `c` in canonical text; excludes id, version, update_time and
// last_event_hash, which come from the events themselves.
CaseFields EncodeCaseFields(const Case& c);
// The fields whose text differs between `before` and `after` ("" = cleared).
CaseFields DiffCaseFields(const Case& before, const Case& after);

// Rebuilds a case from its events: checks seq is 1..n, that each event starts in the state
// the previous one left, that each state change is one the transition table allows, and
// applies the changes. The error names the event (seq) at fault.
Result<Case> ReplayEvents(CaseId id, const std::vector<CaseEvent>& events);

// "" when the rows agree, else the first differing field, e.g. "title".
std::string FirstDifference(const Case& a, const Case& b);

}  // namespace gridcare::engine
