// Thousands of random command sequences by random actors at random times, deadlines firing
// as time passes. After every step: the case is in a legal state with one real assigned
// unit, its clocks fit its state, and replaying its events rebuilds it exactly.
#include <catch2/catch.hpp>

#include <random>

#include "engine/case_decider.h"
#include "engine/case_fields.h"
#include "engine/transitions.h"
#include "tests/support/city_fixture.h"

namespace gridcare::engine {
namespace {

bool IsTerminal(CaseState s) {
  return s == CaseState::kClosed || s == CaseState::kRejected || s == CaseState::kWithdrawn;
}

void CheckInvariants(const Case& c, const std::vector<CaseEvent>& events, const OrgTree& tree) {
  const auto states = AllValues<CaseState>();
  REQUIRE(std::find(states.begin(), states.end(), c.state) != states.end());
  const OrgUnit* unit = tree.Find(c.assigned_unit_id);
  REQUIRE(unit != nullptr);
  REQUIRE(unit->level != OrgLevel::kGrid);
  REQUIRE(c.version == static_cast<int>(events.size()));
  if (IsTerminal(c.state)) {
    REQUIRE_FALSE(c.pending_response_due);
    REQUIRE_FALSE(c.pending_response_warn);
    REQUIRE_FALSE(c.pending_resolve_due);
    REQUIRE_FALSE(c.pending_follow_up_due);
  }
  if (c.pending_response_warn) REQUIRE(c.pending_response_due);
  if (c.state == CaseState::kInProgress || c.state == CaseState::kResolved) {
    REQUIRE(c.respond_time);
  }
  if (c.state == CaseState::kResolved) REQUIRE(c.resolve_time);
  if (c.pending_follow_up_due) REQUIRE(c.state == CaseState::kResolved);
  auto replayed = ReplayEvents(c.id, events);
  REQUIRE(replayed.ok());
  INFO("first difference: " << FirstDifference(*replayed, c));
  REQUIRE(FirstDifference(*replayed, c).empty());
}

// The earliest pending deadline, as the scheduler would pick it.
std::optional<std::pair<Command, TimePoint>> EarliestDeadline(const Case& c) {
  std::optional<std::pair<Command, TimePoint>> best;
  auto consider = [&](const std::optional<TimePoint>& t, Command cmd) {
    if (t && (!best || *t < best->second)) best = {{cmd, *t}};
  };
  consider(c.pending_response_warn, Command::kResponseWarning);
  consider(c.pending_response_due, Command::kResponseBreach);
  consider(c.pending_resolve_due, Command::kResolveBreach);
  consider(c.pending_follow_up_due, Command::kFollowUpBreach);
  return best;
}

}  // namespace

TEST_CASE("random action sequences keep every case legal and replayable", "[engine][random]") {
  const OrgTree tree = testing::SmallCity();
  const SlaPolicy sla;
  SlaWindows escalating_windows;
  escalating_windows.escalate_resolve_breach = true;
  const SlaPolicy escalating(escalating_windows, {}, {});
  const WorkCalendar cal = testing::WeekdayCalendar();
  const RuleBook quiet_rules{tree, sla, cal};
  const RuleBook escalating_rules{tree, escalating, cal};
  const auto actors = testing::AllActors();
  const std::vector<std::string> targets = {"V11", "V12", "V21", "T1", "T2", "C", "D-MZ", "G111"};
  const std::vector<Command> user_commands = {
      Command::kVerifyConfirm, Command::kVerifyReject,        Command::kAccept,
      Command::kEscalate,      Command::kReassign,            Command::kResolve,
      Command::kFollowUpSatisfied, Command::kFollowUpUnsatisfied, Command::kWithdraw,
      Command::kComment,       Command::kUrge};

  std::mt19937_64 rng(20261126);
  const int kSequences = 3000;
  int applied = 0, refused = 0, automatic = 0;
  for (int seq = 0; seq < kSequences; ++seq) {
    // Half the cases run under a policy that also escalates missed resolutions.
    const RuleBook& rules = seq % 2 ? escalating_rules : quiet_rules;
    TimePoint now = FromUnixMillis(1767225600000) + std::chrono::minutes(rng() % 100000);
    NewCase report = testing::SampleReport("r" + std::to_string(seq));
    report.priority = rng() % 4 == 0 ? Priority::kUrgent : Priority::kRoutine;
    report.grid_id = rng() % 2 ? "G111" : "G121";
    auto created = DecideCreate(report, testing::ActorNamed("hotline"), now, rules,
                                FixedNumbering(seq + 1, "NA-2026-" + std::to_string(seq)));
    REQUIRE(created.ok());
    Case c = created->after;
    std::vector<CaseEvent> events = created->events;
    CheckInvariants(c, events, tree);

    const int steps = 5 + static_cast<int>(rng() % 30);
    for (int step = 0; step < steps; ++step) {
      now += std::chrono::minutes(rng() % (60 * 30));
      Result<Decision> d = Status(ErrorCode::kInternal, "unset");
      const auto due = EarliestDeadline(c);
      if (due && due->second <= now) {
        d = DecideCommand(c, {due->first, std::nullopt, "", "", due->second}, Actor::System(),
                          now, rules);
        REQUIRE(d.ok());  // a pending, due deadline always fires
        ++automatic;
      } else {
        const auto& who = actors[rng() % actors.size()].actor;
        if (who.role == Role::kSystem) continue;
        CommandRequest req;
        req.command = user_commands[rng() % user_commands.size()];
        req.note = rng() % 5 == 0 ? "" : "随机备注";
        req.target_unit_id = targets[rng() % targets.size()];
        if (rng() % 10 == 0) req.expected_version = c.version - 1;
        d = DecideCommand(c, req, who, now, rules);
        if (!d.ok()) {
          ++refused;
          const auto code = d.status().code();
          REQUIRE((code == ErrorCode::kNotFound || code == ErrorCode::kPermissionDenied ||
                   code == ErrorCode::kFailedPrecondition ||
                   code == ErrorCode::kInvalidArgument || code == ErrorCode::kAborted));
          continue;
        }
      }
      ++applied;
      // Events continue the sequence, each starting where the previous one ended.
      for (const CaseEvent& e : d->events) {
        REQUIRE(e.seq == static_cast<int>(events.size()) + 1);
        events.push_back(e);
      }
      c = d->after;
      CheckInvariants(c, events, tree);
    }
  }
  INFO("applied " << applied << ", refused " << refused << ", automatic " << automatic);
  CHECK(applied > kSequences);
  CHECK(automatic > 100);
}

}  // namespace gridcare::engine
