// Faults a test injects into a SqliteStore's write connection between two groups: a page cap
// that makes the file full, and failed writes of a commit's gathered WAL frames.
// Not part of the product: it works through SqliteStoreOptions::before_group_for_testing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/sqlite_store.h"
#include "storage/store_vfs.h"

namespace gridcare::testing {

class WriterFaults {
 public:
  // Hooks into `options` (replacing any hook there); the store opened with them applies
  // what is asked here before its next group. This object may go away before the store.
  explicit WriterFaults(storage::SqliteStoreOptions& options) : state_(std::make_shared<State>()) {
    options.before_group_for_testing = [state = state_](storage::Db& db) { state->Apply(db); };
  }

  // From the next group on, the file may hold at most `pages` pages (PRAGMA max_page_count;
  // SQLite raises a cap below the file's size to that size: the file is full), so a write
  // past it fails as on a full disk. 0 lifts the cap.
  void CapPages(std::int64_t pages) {
    std::lock_guard lock(state_->mu);
    state_->cap_pages = pages;
  }
  // The next `count` writes of a commit's gathered WAL frames fail as if the disk were full
  // (storage/store_vfs.h; only with gather_wal_writes).
  void FailWalFlushes(int count) {
    std::lock_guard lock(state_->mu);
    state_->fail_wal_flushes = count;
  }

 private:
  // SQLite's own ceiling for max_page_count: no cap.
  static constexpr std::int64_t kNoPageCap = 4294967294;

  struct State {
    std::mutex mu;
    std::optional<std::int64_t> cap_pages;
    std::optional<int> fail_wal_flushes;

    // On the writer thread, outside any transaction.
    void Apply(storage::Db& db) {
      std::lock_guard lock(mu);
      if (cap_pages) {
        const std::int64_t pages = *cap_pages > 0 ? *cap_pages : kNoPageCap;
        (void)db.Exec("PRAGMA max_page_count = " + std::to_string(pages));
        cap_pages.reset();
      }
      if (fail_wal_flushes) {
        (void)storage::FailWalFlushesForTesting(db.raw(), *fail_wal_flushes);
        fail_wal_flushes.reset();
      }
    }
  };
  std::shared_ptr<State> state_;
};

}  // namespace gridcare::testing
