// The decider's rules one by one: creation, the response clock, escalation, versions.
#include <catch2/catch.hpp>

#include "engine/case_decider.h"
#include "engine/case_fields.h"
#include "tests/support/city_fixture.h"

namespace gridcare::engine {
namespace {

using std::chrono::hours;
using testing::ActorNamed;

const TimePoint kT0 = FromUnixMillis(1767225600000);  // 2026-01-01T00:00:00Z (a holiday,
                                                      // but the weekday calendar ignores it)

struct Env {
  OrgTree tree = testing::SmallCity();
  SlaPolicy sla;
  WorkCalendar cal = testing::WeekdayCalendar();
  RuleBook rules{tree, sla, cal};

  Case Create(const NewCase& n = testing::SampleReport(), const char* who = "gw111") {
    auto d = DecideCreate(n, ActorNamed(who), kT0, rules, FixedNumbering(1, "NA-2026-000001"));
    REQUIRE(d.ok());
    return d->after;
  }
  Result<Decision> Do(const Case& c, Command cmd, const char* who, TimePoint at,
                      std::string note = "说明", std::string unit = "") {
    return DecideCommand(c, {cmd, std::nullopt, std::move(note), std::move(unit), std::nullopt},
                         ActorNamed(who), at, rules);
  }
};

}  // namespace

TEST_CASE("a new report is REPORTED, assigned to its grid's village, due in 48 hours",
          "[engine]") {
  Env env;
  Case c = env.Create();
  CHECK(c.state == CaseState::kReported);
  CHECK(c.assigned_unit_id == "V11");
  CHECK(c.village_id == "V11");
  CHECK(c.reporter_id == "u-gw111");
  CHECK(c.version == 1);
  CHECK(c.response_due_time == kT0 + hours(48));
  CHECK(c.pending_response_warn == kT0 + hours(36));
  CHECK_FALSE(c.respond_time);
}

TEST_CASE("a new case takes its number only once the report has passed every check",
          "[engine]") {
  Env env;
  const Actor gw = ActorNamed("gw111");
  int taken = 0;
  const TakeNumbering count = [&]() -> Result<CaseNumbering> {
    ++taken;
    return CaseNumbering{7, "NA-2026-000007"};
  };
  NewCase blank = testing::SampleReport();
  blank.title = "";
  CHECK(DecideCreate(blank, gw, kT0, env.rules, count).status().code() ==
        ErrorCode::kInvalidArgument);
  NewCase elsewhere = testing::SampleReport();
  elsewhere.grid_id = "G112";
  CHECK(DecideCreate(elsewhere, gw, kT0, env.rules, count).status().code() ==
        ErrorCode::kPermissionDenied);
  CHECK(taken == 0);

  auto d = DecideCreate(testing::SampleReport(), gw, kT0, env.rules, count);
  REQUIRE(d.ok());
  CHECK(taken == 1);
  CHECK(d->after.id == 7);
  CHECK(d->after.number == "NA-2026-000007");
  REQUIRE(d->events.size() == 1);
  CHECK(d->events[0].case_id == 7);
  CHECK(d->events[0].changes.at("number") == "NA-2026-000007");
  auto replayed = ReplayEvents(7, d->events);
  REQUIRE(replayed.ok());
  CHECK(FirstDifference(*replayed, d->after).empty());

  // The store's failure to number is the decision's.
  const TakeNumbering failing = []() -> Result<CaseNumbering> {
    return Unavailable("storage cannot take writes");
  };
  CHECK(DecideCreate(testing::SampleReport(), gw, kT0, env.rules, failing).status().code() ==
        ErrorCode::kUnavailable);
}

TEST_CASE("a grid worker may omit gridId but may not report for another grid", "[engine]") {
  Env env;
  NewCase n = testing::SampleReport();
  n.grid_id.clear();
  CHECK(env.Create(n).grid_id == "G111");
  n.grid_id = "G112";
  auto d = DecideCreate(n, ActorNamed("gw111"), kT0, env.rules, FixedNumbering(1, "N"));
  CHECK(d.status().code() == ErrorCode::kPermissionDenied);
}

TEST_CASE("a bad report names the field at fault", "[engine]") {
  Env env;
  NewCase n = testing::SampleReport();
  n.title = "  ";
  auto d = DecideCreate(n, ActorNamed("gw111"), kT0, env.rules, FixedNumbering(1, "N"));
  CHECK(d.status().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(d.status().message(), Catch::StartsWith("title"));
  n = testing::SampleReport();
  n.grid_id = "V11";
  d = DecideCreate(n, ActorNamed("hotline"), kT0, env.rules, FixedNumbering(1, "N"));
  CHECK_THAT(d.status().message(), Catch::StartsWith("gridId"));
  n = testing::SampleReport();
  n.subjects[0].age = 200;
  d = DecideCreate(n, ActorNamed("gw111"), kT0, env.rules, FixedNumbering(1, "N"));
  CHECK_THAT(d.status().message(), Catch::StartsWith("subjects[0].age"));
}

TEST_CASE("urgent and domestic-violence reports get a 2-hour response window", "[engine]") {
  Env env;
  NewCase n = testing::SampleReport();
  n.priority = Priority::kUrgent;
  CHECK(env.Create(n).response_due_time == kT0 + hours(2));
  n = testing::SampleReport();
  n.category = Category::kDomesticViolence;
  CHECK(env.Create(n).response_due_time == kT0 + hours(2));
}

TEST_CASE("rejecting a report needs a note", "[engine]") {
  Env env;
  Case c = env.Create();
  auto d = env.Do(c, Command::kVerifyReject, "leaderV11", kT0, "");
  CHECK(d.status().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(d.status().message(), Catch::StartsWith("note"));
  d = env.Do(c, Command::kVerifyReject, "leaderV11", kT0, "重复上报");
  REQUIRE(d.ok());
  CHECK(d->after.state == CaseState::kRejected);
  CHECK_FALSE(d->after.pending_response_due);
}

TEST_CASE("accepting records the response once and starts the 15-working-day clock",
          "[engine]") {
  Env env;
  Case c = env.Do(env.Create(), Command::kVerifyConfirm, "leaderV11", kT0)->after;
  const TimePoint t1 = kT0 + hours(3);
  Case a = env.Do(c, Command::kAccept, "staffV11", t1)->after;
  CHECK(a.state == CaseState::kInProgress);
  CHECK(a.respond_time == t1);
  CHECK_FALSE(a.pending_response_due);
  CHECK_FALSE(a.pending_response_warn);
  REQUIRE(a.resolve_due_time);
  // 2026-01-01 is a Thursday: 15 weekdays later is Thursday 2026-01-22, end of day China time.
  CHECK(FormatRfc3339(*a.resolve_due_time) == "2026-01-22T16:00:00Z");
  // Escalated and accepted again: the first response time stays.
  Case up = env.Do(a, Command::kEscalate, "staffV11", t1 + hours(1), "超出能力")->after;
  CHECK(up.state == CaseState::kAssigned);
  CHECK(up.assigned_unit_id == "T1");
  CHECK(up.escalations == 1);
  Case again = env.Do(up, Command::kAccept, "staffT1", t1 + hours(2))->after;
  CHECK(again.respond_time == t1);
}

TEST_CASE("a stale version is ABORTED and changes nothing", "[engine]") {
  Env env;
  Case c = env.Create();
  auto d = DecideCommand(c, {Command::kVerifyConfirm, 7, "", "", std::nullopt},
                         ActorNamed("leaderV11"), kT0, env.rules);
  CHECK(d.status().code() == ErrorCode::kAborted);
  d = DecideCommand(c, {Command::kVerifyConfirm, 1, "", "", std::nullopt},
                    ActorNamed("leaderV11"), kT0, env.rules);
  CHECK(d.ok());
}

TEST_CASE("a response breach marks the case overdue and moves it up with a fresh window",
          "[engine]") {
  Env env;
  Case c = env.Create();
  const TimePoint due = *c.pending_response_due;
  const TimePoint late = due + hours(5);  // the server was down; the commit is later
  auto d = DecideCommand(c, {Command::kResponseBreach, std::nullopt, "", "", due},
                         Actor::System(), late, env.rules);
  REQUIRE(d.ok());
  REQUIRE(d->events.size() == 2);
  CHECK(d->events[0].action == EventAction::kSlaBreached);
  CHECK(d->events[0].due_time == due);
  CHECK(d->events[1].action == EventAction::kEscalated);
  CHECK(d->events[1].actor_id == "system");
  CHECK(d->events[1].note == "响应超时，自动上报至上级单位");
  CHECK(d->events[1].due_time == due);
  CHECK(d->events[1].from_state == CaseState::kReported);
  CHECK(d->events[1].to_state == CaseState::kReported);
  const Case& up = d->after;
  CHECK(up.overdue);
  CHECK(up.assigned_unit_id == "T1");
  CHECK(up.escalations == 1);
  CHECK(up.version == 3);
  // The township's window starts at the commit, not at the missed deadline.
  CHECK(up.response_due_time == late + hours(24));
  // The same deadline cannot fire twice.
  auto again = DecideCommand(c = up, {Command::kResponseBreach, std::nullopt, "", "", due},
                             Actor::System(), late, env.rules);
  CHECK(again.status().code() == ErrorCode::kFailedPrecondition);
}

TEST_CASE("at the city a response breach is recorded and the case stays", "[engine]") {
  Env env;
  Case c = env.Create();
  for (int level = 0; level < 2; ++level) {
    c = DecideCommand(c, {Command::kResponseBreach, std::nullopt, "", "", std::nullopt},
                      Actor::System(), c.response_due_time, env.rules)
            ->after;
  }
  CHECK(c.assigned_unit_id == "C");
  auto d = DecideCommand(c, {Command::kResponseBreach, std::nullopt, "", "", std::nullopt},
                         Actor::System(), c.response_due_time, env.rules);
  REQUIRE(d.ok());
  CHECK(d->events.size() == 1);
  CHECK(d->after.assigned_unit_id == "C");
  CHECK_FALSE(d->after.pending_response_due);
  CHECK(d->after.escalations == 2);
}

TEST_CASE("escalating at the city is refused", "[engine]") {
  Env env;
  Case c = env.Create();
  c.assigned_unit_id = "C";
  auto d = env.Do(c, Command::kEscalate, "staffC", kT0, "需上级协调");
  CHECK(d.status().code() == ErrorCode::kFailedPrecondition);
}

TEST_CASE("reassign goes to a unit in the supervisor's subtree, never a grid", "[engine]") {
  Env env;
  Case c = env.Create();
  CHECK(env.Do(c, Command::kReassign, "supT1", kT0, "转交", "V12")->after.assigned_unit_id ==
        "V12");
  CHECK(env.Do(c, Command::kReassign, "supT1", kT0, "转交", "V21").status().code() ==
        ErrorCode::kPermissionDenied);
  CHECK(env.Do(c, Command::kReassign, "supC", kT0, "转交", "G112").status().code() ==
        ErrorCode::kInvalidArgument);
  auto referral = env.Do(c, Command::kReassign, "supC", kT0, "转民政", "D-MZ");
  REQUIRE(referral.ok());
  CHECK(referral->after.assigned_unit_id == "D-MZ");
}

TEST_CASE("an unsatisfied follow-up reopens the case with a fresh resolution window",
          "[engine]") {
  Env env;
  Case c = env.Do(env.Create(), Command::kVerifyConfirm, "leaderV11", kT0)->after;
  c = env.Do(c, Command::kAccept, "staffV11", kT0 + hours(1))->after;
  c = env.Do(c, Command::kResolve, "staffV11", kT0 + hours(30), "已协调救助")->after;
  CHECK(c.state == CaseState::kResolved);
  CHECK(c.pending_follow_up_due == kT0 + hours(30) + hours(24 * 7));
  Case reopened = env.Do(c, Command::kFollowUpUnsatisfied, "gw111", kT0 + hours(40))->after;
  CHECK(reopened.state == CaseState::kInProgress);
  CHECK_FALSE(reopened.resolve_time);
  CHECK_FALSE(reopened.pending_follow_up_due);
  CHECK(reopened.pending_resolve_due);
  Case closed = env.Do(c, Command::kFollowUpSatisfied, "gw111", kT0 + hours(40))->after;
  CHECK(closed.state == CaseState::kClosed);
  CHECK(closed.close_time == kT0 + hours(40));
  CHECK_FALSE(closed.pending_resolve_due);
  CHECK_FALSE(closed.pending_follow_up_due);
}

TEST_CASE("a resolution breach escalates only when the policy says so", "[engine]") {
  Env env;
  Case c = env.Do(env.Create(), Command::kVerifyConfirm, "leaderV11", kT0)->after;
  c = env.Do(c, Command::kAccept, "staffV11", kT0 + hours(1))->after;
  const TimePoint due = *c.pending_resolve_due;
  const CommandRequest breach{Command::kResolveBreach, std::nullopt, "", "", due};
  auto quiet = DecideCommand(c, breach, Actor::System(), due, env.rules);
  REQUIRE(quiet.ok());
  CHECK(quiet->events.size() == 1);
  CHECK(quiet->after.resolve_overdue);
  CHECK(quiet->after.assigned_unit_id == "V11");

  SlaWindows windows;
  windows.escalate_resolve_breach = true;
  const SlaPolicy escalating(windows, {}, {});
  const RuleBook rules{env.tree, escalating, env.cal};
  auto loud = DecideCommand(c, breach, Actor::System(), due, rules);
  REQUIRE(loud.ok());
  REQUIRE(loud->events.size() == 2);
  CHECK(loud->events[1].action == EventAction::kEscalated);
  CHECK(loud->events[1].note == "办结超时，自动上报至上级单位");
  CHECK(loud->events[1].from_state == CaseState::kInProgress);
  CHECK(loud->after.state == CaseState::kAssigned);
  CHECK(loud->after.assigned_unit_id == "T1");
  CHECK_FALSE(loud->after.resolve_due_time);
  // The township accepts and gets its own resolution window.
  auto accepted = DecideCommand(loud->after, {Command::kAccept, std::nullopt, "", "", std::nullopt},
                                ActorNamed("staffT1"), due + hours(2), rules);
  REQUIRE(accepted.ok());
  CHECK(accepted->after.resolve_due_time);
  CHECK(accepted->after.respond_time == c.respond_time);
}

TEST_CASE("case numbers count per year in China time", "[engine]") {
  CHECK(FormatCaseNumber("NA", 2026, 123) == "NA-2026-000123");
  // 2025-12-31T17:00Z is already 2026-01-01 01:00 in China.
  CHECK(ChinaYear(*ParseRfc3339("2025-12-31T17:00:00Z")) == 2026);
  CHECK(ChinaYear(*ParseRfc3339("2025-12-31T15:59:59Z")) == 2025);
}

TEST_CASE("RFC 3339 text round-trips", "[engine]") {
  const auto t = ParseRfc3339("2026-03-04T05:06:07.089Z");
  REQUIRE(t);
  CHECK(FormatRfc3339(*t) == "2026-03-04T05:06:07.089Z");
  CHECK(ParseRfc3339("2026-03-04T13:06:07+08:00") == ParseRfc3339("2026-03-04T05:06:07Z"));
  CHECK_FALSE(ParseRfc3339("2026-02-30T00:00:00Z"));
  CHECK_FALSE(ParseRfc3339("yesterday"));
}

}  // namespace gridcare::engine
