// The session cache behind Authenticate: what it answers without the store, and when it stops.
#include "handlers/auth.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>

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

TEST_CASE("Authenticate answers a verified token from its cache, and only while fresh",
          "[handlers]") {
  TempDir dir;
  auto store = StoreWithOneUser(dir.File("gc.db"));
  FakeClock clock(engine::FromUnixMillis(1'780'000'000'000));
  handlers::Authenticator auth(*store, clock, std::chrono::hours(8));
  auto signed_in = auth.SignIn("gw1", kSecret);
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
  TempDir dir;
  auto store = StoreWithOneUser(dir.File("gc.db"));
  FakeClock clock(engine::FromUnixMillis(1'780'000'000'000));
  handlers::Authenticator auth(*store, clock, std::chrono::hours(8));
  auto signed_in = auth.SignIn("gw1", kSecret);
  REQUIRE(signed_in.ok());
  const std::string header = "Bearer " + signed_in->token;
  auto verified = auth.Authenticate(header);
  REQUIRE(verified.ok());
  REQUIRE(auth.SignOut(*verified).ok());
  CHECK(auth.Authenticate(header).status().code() == engine::ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace gridcare::testing
