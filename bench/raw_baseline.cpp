// RawBaseline: decide untimed, then time only the store's Writes.
#include "bench/raw_baseline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include "app/calendar_file.h"
#include "bench/bench_util.h"
#include "engine/time.h"

namespace gridcare::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) { bench::Die("intake_bench", what); }

}  // namespace

RawBaseline::RawBaseline(const RawOptions& options, const std::string& path,
                         const City& city)
    : o_(options), city_(city), config_(app::DefaultConfig()), sla_(config_.MakeSlaPolicy()) {
  auto opened = storage::SqliteStore::Open(path);
  if (!opened.ok()) Die("raw store: " + opened.status().ToString());
  store_ = std::move(opened).value();
  Seed(*store_, city);
  auto reader = store_->Read();
  if (!reader.ok()) Die("raw store read: " + reader.status().ToString());
  for (const Grid& g : city.grids) {
    auto u = (*reader)->FindUserByUsername(City::WorkerName(g));
    if (!u.ok() || !u.value()) Die("raw store: worker of " + g.id + " missing");
    workers_.push_back({u.value()->id, engine::Role::kGridWorker, g.id});
  }
  auto tree = engine::OrgTree::Build(city.units);
  if (!tree.ok()) Die("org tree: " + tree.status().ToString());
  tree_ = std::make_unique<engine::OrgTree>(std::move(tree).value());
  auto calendar = app::LoadWorkCalendar(config_.calendar_file);
  if (!calendar.ok()) Die("calendar: " + calendar.status().ToString());
  calendar_ = std::make_unique<engine::WorkCalendar>(std::move(calendar).value());
}

void RawBaseline::WriteBatched(int n) {
  const std::vector<engine::Decision> decisions = Decide(n);
  const std::uint64_t pages0 = store_->write_stats().wal_pages;
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = SteadyClock::now();
  for (int i = 0; i < n; i += o_.batch) {
    if (r_.early_cases == 0 && r_.batched_cases + i >= o_.early_cases) {
      r_.early_cases = r_.batched_cases + i;
      r_.early_seconds = r_.batched_seconds + Seconds(SteadyClock::now() - t0);
    }
    const int end = std::min(n, i + o_.batch);
    const engine::Status s = store_->Write([&](engine::StoreWriter& w) {
      for (int k = i; k < end; ++k) {
        GC_RETURN_IF_ERROR(w.SaveCase(decisions[k].after, decisions[k].events));
      }
      return engine::Status::Ok();
    });
    if (!s.ok()) Die("raw batched SaveCase: " + s.ToString());
  }
  r_.batched_seconds += Seconds(SteadyClock::now() - t0);
  r_.batched_cpu += ProcessCpuSeconds() - cpu0;
  r_.batched_cases += n;
  r_.batched_wal_pages += store_->write_stats().wal_pages - pages0;
}

void RawBaseline::WriteSingles() {
  const std::vector<engine::Decision> decisions = Decide(o_.single_cases);
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = SteadyClock::now();
  for (const engine::Decision& d : decisions) {
    if (Seconds(SteadyClock::now() - t0) > o_.single_max_seconds) break;
    const engine::Status s = store_->Write(
        [&](engine::StoreWriter& w) { return w.SaveCase(d.after, d.events); });
    if (!s.ok()) Die("raw single SaveCase: " + s.ToString());
    ++r_.single_cases;
  }
  r_.single_seconds = Seconds(SteadyClock::now() - t0);
  r_.single_cpu = ProcessCpuSeconds() - cpu0;
}

void RawBaseline::WritePaced() {
  if (o_.paced_rate <= 0) return;
  const int n = static_cast<int>(o_.paced_rate * o_.paced_seconds);
  const std::vector<engine::Decision> decisions = Decide(n + 1);
  // Untimed: the first commit after the batched turns copies their WAL back itself (~45 ms,
  // the writer takes over from a checkpoint thread that far behind), as [3]'s first request
  // would not: the server had been writing all along.
  const engine::Status warm = store_->Write([&](engine::StoreWriter& w) {
    return w.SaveCase(decisions[0].after, decisions[0].events);
  });
  if (!warm.ok()) Die("raw paced warm-up SaveCase: " + warm.ToString());
  // Written by the store's threads, one slot per case; read once all have answered.
  std::vector<double> ms(static_cast<size_t>(n), 0);
  std::atomic<int> answered{0};
  std::atomic<std::int64_t> failed{0};
  r_.paced_before = store_->write_stats();
  const auto t0 = SteadyClock::now();
  const auto interval = std::chrono::duration<double>(1.0 / o_.paced_rate);
  for (int i = 0; i < n; ++i) {
    const auto due = t0 + std::chrono::duration_cast<SteadyClock::duration>(interval * i);
    std::this_thread::sleep_until(due);  // the schedule itself, as phase [3]'s sender keeps
    r_.paced_lateness_ms = std::max(
        r_.paced_lateness_ms,
        std::chrono::duration<double, std::milli>(SteadyClock::now() - due).count());
    const engine::Decision& d = decisions[static_cast<size_t>(i) + 1];
    store_->WriteAsync(
        [&d](engine::StoreWriter& w) { return w.SaveCase(d.after, d.events); },
        [&ms, &answered, &failed, due, i](engine::Status s) {
          if (!s.ok()) failed.fetch_add(1);
          ms[static_cast<size_t>(i)] =
              std::chrono::duration<double, std::milli>(SteadyClock::now() - due).count();
          answered.fetch_add(1, std::memory_order_release);
        });
  }
  // Every write is answered, if only with an error; a minute is far past any disk stall.
  const auto give_up = SteadyClock::now() + std::chrono::minutes(1);
  while (answered.load(std::memory_order_acquire) < n) {
    if (SteadyClock::now() > give_up) Die("raw paced writes still unanswered after a minute");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  r_.paced_after = store_->write_stats();
  r_.paced_ms = std::move(ms);
  r_.paced_failures = failed.load();
}

std::vector<engine::Decision> RawBaseline::Decide(int n) {
  const engine::RuleBook rules{*tree_, sla_, *calendar_};
  const engine::TimePoint now =
      std::chrono::time_point_cast<engine::Millis>(std::chrono::system_clock::now());
  const int year = engine::ChinaYear(now);
  std::vector<engine::Decision> decisions;
  decisions.reserve(static_cast<size_t>(n));
  const auto t0 = SteadyClock::now();
  for (int k = 0; k < n; ++k) {
    const int i = decided_++;
    const Grid& g = city_.grids[static_cast<size_t>(i) % city_.grids.size()];
    const engine::NewCase c = SampleReport("raw-" + std::to_string(i), g.id);
    auto d = engine::DecideCreate(
        c, workers_[static_cast<size_t>(i) % workers_.size()], now, rules,
        engine::FixedNumbering(i + 1, engine::FormatCaseNumber("NA", year, i + 1)));
    if (!d.ok()) Die("DecideCreate: " + d.status().ToString());
    decisions.push_back(std::move(d).value());
  }
  r_.decided += n;
  r_.decide_seconds += Seconds(SteadyClock::now() - t0);
  return decisions;
}

}  // namespace gridcare::bench
