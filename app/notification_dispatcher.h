// Delivers the notification outbox to its sinks on a background thread: retries with
// exponential backoff and jitter, dead-letters after max_attempts, records every attempt.
// Never on a user's request path. Not the rule of who is told (engine/notification.*).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/notification_sinks.h"
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
  void Loop();

  engine::Store& store_;
  const engine::Clock& clock_;
  const NotifyConfig config_;
  std::vector<std::unique_ptr<NotificationSink>> sinks_;
  std::mt19937_64 rng_;  // jitter; only the dispatcher thread (or a test) touches it
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool poked_ = false;
  std::uint64_t delivered_ = 0, failed_ = 0, dead_ = 0;
  std::thread thread_;
};

// The sinks a config asks for: the log (when enabled) and each webhook.
std::vector<std::unique_ptr<NotificationSink>> MakeSinks(const NotifyConfig& config);

}  // namespace gridcare::app
