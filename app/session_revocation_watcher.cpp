// SessionRevocationWatcher: polls session_revocations and ends each named user's sign-ins.
#include "app/session_revocation_watcher.h"

#include <spdlog/spdlog.h>


namespace gridcare::app {

namespace {
constexpr int kBatch = 1000;
}  // namespace

SessionRevocationWatcher::SessionRevocationWatcher(engine::Store& store,
                                                   handlers::Authenticator& auth,
                                                   handlers::EventHub& hub)
    : store_(store), auth_(auth), hub_(hub), loop_("gc-revocations", [this] { return Step(); }) {}

engine::Status SessionRevocationWatcher::Start() {
  // Skip to the newest revocation: one page at a time, since there may be many.
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  while (true) {
    GC_ASSIGN_OR_RETURN(auto page, reader->ListSessionRevocations(seen_, kBatch));
    if (page.empty()) break;
    seen_ = page.back().id;
  }
  reader.reset();
  loop_.Start();
  return engine::Status::Ok();
}

WakeableLoop::SysTime SessionRevocationWatcher::Step() {
  const auto next = std::chrono::system_clock::now() + kPollEvery;
  auto reader = store_.Read();
  if (!reader.ok()) {
    spdlog::warn("sessions: cannot read revocations: {}", reader.status().message());
    return next;
  }
  auto page = (*reader)->ListSessionRevocations(seen_, kBatch);
  reader->reset();
  if (!page.ok()) {
    spdlog::warn("sessions: cannot read revocations: {}", page.status().message());
    return next;
  }
  for (const engine::SessionRevocation& r : *page) {
    auth_.ForgetUser(r.user_id);
    hub_.EndUser(r.user_id);
    seen_ = r.id;
  }
  if (!page->empty()) {
    spdlog::info("sessions: ended the sign-ins and streams of {} revoked user(s)", page->size());
  }
  // A full page: more are waiting, run again at once.
  return page->size() == static_cast<size_t>(kBatch) ? std::chrono::system_clock::now() : next;
}

}  // namespace gridcare::app
