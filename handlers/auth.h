// Sign-in, bearer tokens and sign-out. Tokens are random, stored only as SHA-256, expire
// after the configured TTL and can be revoked. Not scope: who may read what is engine/scope.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "engine/case.h"
#include "engine/clock.h"
#include "engine/store.h"
#include "handlers/sign_in_throttle.h"

namespace gridcare::handlers {

struct SignedIn {
  std::string token;  // shown once, to the client that signed in
  engine::TimePoint expire_time{};
  engine::User user;
};

struct Caller {
  engine::Actor actor;
  engine::User user;
  std::string token_hash;
  engine::TimePoint session_expires{};
};

class Authenticator {
 public:
  Authenticator(engine::Store& store, const engine::Clock& clock, engine::Millis session_ttl);

  // UNAUTHENTICATED for a wrong username or password (one message for both, so names
  // cannot be probed); RESOURCE_EXHAUSTED after repeated failures for one username, or
  // from one client address across usernames, within kFailureWindow. Each lockout is
  // logged once.
  engine::Result<SignedIn> SignIn(const std::string& username, const std::string& password,
                                  const std::string& client_address);
  // From an "Authorization: Bearer TOKEN" header value.
  engine::Result<Caller> Authenticate(std::string_view authorization_header);
  engine::Status SignOut(const Caller& caller);

  // Ends every session of the user named `username` (an ADMIN's call; PERMISSION_DENIED for
  // anyone else, NOT_FOUND for an unknown name). Returns the user and how many ended. The
  // caller ends the user's streams.
  struct Revoked {
    engine::User user;
    int sessions = 0;
  };
  engine::Result<Revoked> RevokeSessions(const Caller& admin, const std::string& username);
  // Forgets the cached sign-ins of `user_id`: their next request looks the session up and
  // finds it gone. Called for each revocation, also those another process recorded.
  void ForgetUser(const std::string& user_id);

  // A verified token is remembered this long, so most requests skip the session lookup.
  // Sign-out and revocations forget it at once (see ForgetUser).
  static constexpr std::chrono::seconds kCacheFor{30};
  static constexpr size_t kMaxCached = 100000;

  static constexpr int kMaxFailures = 5;             // per username, within kFailureWindow
  static constexpr int kMaxFailuresPerAddress = 20;  // per client address, any usernames
  static constexpr std::chrono::minutes kFailureWindow{5};

 private:
  std::shared_ptr<const Caller> FromCache(const std::string& token_hash, engine::TimePoint now);
  // The user, or UNAUTHENTICATED; as slow for an unknown name as for a wrong password.
  engine::Result<engine::User> CheckPassword(const std::string& username,
                                             const std::string& password) const;

  engine::Store& store_;
  const engine::Clock& clock_;
  const engine::Millis ttl_;
  // Checked when the username does not exist, so a miss costs as much as a wrong password.
  std::string dummy_hash_;
  struct Cached {
    std::shared_ptr<const Caller> caller;
    engine::TimePoint session_expires{};
    engine::TimePoint cached_until{};
  };
  std::mutex cache_mu_;
  std::map<std::string, Cached> cache_;  // by token hash
  // Tokens signed out recently: a lookup that raced the sign-out must not cache them.
  std::map<std::string, engine::TimePoint> revoked_;
  // Grows with every ForgetUser: a lookup that began before one does not cache its answer.
  std::uint64_t forget_generation_ = 0;

  SignInThrottle throttle_;
};

}  // namespace gridcare::handlers
