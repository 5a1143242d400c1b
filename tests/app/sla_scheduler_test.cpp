// The 48-hour rule on a fake clock: warning, breach, automatic escalation up to the city,
// exactly once across restarts, clock jumps and failed writes. No test here sleeps.
#include <catch2/catch.hpp>

#include "app/sla_scheduler.h"
#include "engine/case_service.h"
#include "storage/audit_verifier.h"
#include "storage/sqlite_store.h"
#include "tests/support/city_fixture.h"
#include "tests/support/faulty_store.h"
#include "tests/support/service_fixture.h"
#include "tests/support/temp_dir.h"

namespace gridcare::app {
namespace {

using engine::EventAction;
using std::chrono::hours;
using std::chrono::minutes;

const engine::TimePoint kT0 = engine::FromUnixMillis(1767225600000);  // 2026-01-01T00:00Z

// A store, a service and a scheduler over one file; can be torn down and reopened to play
// a restart.
struct World : testing::ServiceFixture {
  World(const std::string& path, engine::ManualClock& clock) : ServiceFixture(path, clock) {
    scheduler = std::make_unique<SlaScheduler>(*cases, *faulty);
  }

  engine::Case Report(const std::string& request_id, engine::Priority priority =
                                                         engine::Priority::kRoutine) {
    engine::NewCase n = testing::SampleReport(request_id);
    n.priority = priority;
    auto r = cases->Create(testing::ActorNamed("gw111"), n);
    REQUIRE(r.ok());
    return r->c;
  }
  // Straight from the store: these reads are the test's, not a user's (no access log).
  engine::Case Get(engine::CaseId id) {
    auto reader = store->Read();
    REQUIRE(reader.ok());
    auto c = (*reader)->GetCase(id);
    REQUIRE((c.ok() && c->has_value()));
    return **c;
  }
  std::vector<engine::CaseEvent> Events(engine::CaseId id) {
    auto reader = store->Read();
    REQUIRE(reader.ok());
    auto e = (*reader)->ListEvents(id);
    REQUIRE(e.ok());
    return *e;
  }
  int Run() {
    auto n = scheduler->RunDue();
    INFO(n.status().ToString());
    REQUIRE(n.ok());
    return *n;
  }

