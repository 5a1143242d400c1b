// The SLA scheduler benchmark: a store of a million open cases, 10,000 response deadlines
// falling in the same second on the real clock, the scheduler idle, and a restart that
// finds 10,000 deadlines missed while it was down. Prints figures; it asserts nothing and is
// never run as a test.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/bench_util.h"
#include "app/runtime.h"
#include "app/sla_scheduler.h"
#include "engine/case_decider.h"

namespace gridcare::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;
using engine::Millis;
using engine::TimePoint;

struct Options {
  int cases = 1000000;     // open cases in the store when the breaches fall
  int breaches = 10000;    // response deadlines in the same window
  int window_ms = 1000;    // ... of this width
  int catchup = 10000;     // deadlines that fall while the scheduler is down
  int batch = 5000;        // cases per Store::Write while building
  int fire_batch = app::SlaSchedulerOptions{}.batch;  // deadlines per transaction when firing
  double lead_seconds = 25;  // the window opens this long after the breach cases are written
  double idle_seconds = 10;
  double timeout_seconds = 180;  // give up waiting for the scheduler after this
  int grids_per_village = 10;    // 5 × 4 × 10 = 200 grids
  std::string dir;               // where the store goes; default: the system temp dir
  bool keep = false;             // keep the store afterwards (for a profile or a look)
};

// CLI11 parses and checks the options; --help lists them. Returns -1 to go on, or the exit
// code after printing help or what is wrong.
int ParseOptions(int argc, char** argv, Options* o) {
  CLI::App app{"GridCare SLA scheduler benchmark: prints figures, asserts nothing"};
  app.add_option("--cases", o->cases, "open cases in the store")->check(CLI::Range(1, 1000000000));
  app.add_option("--breaches", o->breaches, "response deadlines in the same window")
      ->check(CLI::Range(1, 1000000000));
  app.add_option("--window-ms", o->window_ms, "width of that window")
      ->check(CLI::Range(0, 1000000000));
  app.add_option("--catchup", o->catchup, "deadlines that fall while the scheduler is down")
      ->check(CLI::Range(0, 1000000000));
  app.add_option("--fire-batch", o->fire_batch, "deadlines per transaction when firing")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--batch", o->batch, "cases per Store::Write while building")
      ->check(CLI::Range(1, 1000000000));
  app.add_option("--lead-seconds", o->lead_seconds)->check(CLI::Range(1, 1000000000));
  app.add_option("--idle-seconds", o->idle_seconds)->check(CLI::Range(0, 1000000000));
  app.add_option("--timeout-seconds", o->timeout_seconds)->check(CLI::Range(1, 1000000000));
  app.add_option("--grids-per-village", o->grids_per_village)->check(CLI::Range(1, 1000000000));
  app.add_option("--dir", o->dir, "where the store goes (default: the system temp dir)");
  app.add_option("--keep", o->keep, "keep the store afterwards");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  // Breach and catch-up cases take interleaved id slots among the others.
  if (o->breaches + o->catchup > (o->cases + o->catchup) / 2) {
    std::fprintf(stderr, "--breaches + --catchup must be at most half of --cases + --catchup\n");
    return 2;
  }
  return -1;
}

[[noreturn]] void Die(const std::string& what) { bench::Die("sla_bench", what); }

// Wall-clock microseconds since the epoch: the same clock the scheduler and the store use.
std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             SysClock::now().time_since_epoch()).count();
}

TimePoint Now() { return std::chrono::time_point_cast<Millis>(SysClock::now()); }

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// --- the org tree and the reporters ---------------------------------------------------------

struct City {
  std::vector<engine::OrgUnit> units;
  std::vector<std::string> grids;
  std::vector<engine::User> users;  // one GRID_WORKER per grid, same order
};

