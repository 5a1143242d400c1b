// The intake benchmark: a real server in-process on loopback, grid workers creating cases as
// fast as they can, the lifecycle of each, a paced open-loop run, and a raw SQLite baseline
// on the same disk. Prints figures; it asserts nothing and is never run as a test.
#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/bench_util.h"
#include "bench/intake_city.h"
#include "bench/load_loop.h"
#include "bench/raw_baseline.h"
#include "app/server_app.h"
#include "app/http_client.h"
#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/session.pb.h"
#include "storage/sqlite_store.h"
#include "util/crypto.h"

namespace gridcare::bench {
namespace {

using app::HttpClient;
using app::HttpReply;

constexpr char kPassword[] = "bench-password";

struct Options {
  // Keep-alive connections; 0: one per grid worker of the city (a phone each, sending as
  // its own user), as in production.
  int connections = 0;
  double create_seconds = 10;      // closed-loop create phase
  double lifecycle_max_seconds = 30;  // stop starting new lifecycles after this
  int paced_rate = 1000;           // creates/s in the open-loop phase
  double paced_seconds = 10;
  int slices = 5;                  // [1] and the raw baseline take turns this many times
  int raw_cases = 0;               // batched raw SQLite inserts; 0: as many as [1] created
  int raw_early_cases = 30000;     // the baseline's rate over its first cases is printed too
  int raw_batch = 256;
  int raw_single_cases = 2000;     // one transaction each (context only)
  double raw_single_max_seconds = 8;
  CityShape city;
  std::string dir;             // where the stores go; default: the system temp dir
  std::string config;          // the server's config file; empty: defaults
};

// CLI11 parses and checks the options; --help lists them. Returns -1 to go on, or the exit
// code after printing help or what is wrong.
int ParseOptions(int argc, char** argv, Options* o) {
  CLI::App app{"GridCare intake benchmark: prints figures, asserts nothing"};
  app.add_option("--connections", o->connections,
                 "keep-alive connections (default 0: one per grid worker, 200)")
      ->check(CLI::Range(0, 1000000000));
  app.add_option("--create-seconds", o->create_seconds, "closed-loop create phase")
      ->check(CLI::Range(1, 1000000000));
  app.add_option("--lifecycle-max-seconds", o->lifecycle_max_seconds,
                 "stop starting new lifecycles after this")
      ->check(CLI::Range(0, 1000000000));
  app.add_option("--paced-rate", o->paced_rate, "creates/s in the open-loop phase")
      ->check(CLI::Range(1, 1000000000));
  app.add_option("--paced-seconds", o->paced_seconds)->check(CLI::Range(1, 1000000000));
  app.add_option("--raw-cases", o->raw_cases,
                 "batched raw SQLite inserts (default 0: as many as phase [1] created)")
      ->check(CLI::Range(0, 1000000000));
  app.add_option("--slices", o->slices,
                 "phase [1] and the raw baseline take turns this many times")
      ->check(CLI::Range(1, 1000));
  app.add_option("--raw-batch", o->raw_batch)->check(CLI::Range(1, 1000000000));
  app.add_option("--raw-early-cases", o->raw_early_cases,
                 "also print the baseline's rate over its first this many cases")
      ->check(CLI::Range(1, 1000000000));
  app.add_option("--raw-single-cases", o->raw_single_cases)->check(CLI::Range(0, 1000000000));
  app.add_option("--grids-per-village", o->city.grids_per_village)->check(CLI::Range(1, 1000000000));
  app.add_option("--dir", o->dir, "where the stores go (default: the system temp dir)");
  app.add_option("--config", o->config,
                 "the server's TOML config, e.g. to compare [store] settings (default: none)")
      ->check(CLI::ExistingFile);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return -1;
}

[[noreturn]] void Die(const std::string& what) { bench::Die("intake_bench", what); }

// --- figures ------------------------------------------------------------------------------

struct Latencies {
  std::vector<double> ms;
  void Merge(const std::vector<double>& other) { ms.insert(ms.end(), other.begin(), other.end()); }
  // Nearest-rank percentile; sorts once.
  double At(double p) {
    if (!sorted_) {
      std::sort(ms.begin(), ms.end());
      sorted_ = true;
    }
    return Percentile(ms, p);
  }
  std::string Summary() {
    char buf[200];
    std::snprintf(buf, sizeof buf, "p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms (n=%zu)",
                  At(0.50), At(0.99), At(0.999), At(1.0), ms.size());
    return buf;
  }

