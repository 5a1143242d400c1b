// Ends a user's cached sign-ins and live streams as soon as their sessions are revoked,
// also when another process (`gridcare import users`) recorded the revocation in the store.
// Not who may revoke (handlers/auth.h) nor what an import counts as a change.
#pragma once

#include <chrono>
#include <cstdint>

#include "app/wakeable_loop.h"
#include "engine/store.h"
#include "handlers/auth.h"
#include "handlers/event_hub.h"

namespace gridcare::app {

class SessionRevocationWatcher {
 public:
  // How often the store is asked for new revocations: one indexed read each time.
  static constexpr std::chrono::milliseconds kPollEvery{250};

  SessionRevocationWatcher(engine::Store& store, handlers::Authenticator& auth,
                           handlers::EventHub& hub);
  // Revocations recorded before Start are history: nothing is cached or streaming yet.
  engine::Status Start();
  void Stop() { loop_.Stop(); }

 private:
  WakeableLoop::SysTime Step();

  engine::Store& store_;
  handlers::Authenticator& auth_;
  handlers::EventHub& hub_;
  std::int64_t seen_ = 0;  // the newest revocation acted on; only the loop's thread uses it
  WakeableLoop loop_;      // last: its thread stops before the members it uses go
};

}  // namespace gridcare::app
