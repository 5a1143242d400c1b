// SlaScheduler: an index lookup for the next deadline, one absolute wait, and batches.
#include "app/sla_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "handlers/metrics.h"

namespace gridcare::app {

SlaScheduler::SlaScheduler(engine::CaseService& cases, engine::Store& store,
                           SlaSchedulerOptions options)
    : cases_(cases),
      store_(store),
      options_(options),
      loop_("gc-sla", [this] { return Step(); }) {}

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

void SlaScheduler::Start() { loop_.Start(); }

void SlaScheduler::Stop() { loop_.Stop(); }

void SlaScheduler::Poke(engine::TimePoint due) { loop_.PokeBefore(due); }

void SlaScheduler::PokeFor(const engine::Case& c) {
  std::optional<engine::TimePoint> earliest;
  for (const auto& t : {c.pending_response_warn, c.pending_response_due, c.pending_resolve_due,
                        c.pending_follow_up_due}) {
    if (t && (!earliest || *t < *earliest)) earliest = t;
  }
  if (earliest) Poke(*earliest);
}

WakeableLoop::SysTime SlaScheduler::Step() {
  using SysClock = std::chrono::system_clock;
  {
    std::lock_guard lock(mu_);
    ++stats_.wakeups;
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
  if (failed) {
    std::lock_guard lock(mu_);
    ++stats_.errors;
    // After a failure (e.g. the disk is full) retry soon rather than at the next deadline.
    return SysClock::now() + std::chrono::seconds(5);
  }
  const auto cap = SysClock::now() + options_.max_sleep;
  return next ? std::min<SysClock::time_point>(cap, *next) : cap;
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