 private:
  bool sorted_ = false;
};

// Counts failures and keeps the first few for the report. The load generator's one thread
// adds to it.
class Errors {
 public:
  void Add(const std::string& what, const HttpReply& r) {
    ++count_;
    if (samples_.size() < 3) {
      samples_.push_back(what + ": status " + std::to_string(r.status) + " " +
                         (r.error.empty() ? r.body.substr(0, 200) : r.error));
    }
  }
  int count() const { return count_; }
  void Print(const char* phase) const {
    if (count_ == 0) return;
    std::printf("  !! %d failed requests in %s, e.g.:\n", count_, phase);
    for (const auto& s : samples_) std::printf("     %s\n", s.c_str());
  }

 private:
  int count_ = 0;
  std::vector<std::string> samples_;
};

// --- requests -------------------------------------------------------------------------------

std::string CreateJson(const std::string& request_id, const std::string& grid) {
  return R"({"requestId":")" + request_id +
         R"(","channel":"GRID_PATROL","category":"LEFT_BEHIND_CHILD","priority":"ROUTINE",)"
         R"("gridId":")" + grid + R"(","title":")" + kTitle + R"(","description":")" +
         kDescription + R"(","address":")" + kAddress +
         R"(","subjects":[{"name":"小明","role":"CHILD","age":9}]})";
}

std::string CreateProto(const std::string& request_id, const std::string& grid) {
  v1::CreateCaseRequest r;
  r.set_request_id(request_id);
  r.set_channel(v1::Case::GRID_PATROL);
  r.set_category(v1::Case::LEFT_BEHIND_CHILD);
  r.set_priority(v1::Case::ROUTINE);
  r.set_grid_id(grid);
  r.set_title(kTitle);
  r.set_description(kDescription);
  r.set_address(kAddress);
  auto* s = r.add_subjects();
  s->set_name("小明");
  s->set_role(v1::Subject::CHILD);
  s->set_age(9);
  return r.SerializeAsString();
}

// A signed-in caller's headers, asking for binary protobuf or (by default) JSON.
std::map<std::string, std::string> RequestHeaders(const std::string& auth, bool binary) {
  std::map<std::string, std::string> headers = {{"Authorization", auth}};
  if (binary) {
    headers["Content-Type"] = "application/x-protobuf";
    headers["Accept"] = "application/x-protobuf";
  }
  return headers;
}

// The case id from a create/action reply; 0 when it cannot be found.
engine::CaseId CaseIdFrom(const HttpReply& r, bool binary) {
  std::string id;
  if (binary) {
    v1::Case c;
    if (!c.ParseFromString(r.body)) return 0;
    id = c.id();
  } else {
    // "id" is field 1 and printed first; a full JSON parse would cost the load generator more
    // CPU than the server spends on the request's codec.
    const auto at = r.body.find("\"id\":\"");
    if (at == std::string::npos) return 0;
    const auto end = r.body.find('"', at + 6);
    id = r.body.substr(at + 6, end - at - 6);
  }
  return std::strtoll(id.c_str(), nullptr, 10);
}

// The bytes of one create as the worker holding `auth`; request ids are unique per phase,
// connection and sequence.
std::string CreateRequest(const std::string& auth, const std::string& request_id,
                          const std::string& grid, bool binary) {
  return app::FormatHttpRequest("127.0.0.1", "POST", "/v1/cases",
                                binary ? CreateProto(request_id, grid)
                                       : CreateJson(request_id, grid),
                                RequestHeaders(auth, binary));
}

// True when `r` is a 201 with a case id (in *id); otherwise counts the failure.
bool Created201(const HttpReply& r, bool binary, Errors& errors, engine::CaseId* id) {
  if (r.status != 201) {
    errors.Add("create", r);
    return false;
  }
  *id = CaseIdFrom(r, binary);
  if (*id <= 0) {
    errors.Add("create (no id in reply)", r);
    return false;
  }
  return true;
}

// --- sign-in --------------------------------------------------------------------------------

