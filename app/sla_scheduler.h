// The SLA scheduler: a thread that sleeps until the earliest stored deadline, fires what is
// due through CaseService (one transaction per batch), and wakes early when an earlier
// deadline is written. Not the rules: what a deadline does is the transition table's.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "app/wakeable_loop.h"
#include "engine/case_service.h"
#include "engine/store.h"

namespace gridcare::app {

struct SlaSchedulerOptions {
  // Deadlines per transaction. Each waits for its whole batch to commit, and a commit's cost
  // is in the pages written, not the count: small batches keep the head of a storm waiting
  // less at about the same throughput (SLA benchmark, one run each, 500 -> 100: p50 lag
  // 519 -> 399 ms, p99 855 -> 713 ms).
  int batch = 100;
  // Upper bound on one sleep. Sleeps are absolute wall-clock waits, so a clock set forward
  // wakes them early and a clock set back makes them wait longer, as it should; the cap
  // only bounds the cost of a wake-up that was somehow missed.
  std::chrono::minutes max_sleep{10};
};

struct SlaSchedulerStats {
  std::uint64_t fired = 0;    // deadlines that changed a case
  std::uint64_t wakeups = 0;  // times the thread woke up
  std::uint64_t errors = 0;   // passes that failed (store unavailable, ...)
};

class SlaScheduler {
 public:
  SlaScheduler(engine::CaseService& cases, engine::Store& store, SlaSchedulerOptions options = {});
  ~SlaScheduler();

  // Fires everything due now (start-up catch-up included), oldest first, then returns.
  // Tests on a fake clock call this instead of running the thread.
  engine::Result<int> RunDue();

  // Runs the thread (on the system clock). Missed deadlines are processed first.
  void Start();
  void Stop();
  // A deadline at `due` was just written: wake up if it is earlier than the current sleep.
  void Poke(engine::TimePoint due);
  // Wakes up for `c` if it carries a deadline earlier than the current sleep.
  void PokeFor(const engine::Case& c);

  SlaSchedulerStats stats() const;
  std::string MetricsText() const;

 private:
  // One wake-up: fire what is due, then say when the next deadline is.
  WakeableLoop::SysTime Step();

  engine::CaseService& cases_;
  engine::Store& store_;
  const SlaSchedulerOptions options_;
  mutable std::mutex mu_;  // guards stats_
  SlaSchedulerStats stats_;
  WakeableLoop loop_;  // last: its thread stops before the members it uses go
};

}  // namespace gridcare::app
