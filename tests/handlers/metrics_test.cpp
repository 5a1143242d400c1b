// The Prometheus exposition of histograms and of the store's figures.
#include <catch2/catch.hpp>

#include <string>

#include "handlers/metrics.h"

namespace gridcare::handlers {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST_CASE("a histogram renders cumulative buckets, +Inf, sum and count", "[handlers]") {
  engine::Histogram h;
  h.Observe(0.0002);
  h.Observe(0.003);
  h.Observe(0.003);
  h.Observe(9);
  std::string out;
  AppendHistogram(&out, "x_seconds", "Help text.", h);
  for (const char* line : {"# TYPE x_seconds histogram", "x_seconds_bucket{le=\"0.0005\"} 1",
                           "x_seconds_bucket{le=\"0.0025\"} 1", "x_seconds_bucket{le=\"0.005\"} 3",
                           "x_seconds_bucket{le=\"2.5\"} 3", "x_seconds_bucket{le=\"+Inf\"} 4",
                           "x_seconds_sum 9.0062", "x_seconds_count 4"}) {
    CHECK(Has(out, line));
  }
}

TEST_CASE("the store's figures include its group, commit and fsync histograms", "[handlers]") {
  engine::WriteStats s;
  s.group_sizes.Observe(19);
  s.commit_durations.Observe(0.0007);
  s.wal_sync_durations.Observe(0.3);  // a stalled disk
  const std::string out = FormatWriteStats(s);
  for (const char* line : {"# TYPE gridcare_store_group_size histogram",
                           "gridcare_store_group_size_bucket{le=\"16\"} 0",
                           "gridcare_store_group_size_bucket{le=\"32\"} 1",
                           "gridcare_store_commit_duration_seconds_bucket{le=\"0.001\"} 1",
                           "gridcare_store_wal_sync_duration_seconds_bucket{le=\"0.25\"} 0",
                           "gridcare_store_wal_sync_duration_seconds_bucket{le=\"0.5\"} 1"}) {
    CHECK(Has(out, line));
  }
}

}  // namespace
}  // namespace gridcare::handlers
