// The real clock: the one place where the time that cases record is read. (The background
// loops read the system clock too, but only to know how long to sleep.)
#pragma once

#include <chrono>

#include "engine/clock.h"

namespace gridcare::app {

class SystemClock : public engine::Clock {
 public:
  engine::TimePoint Now() const override {
    return std::chrono::time_point_cast<engine::Millis>(std::chrono::system_clock::now());
  }
};

}  // namespace gridcare::app