  std::unique_ptr<SlaScheduler> scheduler;
};

std::vector<EventAction> Actions(const std::vector<engine::CaseEvent>& events) {
  std::vector<EventAction> out;
  for (const auto& e : events) out.push_back(e.action);
  return out;
}

}  // namespace

TEST_CASE("an unanswered report warns at 75%, breaches at 48h and climbs to the city",
          "[app][sla]") {
  testing::TempDir dir;
  engine::ManualClock clock(kT0);
  World w(dir.File("g.db"), clock);
  const auto c = w.Report("r-1");
  CHECK(w.Run() == 0);

  clock.Set(kT0 + hours(36));  // 75 % of 48h
  CHECK(w.Run() == 1);
  CHECK(w.Events(c.id).back().action == EventAction::kSlaWarning);
  CHECK(w.Events(c.id).back().due_time == kT0 + hours(36));

  clock.Set(kT0 + hours(48) + minutes(1));
  CHECK(w.Run() == 1);
  auto now = w.Get(c.id);
  CHECK(now.overdue);
  CHECK(now.assigned_unit_id == "T1");
  CHECK(now.escalations == 1);
  auto events = w.Events(c.id);
  REQUIRE(events.size() == 4);
  CHECK(events[2].action == EventAction::kSlaBreached);
  CHECK(events[2].due_time == kT0 + hours(48));  // the true due time, not the firing time
  CHECK(events[3].action == EventAction::kEscalated);
  CHECK(events[3].actor_id == "system");
  // The township's 24h window starts when the escalation committed.
  CHECK(now.response_due_time == kT0 + hours(48) + minutes(1) + hours(24));

  clock.Advance(hours(25));  // township misses it too → city (with a warning first)
  CHECK(w.Run() == 2);
  now = w.Get(c.id);
  CHECK(now.assigned_unit_id == "C");
  CHECK(now.escalations == 2);

  clock.Advance(hours(25));  // the city misses it: recorded, nowhere further to go
  CHECK(w.Run() == 2);
  now = w.Get(c.id);
  CHECK(now.assigned_unit_id == "C");
  CHECK_FALSE(now.pending_response_due);
  CHECK(Actions(w.Events(c.id)).back() == EventAction::kSlaBreached);
  clock.Advance(hours(24 * 30));
  CHECK(w.Run() == 0);
  auto audit = storage::VerifyAudit(dir.File("g.db"));
  REQUIRE(audit.ok());
  CHECK(audit->empty());
}

TEST_CASE("a restart between warning and breach fires the breach exactly once",
          "[app][sla]") {
  testing::TempDir dir;
  engine::ManualClock clock(kT0);
  engine::CaseId id;
  {
    World w(dir.File("g.db"), clock);
    id = w.Report("r-1").id;
    clock.Set(kT0 + hours(40));
    CHECK(w.Run() == 1);  // the warning
  }
  clock.Set(kT0 + hours(60));  // down across the deadline
  {
    World w(dir.File("g.db"), clock);
    CHECK(w.Run() == 1);  // start-up catch-up: the breach (+ its escalation)
    CHECK(w.Run() == 0);
    const auto events = w.Events(id);
    CHECK(std::count(events.begin(), events.end(), events[0]) == 1);
    CHECK(std::count_if(events.begin(), events.end(), [](const auto& e) {
            return e.action == EventAction::kSlaBreached;
          }) == 1);
  }
  {
    World w(dir.File("g.db"), clock);
    CHECK(w.Run() == 0);  // and not again after another restart
  }
}

TEST_CASE("deadlines missed while down fire oldest first, each with its true due time",
          "[app][sla]") {
  testing::TempDir dir;
  engine::ManualClock clock(kT0);
  World w(dir.File("g.db"), clock);
  const auto a = w.Report("a");
  clock.Advance(hours(1));
  const auto b = w.Report("b", engine::Priority::kUrgent);  // 2h window
  clock.Set(kT0 + hours(24 * 5));
  CHECK(w.Run() > 0);
  const auto ea = w.Events(a.id);
  const auto eb = w.Events(b.id);
  // b's breach was due first (T0+3h) and was committed no later than a's.
  auto breach = [](const std::vector<engine::CaseEvent>& events) {
    for (const auto& e : events) {
      if (e.action == EventAction::kSlaBreached) return e;
    }
    return engine::CaseEvent{};
  };
  CHECK(breach(eb).due_time == kT0 + hours(3));
  CHECK(breach(ea).due_time == kT0 + hours(48));
  CHECK(breach(eb).time <= breach(ea).time);
}

TEST_CASE("a clock set back an hour fires nothing twice", "[app][sla]") {
  testing::TempDir dir;
  engine::ManualClock clock(kT0);
  World w(dir.File("g.db"), clock);
  const auto c = w.Report("r-1");
  clock.Set(kT0 + hours(49));
  CHECK(w.Run() == 2);  // warning and breach
  const size_t n = w.Events(c.id).size();
  clock.Set(kT0 + hours(48));  // an NTP step back
  CHECK(w.Run() == 0);
  clock.Set(kT0 + hours(49));
  CHECK(w.Run() == 0);
  CHECK(w.Events(c.id).size() == n);
}

TEST_CASE("a breach and its escalation commit together or not at all", "[app][sla]") {
  testing::TempDir dir;
  engine::ManualClock clock(kT0);
  World w(dir.File("g.db"), clock);
  const auto c = w.Report("r-1");
  clock.Set(kT0 + hours(40));
  CHECK(w.Run() == 1);
  // The write is abandoned after the callback wrote the breach and the escalation but
  // before COMMIT (a crash or a full disk at that instant): neither is left behind.
  w.faulty->FailBeforeCommit(true);
  clock.Set(kT0 + hours(49));
  auto failed = w.scheduler->RunDue();
  CHECK(failed.status().code() == engine::ErrorCode::kUnavailable);
  CHECK(w.Events(c.id).size() == 2);
  CHECK(w.Get(c.id).assigned_unit_id == "V11");
  // The store recovers: both events land, in one step.
  w.faulty->FailBeforeCommit(false);
  CHECK(w.Run() == 1);
  const auto events = w.Events(c.id);
  REQUIRE(events.size() == 4);
  CHECK(events[2].action == EventAction::kSlaBreached);
  CHECK(events[3].action == EventAction::kEscalated);
  CHECK(events[2].time == events[3].time);
}

TEST_CASE("late resolution and late follow-up are recorded without escalating",
          "[app][sla]") {
  testing::TempDir dir;
  engine::ManualClock clock(kT0);
  World w(dir.File("g.db"), clock);
  auto c = w.Report("r-1");
  auto act = [&](const char* who, engine::Command cmd) {
    auto r = w.cases->Act(testing::ActorNamed(who), c.id,
                          {cmd, std::nullopt, "说明", "", std::nullopt});
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    c = *r;
  };
  act("leaderV11", engine::Command::kVerifyConfirm);
  act("staffV11", engine::Command::kAccept);
  clock.Set(*c.resolve_due_time + minutes(1));
  CHECK(w.Run() == 1);
  c = w.Get(c.id);
  CHECK(c.resolve_overdue);
  CHECK(c.assigned_unit_id == "V11");
  CHECK(w.Events(c.id).back().action == EventAction::kResolveOverdue);
  act("staffV11", engine::Command::kResolve);
  clock.Set(*c.follow_up_due_time + minutes(1));
  CHECK(w.Run() == 1);
  CHECK(w.Get(c.id).follow_up_overdue);
  CHECK(w.Events(c.id).back().action == EventAction::kFollowUpOverdue);
}

}  // namespace gridcare::app
