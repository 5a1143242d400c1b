// Tests for WakeableLoop: the step runs at start, on a poke, when its time comes, and the
// loop stops promptly however long it meant to sleep. Polls with a deadline, never sleeps.
#include "app/wakeable_loop.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "tests/support/eventually.h"

namespace gridcare::app {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using SysClock = std::chrono::system_clock;

// A step that counts its runs and asks to sleep for `sleep` each time.
struct CountingStep {
  std::atomic<int> runs{0};
  std::atomic<SysClock::duration> sleep{std::chrono::hours(1)};
  WakeableLoop::SysTime operator()() {
    ++runs;
    return SysClock::now() + sleep.load();
  }
};

TEST_CASE("a wakeable loop runs its step at start and sleeps until poked", "[app]") {
  CountingStep step;
  WakeableLoop loop("gc-test", [&] { return step(); });
  CHECK_FALSE(loop.sleeping_until().has_value());
  loop.Start();
  REQUIRE(Eventually([&] { return loop.sleeping_until().has_value(); }));
  CHECK(step.runs == 1);
  CHECK(*loop.sleeping_until() > SysClock::now() + 30min);

  loop.Poke();
  REQUIRE(Eventually([&] { return step.runs == 2; }));
  REQUIRE(Eventually([&] { return loop.sleeping_until().has_value(); }));
  loop.Stop();
  CHECK(step.runs == 2);
  CHECK_FALSE(loop.sleeping_until().has_value());
}

TEST_CASE("a wakeable loop is poked only by a time before the end of its sleep", "[app]") {
  CountingStep step;
  WakeableLoop loop("gc-test", [&] { return step(); });
  loop.Start();
  REQUIRE(Eventually([&] { return loop.sleeping_until().has_value(); }));
  const WakeableLoop::SysTime until = *loop.sleeping_until();

  CHECK_FALSE(loop.PokeBefore(until));
  CHECK_FALSE(loop.PokeBefore(until + 1h));
  CHECK(loop.sleeping_until() == until);
  CHECK(step.runs == 1);

  CHECK(loop.PokeBefore(until - 1min));
  REQUIRE(Eventually([&] { return step.runs == 2; }));
}

TEST_CASE("a wakeable loop runs its step again when the time it asked for comes", "[app]") {
  CountingStep step;
  step.sleep = std::chrono::milliseconds(1);
  WakeableLoop loop("gc-test", [&] { return step(); });
  loop.Start();
  REQUIRE(Eventually([&] { return step.runs >= 5; }));
}

TEST_CASE("a poke during a step runs the step again right after it", "[app]") {
  std::mutex mu;
  std::condition_variable cv;
  bool in_step = false, release = false;
  int runs = 0;
  WakeableLoop loop("gc-test", [&] {
    std::unique_lock lock(mu);
    ++runs;
    if (runs == 1) {
      in_step = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    }
    return SysClock::now() + 1h;
  });
  loop.Start();
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, 10s, [&] { return in_step; }));
  }
  // While a step runs, the next sleep is not known: any time pokes.
  CHECK(loop.PokeBefore(SysClock::now() + 24h));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  REQUIRE(Eventually([&] {
    std::lock_guard lock(mu);
    return runs == 2;
  }));
}

TEST_CASE("a wakeable loop stops during a long sleep and can start again", "[app]") {
  CountingStep step;
  step.sleep = std::chrono::hours(24);
  WakeableLoop loop("gc-test", [&] { return step(); });
  loop.Start();
  loop.Start();  // already running: nothing happens
  REQUIRE(Eventually([&] { return loop.sleeping_until().has_value(); }));
  const auto before = std::chrono::steady_clock::now();
  loop.Stop();
  CHECK(std::chrono::steady_clock::now() - before < 10s);
  loop.Stop();  // stopping twice is fine
  CHECK(step.runs == 1);

  loop.Start();
  REQUIRE(Eventually([&] { return step.runs == 2; }));
}

TEST_CASE("a wakeable loop that never started stops at once", "[app]") {
  CountingStep step;
  WakeableLoop loop("gc-test", [&] { return step(); });
  loop.Poke();
  loop.Stop();
  CHECK(step.runs == 0);
}

}  // namespace
}  // namespace gridcare::app
