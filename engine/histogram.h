// Counts of observations by upper bound, as Prometheus histograms keep them: how long
// requests, commits and fsyncs took, how large groups were. A value, copied out of the
// thread that observes it; rendering is the handlers' (handlers/metrics.h).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace gridcare::engine {

class Histogram {
 public:
  // Seconds, from half a millisecond (a quick fsync) to seconds (a stalled disk).
  static constexpr std::array<double, 12> kSeconds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  // Sizes of write groups: powers of two.
  static constexpr std::array<double, 11> kSizes = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  // `bounds` must be ascending and outlive the histogram (static arrays like the above).
  explicit Histogram(std::span<const double> bounds = kSeconds);

  void Observe(double value);

  std::span<const double> bounds() const { return bounds_; }
  // Per bucket, not cumulative: buckets()[i] counts values in (bounds[i-1], bounds[i]];
  // the last one, past every bound.
  const std::vector<std::uint64_t>& buckets() const { return buckets_; }
  double sum() const { return sum_; }
  std::uint64_t count() const { return count_; }
  // Observations above `bound` (which should be one of bounds()).
  std::uint64_t CountAbove(double bound) const;

 private:
  std::span<const double> bounds_;
  std::vector<std::uint64_t> buckets_;
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace gridcare::engine
