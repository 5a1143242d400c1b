// The global audit chain: one row of `audit_chain` per case event and per access-log row, in
// commit order, each hashed onto the one before. Not the per-case chain (event_chain.h).
//
// Entry encoding, version 1 (any change needs a new prefix, or old chains stop verifying):
//   "gridcare-chain-v1", then netstring-like fields `<decimal byte length>:<bytes>`: kind
//   ("EVENT" or "ACCESS"), case_id, ref (the event's seq or the access row's id), then for
//   an event its hash (which covers its content and its case's chain), for an access row
//   user_id, time (unix ms), what.
//   chain_hash = hex SHA-256(previous chain_hash as hex text ‖ entry); "" before the first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/status.h"
#include "engine/store.h"
#include "storage/sqlite.h"

namespace gridcare::storage {

inline constexpr std::string_view kChainEvent = "EVENT";
inline constexpr std::string_view kChainAccess = "ACCESS";

// The newest entry: what an anchor records. seq 0 and hash "" for an empty chain.
struct ChainHead {
  std::int64_t seq = 0;
  std::string hash;
  bool operator==(const ChainHead&) const = default;
};

std::string ChainEventEntry(engine::CaseId case_id, int seq, const std::string& event_hash);
std::string ChainAccessEntry(std::int64_t id, const std::string& user_id, engine::CaseId case_id,
                             std::int64_t time_ms, const std::string& what);
std::string NextChainHash(const std::string& prev_chain_hash, const std::string& entry);

// The head as the connection sees it (inside a write transaction: with its own appends).
engine::Result<ChainHead> ReadChainHead(Db& db);

// Appends to the chain on the write connection, in the caller's transaction: one entry per
// event, given with the hashes the writer gave them.
engine::Status ChainEvents(Db& db, const std::vector<engine::CaseEvent>& events,
                           const std::vector<std::string>& event_hashes);
// One entry per access_log row, given by id with what was written.
engine::Status ChainAccess(Db& db, const std::vector<std::int64_t>& ids,
                           const std::vector<engine::AccessRecord>& records);

// For the migration that introduces the chain: chains every existing event (by case id,
// then seq) and then every access-log row (by id). Needs an empty audit_chain.
engine::Status ChainExistingRows(Db& db);

}  // namespace gridcare::storage
