// Histogram: each value lands in the first bucket whose bound is not below it.
#include <catch2/catch.hpp>

#include "engine/histogram.h"

namespace gridcare::engine {
namespace {

TEST_CASE("a histogram counts each value under the first bound not below it", "[engine]") {
  Histogram h(Histogram::kSizes);
  for (double v : {1.0, 2.0, 3.0, 64.0, 65.0, 5000.0}) h.Observe(v);
  const auto& b = h.buckets();
  REQUIRE(b.size() == Histogram::kSizes.size() + 1);
  CHECK(b[0] == 1);  // ≤ 1
  CHECK(b[1] == 1);  // ≤ 2
  CHECK(b[2] == 1);  // 3 ≤ 4
  CHECK(b[6] == 1);  // 64 ≤ 64
  CHECK(b[7] == 1);  // 65 ≤ 128
  CHECK(b.back() == 1);  // past 1024
  CHECK(h.count() == 6);
  CHECK(h.sum() == Approx(5135));
  CHECK(h.CountAbove(64) == 2);
  CHECK(h.CountAbove(1024) == 1);
  CHECK(h.CountAbove(0.5) == 6);
}

TEST_CASE("a default histogram measures seconds", "[engine]") {
  Histogram h;
  h.Observe(0.0003);
  h.Observe(0.03);
  h.Observe(7);
  CHECK(h.bounds().size() == Histogram::kSeconds.size());
  CHECK(h.buckets()[0] == 1);
  CHECK(h.CountAbove(0.025) == 2);
  CHECK(h.CountAbove(2.5) == 1);
}

}  // namespace
}  // namespace gridcare::engine
