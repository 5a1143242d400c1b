// Authenticator: argon2id password checks, hashed random tokens in the sessions table.
#include "handlers/auth.h"

#include <spdlog/spdlog.h>

#include "handlers/safe_text.h"
#include "util/crypto.h"

namespace gridcare::handlers {
namespace {

engine::Status WrongCredentials() {
  return engine::Unauthenticated("用户名或密码错误 (wrong username or password)");
}

}  // namespace

Authenticator::Authenticator(engine::Store& store, const engine::Clock& clock,
                             engine::Millis session_ttl)
    : store_(store),
      clock_(clock),
      ttl_(session_ttl),
      throttle_(SignInLimits{kMaxFailures, kMaxFailuresPerAddress, kFailureWindow}) {
  auto dummy = util::HashPassword("no such user");
  if (dummy.ok()) dummy_hash_ = std::move(dummy).value();
}

engine::Result<SignedIn> Authenticator::SignIn(const std::string& username,
                                               const std::string& password,
                                               const std::string& client_address) {
  if (username.empty()) return engine::InvalidArgument("username: required");
  if (password.empty()) return engine::InvalidArgument("password: required");
  const engine::TimePoint now = clock_.Now();
  switch (throttle_.Begin(username, client_address, now)) {
    case SignInThrottle::Verdict::kGo: break;
    case SignInThrottle::Verdict::kUsernameLocked:
      return engine::ResourceExhausted(
          "登录失败次数过多，请5分钟后再试 (too many failed sign-ins for this username)");
    case SignInThrottle::Verdict::kAddressLocked:
      return engine::ResourceExhausted(
          "登录失败次数过多，请5分钟后再试 (too many failed sign-ins from this address)");
  }
  auto checked = CheckPassword(username, password);
  const bool failed = !checked.ok() && checked.status().code() == engine::ErrorCode::kUnauthenticated;
  const SignInThrottle::NewlyLocked locked =
      throttle_.Finish(username, client_address, failed, clock_.Now());
  // Usernames are staff accounts, not the people in cases; SafeText keeps a crafted name
  // from writing lines of its own into the log.
  if (locked.username) {
    spdlog::warn("sign-in: username \"{}\" locked for {} min after {} failed attempts (the last "
                 "from {})",
                 SafeText(username), kFailureWindow.count(), kMaxFailures,
                 SafeText(client_address));
  }
  if (locked.address) {
    spdlog::warn("sign-in: address {} locked for {} min after {} failed attempts across usernames",
                 SafeText(client_address), kFailureWindow.count(), kMaxFailuresPerAddress);
  }
  if (!checked.ok()) return checked.status();
  engine::User user = std::move(checked).value();
  SignedIn out;
  out.token = util::RandomToken();
  out.expire_time = now + ttl_;
  out.user = std::move(user);
  const engine::Session session{util::Sha256Hex(out.token), out.user.id, now, out.expire_time};
  GC_RETURN_IF_ERROR(store_.Write([&](engine::StoreWriter& w) { return w.SaveSession(session); }));
  return out;
}

engine::Result<engine::User> Authenticator::CheckPassword(const std::string& username,
                                                         const std::string& password) const {
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_ASSIGN_OR_RETURN(auto user, reader->FindUserByUsername(username));
  reader.reset();
  const bool ok = util::VerifyPassword(user ? user->password_hash : dummy_hash_, password);
  if (!user || !ok) return WrongCredentials();
  return std::move(*user);
}

namespace {

// The token of an "Authorization: Bearer TOKEN" header value.
engine::Result<std::string_view> BearerToken(std::string_view header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty()) return engine::Unauthenticated("missing Authorization: Bearer token");
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    return engine::Unauthenticated("Authorization header must be \"Bearer TOKEN\"");
  }
  return header.substr(kBearer.size());
}

}  // namespace

std::shared_ptr<const Caller> Authenticator::FromCache(const std::string& hash,
                                                       engine::TimePoint now) {
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return nullptr;
  if (now < it->second.cached_until && now < it->second.session_expires) {
    return it->second.caller;
  }
  cache_.erase(it);
  return nullptr;
}

engine::Result<Caller> Authenticator::Authenticate(std::string_view header) {
  GC_ASSIGN_OR_RETURN(std::string_view token, BearerToken(header));
  const std::string hash = util::Sha256Hex(token);
  const engine::TimePoint now = clock_.Now();
  if (auto cached = FromCache(hash, now)) return *cached;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(cache_mu_);
    generation = forget_generation_;
  }
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_ASSIGN_OR_RETURN(auto session, reader->FindSession(hash));
  if (!session) return engine::Unauthenticated("登录已失效，请重新登录 (unknown or revoked token)");
  if (session->expire_time <= now) {
    return engine::Unauthenticated("登录已过期，请重新登录 (token expired)");
  }
  GC_ASSIGN_OR_RETURN(auto user, reader->FindUserById(session->user_id));
  if (!user) return engine::Unauthenticated("the user of this token no longer exists");
  Caller caller;
  caller.actor = {user->id, user->role, user->org_unit_id};
  caller.user = std::move(*user);
  caller.token_hash = hash;
  caller.session_expires = session->expire_time;
  {
    std::lock_guard lock(cache_mu_);
    if (revoked_.count(hash)) return engine::Unauthenticated("登录已失效，请重新登录 (signed out)");
    // A revocation came while this looked up: answer this request, remember nothing.
    if (generation != forget_generation_) return caller;
    if (cache_.size() >= kMaxCached) cache_.clear();
    cache_[hash] = {std::make_shared<const Caller>(caller), session->expire_time, now + kCacheFor};
  }
  return caller;
}

engine::Status Authenticator::SignOut(const Caller& caller) {
  {
    std::lock_guard lock(cache_mu_);
    const engine::TimePoint now = clock_.Now();
    std::erase_if(revoked_, [&](const auto& r) { return r.second < now; });
    revoked_[caller.token_hash] = now + kCacheFor;
    cache_.erase(caller.token_hash);
  }
  return store_.Write([&](engine::StoreWriter& w) { return w.DeleteSession(caller.token_hash); });
}

engine::Result<Authenticator::Revoked> Authenticator::RevokeSessions(const Caller& admin,
                                                                    const std::string& username) {
  if (admin.user.role != engine::Role::kAdmin) {
    return engine::PermissionDenied("only an ADMIN may end another user's sessions");
  }
  Revoked out;
  GC_RETURN_IF_ERROR(store_.Write([&](engine::StoreWriter& w) -> engine::Status {
    GC_ASSIGN_OR_RETURN(auto user, w.FindUserByUsername(username));
    if (!user) return engine::NotFound("user \"" + SafeText(username) + "\" not found");
    GC_ASSIGN_OR_RETURN(out.sessions,
                        w.RevokeSessions(user->id, clock_.Now(),
                                         "revoked by administrator " + admin.user.username));
    out.user = std::move(*user);
    return engine::Status::Ok();
  }));
  ForgetUser(out.user.id);
  spdlog::info("sessions: {} session(s) of user {} revoked by administrator {}", out.sessions,
               out.user.id, admin.user.id);
  return out;
}

void Authenticator::ForgetUser(const std::string& user_id) {
  std::lock_guard lock(cache_mu_);
  ++forget_generation_;
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.caller->user.id == user_id; });
}

}  // namespace gridcare::handlers
