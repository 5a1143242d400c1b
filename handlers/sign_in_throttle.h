// Limits password guessing: failed sign-ins counted per username and per client address
// within a window, with the attempts still being checked. Not the password check (auth.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "engine/clock.h"

namespace gridcare::handlers {

struct SignInLimits {
  int per_username = 5;   // failures of one username, from anywhere
  int per_address = 20;   // failures from one client address, across usernames (spraying)
  std::chrono::milliseconds window = std::chrono::minutes(5);
  std::size_t max_tracked = 100000;  // keys kept per map; see Forget
};

class SignInThrottle {
 public:
  explicit SignInThrottle(SignInLimits limits = {}) : limits_(limits) {}

  enum class Verdict { kGo, kUsernameLocked, kAddressLocked };

  // Whether a password may be checked now. kGo reserves an attempt on both keys until
  // Finish: failures plus attempts in flight never exceed a limit, so concurrent guesses
  // get no more passwords checked than sequential ones.
  Verdict Begin(const std::string& username, const std::string& address, engine::TimePoint now);

  // Which keys this failure locked: what the caller logs.
  struct NewlyLocked {
    bool username = false;
    bool address = false;
  };
  // Releases the attempt Begin reserved; a failure counts toward both keys.
  NewlyLocked Finish(const std::string& username, const std::string& address, bool failed,
                     engine::TimePoint now);

 private:
  struct Count {
    int failures = 0;
    int in_flight = 0;
    engine::TimePoint since{};  // when the window of `failures` began
  };
  using Counts = std::map<std::string, Count>;

  // The count of `key`, its window restarted if it has passed. Needs mu_.
  Count& Fresh(Counts& counts, const std::string& key, engine::TimePoint now);
  // Keeps a map within max_tracked without ever dropping a locked key or one in flight:
  // clearing counts wholesale would let an attacker unlock a name by spraying others.
  void Forget(Counts& counts, int limit, engine::TimePoint now);

  const SignInLimits limits_;
  std::mutex mu_;
  Counts by_username_;
  Counts by_address_;
};

}  // namespace gridcare::handlers
