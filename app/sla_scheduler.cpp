// SlaScheduler: an index lookup for the next deadline, one absolute wait, and batches.
#include "app/sla_scheduler.h"

#include <spdlog/spdlog.h>

#include "handlers/metrics.h"
#include "storage/named_thread.h"

namespace gridcare::app {

SlaScheduler::SlaScheduler(engine::CaseService& cases, engine::Store& store,
                           SlaSchedulerOptions options)
    : cases_(cases), store_(store), options_(options) {}

SlaScheduler::~SlaScheduler() { Stop(); }

engine::Result<int> SlaScheduler::RunDue() {
  int fired = 0;
  while (true) {
    GC_ASSIGN_OR_RETURN(auto report, cases_.FireDue(options_.batch));
    fired += report.fired;
    {
      std::lock_guard lock(mu_);
      stats_.fired += static_cast<std::uint64_t>(report.fired);
    }
    if (report.due < options_.batch) break;
    if (report.fired == 0) {
      // A full batch of deadlines that fire nothing: the deadline index disagrees with the
      // case rows. Do not spin; `gridcare audit verify` names the cases.
      return engine::DataLoss("deadline index holds " + std::to_string(report.due) +
                              " deadlines that match no pending case deadline");
    }
  }
  return fired;
}

void SlaScheduler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = storage::StartNamedThread("gc-sla", [this] { Loop(); });
}

void SlaScheduler::Stop() { storage::StopThread(mu_, stop_, cv_, thread_); }

void SlaScheduler::Poke(engine::TimePoint due) {
  {
    std::lock_guard lock(mu_);
    if (sleeping_until_ && due >= *sleeping_until_) return;
    poked_ = true;
  }
  cv_.notify_all();
}

void SlaScheduler::PokeFor(const engine::Case& c) {
  std::optional<engine::TimePoint> earliest;
  for (const auto& t : {c.pending_response_warn, c.pending_response_due, c.pending_resolve_due,
                        c.pending_follow_up_due}) {
    if (t && (!earliest || *t < *earliest)) earliest = t;
  }
  if (earliest) Poke(*earliest);
}

void SlaScheduler::Loop() {
  using SysClock = std::chrono::system_clock;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      ++stats_.wakeups;
      poked_ = false;
    }
    auto fired = RunDue();
    std::optional<engine::TimePoint> next;
    bool failed = !fired.ok();
    if (failed) {
      spdlog::error("sla scheduler: {}", fired.status().ToString());
    } else if (*fired > 0) {
      spdlog::info("sla scheduler: fired {} deadline(s)", *fired);
    }
    if (!failed) {
      auto reader = store_.Read();
      if (reader.ok()) {
        auto n = (*reader)->NextDeadline();
        if (n.ok()) next = *n;
        else failed = true;
      } else {
        failed = true;
      }
    }
    std::unique_lock lock(mu_);
    if (failed) ++stats_.errors;
    if (stop_) return;
    if (poked_) continue;  // something earlier was written while we worked
    // After a failure (e.g. the disk is full) retry soon rather than at the next deadline.
    const auto cap = SysClock::now() + (failed ? std::chrono::seconds(5)
                                               : std::chrono::duration_cast<SysClock::duration>(
                                                     options_.max_sleep));
    auto until = cap;
    if (next && !failed) until = std::min(until, SysClock::time_point(*next));
    sleeping_until_ = std::chrono::time_point_cast<engine::Millis>(until);
    // An absolute wait on the system clock: a clock set forward past `until` ends it.
    cv_.wait_until(lock, until, [this] { return stop_ || poked_; });
    sleeping_until_.reset();
  }
}

SlaSchedulerStats SlaScheduler::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::string SlaScheduler::MetricsText() const {
  const SlaSchedulerStats s = stats();
  std::string out;
  handlers::AppendCounter(&out, "gridcare_sla_deadlines_fired_total",
                          "SLA deadlines that changed a case.", s.fired);
  handlers::AppendCounter(&out, "gridcare_sla_scheduler_wakeups_total",
                          "Times the SLA scheduler woke up.", s.wakeups);
  handlers::AppendCounter(&out, "gridcare_sla_scheduler_errors_total",
                          "Scheduler passes that failed.", s.errors);
  return out;
}

}  // namespace gridcare::app
