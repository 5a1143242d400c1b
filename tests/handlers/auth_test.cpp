// The session cache: what CachedCaller answers without the store, and when it stops.
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

TEST_CASE("CachedCaller answers only what Authenticate has verified, and only while fresh",
          "[handlers]") {
  TempDir dir;
  auto store = StoreWithOneUser(dir.File("gc.db"));
  FakeClock clock(engine::FromUnixMillis(1'780'000'000'000));
  handlers::Authenticator auth(*store, clock, std::chrono::hours(8));
  auto signed_in = auth.SignIn("gw1", kSecret);
  REQUIRE(signed_in.ok());
  const std::string header = "Bearer " + signed_in->token;

  CHECK(auth.CachedCaller(header) == nullptr);  // never verified in this process yet
  CHECK(auth.CachedCaller("Basic abc") == nullptr);
  CHECK(auth.CachedCaller("") == nullptr);

  auto verified = auth.Authenticate(header);
  REQUIRE(verified.ok());
  auto cached = auth.CachedCaller(header);
  REQUIRE(cached != nullptr);
  CHECK(cached->user.username == "gw1");
  CHECK(cached->actor.unit_id == "G1");
  CHECK(cached->token_hash == verified->token_hash);
  CHECK(auth.CachedCaller("Bearer " + signed_in->token + "x") == nullptr);

  // Past the cache's time the store must be asked again.
  clock.Advance(handlers::Authenticator::kCacheFor + std::chrono::seconds(1));
  CHECK(auth.CachedCaller(header) == nullptr);
  REQUIRE(auth.Authenticate(header).ok());
  REQUIRE(auth.CachedCaller(header) != nullptr);

  // Signed out: gone from the cache at once.
  REQUIRE(auth.SignOut(*verified).ok());
  CHECK(auth.CachedCaller(header) == nullptr);
  CHECK(auth.Authenticate(header).status().code() == engine::ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace gridcare::testing
