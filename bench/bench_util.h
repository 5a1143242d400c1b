// Small helpers shared by the benchmark programs: timing, CPU use, percentiles, the
// machine's load and target verdicts.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

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

// CPU seconds of this process's threads summed by thread name, from /proc/self/task: a phase
// can then say which of the server's threads spent the cores (the writer is serial, the
// others are not). Threads that have exited are missing; unnamed ones carry the program's.
inline std::map<std::string, double> ThreadCpuByName() {
  std::map<std::string, double> out;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm_file(task.path() / "comm");
    std::ifstream stat_file(task.path() / "stat");
    std::string comm;
    std::getline(comm_file, comm);
    const std::string stat((std::istreambuf_iterator<char>(stat_file)),
                           std::istreambuf_iterator<char>());
    // "tid (comm) state ppid ...": utime and stime are fields 14 and 15, i.e. the 12th and
    // 13th after the closing parenthesis (comm may itself hold spaces or parentheses).
    const size_t close = stat.rfind(')');
    if (comm.empty() || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string field;
    double ticks = 0;
    for (int i = 1; i <= 13 && rest >> field; ++i) {
      if (i >= 12) ticks += std::strtod(field.c_str(), nullptr);
    }
    out[comm] += ticks / tick;
  }
  return out;
}

// Nearest-rank percentile (`p` in 0..1) of an already sorted vector; 0 when empty.
inline double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace gridcare::bench
