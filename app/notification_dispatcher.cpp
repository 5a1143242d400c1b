// NotificationDispatcher: pull what each sink owes, try it, write down what happened.
#include "app/notification_dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "handlers/metrics.h"

namespace gridcare::app {
namespace {

constexpr int kBatch = 100;

}  // namespace

std::vector<std::unique_ptr<NotificationSink>> MakeSinks(const NotifyConfig& config) {
  std::vector<std::unique_ptr<NotificationSink>> sinks;
  if (config.log) sinks.push_back(MakeLogSink());
  for (const auto& hook : config.webhooks) sinks.push_back(MakeWebhookSink(hook));
  return sinks;
}

NotificationDispatcher::NotificationDispatcher(engine::Store& store, const engine::Clock& clock,
                                               NotifyConfig config,
                                               std::vector<std::unique_ptr<NotificationSink>> sinks)
    : store_(store),
      clock_(clock),
      config_(std::move(config)),
      sinks_(std::move(sinks)),
      rng_(std::random_device{}()),
      loop_("gc-notify", [this] { return Step(); }) {}

NotificationDispatcher::~NotificationDispatcher() { Stop(); }

engine::Millis NotificationDispatcher::Backoff(int attempt) {
  // Exponential, capped, with "equal jitter": half fixed, half random, so that many
  // receivers failing together do not retry in lockstep.
  const double base = static_cast<double>(config_.retry_base.count());
  const double cap = static_cast<double>(config_.retry_max.count());
  const double exp = std::min(cap, base * std::pow(2.0, std::max(0, attempt - 1)));
  std::uniform_real_distribution<double> jitter(0.0, exp / 2);
  return engine::Millis(static_cast<std::int64_t>(exp / 2 + jitter(rng_)));
}

engine::Result<int> NotificationDispatcher::RunOnce() {
  int delivered = 0;
  for (const auto& sink : sinks_) {
    while (true) {
      const engine::TimePoint now = clock_.Now();
      std::vector<engine::OutboxEntry> due;
      {
        GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
        GC_ASSIGN_OR_RETURN(due, reader->PendingDeliveries(sink->name(), now, kBatch));
      }
      if (due.empty()) break;
      std::vector<engine::DeliveryRecord> records;
      for (const auto& entry : due) {
        engine::DeliveryRecord r;
        r.notification_id = entry.id;
        r.sink = sink->name();
        r.attempts = entry.attempts + 1;
        const engine::Status s = sink->Deliver(entry);
        std::lock_guard lock(mu_);
        if (s.ok()) {
          r.state = engine::DeliveryState::kDelivered;
          ++delivered;
          ++delivered_;
        } else if (r.attempts >= config_.max_attempts) {
          r.state = engine::DeliveryState::kDead;
          r.last_error = s.message();
          ++dead_;
          spdlog::error("notify: giving up on notification {} for sink {} after {} attempts: {}",
                        entry.id, sink->name(), r.attempts, s.message());
        } else {
          r.state = engine::DeliveryState::kRetrying;
          r.last_error = s.message();
          r.next_attempt = clock_.Now() + Backoff(r.attempts);
          ++failed_;
          spdlog::warn("notify: notification {} to {} failed (attempt {}): {}", entry.id,
                       sink->name(), r.attempts, s.message());
        }
        records.push_back(std::move(r));
      }
      GC_RETURN_IF_ERROR(
          store_.Write([&](engine::StoreWriter& w) { return w.RecordDeliveries(records); }));
      if (static_cast<int>(due.size()) < kBatch) break;
    }
  }
  return delivered;
}

void NotificationDispatcher::Start() {
  if (!sinks_.empty()) loop_.Start();
}

void NotificationDispatcher::Stop() { loop_.Stop(); }

void NotificationDispatcher::Poke() { loop_.Poke(); }

WakeableLoop::SysTime NotificationDispatcher::Step() {
  using SysClock = std::chrono::system_clock;
  auto pass = RunOnce();
  std::optional<engine::TimePoint> next_retry;
  if (!pass.ok()) {
    spdlog::error("notify: {}", pass.status().ToString());
  } else if (auto reader = store_.Read(); reader.ok()) {
    if (auto next = (*reader)->NextRetryTime(); next.ok()) next_retry = *next;
  }
  const auto cap =
      SysClock::now() + (pass.ok() ? std::chrono::minutes(10) : std::chrono::minutes(1));
  return next_retry ? std::min<SysClock::time_point>(cap, *next_retry) : cap;
}

std::string NotificationDispatcher::MetricsText() const {
  std::lock_guard lock(mu_);
  std::string out;
  handlers::AppendCounter(&out, "gridcare_notifications_delivered_total",
                          "Notification deliveries that succeeded.", delivered_);
  handlers::AppendCounter(&out, "gridcare_notifications_failed_total",
                          "Delivery attempts that will be retried.", failed_);
  handlers::AppendCounter(&out, "gridcare_notifications_dead_total",
                          "Deliveries given up (dead letter).", dead_);
  return out;
}

}  // namespace gridcare::app
