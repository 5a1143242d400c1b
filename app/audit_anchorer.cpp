// AuditAnchorer: a WakeableLoop whose step appends one anchor line.
#include "app/audit_anchorer.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace gridcare::app {

engine::Result<std::unique_ptr<AuditAnchorer>> AuditAnchorer::Open(const AuditConfig& config,
                                                                   storage::SqliteStore& store,
                                                                   const engine::Clock& clock) {
  if (!config.enabled()) return std::unique_ptr<AuditAnchorer>();
  GC_ASSIGN_OR_RETURN(storage::AnchorKey key, storage::LoadAnchorKey(config.anchor_key_file));
  return std::unique_ptr<AuditAnchorer>(new AuditAnchorer(config, std::move(key), store, clock));
}

AuditAnchorer::AuditAnchorer(AuditConfig config, storage::AnchorKey key,
                             storage::SqliteStore& store, const engine::Clock& clock)
    : config_(std::move(config)),
      key_(std::move(key)),
      store_(store),
      clock_(clock),
      loop_("gc-anchor", [this] { return Step(); }) {}

AuditAnchorer::~AuditAnchorer() { Stop(); }

void AuditAnchorer::Start() {
  spdlog::info("audit: anchoring the audit chain to {} every {} s with key {}",
               config_.anchor_file,
               std::chrono::duration_cast<std::chrono::seconds>(config_.anchor_interval).count(),
               key_.id);
  loop_.Start();
}

void AuditAnchorer::Stop() {
  loop_.Stop();
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  if (const engine::Status s = AnchorNow(); !s.ok()) {
    spdlog::error("audit: no anchor at shutdown: {}", s.message());
  }
}

engine::Status AuditAnchorer::AnchorNow() {
  std::lock_guard lock(mu_);
  GC_ASSIGN_OR_RETURN(const storage::ChainHead head, store_.DurableChainHead());
  if (wrote_ && head == last_) return engine::Status::Ok();
  const std::string line =
      storage::FormatAnchor(head, engine::ToUnixMillis(clock_.Now()), key_);
  GC_RETURN_IF_ERROR(storage::AppendAnchor(config_.anchor_file, line));
  wrote_ = true;
  last_ = head;
  return engine::Status::Ok();
}

WakeableLoop::SysTime AuditAnchorer::Step() {
  if (const engine::Status s = AnchorNow(); !s.ok()) {
    spdlog::error("audit: anchor not written: {}", s.message());
  }
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(config_.anchor_interval);
}

}  // namespace gridcare::app
