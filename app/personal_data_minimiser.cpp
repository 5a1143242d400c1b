// PersonalDataMinimiser: an hourly pass of CaseService::MinimisePersonalData.
#include "app/personal_data_minimiser.h"

#include <spdlog/spdlog.h>

namespace gridcare::app {

PersonalDataMinimiser::PersonalDataMinimiser(engine::CaseService& cases, engine::Millis retention)
    : cases_(cases), retention_(retention), loop_("gc-retention", [this] { return Step(); }) {}

engine::Result<int> PersonalDataMinimiser::RunDue() {
  int total = 0;
  while (true) {
    GC_ASSIGN_OR_RETURN(const int erased, cases_.MinimisePersonalData(retention_, kBatch));
    total += erased;
    minimised_ += static_cast<std::uint64_t>(erased);
    // A short batch: nothing more is due (a case changed meanwhile waits for the next pass).
    if (erased < kBatch) return total;
  }
}

WakeableLoop::SysTime PersonalDataMinimiser::Step() {
  auto erased = RunDue();
  if (!erased.ok()) {
    spdlog::warn("retention: {}", erased.status().message());
  } else if (*erased > 0) {
    spdlog::info("retention: erased the personal data of {} finished case(s)", *erased);
  }
  return std::chrono::system_clock::now() + kEvery;
}

}  // namespace gridcare::app
