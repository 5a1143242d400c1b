// Metrics: counters and histograms rendered in the Prometheus text format 0.0.4.
#include "handlers/metrics.h"

#include <cstdio>

namespace gridcare::handlers {
namespace {

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void AppendSample(std::string* out, std::string_view name, std::string_view help,
                  std::string_view type, const std::string& value) {
  const std::string n(name);
  *out += "# HELP " + n + " " + std::string(help) + "\n# TYPE " + n + " " + std::string(type) +
          "\n" + n + " " + value + "\n";
}

}  // namespace

void AppendCounter(std::string* out, std::string_view name, std::string_view help,
                   std::uint64_t value) {
  AppendSample(out, name, help, "counter", std::to_string(value));
}

void AppendCounter(std::string* out, std::string_view name, std::string_view help, double value) {
  AppendSample(out, name, help, "counter", Number(value));
}

void AppendGauge(std::string* out, std::string_view name, std::string_view help, double value) {
  AppendSample(out, name, help, "gauge", Number(value));
}

void AppendHistogramSamples(std::string* out, const std::string& name, const std::string& labels,
                            const engine::Histogram& histogram) {
  const std::string sep = labels.empty() ? "" : ",";
  const auto bounds = histogram.bounds();
  const auto& buckets = histogram.buckets();
  std::uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += buckets[i];
    *out += name + "_bucket{" + labels + sep + "le=\"" + Number(bounds[i]) + "\"} " +
            std::to_string(cumulative) + "\n";
  }
  cumulative += buckets.back();
  *out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  *out += name + "_sum" + braces + " " + Number(histogram.sum()) + "\n";
  *out += name + "_count" + braces + " " + std::to_string(histogram.count()) + "\n";
}

void AppendHistogram(std::string* out, const std::string& name, std::string_view help,
                     const engine::Histogram& histogram) {
  *out += "# HELP " + name + " " + std::string(help) + "\n# TYPE " + name + " histogram\n";
  AppendHistogramSamples(out, name, "", histogram);
}

void Metrics::ObserveRequest(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  latency_[route].Observe(seconds);
}

std::string Metrics::Render(const std::vector<Gauge>& gauges, const std::string& extra) const {
  std::string out;
  {
    std::lock_guard lock(mu_);
    out += "# HELP gridcare_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE gridcare_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      out += "gridcare_http_requests_total{route=\"" + key.first + "\",status=\"" +
             std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP gridcare_http_request_seconds HTTP request latency by route.\n";
    out += "# TYPE gridcare_http_request_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      AppendHistogramSamples(&out, "gridcare_http_request_seconds", "route=\"" + route + "\"", h);
    }
  }
  for (const Gauge& g : gauges) AppendGauge(&out, g.name, g.help, g.value);
  out += extra;
  return out;
}

std::string FormatWriteStats(const engine::WriteStats& s) {
  std::string out;
  AppendCounter(&out, "gridcare_store_commits_total",
                "Write transactions committed (one per group).", s.batches);
  AppendCounter(&out, "gridcare_store_commands_total",
                "Write commands committed inside those groups.", s.commands);
  AppendCounter(&out, "gridcare_store_commit_failures_total", "Groups that could not commit.",
                s.failed_commits);
  AppendHistogram(&out, "gridcare_store_commit_duration_seconds",
                  "COMMIT of each group, by duration (WAL frames written; the fsync is the "
                  "sync thread's).",
                  s.commit_durations);
  AppendHistogram(&out, "gridcare_store_group_size", "Committed groups by the writes in them.",
                  s.group_sizes);
  AppendHistogram(&out, "gridcare_store_wal_sync_duration_seconds",
                  "Each fsync that acknowledged groups, by duration: a slow disk shows here first.",
                  s.wal_sync_durations);
  AppendCounter(&out, "gridcare_store_wal_pages_total",
                "Database pages committed transactions wrote to the WAL.", s.wal_pages);
  AppendCounter(&out, "gridcare_store_checkpoints_total",
                "WAL checkpoints run on the checkpoint thread, off the commit path.",
                s.checkpoints);
  AppendCounter(&out, "gridcare_store_inline_checkpoints_total",
                "WAL checkpoints the writer ran itself: a long log's last, or the thread fell "
                "behind.",
                s.inline_checkpoints);
  AppendCounter(&out, "gridcare_store_inline_checkpoint_seconds_total",
                "Time the writer spent in those checkpoints; commits wait meanwhile.",
                s.inline_checkpoint_seconds_sum);
  AppendCounter(&out, "gridcare_store_checkpoint_writeback_waits_total",
                "Times the checkpoint thread waited for the database file's writeback, which "
                "it paces so that WAL syncs queue behind less of it.",
                s.checkpoint_writeback_waits);
  AppendCounter(&out, "gridcare_store_wal_restarts_total",
                "Times the WAL was copied back whole and started over from its beginning.",
                s.wal_restarts);
  AppendGauge(&out, "gridcare_store_batch_size_max", "Largest group committed so far.",
              static_cast<double>(s.max_batch));
  return out;
}

}  // namespace gridcare::handlers
