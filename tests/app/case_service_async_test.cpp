// CaseService without waiting: the decision runs in the store's write transaction, and
// after the commit the store's writer only hands over — the change listener, warnings and
// the caller's `done` run where the caller's executor puts them. (Under app/ because it
// runs over a real SQLite store, like the other service tests.)
#include <catch2/catch.hpp>

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/case_service.h"
#include "tests/support/city_fixture.h"
#include "tests/support/eventually.h"
#include "tests/support/service_fixture.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

const engine::TimePoint kT0 = engine::FromUnixMillis(1767225600000);

// An executor that only collects what it is given, to run it when the test says so.
class HeldTasks {
 public:
  engine::CaseService::Executor executor() {
    return [this](std::function<void()> task) {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
      handed_by_.push_back(std::this_thread::get_id());
    };
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return tasks_.size();
  }
  std::thread::id handed_by(std::size_t i) {
    std::lock_guard lock(mu_);
    return handed_by_.at(i);
  }
  void RunAll() {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(mu_);
      tasks.swap(tasks_);
    }
    for (auto& t : tasks) t();
  }

 private:
  std::mutex mu_;
  std::vector<std::function<void()>> tasks_;
  std::vector<std::thread::id> handed_by_;
};

TEST_CASE("an async create commits first, then hands listener and answer to the executor",
          "[engine][async]") {
  TempDir dir;
  engine::ManualClock clock(kT0);
  ServiceFixture world(dir.File("g.db"), clock);
  int heard = 0;
  world.cases->SetChangeListener(
      [&](const engine::CaseService::Change&) { ++heard; });
  HeldTasks held;
  std::optional<engine::Result<engine::CreateResult>> answer;
  world.cases->CreateAsync(ActorNamed("gw111"), SampleReport("async-1"), held.executor(),
                           [&](engine::Result<engine::CreateResult> r) { answer.emplace(r); });
  // The call returned at once; the hand-over comes from the store's writer thread.
  REQUIRE(Eventually([&] { return held.size() == 1; }));
  CHECK(held.handed_by(0) != std::this_thread::get_id());
  // Durable before it is handed over: another connection reads it already.
  auto reader = world.store->Read();
  REQUIRE(reader.ok());
  auto found = (*reader)->FindCaseByRequestId("u-gw111", "async-1");
  REQUIRE(found.ok());
  CHECK(found->has_value());
  // Nothing has run on the caller's side yet.
  CHECK(heard == 0);
  CHECK_FALSE(answer.has_value());
  held.RunAll();
  CHECK(heard == 1);
  REQUIRE(answer.has_value());
  REQUIRE(answer->ok());
  CHECK((*answer)->created);
  CHECK((*answer)->c.id == **found);
}

TEST_CASE("an async action that is refused hands its error over, and nobody hears of it",
          "[engine][async]") {
  TempDir dir;
  engine::ManualClock clock(kT0);
  ServiceFixture world(dir.File("g.db"), clock);
  auto created = world.cases->Create(ActorNamed("gw111"), SampleReport());
  REQUIRE(created.ok());
  int heard = 0;
  world.cases->SetChangeListener(
      [&](const engine::CaseService::Change&) { ++heard; });
  HeldTasks held;
  std::optional<engine::Result<engine::Case>> answer;
  engine::CommandRequest accept;
  accept.command = engine::Command::kAccept;  // a REPORTED case must be verified first
  accept.expected_version = created->c.version;
  world.cases->ActAsync(ActorNamed("gw111"), created->c.id, accept, held.executor(),
                        [&](engine::Result<engine::Case> r) { answer.emplace(r); });
  REQUIRE(Eventually([&] { return held.size() == 1; }));
  held.RunAll();
  REQUIRE(answer.has_value());
  CHECK_FALSE(answer->ok());
  CHECK(heard == 0);
}

