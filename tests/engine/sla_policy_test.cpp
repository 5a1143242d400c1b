// Tests for SlaPolicy::For: override precedence and the built-in short response window.
// Not config parsing: tests/app/config_test.cpp reads the same tables from TOML.
#include "engine/sla_policy.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace gridcare::engine {
namespace {

using namespace std::chrono_literals;

SlaDuration H(int h) { return SlaDuration::Natural(std::chrono::hours(h)); }

TEST_CASE("without overrides a routine case gets the [sla] defaults", "[engine]") {
  SlaWindows defaults;
  defaults.response = H(48);
  const SlaPolicy policy(defaults, {}, {});
  const SlaWindows w = policy.For(Category::kLeftBehindChild, Priority::kRoutine);
  CHECK(w.response == H(48));
  CHECK(w.escalated_response == H(24));
  CHECK(w.resolve == SlaDuration::WorkingDays(15));
  CHECK(w.follow_up == H(24 * 7));
  CHECK(w.warn_at == 0.75);
}

TEST_CASE("URGENT and DOMESTIC_VIOLENCE cases get a 2h response by default", "[engine]") {
  const SlaPolicy policy(SlaWindows{}, {}, {});
  CHECK(policy.For(Category::kOther, Priority::kUrgent).response == H(2));
  CHECK(policy.For(Category::kDomesticViolence, Priority::kRoutine).response == H(2));
  CHECK(policy.For(Category::kDomesticViolence, Priority::kUrgent).response == H(2));
  CHECK(policy.For(Category::kOther, Priority::kRoutine).response == H(48));
  // Only the response window is shortened.
  CHECK(policy.For(Category::kOther, Priority::kUrgent).resolve == SlaDuration::WorkingDays(15));
}

TEST_CASE("the default urgent response is min(2h, [sla].response)", "[engine]") {
  SlaWindows fast;
  fast.response = SlaDuration::Natural(30min);
  CHECK(SlaPolicy(fast, {}, {}).For(Category::kOther, Priority::kUrgent).response ==
        SlaDuration::Natural(30min));
  SlaWindows in_working_days;
  in_working_days.response = SlaDuration::WorkingDays(1);
  CHECK(SlaPolicy(in_working_days, {}, {})
            .For(Category::kDomesticViolence, Priority::kRoutine)
            .response == H(2));
}

TEST_CASE("a category override beats a priority override, which beats [sla]", "[engine]") {
  SlaWindows defaults;
  std::map<Priority, SlaOverride> by_priority;
  by_priority[Priority::kUrgent].response = H(3);
  by_priority[Priority::kUrgent].resolve = SlaDuration::WorkingDays(5);
  by_priority[Priority::kUrgent].warn_at = 0.5;
  std::map<Category, SlaOverride> by_category;
  by_category[Category::kChildInHardship].response = H(6);
  by_category[Category::kChildInHardship].follow_up = H(24);
  const SlaPolicy policy(defaults, by_priority, by_category);

  const SlaWindows both = policy.For(Category::kChildInHardship, Priority::kUrgent);
  CHECK(both.response == H(6));                        // category wins
  CHECK(both.resolve == SlaDuration::WorkingDays(5));  // only priority set it
  CHECK(both.follow_up == H(24));                      // only category set it
  CHECK(both.warn_at == 0.5);                          // only priority set it
  CHECK(both.escalated_response == H(24));             // nobody set it: [sla]

  const SlaWindows urgent_only = policy.For(Category::kOther, Priority::kUrgent);
  CHECK(urgent_only.response == H(3));
  const SlaWindows category_only = policy.For(Category::kChildInHardship, Priority::kRoutine);
  CHECK(category_only.response == H(6));
  CHECK(category_only.resolve == SlaDuration::WorkingDays(15));
}

TEST_CASE("an explicit response override replaces the built-in 2h", "[engine]") {
  std::map<Category, SlaOverride> by_category;
  by_category[Category::kDomesticViolence].response = H(4);
  std::map<Priority, SlaOverride> by_priority;
  by_priority[Priority::kUrgent].response = H(3);
  const SlaPolicy policy(SlaWindows{}, by_priority, by_category);
  CHECK(policy.For(Category::kDomesticViolence, Priority::kRoutine).response == H(4));
  CHECK(policy.For(Category::kDomesticViolence, Priority::kUrgent).response == H(4));
  CHECK(policy.For(Category::kOther, Priority::kUrgent).response == H(3));
}

TEST_CASE("an override table without response keeps the built-in 2h", "[engine]") {
  std::map<Category, SlaOverride> by_category;
  by_category[Category::kDomesticViolence].resolve = SlaDuration::WorkingDays(3);
  const SlaPolicy policy(SlaWindows{}, {}, by_category);
  const SlaWindows w = policy.For(Category::kDomesticViolence, Priority::kRoutine);
  CHECK(w.response == H(2));
  CHECK(w.resolve == SlaDuration::WorkingDays(3));
}

}  // namespace
}  // namespace gridcare::engine
