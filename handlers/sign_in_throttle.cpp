// SignInThrottle: per-key counts of failures and attempts in flight, under one mutex.
#include "handlers/sign_in_throttle.h"

#include <iterator>

namespace gridcare::handlers {

SignInThrottle::Count& SignInThrottle::Fresh(Counts& counts, const std::string& key,
                                             engine::TimePoint now) {
  Count& c = counts[key];
  if (c.failures == 0 || now - c.since > limits_.window) {
    c.failures = 0;
    c.since = now;
  }
  return c;
}

void SignInThrottle::Forget(Counts& counts, int limit, engine::TimePoint now) {
  if (counts.size() <= limits_.max_tracked) return;
  // First what has expired, then what is neither locked nor in flight.
  for (int pass = 0; pass < 2 && counts.size() > limits_.max_tracked; ++pass) {
    for (auto it = counts.begin(); it != counts.end();) {
      const Count& c = it->second;
      const bool expired = now - c.since > limits_.window;
      const bool droppable = c.in_flight == 0 && (expired || (pass == 1 && c.failures < limit));
      it = droppable ? counts.erase(it) : std::next(it);
    }
  }
}

SignInThrottle::Verdict SignInThrottle::Begin(const std::string& username,
                                              const std::string& address,
                                              engine::TimePoint now) {
  std::lock_guard lock(mu_);
  Count& user = Fresh(by_username_, username, now);
  Count& from = Fresh(by_address_, address, now);
  if (user.failures + user.in_flight >= limits_.per_username) return Verdict::kUsernameLocked;
  if (from.failures + from.in_flight >= limits_.per_address) return Verdict::kAddressLocked;
  ++user.in_flight;
  ++from.in_flight;
  return Verdict::kGo;
}

SignInThrottle::NewlyLocked SignInThrottle::Finish(const std::string& username,
                                                   const std::string& address, bool failed,
                                                   engine::TimePoint now) {
  std::lock_guard lock(mu_);
  NewlyLocked locked;
  Count& user = Fresh(by_username_, username, now);
  Count& from = Fresh(by_address_, address, now);
  if (user.in_flight > 0) --user.in_flight;
  if (from.in_flight > 0) --from.in_flight;
  if (failed) {
    locked.username = ++user.failures == limits_.per_username;
    locked.address = ++from.failures == limits_.per_address;
  }
  Forget(by_username_, limits_.per_username, now);
  Forget(by_address_, limits_.per_address, now);
  return locked;
}

}  // namespace gridcare::handlers
