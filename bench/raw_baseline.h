// The intake benchmark's raw SQLite baseline: the same rows the server writes for a create,
// saved in batched transactions straight through the store, with no HTTP, codec or engine
// service in between. `ratio = creates_per_s / raw_per_s` (docs/performance.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "bench/intake_city.h"
#include "engine/case_decider.h"
#include "engine/org_tree.h"
#include "engine/sla_policy.h"
#include "engine/work_calendar.h"
#include "storage/sqlite_store.h"

namespace gridcare::bench {

struct RawOptions {
  int batch = 256;            // cases per Write
  int early_cases = 30000;    // the rate over the first this many is kept too
  int single_cases = 2000;    // one Write each, for context
  double single_max_seconds = 8;
  int paced_rate = 1000;      // one case per write, open loop, like phase [3]; 0: none
  double paced_seconds = 10;
};

struct RawResult {
  std::int64_t batched_cases = 0;
  double batched_seconds = 0;
  std::int64_t early_cases = 0;  // the first raw_early_cases (rounded up to a batch), if reached
  double early_seconds = 0;
  std::int64_t single_cases = 0;
  double single_seconds = 0;
  std::int64_t decided = 0;  // DecideCreate calls, not timed
  double decide_seconds = 0;
  double batched_cpu = 0;  // process CPU seconds: the writer thread does the work
  std::uint64_t batched_wal_pages = 0;
  double single_cpu = 0;
  // Open loop at paced_rate: each case's time from its scheduled submission to its
  // acknowledgement (after the fdatasync), and the store's figures around the run.
  std::vector<double> paced_ms;
  std::int64_t paced_failures = 0;
  double paced_lateness_ms = 0;  // the worst a submission started behind its schedule
  engine::WriteStats paced_before;
  engine::WriteStats paced_after;
};

// The same rows the server writes — case (with its idempotency key), REPORTED event
// (hash-chained) and deadlines — built by the engine's own DecideCreate (not timed), then
// saved with StoreWriter::SaveCase straight into a fresh SqliteStore (the server's write
// path: WAL, each Write acknowledged after the sync thread's fdatasync). Fed in slices
// between the create phase's own, so both stores grow in step and both rates are measured
// in the same stretches of this VM's time.
class RawBaseline {
 public:
  // A fresh store at `path`, seeded with `city`.
  RawBaseline(const RawOptions& options, const std::string& path, const City& city);
  RawBaseline(const RawBaseline&) = delete;
  RawBaseline& operator=(const RawBaseline&) = delete;

  // `n` more cases, options.batch per Write; only the Writes are timed.
  void WriteBatched(int n);
  // One case per Write, for context: up to single_cases or single_max_seconds.
  void WriteSingles();
  // One case per write at paced_rate for paced_seconds, each submitted on schedule without
  // waiting for the ones before (WriteAsync, so they group as the server's do): what this
  // disk lets SQLite alone answer in, next to phase [3]'s p99.
  void WritePaced();

  const RawResult& result() const { return r_; }

 private:
  // The next `n` cases, ids and numbers following the ones already decided.
  std::vector<engine::Decision> Decide(int n);

  const RawOptions o_;
  const City& city_;
  const app::Config config_;
  const engine::SlaPolicy sla_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::vector<engine::Actor> workers_;
  std::unique_ptr<engine::OrgTree> tree_;
  std::unique_ptr<engine::WorkCalendar> calendar_;
  int decided_ = 0;
  RawResult r_;
};

}  // namespace gridcare::bench