City MakeCity(const Options& o) {
  using engine::OrgLevel;
  City city;
  city.units.push_back({"BC", "基准市", OrgLevel::kCity, ""});
  for (int t = 1; t <= 5; ++t) {
    const std::string tid = "BC-T" + std::to_string(t);
    city.units.push_back({tid, "第" + std::to_string(t) + "街道", OrgLevel::kTownship, "BC"});
    for (int v = 1; v <= 4; ++v) {
      const std::string vid = tid + "-V" + std::to_string(v);
      city.units.push_back({vid, "第" + std::to_string(v) + "社区", OrgLevel::kVillage, tid});
      for (int g = 1; g <= o.grids_per_village; ++g) {
        const std::string gid = vid + "-G" + std::to_string(g);
        city.units.push_back({gid, "第" + std::to_string(g) + "网格", OrgLevel::kGrid, vid});
        city.grids.push_back(gid);
      }
    }
  }
  // Nobody signs in here: a placeholder instead of an argon2id hash.
  for (const std::string& g : city.grids) {
    city.users.push_back({"", "w-" + g, "网格员-" + g, engine::Role::kGridWorker, g,
                          "bench-no-sign-in"});
  }
  return city;
}

// --- building cases -------------------------------------------------------------------------

const engine::Category kCategories[] = {
    engine::Category::kLeftBehindChild, engine::Category::kChildInHardship,
    engine::Category::kWomanInHardship, engine::Category::kFamilyInHardship,
    engine::Category::kOther};  // not DOMESTIC_VIOLENCE: its response window is 2 h

// Makes cases the way the server does (DecideCreate under the configured rules), with the
// clock set to their creation time. `warned`: the response warning has already fired
// (DecideCommand as the scheduler would, at the warning's time) and its event is saved
// with the REPORTED one, so only the response deadline is left pending.
class CaseMaker {
 public:
  CaseMaker(const City& city, std::vector<engine::Actor> workers, const engine::RuleBook& rules)
      : city_(city), workers_(std::move(workers)), rules_(rules) {}

  engine::Decision Make(engine::CaseId id, TimePoint created, bool warned) const {
    const size_t g = static_cast<size_t>(id) % city_.grids.size();
    engine::NewCase n;
    n.request_id = "sla-" + std::to_string(id);
    n.channel = engine::Channel::kGridPatrol;
    n.category = kCategories[static_cast<size_t>(id) % std::size(kCategories)];
    n.priority = engine::Priority::kRoutine;
    n.grid_id = city_.grids[g];
    n.title = "留守儿童无人照看";
    n.description = "父母外出务工，孩子由年迈祖母照看，近期祖母住院，孩子独自在家。";
    n.address = "基准市第1街道第1社区3号";
    n.subjects = {{"小明", engine::SubjectRole::kChild, 9, "", ""}};
    auto d = engine::DecideCreate(
        n, workers_[g], created, rules_,
        engine::FixedNumbering(id, engine::FormatCaseNumber("NA", engine::ChinaYear(created),
                                                            static_cast<int>(id))));
    if (!d.ok()) Die("DecideCreate: " + d.status().ToString());
    if (!warned) return std::move(d).value();
    const engine::Case& c = d->after;
    if (!c.pending_response_warn) Die("case " + std::to_string(id) + " has no warning");
    engine::CommandRequest warn;
    warn.command = engine::Command::kResponseWarning;
    warn.due_time = c.pending_response_warn;
    auto w = engine::DecideCommand(c, warn, engine::Actor::System(), *c.pending_response_warn,
                                   rules_);
    if (!w.ok()) Die("DecideCommand(warning): " + w.status().ToString());
    engine::Decision out = std::move(w).value();
    out.events.insert(out.events.begin(), d->events.begin(), d->events.end());
    return out;
  }

 private:
  const City& city_;
  std::vector<engine::Actor> workers_;
  const engine::RuleBook& rules_;
};

struct BuildResult {
  std::int64_t cases = 0;
  double seconds = 0;
  double cpu = 0;
};