TEST_CASE("the blocking create runs its listener on the calling thread, as before",
          "[engine][async]") {
  TempDir dir;
  engine::ManualClock clock(kT0);
  ServiceFixture world(dir.File("g.db"), clock);
  std::thread::id listened_on;
  world.cases->SetChangeListener(
      [&](const engine::CaseService::Change&) { listened_on = std::this_thread::get_id(); });
  REQUIRE(world.cases->Create(ActorNamed("gw111"), SampleReport()).ok());
  CHECK(listened_on == std::this_thread::get_id());
}

// A report is judged inside the write, after the idempotency lookup: a retry that repeats
// the report gets its case back; one that says something else is refused, not answered
// with the old case (that would lose the new report), and changes nothing.
TEST_CASE("a retried report gets its case back, a different body under its requestId does not",
          "[engine][async]") {
  TempDir dir;
  engine::ManualClock clock(kT0);
  ServiceFixture world(dir.File("g.db"), clock);
  auto first = world.cases->Create(ActorNamed("gw111"), SampleReport("retry-1"));
  REQUIRE(first.ok());
  CHECK(first->created);
  CHECK(first->c.number == "NA-2026-000001");

  auto again = world.cases->Create(ActorNamed("gw111"), SampleReport("retry-1"));
  REQUIRE(again.ok());
  CHECK_FALSE(again->created);
  CHECK(again->c.id == first->c.id);
  CHECK(again->c.version == first->c.version);

  engine::NewCase changed = SampleReport("retry-1");
  changed.title = " ";  // would be refused as a new report, too
  auto conflict = world.cases->Create(ActorNamed("gw111"), changed);
  CHECK(conflict.status().code() == engine::ErrorCode::kAlreadyExists);
  CHECK_THAT(conflict.status().message(), Catch::Matchers::Contains("NA-2026-000001") &&
                                              Catch::Matchers::Contains("title"));
  engine::NewCase other_subjects = SampleReport("retry-1");
  other_subjects.subjects.push_back({"王小明", engine::SubjectRole::kChild, 9, "", ""});
  CHECK(world.cases->Create(ActorNamed("gw111"), other_subjects).status().code() ==
        engine::ErrorCode::kAlreadyExists);
  {
    auto reader = world.store->Read();
    REQUIRE(reader.ok());
    auto kept = (*reader)->GetCase(first->c.id);
    REQUIRE(kept.ok());
    REQUIRE(kept->has_value());
    CHECK((*kept)->version == first->c.version);
    CHECK((*kept)->title == first->c.title);
  }

  engine::NewCase fresh = SampleReport("retry-2");
  fresh.title = " ";
  auto refused = world.cases->Create(ActorNamed("gw111"), fresh);
  CHECK(refused.status().code() == engine::ErrorCode::kInvalidArgument);
  auto reader = world.store->Read();
  REQUIRE(reader.ok());
  auto found = (*reader)->FindCaseByRequestId("u-gw111", "retry-2");
  REQUIRE(found.ok());
  CHECK_FALSE(found->has_value());
  // The refused report took no number: the next one is the second.
  auto second = world.cases->Create(ActorNamed("gw111"), SampleReport("retry-3"));
  REQUIRE(second.ok());
  CHECK(second->c.number == "NA-2026-000002");
  CHECK(second->c.id != first->c.id);
}

// The server wakes the notification dispatcher on this flag alone.
TEST_CASE("the change says whether it queued notifications", "[engine][async]") {
  TempDir dir;
  engine::ManualClock clock(kT0);
  ServiceFixture world(dir.File("g.db"), clock);
  std::vector<bool> queued;
  world.cases->SetChangeListener(
      [&](const engine::CaseService::Change& c) { queued.push_back(c.queued_notifications); });
  REQUIRE(world.cases->Create(ActorNamed("gw111"), SampleReport("routine")).ok());
  engine::NewCase urgent = SampleReport("urgent");
  urgent.priority = engine::Priority::kUrgent;  // told to the township and the city at once
  REQUIRE(world.cases->Create(ActorNamed("gw111"), urgent).ok());
  CHECK(queued == std::vector<bool>{false, true});
}

}  // namespace
}  // namespace gridcare::testing