std::map<std::string, std::string> SignInAll(int port, const std::vector<engine::User>& users) {
  std::map<std::string, std::string> tokens;
  std::mutex mu;
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      HttpClient http("127.0.0.1", port);
      for (size_t i = next++; i < users.size(); i = next++) {
        const auto& name = users[i].username;
        const HttpReply r = http.Request(
            "POST", "/v1/sessions",
            R"({"username":")" + name + R"(","password":")" + kPassword + R"("})");
        v1::Session s;
        if (r.status != 200 || !google::protobuf::util::JsonStringToMessage(r.body, &s).ok()) {
          std::fprintf(stderr, "sign-in %s: %d %s%s\n", name.c_str(), r.status, r.body.c_str(),
                       r.error.c_str());
          ++failures;
          continue;
        }
        std::lock_guard lock(mu);
        tokens[name] = "Bearer " + s.token();
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failures > 0) Die("some users could not sign in");
  return tokens;
}

// --- phases ---------------------------------------------------------------------------------

struct Created {
  engine::CaseId id = 0;
  int grid = 0;
};

struct PhaseResult {
  std::int64_t ok = 0;
  double seconds = 0;
  double client_cpu = 0;
  double process_cpu = 0;
  std::map<std::string, double> thread_cpu;  // the server's threads, by name, over the phase
  Latencies latency;

  // Another slice of the same phase.
  void Add(const PhaseResult& slice) {
    ok += slice.ok;
    seconds += slice.seconds;
    client_cpu += slice.client_cpu;
    process_cpu += slice.process_cpu;
    for (const auto& [name, cpu] : slice.thread_cpu) thread_cpu[name] += cpu;
    latency.Merge(slice.latency.ms);
  }
};

// The server threads' CPU between two ThreadCpuByName readings (names starting "gc-").
std::map<std::string, double> ServerThreadCpu(const std::map<std::string, double>& before,
                                              const std::map<std::string, double>& after) {
  std::map<std::string, double> out;
  for (const auto& [name, seconds] : after) {
    if (name.rfind("gc-", 0) != 0) continue;
    const auto was = before.find(name);
    out[name] = seconds - (was == before.end() ? 0 : was->second);
  }
  return out;
}

void PrintCpu(const PhaseResult& r) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("  CPU: %.1f s of %.1f s available on %u cores (%.0f %%); load generator %.1f s, "
              "server %.1f s\n",
              r.process_cpu, r.seconds * cores, cores,
              100.0 * r.process_cpu / (r.seconds * cores), r.client_cpu,
              r.process_cpu - r.client_cpu);
  if (r.ok <= 0 || r.thread_cpu.empty()) return;
  // Busiest first; the writer's share bounds throughput, being one thread.
  std::vector<std::pair<double, std::string>> by_cpu;
  for (const auto& [name, seconds] : r.thread_cpu) by_cpu.emplace_back(seconds, name);
  std::sort(by_cpu.rbegin(), by_cpu.rend());
  std::string line;
  for (const auto& [seconds, name] : by_cpu) {
    if (seconds * 1e6 / static_cast<double>(r.ok) < 0.5) continue;
    char part[96];
    std::snprintf(part, sizeof part, "%s%s %.0f (%.2f cores)", line.empty() ? "" : ", ",
                  name.c_str(), seconds * 1e6 / static_cast<double>(r.ok), seconds / r.seconds);
    line += part;
  }
  std::printf("  server threads, CPU µs per request: %s\n", line.c_str());
}

double Ms(SteadyClock::duration d) { return Seconds(d) * 1e3; }

// Runs one phase on a fresh LoadLoop of `n` warmed connections. `begin(now)` runs just before
// the loop starts (the phase sets its clock from it) and returns the moment the phase counts
// from. The callbacks append one latency per counted request to `*latency_ms`; the result
// takes them, with timing and CPU.
PhaseResult RunLoop(int n, int port,
                    const std::function<SteadyClock::time_point(SteadyClock::time_point)>& begin,
                    const LoadCallbacks& callbacks, std::vector<double>* latency_ms) {
  LoadLoop loop(port, n);
  if (!loop.error().empty()) Die("load generator: " + loop.error());
  PhaseResult r;
  const std::map<std::string, double> threads0 = ThreadCpuByName();
  const double cpu0 = ProcessCpuSeconds();
  const double client0 = ThreadCpuSeconds();
  const auto start = begin(SteadyClock::now());
  loop.Run(callbacks);
  if (!loop.error().empty()) Die("load generator: " + loop.error());
  if (loop.idle_failures() > 0) {
    std::printf("  !! %d connections failed between requests, e.g.: %s\n", loop.idle_failures(),
                loop.first_idle_failure().c_str());
  }
  r.seconds = Seconds(SteadyClock::now() - start);
  r.client_cpu = ThreadCpuSeconds() - client0;
  r.process_cpu = ProcessCpuSeconds() - cpu0;
  r.thread_cpu = ServerThreadCpu(threads0, ThreadCpuByName());
  r.latency.ms = std::move(*latency_ms);
  r.ok = static_cast<std::int64_t>(r.latency.ms.size());
  return r;
}

