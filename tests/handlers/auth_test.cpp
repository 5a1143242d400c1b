// The session cache behind Authenticate: what it answers without the store, and when it stops.
#include "handlers/auth.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "handlers/http_types.h"
#include "handlers/sign_in_throttle.h"
#include "storage/sqlite_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "util/crypto.h"

namespace gridcare::testing {
namespace {

constexpr char kSecret[] = "cache-test-password";

std::unique_ptr<storage::SqliteStore> StoreWithOneUser(const std::string& path) {
  auto store = storage::SqliteStore::Open(path);
  REQUIRE(store.ok());
  const auto hash = util::HashPassword(kSecret);
  REQUIRE(hash.ok());
  const std::vector<engine::OrgUnit> units = {{"G1", "一网格", engine::OrgLevel::kGrid, ""}};
  const std::vector<engine::User> users = {
      {"", "gw1", "网格员", engine::Role::kGridWorker, "G1", *hash}};
  REQUIRE((*store)
              ->Write([&](engine::StoreWriter& w) {
                GC_RETURN_IF_ERROR(w.UpsertOrgUnits(units));
                return w.UpsertUsers(users);
              })
              .ok());
  return std::move(store).value();
}

// One user "gw1" in a fresh store, a clock that moves only when told, and the
// Authenticator under test.
struct AuthWorld {
  TempDir dir;
  std::unique_ptr<storage::SqliteStore> store = StoreWithOneUser(dir.File("gc.db"));
  FakeClock clock{engine::FromUnixMillis(1'780'000'000'000)};
  handlers::Authenticator auth{*store, clock, std::chrono::hours(8)};
};

TEST_CASE("Authenticate answers a verified token from its cache, and only while fresh",
          "[handlers]") {
  AuthWorld world;
  auto& [dir, store, clock, auth] = world;
  auto signed_in = auth.SignIn("gw1", kSecret, "10.0.0.1");
  REQUIRE(signed_in.ok());
  const std::string header = "Bearer " + signed_in->token;

  CHECK(auth.Authenticate("Basic abc").status().code() == engine::ErrorCode::kUnauthenticated);
  CHECK(auth.Authenticate("").status().code() == engine::ErrorCode::kUnauthenticated);
  auto verified = auth.Authenticate(header);
  REQUIRE(verified.ok());
  CHECK(verified->user.username == "gw1");
  CHECK(verified->actor.unit_id == "G1");
  CHECK(auth.Authenticate(header + "x").status().code() == engine::ErrorCode::kUnauthenticated);

  // The session row goes behind the cache's back: the cache still answers for a while,
  // which shows it is a cache, and then the store is asked again and says no.
  REQUIRE(store->Write([&](engine::StoreWriter& w) {
                 return w.DeleteSession(verified->token_hash);
               }).ok());
  CHECK(auth.Authenticate(header).ok());
  clock.Advance(handlers::Authenticator::kCacheFor + std::chrono::seconds(1));
  CHECK(auth.Authenticate(header).status().code() == engine::ErrorCode::kUnauthenticated);
}

TEST_CASE("Signing out ends a token at once, cache or not", "[handlers]") {
  AuthWorld world;
  auto& [dir, store, clock, auth] = world;
  auto signed_in = auth.SignIn("gw1", kSecret, "10.0.0.1");
  REQUIRE(signed_in.ok());
  const std::string header = "Bearer " + signed_in->token;
  auto verified = auth.Authenticate(header);
  REQUIRE(verified.ok());
  REQUIRE(auth.SignOut(*verified).ok());
  CHECK(auth.Authenticate(header).status().code() == engine::ErrorCode::kUnauthenticated);
}

TEST_CASE("concurrent wrong passwords get no more checks than the limit", "[handlers]") {
  AuthWorld world;
  auto& [dir, store, clock, auth] = world;
  // Each UNAUTHENTICATED answer is one password checked; the rest must be refused before.
  constexpr int kGuessers = 16;
  std::vector<engine::ErrorCode> codes(kGuessers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuessers; ++i) {
    threads.emplace_back([&, i] {
      codes[i] = auth.SignIn("gw1", "guess-" + std::to_string(i), "10.0.0." + std::to_string(i))
                     .status()
                     .code();
    });
  }
  for (auto& t : threads) t.join();
  int checked = 0, refused = 0;
  for (const auto code : codes) {
    if (code == engine::ErrorCode::kUnauthenticated) ++checked;
    if (code == engine::ErrorCode::kResourceExhausted) ++refused;
  }
  CHECK(checked == handlers::Authenticator::kMaxFailures);
  CHECK(refused == kGuessers - handlers::Authenticator::kMaxFailures);
  // Locked: even the right password is not checked, from any address, until the window ends.
  CHECK(auth.SignIn("gw1", kSecret, "10.9.9.9").status().code() ==
        engine::ErrorCode::kResourceExhausted);
  clock.Advance(handlers::Authenticator::kFailureWindow + std::chrono::seconds(1));
  CHECK(auth.SignIn("gw1", kSecret, "10.9.9.9").ok());
}

TEST_CASE("spraying one password across usernames from one address is stopped", "[handlers]") {
  AuthWorld world;
  auto& [dir, store, clock, auth] = world;
  for (int i = 0; i < handlers::Authenticator::kMaxFailuresPerAddress; ++i) {
    CHECK(auth.SignIn("user" + std::to_string(i), "123456", "203.0.113.7").status().code() ==
          engine::ErrorCode::kUnauthenticated);
  }
  const auto sprayed = auth.SignIn("gw1", kSecret, "203.0.113.7");
  CHECK(sprayed.status().code() == engine::ErrorCode::kResourceExhausted);
  CHECK_THAT(sprayed.status().message(), Catch::Matchers::Contains("address"));
  // Another address is not held back, nor is the user whose name was not guessed.
  CHECK(auth.SignIn("gw1", kSecret, "198.51.100.1").ok());
}

TEST_CASE("the throttle's memory bound never unlocks a locked username", "[handlers]") {
  handlers::SignInThrottle throttle({3, 1000000, std::chrono::minutes(5), 10});
  const auto now = engine::FromUnixMillis(1'780'000'000'000);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(throttle.Begin("victim", "a", now) == handlers::SignInThrottle::Verdict::kGo);
    throttle.Finish("victim", "a", true, now);
  }
  // Many other names, each failing once, push the map past its bound of 10.
  for (int i = 0; i < 50; ++i) {
    const std::string name = "n" + std::to_string(i);
    REQUIRE(throttle.Begin(name, "b", now) == handlers::SignInThrottle::Verdict::kGo);
    throttle.Finish(name, "b", true, now);
  }
  CHECK(throttle.Begin("victim", "c", now) == handlers::SignInThrottle::Verdict::kUsernameLocked);
}

TEST_CASE("the client address is the peer, or the last value of the proxy's header",
          "[handlers]") {
  handlers::HttpRequest r;
  r.peer_address = "127.0.0.1";
  CHECK(handlers::ClientAddress(r, "") == "127.0.0.1");
  CHECK(handlers::ClientAddress(r, "X-Real-IP") == "127.0.0.1");  // header absent
  r.headers.emplace_back("x-forwarded-for", "6.6.6.6, 198.51.100.9 ");
  CHECK(handlers::ClientAddress(r, "X-Forwarded-For") == "198.51.100.9");
  CHECK(handlers::ClientAddress(r, "") == "127.0.0.1");  // not configured: never trusted
}

}  // namespace
}  // namespace gridcare::testing
