// Small helpers shared by the benchmark programs: the machine's load and target verdicts.
#pragma once

#include <cstdio>
#include <string>

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

}  // namespace gridcare::bench