SteadyClock::time_point After(SteadyClock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<SteadyClock::duration>(
                 std::chrono::duration<double>(seconds));
}

// Closed loop for `seconds`: every connection sends its next create as soon as the previous
// one returns. `slice` keeps request ids unique across the phase's slices.
PhaseResult CreatePhase(const Options& o, int port, const City& city,
                        const std::map<std::string, std::string>& tokens, double seconds,
                        int slice, std::vector<Created>* created, Errors& errors) {
  const int n = o.connections;
  const int grids = static_cast<int>(city.grids.size());
  std::vector<int> grid(static_cast<size_t>(n));
  std::vector<std::int64_t> seq(static_cast<size_t>(n), 0);
  for (int t = 0; t < n; ++t) grid[static_cast<size_t>(t)] = t % grids;
  const auto binary = [&](int t) { return seq[static_cast<size_t>(t)] % 2 == 1; };
  std::vector<double> latency_ms;
  SteadyClock::time_point end;
  LoadCallbacks cb;
  cb.next = [&](int t, Outgoing* out) {
    if (SteadyClock::now() >= end) return false;
    const Grid& g = city.grids[static_cast<size_t>(grid[static_cast<size_t>(t)])];
    out->bytes = CreateRequest(tokens.at(City::WorkerName(g)),
                               "c-" + std::to_string(slice) + "-" + std::to_string(t) + "-" +
                                   std::to_string(seq[static_cast<size_t>(t)]),
                               g.id, binary(t));
    return true;
  };
  cb.reply = [&](int t, const HttpReply& r, SteadyClock::time_point sent,
                 SteadyClock::time_point received) {
    int& g = grid[static_cast<size_t>(t)];
    engine::CaseId id = 0;
    if (Created201(r, binary(t), errors, &id)) {
      latency_ms.push_back(Ms(received - sent));
      created->push_back({id, g});
    }
    g = (g + n) % grids;
    ++seq[static_cast<size_t>(t)];
  };
  return RunLoop(
      n, port,
      [&](SteadyClock::time_point now) {
        end = After(now, seconds);
        return now;
      },
      cb, &latency_ms);
}

struct Action {
  const char* name;
  std::string json;
  v1::CaseActionRequest proto;
};

std::vector<Action> LifecycleActions() {
  std::vector<Action> a(4);
  a[0].name = "verify";
  a[0].json = R"({"decision":"CONFIRM","note":"已核实"})";
  a[0].proto.set_decision(v1::CaseActionRequest::CONFIRM);
  a[0].proto.set_note("已核实");
  a[1].name = "accept";
  a[1].json = R"({"note":"已受理"})";
  a[1].proto.set_note("已受理");
  a[2].name = "resolve";
  a[2].json = R"({"note":"已联系民政落实临时救助"})";
  a[2].proto.set_note("已联系民政落实临时救助");
  a[3].name = "followUp";
  a[3].json = R"({"satisfied":true,"note":"回访满意"})";
  a[3].proto.set_satisfied(true);
  a[3].proto.set_note("回访满意");
  return a;
}

