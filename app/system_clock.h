// The real clock: the one place in the program that reads the system time.
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
