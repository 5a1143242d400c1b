// The pure heart of the engine: given a case, a command, who asks and when, decide the
// new case and the audit events — or the error, with a code and a message. No I/O.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/org_tree.h"
#include "engine/sla_policy.h"
#include "engine/status.h"
#include "engine/work_calendar.h"

namespace gridcare::engine {

// The rules a decision is made under, loaded once and shared read-only.
struct RuleBook {
  const OrgTree& tree;
  const SlaPolicy& sla;
  const WorkCalendar& calendar;
};

struct Decision {
  Case after;
  std::vector<CaseEvent> events;  // seq assigned; hashes are storage's job
  // Things an operator must see, e.g. a working-day deadline counted in natural days
  // because the calendar does not cover its year yet.
  std::vector<std::string> warnings;
};

// "NA-2026-000123": prefix, the year (China time) of creation and a per-year serial.
// Whether `c` still holds personal data retention may erase (description, address,
// subjects).
bool HoldsPersonalData(const Case& c);

std::string FormatCaseNumber(const std::string& prefix, int year, int serial);
// The year, in China time, of `t` — the year a case number counts in.
int ChinaYear(TimePoint t);

// A new case's id and number, which the store hands out inside the write transaction.
struct CaseNumbering {
  CaseId id = 0;
  std::string number;
};
using TakeNumbering = std::function<Result<CaseNumbering>()>;
// A numbering decided beforehand (tests, benchmarks).
TakeNumbering FixedNumbering(CaseId id, std::string number);

// Validates a new report and builds the case in REPORTED, assigned to its grid's village,
// with its response clock running. `take_numbering` is asked once, for the case's id and
// number, only after every check has passed: a refused report takes no number.
Result<Decision> DecideCreate(const NewCase& request, const Actor& actor, TimePoint now,
                              const RuleBook& rules, const TakeNumbering& take_numbering);

// A create whose requestId `filed` already carries: OK when `retry` repeats the report
// `filed` was made from (a retry after a timeout), else ALREADY_EXISTS naming the case and
// the first field that differs — answering the old case would lose the new report.
Status CheckSameReport(const NewCase& retry, const Actor& actor, const Case& filed);

// Applies one command to `before`. Checks, in order: the actor can read the case
// (else NOT_FOUND), the expected version (ABORTED), that the command applies in this state
// (FAILED_PRECONDITION), that this actor may do it (PERMISSION_DENIED), then its arguments.
// A row with a follow-on (the escalation after an SLA breach) adds a second event.
Result<Decision> DecideCommand(const Case& before, const CommandRequest& request,
                               const Actor& actor, TimePoint now, const RuleBook& rules);

// The commands `actor` may issue on `c` as it stands, in table order: those with a row for
// the case's state whose actor rules (the ones DecideCommand applies) admit `actor`. Both
// verify and both followUp commands appear when one does (their rows share the rules).
// A reassign's target comes only with the request: a supervisor above the assigned unit
// may. A move to the parent is left out at the root, where DecideCommand refuses it. Empty
// for an actor who cannot read the case, and for the system (its commands are deadlines).
std::vector<Command> AllowedCommands(const Case& c, const Actor& actor, const OrgTree& tree);

// The command a due deadline fires, for the scheduler.
Command CommandForDeadline(DeadlineKind kind);

}  // namespace gridcare::engine