// Each connection takes cases in turn through verify (leader), accept and resolve (village
// staff) and followUp (the grid's worker); even cases as JSON, odd ones as protobuf.
PhaseResult LifecyclePhase(const Options& o, int port, const City& city,
                           const std::map<std::string, std::string>& tokens,
                           const std::vector<Created>& cases, std::int64_t* cases_done,
                           Errors& errors) {
  const std::vector<Action> actions = LifecycleActions();
  std::vector<std::string> action_proto;
  for (const Action& a : actions) action_proto.push_back(a.proto.SerializeAsString());
  struct Walk {
    size_t item = 0;  // index into `cases`
    size_t step = 0;  // the next action; 0: take a new case
  };
  std::vector<Walk> walks(static_cast<size_t>(o.connections));
  size_t next_case = 0;
  std::int64_t done = 0;
  std::vector<double> latency_ms;
  SteadyClock::time_point stop_starting;
  LoadCallbacks cb;
  cb.next = [&](int t, Outgoing* out) {
    Walk& w = walks[static_cast<size_t>(t)];
    if (w.step == 0) {
      if (next_case >= cases.size() || SteadyClock::now() >= stop_starting) return false;
      w.item = next_case++;
    }
    const Created& c = cases[w.item];
    const Grid& g = city.grids[static_cast<size_t>(c.grid)];
    const std::string& who = w.step == 0   ? tokens.at(city.LeaderName(g.village))
                             : w.step < 3 ? tokens.at(city.StaffName(g.village))
                                          : tokens.at(City::WorkerName(g));
    const bool binary = w.item % 2 == 1;
    const Action& a = actions[w.step];
    out->bytes = app::FormatHttpRequest(
        "127.0.0.1", "POST", "/v1/cases/" + std::to_string(c.id) + ":" + a.name,
        binary ? action_proto[w.step] : a.json, RequestHeaders(who, binary));
    return true;
  };
  cb.reply = [&](int t, const HttpReply& r, SteadyClock::time_point sent,
                 SteadyClock::time_point received) {
    Walk& w = walks[static_cast<size_t>(t)];
    if (r.status != 200) {
      errors.Add(actions[w.step].name, r);
      w.step = 0;  // this case stops here
      return;
    }
    latency_ms.push_back(Ms(received - sent));
    if (++w.step == actions.size()) {
      ++done;
      w.step = 0;
    }
  };
  PhaseResult r = RunLoop(
      o.connections, port,
      [&](SteadyClock::time_point now) {
        stop_starting = After(now, o.lifecycle_max_seconds);
        return now;
      },
      cb, &latency_ms);
  *cases_done = done;
  return r;
}

// Open loop: request k is due at start + k/rate whatever happened before; latency counts from
// that due time, so a stall shows up in every request it delayed (no coordinated omission).
// Connection t takes requests t, t + n, t + 2n, ...: one still waiting for its reply holds
// back the connection's next, as a phone would.
PhaseResult PacedPhase(const Options& o, int port, const City& city,
                       const std::map<std::string, std::string>& tokens, Errors& errors,
                       double* lateness_max_ms) {
  const int n = o.connections;
  const std::int64_t total = static_cast<std::int64_t>(o.paced_rate * o.paced_seconds);
  const double interval_s = 1.0 / o.paced_rate;
  std::vector<std::int64_t> k(static_cast<size_t>(n));
  for (int t = 0; t < n; ++t) k[static_cast<size_t>(t)] = t;
  std::vector<double> latency_ms;
  *lateness_max_ms = 0;
  SteadyClock::time_point start;
  const auto due = [&](std::int64_t request) {
    return After(start, interval_s * static_cast<double>(request));
  };
  LoadCallbacks cb;
  cb.next = [&](int t, Outgoing* out) {
    const std::int64_t request = k[static_cast<size_t>(t)];
    if (request >= total) return false;
    const Grid& g = city.grids[static_cast<size_t>(request) % city.grids.size()];
    out->bytes = CreateRequest(tokens.at(City::WorkerName(g)), "p-" + std::to_string(request),
                               g.id, request % 2 == 1);
    out->not_before = due(request);
    return true;
  };
  cb.reply = [&](int t, const HttpReply& r, SteadyClock::time_point sent,
                 SteadyClock::time_point received) {
    std::int64_t& request = k[static_cast<size_t>(t)];
    *lateness_max_ms = std::max(*lateness_max_ms, Ms(sent - due(request)));
    engine::CaseId id = 0;
    if (Created201(r, request % 2 == 1, errors, &id)) {
      latency_ms.push_back(Ms(received - due(request)));
    }
    request += n;
  };
  return RunLoop(
      n, port,
      [&](SteadyClock::time_point now) {
        start = now + std::chrono::milliseconds(20);
        return start;
      },
      cb, &latency_ms);
}

