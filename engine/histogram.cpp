#include "engine/histogram.h"

#include <algorithm>

namespace gridcare::engine {

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), buckets_(bounds.size() + 1, 0) {}

void Histogram::Observe(double value) {
  // The first bound not below the value: Prometheus buckets are "less than or equal".
  const auto i = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  ++buckets_[i];
  sum_ += value;
  ++count_;
}

std::uint64_t Histogram::CountAbove(double bound) const {
  std::uint64_t above = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (i == bounds_.size() || bounds_[i] > bound) above += buckets_[i];
  }
  return above;
}

}  // namespace gridcare::engine