// Saves `ids` (created at `created(i)`) with StoreWriter::SaveCase, `batch` per Write; the
// next batch is decided on another thread while the store writes this one.
template <typename CreatedAt>
BuildResult SaveAll(engine::Store& store, const CaseMaker& maker, const std::vector<engine::CaseId>& ids,
                    int batch, bool warned, CreatedAt created, bool progress) {
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = SteadyClock::now();
  auto decide = [&](size_t from) {
    std::vector<engine::Decision> out;
    const size_t end = std::min(ids.size(), from + static_cast<size_t>(batch));
    out.reserve(end - from);
    for (size_t i = from; i < end; ++i) out.push_back(maker.Make(ids[i], created(i), warned));
    return out;
  };
  std::vector<engine::Decision> current = decide(0);
  std::int64_t done = 0, next_report = 100000;
  for (size_t from = 0; from < ids.size(); from += static_cast<size_t>(batch)) {
    const size_t next_from = from + static_cast<size_t>(batch);
    std::future<std::vector<engine::Decision>> next;
    if (next_from < ids.size()) next = std::async(std::launch::async, decide, next_from);
    const engine::Status s = store.Write([&](engine::StoreWriter& w) {
      for (const engine::Decision& d : current) GC_RETURN_IF_ERROR(w.SaveCase(d.after, d.events));
      return engine::Status::Ok();
    });
    if (!s.ok()) Die("SaveCase: " + s.ToString());
    done += static_cast<std::int64_t>(current.size());
    if (progress && done >= next_report) {
      const double t = Seconds(SteadyClock::now() - t0);
      std::printf("    %8" PRId64 " cases  %6.1f s  %5.0f cases/s\n", done, t,
                  static_cast<double>(done) / t);
      next_report += 100000;
    }
    if (next.valid()) current = next.get();
  }
  return {done, Seconds(SteadyClock::now() - t0), ProcessCpuSeconds() - cpu0};
}

// --- watching the scheduler -----------------------------------------------------------------

// What the change listener saw for one watched case: when the change was announced (after its
// commit) and the SLA events it carried.
struct Seen {
  std::int64_t notified_us = 0;
  std::int64_t breached_ms = 0;   // SLA_BREACHED event time (the clock read before the write)
  std::int64_t escalated_ms = 0;  // ESCALATED event time
  std::int64_t event_due_ms = 0;  // the SLA_BREACHED event's due_time
};

// Watches a set of cases through CaseService's change listener. The listener runs on the
// committing thread (the scheduler's), after the commit; it only records and counts.
class Watcher {
 public:
  void Watch(const std::vector<engine::CaseId>& ids) {
    std::lock_guard lock(mu_);
    index_.clear();
    seen_.assign(ids.size(), Seen{});
    done_ = 0;
    for (size_t i = 0; i < ids.size(); ++i) index_[ids[i]] = i;
  }

  void OnChange(const engine::Case& c, const std::vector<engine::CaseEvent>& events) {
    const std::int64_t now = NowMicros();
    std::lock_guard lock(mu_);
    const auto it = index_.find(c.id);
    if (it == index_.end()) {
      ++other_changes_;
      return;
    }
    Seen& s = seen_[it->second];
    const bool first = s.notified_us == 0;
    for (const engine::CaseEvent& e : events) {
      if (e.action == engine::EventAction::kSlaBreached) {
        s.breached_ms = engine::ToUnixMillis(e.time);
        s.event_due_ms = e.due_time ? engine::ToUnixMillis(*e.due_time) : 0;
      } else if (e.action == engine::EventAction::kEscalated) {
        s.escalated_ms = engine::ToUnixMillis(e.time);
      }
    }
    if (first && s.breached_ms != 0) {
      s.notified_us = now;
      if (++done_ == seen_.size()) cv_.notify_all();
    }
  }

  // Waits (without spinning) until every watched case has breached, or `timeout`.
  bool WaitAll(std::chrono::duration<double> timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return done_ == seen_.size(); });
  }

  std::vector<Seen> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  size_t done() const {
    std::lock_guard lock(mu_);
    return done_;
  }
  std::uint64_t other_changes() const {
    std::lock_guard lock(mu_);
    return other_changes_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<engine::CaseId, size_t> index_;
  std::vector<Seen> seen_;
  size_t done_ = 0;
  std::uint64_t other_changes_ = 0;
};

// The server's wiring (app/server_app.cpp): every committed change pokes the scheduler.
app::SlaSchedulerOptions SchedulerOptions(const Options& o) {
  app::SlaSchedulerOptions options;
  options.batch = o.fire_batch;
  return options;
}

