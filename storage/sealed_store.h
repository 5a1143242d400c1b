// Whole-database operations on sealed personal data (personal_seal.h): whether a file holds
// any, and re-sealing every case under the current data key (key rotation).
// Not the per-write sealing (personal_writes.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "engine/status.h"
#include "storage/data_keys.h"

namespace gridcare::storage {

// False for a file that does not exist or predates sealing.
engine::Result<bool> HoldsSealedPersonalData(const std::string& db_path);

struct ResealReport {
  std::int64_t sealed_cases = 0;         // cases holding sealed data
  std::int64_t resealed = 0;             // of them, moved to the current key by this run
  std::int64_t changed_meanwhile = 0;    // left under an old key: a server changed the row
  std::map<int, std::int64_t> was_by_key;  // before this run: cases per data key id
};

// Re-seals every case not under keys.current_id() with the current key, keeping each
// field's salt so the commitments in the audit chain stay true. Batches of a few hundred
// cases per transaction, each row replaced only if unchanged since it was read, so it may run
// beside a server (which will need a restart to read rows under a key it did not load).
// `progress` gets the cases looked at so far.
engine::Result<ResealReport> ResealPersonalData(
    const std::string& db_path, const DataKeys& keys,
    const std::function<void(std::int64_t)>& progress);

}  // namespace gridcare::storage