// What the store did between two readings of its figures.
void PrintStoreFigures(const engine::WriteStats& ws0, const engine::WriteStats& ws1) {
  const std::uint64_t batches = ws1.batches - ws0.batches;
  const std::uint64_t commands = ws1.commands - ws0.commands;
  std::printf("  store: %" PRIu64 " commits for %" PRIu64
              " writes (%.1f per commit, largest group so far %" PRIu64
              "), %.2f s in COMMIT\n",
              batches, commands, batches ? static_cast<double>(commands) / batches : 0.0,
              ws1.max_batch, ws1.commit_durations.sum() - ws0.commit_durations.sum());
  const std::uint64_t syncs = ws1.wal_sync_durations.count() - ws0.wal_sync_durations.count();
  const double sync_seconds = ws1.wal_sync_durations.sum() - ws0.wal_sync_durations.sum();
  std::printf("  WAL: %" PRIu64 " fdatasyncs acknowledged them (%.1f commits each, %.2f ms each"
              " on average); %.1f pages written per write\n",
              syncs, syncs ? static_cast<double>(batches) / syncs : 0.0,
              syncs ? 1000 * sync_seconds / syncs : 0.0,
              commands ? static_cast<double>(ws1.wal_pages - ws0.wal_pages) / commands : 0.0);
  // A slow disk shows in the fsyncs first: how many of the phase's took longer than the
  // p99 target, and the bucket of the slowest.
  const engine::Histogram& h0 = ws0.wal_sync_durations;
  const engine::Histogram& h1 = ws1.wal_sync_durations;
  char slowest[64] = "-";
  for (std::size_t i = h1.buckets().size(); i-- > 0;) {
    if (h1.buckets()[i] > h0.buckets()[i]) {
      const bool past_all = i == h1.bounds().size();
      std::snprintf(slowest, sizeof slowest, "%s %g ms", past_all ? ">" : "<=",
                    1000 * h1.bounds()[past_all ? i - 1 : i]);
      break;
    }
  }
  std::printf("  WAL fsyncs over 25 ms: %" PRIu64 " (the slowest %s)\n",
              h1.CountAbove(0.025) - h0.CountAbove(0.025), slowest);
  const std::uint64_t inline_checkpoints = ws1.inline_checkpoints - ws0.inline_checkpoints;
  std::printf("  checkpoints: %" PRIu64 " beside the writer, %" PRIu64
              " by the writer itself (%.1f ms of its time each on average)\n",
              ws1.checkpoints - ws0.checkpoints, inline_checkpoints,
              inline_checkpoints ? 1000 *
                                       (ws1.inline_checkpoint_seconds_sum -
                                        ws0.inline_checkpoint_seconds_sum) /
                                       inline_checkpoints
                                 : 0.0);
}

// --- main -----------------------------------------------------------------------------------


