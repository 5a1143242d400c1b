// The test name for engine::ManualClock: SLA tests step time, they never sleep.
#pragma once

#include "engine/clock.h"

namespace gridcare::testing {
using FakeClock = engine::ManualClock;
}  // namespace gridcare::testing
