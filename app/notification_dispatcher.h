// Delivers the notification outbox to its sinks on a background thread: retries with
// exponential backoff and jitter, dead-letters after max_attempts, records every attempt.
// Never on a user's request path. Not the rule of who is told (engine/notification.*).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/notification_sinks.h"
#include "app/wakeable_loop.h"
#include "engine/clock.h"
#include "engine/store.h"

namespace gridcare::app {

class NotificationDispatcher {
 public:
  NotificationDispatcher(engine::Store& store, const engine::Clock& clock, NotifyConfig config,
                         std::vector<std::unique_ptr<NotificationSink>> sinks);
  ~NotificationDispatcher();

  // One pass: every sink gets what is due for it now. Returns how many deliveries
  // succeeded. Tests on a fake clock call this directly.
  engine::Result<int> RunOnce();
  // The delay before attempt `attempt` + 1, after `attempt` failures (jittered).
  engine::Millis Backoff(int attempt);

  void Start();
  void Stop();
  // Something was enqueued: deliver without waiting for the next retry time.
  void Poke();
  std::string MetricsText() const;

 private:
  // One wake-up: deliver what is due, then say when the next retry is.
  WakeableLoop::SysTime Step();

  engine::Store& store_;
  const engine::Clock& clock_;
  const NotifyConfig config_;
  std::vector<std::unique_ptr<NotificationSink>> sinks_;
  std::mt19937_64 rng_;  // jitter; only the dispatcher thread (or a test) touches it
  mutable std::mutex mu_;  // guards the counters
  std::uint64_t delivered_ = 0, failed_ = 0, dead_ = 0;
  WakeableLoop loop_;  // last: its thread stops before the members it uses go
};

// The sinks a config asks for: the log (when enabled) and each webhook.
std::vector<std::unique_ptr<NotificationSink>> MakeSinks(const NotifyConfig& config);

}  // namespace gridcare::app
