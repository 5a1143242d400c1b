// Small helpers shared by the benchmark programs: timing, CPU use, percentiles, the
// machine's load and target verdicts.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace gridcare::bench {

// The 1/5/15-minute load averages: other processes on the same cores skew every figure here.
inline std::string LoadAverage() {
  FILE* f = std::fopen("/proc/loadavg", "r");
  if (!f) return "unknown";
  char buf[128] = {};
  const bool ok = std::fgets(buf, sizeof buf, f) != nullptr;
  std::fclose(f);
  if (!ok) return "unknown";
  std::string s(buf);
  // "0.52 0.58 0.59 1/467 12345": keep the three averages.
  size_t spaces = 0, i = 0;
  for (; i < s.size() && spaces < 3; ++i) spaces += s[i] == ' ';
  return s.substr(0, i ? i - 1 : 0);
}

inline std::string Verdict(bool met) { return met ? "MET" : "MISSED"; }

// A setup step failed: the run cannot produce figures.
[[noreturn]] inline void Die(const char* program, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program, what.c_str());
  std::exit(2);
}

inline double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

inline double CpuSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
// CPU seconds of the whole process (every thread), and of the calling thread (client
// threads report theirs so the server's share of the shared cores can be told apart).
inline double ProcessCpuSeconds() { return CpuSeconds(CLOCK_PROCESS_CPUTIME_ID); }
inline double ThreadCpuSeconds() { return CpuSeconds(CLOCK_THREAD_CPUTIME_ID); }

// Nearest-rank percentile (`p` in 0..1) of an already sorted vector; 0 when empty.
inline double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace gridcare::bench