int Main(int argc, char** argv) {
  Options o;
  if (const int rc = ParseOptions(argc, argv, &o); rc >= 0) return rc;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a crash mid-run still shows the phases before it
  spdlog::set_level(spdlog::level::warn);
  const std::filesystem::path base =
      o.dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(o.dir);
  const std::filesystem::path dir =
      base / ("gridcare-intake-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string server_db = (dir / "server.db").string();
  const std::string raw_db = (dir / "raw.db").string();

  const int grids =
      o.city.townships * o.city.villages_per_township * o.city.grids_per_village;
  if (o.connections == 0) o.connections = grids;
  std::printf("GridCare intake benchmark\n");
  std::printf("  stores in %s; %u hardware threads; %d client connections\n", dir.c_str(),
              std::thread::hardware_concurrency(), o.connections);
  std::printf("  load average before: %s\n", LoadAverage().c_str());

  const auto hash = util::HashPassword(kPassword);  // once: argon2id is slow on purpose
  if (!hash.ok()) Die("hash: " + hash.status().ToString());
  const City city = MakeCity(o.city, hash.value());
  {
    auto store = storage::SqliteStore::Open(server_db);
    if (!store.ok()) Die("open: " + store.status().ToString());
    Seed(*store.value(), city);
  }
  std::printf("  seeded %zu org units (%zu villages, %zu grids) and %zu users\n",
              city.units.size(), city.villages.size(), city.grids.size(), city.users.size());

  auto started = app::ServerApp::Start({server_db, o.config, "127.0.0.1:0"});
  if (!started.ok()) Die("server: " + started.status().ToString());
  std::unique_ptr<app::ServerApp> server = std::move(started).value();
  const int port = server->port();

  const auto si0 = SteadyClock::now();
  const auto tokens = SignInAll(port, city.users);
  std::printf("  signed in %zu users over HTTP in %.1f s (argon2id)\n\n", tokens.size(),
              Seconds(SteadyClock::now() - si0));

  // 1. closed-loop creates
  Errors create_errors;
  std::vector<Created> created;
  const engine::WriteStats ws0 = server->runtime().store->write_stats();
  // The raw baseline takes its turn after each slice of [1], with as many cases as the slice
  // created: the two stores grow in step and a slow stretch of the VM hits both alike.
  const RawOptions raw_options{o.raw_batch,        o.raw_early_cases, o.raw_single_cases,
                               o.raw_single_max_seconds, o.paced_rate,  o.paced_seconds};
  RawBaseline raw_baseline(raw_options, raw_db, city);
  PhaseResult creates;
  for (int slice = 0; slice < o.slices; ++slice) {
    const size_t before = created.size();
    creates.Add(CreatePhase(o, port, city, tokens, o.create_seconds / o.slices, slice, &created,
                            create_errors));
    raw_baseline.WriteBatched(
        o.raw_cases > 0 ? o.raw_cases / o.slices + (slice < o.raw_cases % o.slices ? 1 : 0)
                        : std::max(1, static_cast<int>(created.size() - before)));
  }
  const engine::WriteStats ws1 = server->runtime().store->write_stats();
  const double creates_per_s = static_cast<double>(creates.ok) / creates.seconds;
  std::printf("[1] creates, closed loop, %d connections, %.0f s in %d slices (the raw baseline "
              "[4] runs between them), half JSON / half protobuf\n",
              o.connections, o.create_seconds, o.slices);
  std::printf("  %" PRId64 " cases in %.2f s = %.0f creates/s\n", creates.ok, creates.seconds,
              creates_per_s);
  std::printf("  latency: %s\n", creates.latency.Summary().c_str());
  PrintCpu(creates);
  PrintStoreFigures(ws0, ws1);
  create_errors.Print("creates");

  // 2. lifecycle of each created case
  Errors action_errors;
  std::int64_t cases_done = 0;
  PhaseResult actions = LifecyclePhase(o, port, city, tokens, created, &cases_done, action_errors);
  const double actions_per_s = static_cast<double>(actions.ok) / actions.seconds;
  std::printf("\n[2] lifecycle verify → accept → resolve → followUp, %d connections\n",
              o.connections);
  std::printf("  %" PRId64 " of %zu cases closed, %" PRId64 " actions in %.2f s = %.0f actions/s%s\n",
              cases_done, created.size(), actions.ok, actions.seconds, actions_per_s,
              static_cast<size_t>(cases_done) < created.size()
                  ? " (stopped at the time cap)" : "");
  std::printf("  latency: %s\n", actions.latency.Summary().c_str());
  PrintCpu(actions);
  action_errors.Print("actions");

  // 3. paced open loop
  Errors paced_errors;
  double lateness = 0;
  const engine::WriteStats wp0 = server->runtime().store->write_stats();
  PhaseResult paced = PacedPhase(o, port, city, tokens, paced_errors, &lateness);
  const engine::WriteStats wp1 = server->runtime().store->write_stats();
  const double p99_at_rate = paced.latency.At(0.99);
  std::printf("\n[3] paced creates, open loop, %d/s for %.0f s over %d connections\n",
              o.paced_rate, o.paced_seconds, o.connections);
  std::printf("  %" PRId64 " cases in %.2f s = %.0f creates/s achieved\n", paced.ok,
              paced.seconds, static_cast<double>(paced.ok) / paced.seconds);
  std::printf("  latency from the scheduled send time: %s\n", paced.latency.Summary().c_str());
  std::printf("  worst lateness of a send behind its schedule: %.2f ms\n", lateness);
  PrintCpu(paced);
  PrintStoreFigures(wp0, wp1);
  paced_errors.Print("paced creates");

  server->Shutdown();
  server.reset();

  // 4. the raw baseline's own figures once the server has stopped: paced as [3] was, right
  // after it (a stall of this disk then shows in both), and one case per Write
  raw_baseline.WritePaced();
  raw_baseline.WriteSingles();
  const RawResult& raw = raw_baseline.result();
  const double raw_per_s = static_cast<double>(raw.batched_cases) / raw.batched_seconds;
  const double raw_single_per_s =
      raw.single_seconds > 0 ? static_cast<double>(raw.single_cases) / raw.single_seconds : 0;
  std::printf("\n[4] raw SQLite baseline: SqliteStore::Write + StoreWriter::SaveCase, no HTTP\n");
  std::printf("  (decisions built beforehand with DecideCreate: %" PRId64
              " in %.2f s, not timed)\n",
              raw.decided, raw.decide_seconds);
  std::printf("  batched, %d cases per transaction: %" PRId64
              " cases in %.2f s = %.0f cases/s (CPU %.2f s)\n",
              o.raw_batch, raw.batched_cases, raw.batched_seconds, raw_per_s, raw.batched_cpu);
  if (raw.early_cases > 0) {
    // The baseline of the first four sessions: a fixed 30,000 cases, on a smaller store.
    std::printf("  of which the first %" PRId64 " cases: %.2f s = %.0f cases/s (ratio %.2f)\n",
                raw.early_cases, raw.early_seconds,
                static_cast<double>(raw.early_cases) / raw.early_seconds,
                creates_per_s * raw.early_seconds / static_cast<double>(raw.early_cases));
  }
  std::printf("  log: %.1f pages written to the WAL per case, batched\n",
              raw.batched_cases ? static_cast<double>(raw.batched_wal_pages) / raw.batched_cases
                                : 0.0);
  std::printf("  one case per transaction:       %" PRId64
              " cases in %.2f s = %.0f cases/s (CPU %.2f s)\n",
              raw.single_cases, raw.single_seconds, raw_single_per_s, raw.single_cpu);
  Latencies raw_paced;
  raw_paced.ms = raw.paced_ms;
  if (!raw_paced.ms.empty()) {
    std::printf("  paced, one case per write, %d/s for %.0f s, open loop as [3] (WriteAsync):\n",
                o.paced_rate, o.paced_seconds);
    std::printf("  latency from the scheduled submission: %s\n", raw_paced.Summary().c_str());
    std::printf("  worst lateness of a submission behind its schedule: %.2f ms\n",
                raw.paced_lateness_ms);
    if (raw.paced_failures) std::printf("  %" PRId64 " writes failed\n", raw.paced_failures);
    PrintStoreFigures(raw.paced_before, raw.paced_after);
  }

  const double ratio = raw_per_s > 0 ? creates_per_s / raw_per_s : 0;
  std::printf("\n  load average after: %s (other work on these cores lowers every figure)\n",
              LoadAverage().c_str());
  std::printf("\nAgainst the targets\n");
  std::printf("  durable creates/s >= 5000:         %8.0f   %s\n", creates_per_s,
              Verdict(creates_per_s >= 5000).c_str());
  std::printf("  creates/s >= 50 %% of raw batched:  %8.2f   %s\n", ratio,
              Verdict(ratio >= 0.5).c_str());
  std::printf("  p99 <= 25 ms at %d creates/s:     %8.2f   %s%s\n", o.paced_rate, p99_at_rate,
              Verdict(p99_at_rate <= 25 && paced_errors.count() == 0).c_str(),
              paced_errors.count() ? " (with failed requests)" : "");
  if (!raw_paced.ms.empty()) {
    // Not a target: tells a slow disk (both miss) from a slow server (only [3] misses).
    std::printf("    SQLite alone, paced the same in this run: p99 %.2f ms\n", raw_paced.At(0.99));
  }
  const int failures = create_errors.count() + action_errors.count() + paced_errors.count();
  if (failures) std::printf("  %d requests failed in total (see above)\n", failures);

  std::error_code ec;
  std::filesystem::remove_all(dir, ec);

  std::printf("creates_per_s=%.0f actions_per_s=%.0f raw_per_s=%.0f ratio=%.2f p99_ms_at_1000=%.0f\n",
              creates_per_s, actions_per_s, raw_per_s, ratio, p99_at_rate);
  return 0;
}

}  // namespace
}  // namespace gridcare::bench

int main(int argc, char** argv) { return gridcare::bench::Main(argc, argv); }
