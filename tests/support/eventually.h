// Waiting for something another thread does, by polling with a deadline (never a fixed
// sleep): the condition is checked every millisecond until it holds or time runs out.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace gridcare::testing {

// True as soon as `done` holds; false if it still does not after `timeout`.
inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace gridcare::testing
