// Every row of the transition table, tried by every kind of actor; every (state, command)
// pair the table lacks is refused. Who may do what is written out here by hand, not
// derived from the engine, so a wrong row or a wrong rule fails.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "engine/case_decider.h"
#include "engine/transitions.h"
#include "tests/support/city_fixture.h"

namespace gridcare::engine {
namespace {

using testing::AllActors;
using testing::SmallCity;

const TimePoint kT0 = FromUnixMillis(1767225600000);  // 2026-01-01T00:00:00Z

// A case from grid G111 (village V11), reported by gw111, in `state`, assigned to `unit`,
// with every clock pending so that automatic rows have something to fire.
Case CaseIn(CaseState state, const std::string& unit, const RuleBook& rules) {
  auto d = DecideCreate(testing::SampleReport(), testing::ActorNamed("gw111"), kT0, rules,
                        FixedNumbering(7, "NA-2026-000007"));
  REQUIRE(d.ok());
  Case c = d->after;
  c.state = state;
  c.assigned_unit_id = unit;
  c.pending_response_warn = kT0 + std::chrono::hours(36);
  c.pending_response_due = kT0 + std::chrono::hours(48);
  c.pending_resolve_due = kT0 + std::chrono::hours(400);
  c.pending_follow_up_due = kT0 + std::chrono::hours(500);
  return c;
}

// Hand-written: who satisfies each rule for a case of G111/V11 assigned to V11, with a
// reassign target of V12.
const std::map<ActorRule, std::set<std::string>>& Satisfying() {
  static const std::map<ActorRule, std::set<std::string>> kSets = {
      {ActorRule::kGridLeaderOfVillage, {"leaderV11"}},
      {ActorRule::kHandlerOfAssignedUnit, {"staffV11"}},
      {ActorRule::kSupervisorAboveAssigned, {"supT1", "supC"}},
      {ActorRule::kSupervisorAboveBoth, {"supT1", "supC"}},
      {ActorRule::kReporter, {"gw111"}},
      {ActorRule::kGridWorkerOfGrid, {"gw111"}},
      {ActorRule::kAnyReader,
       {"gw111", "leaderV11", "staffV11", "staffT1", "staffC", "supT1", "supC", "admin"}},
      {ActorRule::kSystem, {"system"}},
  };
  return kSets;
}
const std::set<std::string> kReaders = {"gw111", "leaderV11", "staffV11", "staffT1",
                                        "staffC", "supT1",     "supC",     "admin"};

// The commands only ever applied after another row (the escalation after a breach).
std::set<Command> FollowOns() {
  std::set<Command> out;
  for (const Transition& row : TransitionTable()) {
    if (row.then.command) out.insert(*row.then.command);
  }
  return out;
}

}  // namespace

TEST_CASE("every transition row admits exactly the actors its rules name", "[engine]") {
  const OrgTree tree = SmallCity();
  const SlaPolicy sla;
  const WorkCalendar cal = testing::WeekdayCalendar();
  const RuleBook rules{tree, sla, cal};
  for (const Transition& row : TransitionTable()) {
    if (FollowOns().count(row.command)) continue;  // the next test
    std::set<std::string> allowed;
    for (const auto& [rule, keys] : Satisfying()) {
      if (HasRule(row, rule)) allowed.insert(keys.begin(), keys.end());
    }
    for (const auto& [key, actor] : AllActors()) {
      const Case before = CaseIn(row.from, "V11", rules);
      CommandRequest req{row.command, std::nullopt, "处理说明", "V12", std::nullopt};
      auto d = DecideCommand(before, req, actor, kT0 + std::chrono::hours(1), rules);
      INFO("row " << Name(row.from) << " + " << Name(row.command) << " by " << key);
      if (key != "system" && !kReaders.count(key)) {
        REQUIRE(d.status().code() == ErrorCode::kNotFound);
      } else if (allowed.count(key)) {
        REQUIRE(d.ok());
        REQUIRE(d->after.state ==
                (d->events.size() == 2 ? d->events.back().to_state : row.to));
        REQUIRE(d->events.front().action == row.records);
        REQUIRE(d->events.front().from_state == row.from);
        REQUIRE(d->after.version == before.version + static_cast<int>(d->events.size()));
      } else {
        REQUIRE(d.status().code() == ErrorCode::kPermissionDenied);
      }
    }
  }
}

TEST_CASE("a follow-on row is applied after the row that names it, never on its own",
          "[engine]") {
  const OrgTree tree = SmallCity();
  SlaWindows windows;
  windows.escalate_resolve_breach = true;  // so every follow-on applies
  const SlaPolicy sla(windows, {}, {});
  const WorkCalendar cal = testing::WeekdayCalendar();
  const RuleBook rules{tree, sla, cal};
  const std::set<Command> follow_ons = FollowOns();
  REQUIRE(follow_ons == std::set<Command>{Command::kEscalateAfterResponseBreach,
                                          Command::kEscalateAfterResolveBreach});
  std::set<std::pair<CaseState, Command>> reached;
  for (const Transition& row : TransitionTable()) {
    const Case before = CaseIn(row.from, "V11", rules);
    CommandRequest req{row.command, std::nullopt, "处理说明", "V12", std::nullopt};
    INFO("row " << Name(row.from) << " + " << Name(row.command));
    if (follow_ons.count(row.command)) {
      // Asked for directly: the scheduler has no deadline for it, nobody else may.
      for (const auto& [key, actor] : AllActors()) {
        auto d = DecideCommand(before, req, actor, kT0 + std::chrono::hours(1), rules);
        REQUIRE_FALSE(d.ok());
      }
      continue;
    }
    if (!row.then.command) continue;
    auto d = DecideCommand(before, req, Actor::System(), kT0 + std::chrono::hours(1), rules);
    REQUIRE(d.ok());
    REQUIRE(d->events.size() == 2);
    const Transition& next = RowsFor(row.to, *row.then.command).front();
    CHECK(d->events[1].action == next.records);
    CHECK(d->events[1].from_state == row.to);
    CHECK(d->events[1].to_state == next.to);
    CHECK(d->events[1].assigned_unit_id == "T1");  // V11's parent
    reached.insert({next.from, next.command});
    // At the top unit there is nowhere to go: the first event stands alone.
    auto top = DecideCommand(CaseIn(row.from, "C", rules), req, Actor::System(),
                             kT0 + std::chrono::hours(1), rules);
    REQUIRE(top.ok());
    CHECK(top->events.size() == 1);
  }
  // Every follow-on row is reached from some row.
  for (const Transition& row : TransitionTable()) {
    if (follow_ons.count(row.command)) CHECK(reached.count({row.from, row.command}));
  }
}

TEST_CASE("a command the table has no row for is refused as FAILED_PRECONDITION", "[engine]") {
  const OrgTree tree = SmallCity();
  const SlaPolicy sla;
  const WorkCalendar cal = testing::WeekdayCalendar();
  const RuleBook rules{tree, sla, cal};
  for (CaseState state : AllValues<CaseState>()) {
    for (Command command : AllValues<Command>()) {
      if (!RowsFor(state, command).empty()) continue;
      INFO(Name(state) << " + " << Name(command));
      const Case before = CaseIn(state, "V11", rules);
      CommandRequest req{command, std::nullopt, "说明", "V12", std::nullopt};
      for (const char* who : {"staffV11", "supC", "system"}) {
        auto d = DecideCommand(before, req, testing::ActorNamed(who), kT0, rules);
        REQUIRE(d.status().code() == ErrorCode::kFailedPrecondition);
      }
    }
  }
}

TEST_CASE("each (state, command) pair has at most one row", "[engine]") {
  std::set<std::pair<CaseState, Command>> seen;
  for (const Transition& row : TransitionTable()) {
    REQUIRE(seen.insert({row.from, row.command}).second);
  }
}

TEST_CASE("a department case is accepted by department staff, not federation staff",
          "[engine]") {
  const OrgTree tree = SmallCity();
  const SlaPolicy sla;
  const WorkCalendar cal = testing::WeekdayCalendar();
  const RuleBook rules{tree, sla, cal};
  Case c = CaseIn(CaseState::kAssigned, "D-MZ", rules);
  CommandRequest accept{Command::kAccept, std::nullopt, "", "", std::nullopt};
  REQUIRE(DecideCommand(c, accept, testing::ActorNamed("deptMZ"), kT0, rules).ok());
  REQUIRE(DecideCommand(c, accept, testing::ActorNamed("staffC"), kT0, rules).status().code() ==
          ErrorCode::kPermissionDenied);
}

TEST_CASE("the system cannot fire a deadline that is no longer pending", "[engine]") {
  const OrgTree tree = SmallCity();
  const SlaPolicy sla;
  const WorkCalendar cal = testing::WeekdayCalendar();
  const RuleBook rules{tree, sla, cal};
  Case c = CaseIn(CaseState::kAssigned, "V11", rules);
  c.pending_response_due.reset();
  CommandRequest breach{Command::kResponseBreach, std::nullopt, "", "", std::nullopt};
  REQUIRE(DecideCommand(c, breach, Actor::System(), kT0, rules).status().code() ==
          ErrorCode::kFailedPrecondition);
}

}  // namespace gridcare::engine
