// Retention in the running server: every hour, the personal data of finished cases whose
// last change is [privacy] minimise_after ago is erased through CaseService, one audited
// PERSONAL_DATA_MINIMISED event per case. Not the rule (engine/transitions.cpp) nor what
// is erased (engine::HoldsPersonalData).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "app/wakeable_loop.h"
#include "engine/case_service.h"

namespace gridcare::app {

class PersonalDataMinimiser {
 public:
  static constexpr std::chrono::hours kEvery{1};
  static constexpr int kBatch = 200;  // cases per transaction

  PersonalDataMinimiser(engine::CaseService& cases, engine::Millis retention);
  // Erases everything due now, batch after batch; how many cases. Tests on a fake clock
  // call this instead of running the thread.
  engine::Result<int> RunDue();
  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }
  std::uint64_t minimised() const { return minimised_.load(); }

 private:
  WakeableLoop::SysTime Step();

  engine::CaseService& cases_;
  const engine::Millis retention_;
  std::atomic<std::uint64_t> minimised_{0};
  WakeableLoop loop_;  // last: its thread stops before the members it uses go
};

}  // namespace gridcare::app