void Wire(engine::CaseService& cases, app::SlaScheduler& scheduler, Watcher& watcher) {
  cases.SetChangeListener([&scheduler, &watcher](const engine::CaseService::Change& change) {
    watcher.OnChange(change.after, change.events);
    scheduler.PokeFor(change.after);
  });
}

std::unique_ptr<app::Runtime> Open(const std::string& path) {
  auto rt = app::OpenRuntime(path, "");
  if (!rt.ok()) Die("open runtime: " + rt.status().ToString());
  return std::move(rt).value();
}

std::string FileSize(const std::string& path) {
  std::error_code ec;
  const auto db = std::filesystem::file_size(path, ec);
  const auto wal = std::filesystem::file_size(path + "-wal", ec);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%.0f MB (+ %.0f MB WAL)", static_cast<double>(db) / 1e6,
                ec ? 0.0 : static_cast<double>(wal) / 1e6);
  return buf;
}

// --- main -----------------------------------------------------------------------------------

int Main(int argc, char** argv) {
  Options o;
  if (const int rc = ParseOptions(argc, argv, &o); rc >= 0) return rc;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);
  const std::filesystem::path base =
      o.dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(o.dir);
  const std::filesystem::path dir = base / ("gridcare-sla-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "sla.db").string();
  const auto run0 = SteadyClock::now();

  std::printf("GridCare SLA scheduler benchmark\n");
  std::printf("  store %s; %u hardware threads\n", db.c_str(), std::thread::hardware_concurrency());
  std::printf("  load average before: %s\n", LoadAverage().c_str());

  // Id slots: breach and catch-up cases are spread evenly among the others, so firing them
  // touches pages all over the tables, as real deadlines would.
  const std::int64_t total_ids = static_cast<std::int64_t>(o.cases) + o.catchup;
  std::vector<std::uint8_t> slot(static_cast<size_t>(total_ids) + 1, 0);
  std::vector<engine::CaseId> far_ids, breach_ids, catchup_ids;
  for (int k = 0; k < o.breaches; ++k) {
    slot[static_cast<size_t>(1 + (2 * k) * total_ids / (2 * o.breaches))] = 1;
  }
  for (int k = 0; k < o.catchup; ++k) {
    auto at = static_cast<size_t>(1 + (2 * k + 1) * total_ids / (2 * o.catchup));
    while (at < slot.size() && slot[at] != 0) ++at;
    if (at == slot.size()) Die("no free id slot for a catch-up case");
    slot[at] = 2;
  }
  for (std::int64_t id = 1; id <= total_ids; ++id) {
    (slot[static_cast<size_t>(id)] == 0 ? far_ids
     : slot[static_cast<size_t>(id)] == 1 ? breach_ids : catchup_ids).push_back(id);
  }
  if (static_cast<int>(breach_ids.size()) != o.breaches ||
      static_cast<int>(catchup_ids.size()) != o.catchup) {
    Die("id slots do not add up");
  }

  std::unique_ptr<app::Runtime> rt = Open(db);
  const City city = MakeCity(o);
  {
    const engine::Status s = rt->store->Write([&](engine::StoreWriter& w) {
      GC_RETURN_IF_ERROR(w.UpsertOrgUnits(city.units));
      return w.UpsertUsers(city.users);
    });
    if (!s.ok()) Die("seeding: " + s.ToString());
    if (auto r = rt->cases->ReloadOrgTree(); !r.ok()) Die("org tree: " + r.ToString());
  }
  std::vector<engine::Actor> workers;
  {
    auto reader = rt->store->Read();
    if (!reader.ok()) Die("read: " + reader.status().ToString());
    for (const engine::User& u : city.users) {
      auto found = (*reader)->FindUserByUsername(u.username);
      if (!found.ok() || !found.value()) Die("user " + u.username + " missing");
      workers.push_back({found.value()->id, engine::Role::kGridWorker, u.org_unit_id});
    }
  }
  auto tree = engine::OrgTree::Build(city.units);
  if (!tree.ok()) Die("org tree: " + tree.status().ToString());
  const engine::SlaPolicy sla = rt->config.MakeSlaPolicy();
  auto calendar = app::LoadWorkCalendar(rt->config.calendar_file);
  if (!calendar.ok()) Die("calendar: " + calendar.status().ToString());
  const engine::RuleBook rules{tree.value(), sla, calendar.value()};
  const CaseMaker maker(city, workers, rules);
  const engine::SlaWindows windows = sla.defaults();
  if (windows.response.unit != engine::SlaDuration::Unit::kMillis) {
    Die("the default response window is in working days; this benchmark needs a natural one");
  }
  const Millis response(windows.response.amount);
  const auto warn_lead = std::chrono::duration_cast<Millis>(response * (1 - windows.warn_at));
  std::printf("  default config: response %s, warning at %.0f %% of it (%.1f h before due)\n",
              engine::FormatSlaDuration(windows.response).c_str(), windows.warn_at * 100,
              std::chrono::duration<double, std::ratio<3600>>(warn_lead).count());

  // 1. the store
  // The others: created between 35 h and 1 min ago, in id order as a server would have made
  // them (a little jitter), so their warnings fall between 1 h and 36 h from now and their
  // response deadlines between 13 h and 48 h — nothing in this run.
  const TimePoint build_now = Now();
  const std::int64_t span_ms = std::chrono::duration_cast<Millis>(
      std::chrono::hours(35) - std::chrono::minutes(2)).count();
  auto far_created = [&](size_t i) {
    const auto jitter = static_cast<std::int64_t>(
        SplitMix(static_cast<std::uint64_t>(far_ids[i])) % 60000);
    const auto age = span_ms - static_cast<std::int64_t>(
        static_cast<double>(span_ms) * static_cast<double>(far_ids[i]) /
        static_cast<double>(total_ids));
    return build_now - std::chrono::minutes(1) - Millis(age + jitter);
  };
  std::printf("\n[1] building the store: %zu cases with their deadlines far off, %d per Write\n",
              far_ids.size(), o.batch);
  const BuildResult far = SaveAll(*rt->store, maker, far_ids, o.batch, false, far_created, true);
  std::printf("  %" PRId64 " cases in %.1f s = %.0f cases/s (process CPU %.1f s, %.0f us a case)\n",
              far.cases, far.seconds, static_cast<double>(far.cases) / far.seconds, far.cpu,
              far.cases ? 1e6 * far.cpu / static_cast<double>(far.cases) : 0.0);

  // The breach cases, written last so that their window can be placed on the real clock: the
  // window opens lead_seconds from now; case k falls due at open + k·window/breaches. Each was
  // created one response window earlier and already had its warning.
  const TimePoint open =
      std::chrono::ceil<std::chrono::seconds>(Now() + std::chrono::duration_cast<Millis>(
                                                          std::chrono::duration<double>(o.lead_seconds)));
  std::vector<TimePoint> breach_due(breach_ids.size());
  for (size_t k = 0; k < breach_ids.size(); ++k) {
    breach_due[k] = open + Millis(static_cast<std::int64_t>(k) * o.window_ms / o.breaches);
  }
  const BuildResult brs = SaveAll(*rt->store, maker, breach_ids, o.batch, true,
                                  [&](size_t k) { return breach_due[k] - response; }, false);
  for (size_t k = 0; k < breach_ids.size(); k += breach_ids.size() / 7 + 1) {
    auto reader = rt->store->Read();
    if (!reader.ok()) Die("read: " + reader.status().ToString());
    auto c = (*reader)->GetCase(breach_ids[k]);
    if (!c.ok() || !c.value() || c.value()->pending_response_due != breach_due[k] ||
        c.value()->pending_response_warn) {
      Die("breach case " + std::to_string(breach_ids[k]) + " is not as planned");
    }
  }
  std::printf("  + %" PRId64 " breach cases (REPORTED, warned, response due in the window) in "
              "%.1f s\n", brs.cases, brs.seconds);
  const double build_seconds = far.seconds + brs.seconds;
  const std::int64_t store_cases = far.cases + brs.cases;
  std::printf("  store: %" PRId64 " cases, %s; built in %.1f s\n", store_cases,
              FileSize(db).c_str(), build_seconds);
  const double lead_left = std::chrono::duration<double>(open - Now()).count();
  std::printf("  the window opens at %s, %.1f s from now\n", engine::FormatRfc3339(open).c_str(),
              lead_left);
  if (lead_left < 2) {
    std::printf("  !! less than 2 s of lead: raise --lead-seconds; lags below include the "
                "scheduler's start\n");
  }

  // 2. the breaches, on the real clock
  Watcher watcher;
  watcher.Watch(breach_ids);
  auto scheduler = std::make_unique<app::SlaScheduler>(*rt->cases, *rt->store, SchedulerOptions(o));
  Wire(*rt->cases, *scheduler, watcher);
  scheduler->Start();
  // Let the start-up pass run (nothing is due), then wait for the window to open.
  std::this_thread::sleep_until(SysClock::time_point(open) - std::chrono::milliseconds(500));
  const engine::WriteStats ws0 = rt->store->write_stats();
  const app::SlaSchedulerStats ss0 = scheduler->stats();
  const double storm_cpu0 = ProcessCpuSeconds();
  const bool all = watcher.WaitAll(std::chrono::duration<double>(
      o.timeout_seconds + std::chrono::duration<double>(open - Now()).count()));
  const double storm_cpu = ProcessCpuSeconds() - storm_cpu0;
  const engine::WriteStats ws1 = rt->store->write_stats();
  // The scheduler counts a batch after FireDeadlines returns, i.e. after the listener saw it.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const app::SlaSchedulerStats ss1 = scheduler->stats();
  const std::vector<Seen> seen = watcher.seen();

  std::vector<double> lag_ms, event_lag_ms;
  std::int64_t last_us = 0;
  int due_mismatch = 0;
  for (size_t k = 0; k < seen.size(); ++k) {
    if (seen[k].notified_us == 0) continue;
    const std::int64_t due_ms = engine::ToUnixMillis(breach_due[k]);
    lag_ms.push_back(static_cast<double>(seen[k].notified_us - due_ms * 1000) / 1000.0);
    event_lag_ms.push_back(static_cast<double>(
        std::max(seen[k].breached_ms, seen[k].escalated_ms) - due_ms));
    last_us = std::max(last_us, seen[k].notified_us);
    if (seen[k].event_due_ms != due_ms) ++due_mismatch;
  }
  std::sort(lag_ms.begin(), lag_ms.end());
  std::sort(event_lag_ms.begin(), event_lag_ms.end());
  const double storm_seconds =
      static_cast<double>(last_us - engine::ToUnixMillis(open) * 1000) / 1e6;
  const std::uint64_t commits = ws1.batches - ws0.batches;
  std::printf("\n[2] %d response deadlines falling within %d ms, scheduler on the system clock\n",
              o.breaches, o.window_ms);
  std::printf("  breached and escalated: %zu of %d%s\n", lag_ms.size(), o.breaches,
              all ? "" : " (timed out)");
  std::printf("  all done %.2f s after the window opened (%.0f deadlines/s)\n", storm_seconds,
              storm_seconds > 0 ? static_cast<double>(lag_ms.size()) / storm_seconds : 0.0);
  std::printf("  lag, due → change announced after its commit: p50 %.0f ms  p90 %.0f ms  "
              "p99 %.0f ms  max %.0f ms\n",
              Percentile(lag_ms, 0.5), Percentile(lag_ms, 0.9), Percentile(lag_ms, 0.99), Percentile(lag_ms, 1.0));
  std::printf("  lag, due → the events' time (clock read before the write): p50 %.0f ms  "
              "p99 %.0f ms  max %.0f ms\n",
              Percentile(event_lag_ms, 0.5), Percentile(event_lag_ms, 0.99), Percentile(event_lag_ms, 1.0));
  std::printf("  scheduler: %" PRIu64 " wake-ups, %" PRIu64 " deadlines fired; store: %" PRIu64
              " commits (%.1f cases each), %.2f s in COMMIT, WAL checkpoints %" PRIu64
              " beside the writer + %" PRIu64 " by it; process CPU %.2f s\n",
              ss1.wakeups - ss0.wakeups, ss1.fired - ss0.fired, commits,
              commits ? static_cast<double>(lag_ms.size()) / static_cast<double>(commits) : 0.0,
              ws1.commit_durations.sum() - ws0.commit_durations.sum(),
              ws1.checkpoints - ws0.checkpoints,
              ws1.inline_checkpoints - ws0.inline_checkpoints, storm_cpu);
  if (due_mismatch) std::printf("  !! %d events carry a due_time other than planned\n", due_mismatch);
  if (watcher.other_changes()) {
    std::printf("  !! %" PRIu64 " changes to other cases during the run\n",
                watcher.other_changes());
  }

  // 3. idle: nothing due for hours; the main thread sleeps, the scheduler waits.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const app::SlaSchedulerStats si0 = scheduler->stats();
  const engine::WriteStats wi0 = rt->store->write_stats();
  const double idle_cpu0 = ProcessCpuSeconds();
  const auto idle_t0 = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.idle_seconds));
  const double idle_cpu = ProcessCpuSeconds() - idle_cpu0;
  const double idle_wall = Seconds(SteadyClock::now() - idle_t0);
  const app::SlaSchedulerStats si1 = scheduler->stats();
  const engine::WriteStats wi1 = rt->store->write_stats();
  const double idle_pct = 100.0 * idle_cpu / idle_wall;
  std::optional<TimePoint> next_deadline;
  if (auto reader = rt->store->Read(); reader.ok()) {
    if (auto n = (*reader)->NextDeadline(); n.ok()) next_deadline = *n;
  }
  std::printf("\n[3] idle: scheduler running, next deadline %s\n",
              next_deadline ? engine::FormatRfc3339(*next_deadline).c_str() : "none");
  std::printf("  process CPU %.6f s in %.2f s wall = %.4f %% of one core; %" PRIu64
              " wake-ups, %" PRIu64 " commits\n",
              idle_cpu, idle_wall, idle_pct, si1.wakeups - si0.wakeups,
              wi1.batches - wi0.batches);

  // Check the store itself: every breach case has its two events committed.
  int missing = 0;
  std::vector<double> stored_lag_ms;
  {
    auto reader = rt->store->Read();
    if (!reader.ok()) Die("read: " + reader.status().ToString());
    for (size_t k = 0; k < breach_ids.size(); ++k) {
      auto events = (*reader)->ListEvents(breach_ids[k]);
      if (!events.ok()) Die("events: " + events.status().ToString());
      std::int64_t breached = 0, escalated = 0;
      for (const engine::CaseEvent& e : *events) {
        if (e.action == engine::EventAction::kSlaBreached) breached = engine::ToUnixMillis(e.time);
        if (e.action == engine::EventAction::kEscalated) escalated = engine::ToUnixMillis(e.time);
      }
      if (!breached || !escalated) {
        ++missing;
        continue;
      }
      stored_lag_ms.push_back(
          static_cast<double>(std::max(breached, escalated) - engine::ToUnixMillis(breach_due[k])));
    }
  }
  std::sort(stored_lag_ms.begin(), stored_lag_ms.end());
  engine::CaseTotals totals;
  {
    auto t = rt->cases->Totals();
    if (!t.ok()) Die("totals: " + t.status().ToString());
    totals = *t;
  }
  std::printf("  store check: %zu breach cases have SLA_BREACHED + ESCALATED committed "
              "(%d missing); their event time − due: p99 %.0f ms; open cases %" PRId64
              ", of them overdue %" PRId64 "\n",
              stored_lag_ms.size(), missing, Percentile(stored_lag_ms, 0.99), totals.open,
              totals.overdue_open);

  // 4. restart after downtime: stop the scheduler, let deadlines fall while it is down, start
  // a fresh process state (store reopened, new CaseService, new scheduler) and time the
  // catch-up.
  double catchup_seconds = 0;
  double reopen_seconds = 0;
  if (o.catchup > 0) {
    scheduler->Stop();
    rt->cases->SetChangeListener(nullptr);
    scheduler.reset();
    // Their response deadlines fell over the last 10 minutes, while nothing was running;
    // their warnings 12 h before, while it was.
    const TimePoint down_end = Now() - std::chrono::seconds(1);
    std::vector<TimePoint> catchup_due(catchup_ids.size());
    for (size_t k = 0; k < catchup_ids.size(); ++k) {
      catchup_due[k] = down_end - std::chrono::minutes(10) +
                       Millis(static_cast<std::int64_t>(k) * 600000 / o.catchup);
    }
    const BuildResult cu = SaveAll(*rt->store, maker, catchup_ids, o.batch, true,
                                   [&](size_t k) { return catchup_due[k] - response; }, false);
    rt.reset();
    std::printf("\n[4] restart: %" PRId64 " more cases whose response deadlines fell during "
                "the 10 minutes the scheduler was down (written in %.1f s)\n",
                cu.cases, cu.seconds);
    const auto r0 = SteadyClock::now();
    rt = Open(db);
    reopen_seconds = Seconds(SteadyClock::now() - r0);
    Watcher cw;
    cw.Watch(catchup_ids);
    scheduler = std::make_unique<app::SlaScheduler>(*rt->cases, *rt->store, SchedulerOptions(o));
    Wire(*rt->cases, *scheduler, cw);
    const engine::WriteStats wc0 = rt->store->write_stats();
    const double cpu0 = ProcessCpuSeconds();
    const std::int64_t start_us = NowMicros();
    scheduler->Start();
    const bool caught_up = cw.WaitAll(std::chrono::duration<double>(o.timeout_seconds));
    const double cpu = ProcessCpuSeconds() - cpu0;
    const std::vector<Seen> cseen = cw.seen();
    std::int64_t last = 0;
    for (const Seen& s : cseen) last = std::max(last, s.notified_us);
    catchup_seconds = static_cast<double>(last - start_us) / 1e6;
    const engine::WriteStats wc1 = rt->store->write_stats();
    std::printf("  store reopened in %.2f s; scheduler started: %zu of %d breached and "
                "escalated in %.2f s (%.0f/s)%s\n",
                reopen_seconds, cw.done(), o.catchup, catchup_seconds,
                catchup_seconds > 0 ? static_cast<double>(cw.done()) / catchup_seconds : 0.0,
                caught_up ? "" : " — timed out");
    std::printf("  store: %" PRIu64 " commits, %.2f s in COMMIT; process CPU %.2f s\n",
                wc1.batches - wc0.batches,
                wc1.commit_durations.sum() - wc0.commit_durations.sum(), cpu);
    scheduler->Stop();
    rt->cases->SetChangeListener(nullptr);
    scheduler.reset();
  } else {
    scheduler->Stop();
    rt->cases->SetChangeListener(nullptr);
    scheduler.reset();
  }
  rt.reset();

  const double p99 = Percentile(lag_ms, 0.99);
  std::printf("\n  load average after: %s (other work on these cores lowers every figure)\n",
              LoadAverage().c_str());
  std::printf("  whole run %.0f s, of it building the store %.0f s\n",
              Seconds(SteadyClock::now() - run0), build_seconds);
  std::printf("\nAgainst the targets\n");
  std::printf("  p99 lag <= 1000 ms for %d breaches in %d ms: %8.0f ms  %s\n", o.breaches,
              o.window_ms, p99, Verdict(all && p99 <= 1000).c_str());
  std::printf("  idle CPU <= 0.1 %% of a core:            %8.4f %%   %s\n", idle_pct,
              Verdict(idle_pct <= 0.1).c_str());

  std::error_code ec;
  if (!o.keep) std::filesystem::remove_all(dir, ec);
  else std::printf("  store kept in %s\n", dir.c_str());

  std::printf("lag_p50_ms=%.0f lag_p99_ms=%.0f idle_cpu_pct=%.4f catchup_s=%.2f open_cases=%" PRId64
              "\n",
              Percentile(lag_ms, 0.5), p99, idle_pct, catchup_seconds, totals.open);
  return 0;
}

}  // namespace
}  // namespace gridcare::bench

int main(int argc, char** argv) { return gridcare::bench::Main(argc, argv); }
