// Prometheus text exposition for GET /metrics: request counts and latency histograms by
// route and status, plus gauges the caller supplies at scrape time. No client library:
// the text format is small and stable.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/store.h"

namespace gridcare::handlers {

class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1,    2.5};
  void Observe(double value);
  // Appends `name_bucket{labels,le=..}`, `name_sum`, `name_count` lines.
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  std::array<std::uint64_t, kBounds.size() + 1> buckets_{};
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

struct Gauge {
  std::string name;
  std::string help;
  double value = 0;
};

class Metrics {
 public:
  void ObserveRequest(const std::string& route, int status, double seconds);
  // `extra` lines are already in exposition format (e.g. from the store or scheduler).
  std::string Render(const std::vector<Gauge>& gauges, const std::string& extra) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
};

// One sample with its HELP and TYPE lines, appended to `out`. Counts are printed exactly;
// seconds and other measures with nine significant digits.
void AppendCounter(std::string* out, std::string_view name, std::string_view help,
                   std::uint64_t value);
void AppendCounter(std::string* out, std::string_view name, std::string_view help, double value);
void AppendGauge(std::string* out, std::string_view name, std::string_view help, double value);

// The store's group-commit figures as exposition lines.
std::string FormatWriteStats(const engine::WriteStats& stats);

}  // namespace gridcare::handlers
