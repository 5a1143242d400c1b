// Clock: the single seam through which the program reads the current time.
// Not the system clock: that lives in app/ (the engine never reads it).
#pragma once

#include <atomic>

#include "engine/time.h"

namespace gridcare::engine {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// A clock that moves only when told: tests step it instead of sleeping, and the demo
// seeder uses it to lay out a believable history.
class ManualClock : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_ms_(ToUnixMillis(start)) {}
  TimePoint Now() const override { return FromUnixMillis(now_ms_.load()); }
  void Set(TimePoint t) { now_ms_ = ToUnixMillis(t); }
  void Advance(Millis d) { now_ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace gridcare::engine
