// What GET /v1/cases/{id}/actions lists is exactly what DecideCommand would let the caller
// do: checked for every actor of the small city on every case reachable from a few reports.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

#include "engine/actions.h"
#include "engine/case_decider.h"
#include "handlers/codec.h"
#include "tests/support/city_fixture.h"

namespace gridcare::engine {
namespace {

using std::chrono::hours;
using testing::ActorNamed;

const TimePoint kT0 = FromUnixMillis(1767225600000);  // 2026-01-01T00:00:00Z

struct Env {
  OrgTree tree = testing::SmallCity();
  SlaPolicy sla;
  WorkCalendar cal = testing::WeekdayCalendar();
  RuleBook rules{tree, sla, cal};
};

std::vector<testing::NamedActor> People() {
  std::vector<testing::NamedActor> out;
  for (auto& a : testing::AllActors()) {
    if (a.actor.role != Role::kSystem) out.push_back(std::move(a));
  }
  return out;
}

// The requests a client would send for a URL action, well formed: a note, CONFIRM,
// satisfied; for reassign, one per unit the actor's subtree offers as a target (a unit that
// handles cases, not the one holding it now).
std::vector<CommandRequest> WellFormed(std::string_view action, const Actor& actor, const Case& c,
                                       const OrgTree& tree) {
  static const std::map<std::string_view, Command> kCommands = {
      {"verify", Command::kVerifyConfirm},
      {"accept", Command::kAccept},
      {"escalate", Command::kEscalate},
      {"resolve", Command::kResolve},
      {"followUp", Command::kFollowUpSatisfied},
      {"withdraw", Command::kWithdraw},
      {"comment", Command::kComment},
      {"urge", Command::kUrge}};
  const std::string note = "处理说明";
  if (action != "reassign") {
    return {{kCommands.at(action), std::nullopt, note, "", std::nullopt}};
  }
  std::vector<CommandRequest> out;
  for (const OrgUnit& u : tree.units()) {
    if (u.level != OrgLevel::kGrid && u.id != c.assigned_unit_id &&
        tree.IsWithin(u.id, actor.unit_id)) {
      out.push_back({Command::kReassign, std::nullopt, note, u.id, std::nullopt});
    }
  }
  return out;
}

// Every case reachable from reports by a grid worker, the hotline and a township
// supervisor, through every decision any actor can make, one per distinct
// (report, state, assigned unit, responded).
std::vector<Case> ReachableCases(const Env& env) {
  std::vector<Case> frontier;
  int id = 0;
  for (const auto& [who, grid] : std::vector<std::pair<const char*, const char*>>{
           {"gw111", "G111"}, {"hotline", "G211"}, {"supT1", "G121"}}) {
    NewCase report = testing::SampleReport(std::string("req-") + who);
    report.grid_id = grid;
    ++id;
    auto d = DecideCreate(report, ActorNamed(who), kT0, env.rules,
                          FixedNumbering(id, "NA-2026-00000" + std::to_string(id)));
    REQUIRE(d.ok());
    frontier.push_back(d->after);
  }
  std::set<std::tuple<CaseId, CaseState, std::string, bool>> seen;
  std::vector<Case> out;
  for (int depth = 1; !frontier.empty(); ++depth) {
    std::vector<Case> next;
    for (const Case& c : frontier) {
      if (!seen.insert({c.id, c.state, c.assigned_unit_id, c.respond_time.has_value()}).second) {
        continue;
      }
      out.push_back(c);
      for (const auto& [key, actor] : People()) {
        for (const std::string_view action : UrlActions()) {
          std::vector<CommandRequest> requests = WellFormed(action, actor, c, env.tree);
          // The other verdict and outcome lead to states of their own.
          if (action == "verify" || action == "followUp") {
            requests.push_back(requests.front());
            requests.back().command =
                action == "verify" ? Command::kVerifyReject : Command::kFollowUpUnsatisfied;
          }
          for (const CommandRequest& r : requests) {
            auto d = DecideCommand(c, r, actor, kT0 + hours(depth), env.rules);
            if (d.ok()) next.push_back(d->after);
          }
        }
      }
    }
    frontier = std::move(next);
  }
  return out;
}

}  // namespace

TEST_CASE("a listed action is exactly one DecideCommand accepts from that caller", "[engine]") {
  const Env env;
  const std::vector<Case> cases = ReachableCases(env);
  std::set<CaseState> states;
  for (const Case& c : cases) states.insert(c.state);
  // Every state of the lifecycle is among them.
  REQUIRE(states.size() == AllValues<CaseState>().size());

  int listed_count = 0;
  for (const Case& c : cases) {
    for (const auto& [key, actor] : People()) {
      const std::vector<std::string> listed =
          handlers::ActionNames(AllowedCommands(c, actor, env.tree));
      for (const std::string_view action : UrlActions()) {
        bool accepted = false;
        for (const CommandRequest& r : WellFormed(action, actor, c, env.tree)) {
          auto d = DecideCommand(c, r, actor, kT0 + hours(100), env.rules);
          if (d.ok()) {
            accepted = true;
          } else if (d.status().code() != ErrorCode::kPermissionDenied &&
                     d.status().code() != ErrorCode::kFailedPrecondition &&
                     d.status().code() != ErrorCode::kNotFound) {
            FAIL("a well-formed " << action
                                  << " was refused for another reason: " << d.status().ToString());
          }
        }
        const bool is_listed = std::find(listed.begin(), listed.end(), action) != listed.end();
        listed_count += is_listed ? 1 : 0;
        if (is_listed != accepted) {
          FAIL(key << " on case " << c.id << " in " << Name(c.state) << " at " << c.assigned_unit_id
                   << ": " << action << (is_listed ? " is" : " is not")
                   << " listed, but DecideCommand " << (accepted ? "accepts" : "refuses") << " it");
        }
      }
    }
  }
  CHECK(listed_count > 0);
}

TEST_CASE("the actions of a case name what the caller may do, once each", "[engine]") {
  const Env env;
  auto d = DecideCreate(testing::SampleReport(), ActorNamed("gw111"), kT0, env.rules,
                        FixedNumbering(1, "NA-2026-000001"));
  REQUIRE(d.ok());
  Case c = d->after;  // REPORTED at V11, reported by gw111
  const auto actions = [&](const char* who) {
    return handlers::ActionNames(AllowedCommands(c, ActorNamed(who), env.tree));
  };
  using V = std::vector<std::string>;
  CHECK(actions("gw111") == V{"withdraw", "comment"});
  CHECK(actions("leaderV11") == V{"verify", "comment"});
  CHECK(actions("staffV11") == V{"verify", "escalate", "comment"});
  CHECK(actions("supT1") == V{"escalate", "reassign", "comment", "urge"});
  CHECK(actions("gw211").empty());  // cannot read it: nothing, as DecideCommand says NOT_FOUND
  CHECK(actions("system").empty());

  // At the root escalation is refused, so it is not offered; reassigning still is.
  c.state = CaseState::kAssigned;
  c.assigned_unit_id = "C";
  CHECK(actions("staffC") == V{"accept", "comment"});
  CHECK(actions("supC") == V{"reassign", "comment", "urge"});
  CHECK(actions("supT1") == V{"comment"});  // reads it by its grid; not above the city

  c.state = CaseState::kResolved;
  c.assigned_unit_id = "V11";
  CHECK(actions("gw111") == V{"followUp", "comment"});
  CHECK(actions("staffV11") == V{"followUp", "comment"});
}

}  // namespace gridcare::engine
