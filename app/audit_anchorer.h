// The running server's anchors: the global audit chain's durable head, MACed and appended to
// the anchor file every [audit] anchor_interval and once more at a clean stop. Not the line
// format nor its check (storage/audit_anchor.h).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "app/config.h"
#include "app/wakeable_loop.h"
#include "engine/clock.h"
#include "storage/audit_anchor.h"
#include "storage/sqlite_store.h"

namespace gridcare::app {

class AuditAnchorer {
 public:
  // Reads the key file; null (and OK) when [audit] is off. `store` and `clock` must outlive
  // the anchorer.
  static engine::Result<std::unique_ptr<AuditAnchorer>> Open(const AuditConfig& config,
                                                             storage::SqliteStore& store,
                                                             const engine::Clock& clock);
  ~AuditAnchorer();  // Stop()

  // Writes an anchor at once, then every interval.
  void Start();
  // Ends the thread, then writes a last anchor: the head at a clean stop. Idempotent.
  void Stop();
  // Writes an anchor now unless the head has not moved since the last one.
  engine::Status AnchorNow();

 private:
  AuditAnchorer(AuditConfig config, storage::AnchorKey key, storage::SqliteStore& store,
                const engine::Clock& clock);
  WakeableLoop::SysTime Step();

  const AuditConfig config_;
  const storage::AnchorKey key_;
  storage::SqliteStore& store_;
  const engine::Clock& clock_;
  std::mutex mu_;  // one anchor at a time: the loop's and Stop()'s
  bool wrote_ = false;
  storage::ChainHead last_;
  bool stopped_ = false;
  WakeableLoop loop_;  // last: its thread stops before the members it uses go
};

}  // namespace gridcare::app
