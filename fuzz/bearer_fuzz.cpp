// libFuzzer target: an Authorization header value, through Authenticator::Authenticate
// against a real store holding one user with one session. Only that session's exact
// "Bearer TOKEN" may authenticate; everything else is UNAUTHENTICATED with a clean message.
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "fuzz/body_fuzz.h"
#include "fuzz/fuzz_check.h"
#include "handlers/auth.h"
#include "storage/sqlite_store.h"
#include "util/crypto.h"

namespace gridcare::fuzz {
namespace {

class FixedClock : public engine::Clock {
 public:
  engine::TimePoint Now() const override { return engine::FromUnixMillis(1'780'000'000'000); }
};

// One store in a fresh temporary directory for the whole run, with user gw1 signed in.
struct AuthWorld {
  std::filesystem::path dir;
  std::unique_ptr<storage::SqliteStore> store;
  FixedClock clock;
  std::unique_ptr<handlers::Authenticator> auth;
  std::string header;  // the one that authenticates

  AuthWorld() {
    dir = std::filesystem::temp_directory_path() /
          ("gridcare-fuzz-" + std::to_string(static_cast<long>(::getpid())));
    std::filesystem::create_directories(dir);
    auto opened = storage::SqliteStore::Open((dir / "gc.db").string());
    if (!opened.ok()) Fail("the store opens", opened.status().message());
    store = std::move(opened).value();
    const auto hash = util::HashPassword("fuzz-password");
    if (!hash.ok()) Fail("a password hashes", hash.status().message());
    const std::vector<engine::OrgUnit> units = {{"G1", "一网格", engine::OrgLevel::kGrid, ""}};
    const std::vector<engine::User> users = {
        {"", "gw1", "网格员", engine::Role::kGridWorker, "G1", *hash}};
    const engine::Status seeded = store->Write([&](engine::StoreWriter& w) {
      GC_RETURN_IF_ERROR(w.UpsertOrgUnits(units));
      return w.UpsertUsers(users);
    });
    if (!seeded.ok()) Fail("the store is seeded", seeded.message());
    auth = std::make_unique<handlers::Authenticator>(*store, clock, std::chrono::hours(8));
    auto signed_in = auth->SignIn("gw1", "fuzz-password", "127.0.0.1");
    if (!signed_in.ok()) Fail("gw1 signs in", signed_in.status().message());
    header = "Bearer " + signed_in->token;
    auto caller = auth->Authenticate(header);
    if (!caller.ok() || caller->user.username != "gw1") Fail("gw1's token authenticates");
  }
  ~AuthWorld() {
    auth.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

AuthWorld& TheAuthWorld() {
  static AuthWorld world;
  return world;
}

}  // namespace
}  // namespace gridcare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gridcare;
  fuzz::AuthWorld& world = fuzz::TheAuthWorld();
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  auto caller = world.auth->Authenticate(header);
  if (caller.ok()) {
    fuzz::Check(header == world.header, "only the session's own header authenticates",
                std::string(header));
    fuzz::Check(caller->user.username == "gw1", "a token names its own user");
  } else {
    fuzz::Check(caller.status().code() == engine::ErrorCode::kUnauthenticated,
                "a bad Authorization header is UNAUTHENTICATED", caller.status().message());
    fuzz::CheckErrorAnswer(caller.status());
  }
  return 0;
}
