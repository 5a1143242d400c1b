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

#include "engine/histogram.h"
#include "engine/store.h"

namespace gridcare::handlers {

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
  std::map<std::string, engine::Histogram> latency_;
};

// One sample with its HELP and TYPE lines, appended to `out`. Counts are printed exactly;
// seconds and other measures with nine significant digits.
void AppendCounter(std::string* out, std::string_view name, std::string_view help,
                   std::uint64_t value);
void AppendCounter(std::string* out, std::string_view name, std::string_view help, double value);
void AppendGauge(std::string* out, std::string_view name, std::string_view help, double value);
// `name_bucket{labels,le=..}` (cumulative, as the format wants), `name_sum`, `name_count`,
// without HELP and TYPE lines (one family may have several label sets).
void AppendHistogramSamples(std::string* out, const std::string& name, const std::string& labels,
                            const engine::Histogram& histogram);
// One unlabelled histogram with its HELP and TYPE lines.
void AppendHistogram(std::string* out, const std::string& name, std::string_view help,
                     const engine::Histogram& histogram);

// The store's group-commit figures as exposition lines.
std::string FormatWriteStats(const engine::WriteStats& stats);

}  // namespace gridcare::handlers
