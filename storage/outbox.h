// The notification outbox on SQLite: enqueue inside a change's transaction, list what a
// sink still owes, record each attempt. Not delivery (app/notification_dispatcher.*).
#pragma once

#include <string>
#include <vector>

#include "engine/notification.h"
#include "engine/status.h"
#include "storage/sqlite.h"

namespace gridcare::storage::outbox {

// Ignores a notification already queued for the same (case, event, unit).
engine::Status Enqueue(Db& db, const std::vector<engine::Notification>& notifications);
// Oldest first: notifications `sink` has neither delivered nor given up on, whose next
// attempt is due at `now`.
engine::Result<std::vector<engine::OutboxEntry>> Pending(Db& db, const std::string& sink,
                                                         engine::TimePoint now, int limit);
engine::Status Record(Db& db, const engine::DeliveryRecord& record);

engine::Result<std::optional<engine::TimePoint>> NextRetryTime(Db& db);

}  // namespace gridcare::storage::outbox

namespace gridcare::storage {

// Implements the outbox writes of engine::StoreWriter on conn(); see SqliteReads.
template <typename Interface>
class SqliteOutboxWrites : public Interface {
 public:
  engine::Status EnqueueNotifications(
      const std::vector<engine::Notification>& notifications) override {
    return outbox::Enqueue(conn(), notifications);
  }
  engine::Status RecordDeliveries(const std::vector<engine::DeliveryRecord>& records) override {
    for (const auto& r : records) GC_RETURN_IF_ERROR(outbox::Record(conn(), r));
    return engine::Status::Ok();
  }

 protected:
  virtual Db& conn() = 0;
};

}  // namespace gridcare::storage
