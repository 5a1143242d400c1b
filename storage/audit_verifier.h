// Offline check of a whole database's audit trail: every case's hash chain, and that its
// row is what its events say. Not repair, and not used on the write path.
#pragma once

#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/status.h"

namespace gridcare::storage {

struct AuditFinding {
  engine::CaseId case_id = 0;  // 0: about the database as a whole
  std::string case_number;     // "" when the case row is gone
  int seq = 0;                 // the event at fault; 0: the case row (or the database)
  // A full sentence naming the case (id and number), the event and what is wrong, e.g.
  // "case 7 (NA-2026-000007): event 3: hash does not match its content (edited?)".
  std::string problem;
};

// Opens `db_path` read-only and checks it with plain SQL, trusting nothing in the file:
// an attacker may have dropped the append-only triggers. Per case: event seqs are 1..n
// without gaps, each prev_hash is the previous event's hash ("" for the first), each hash
// is ChainHash of its content, last_hash and version match the last event, the deadline
// index mirrors the row, and the row equals engine::ReplayEvents of its events. Also flags
// events whose case row is missing and missing append-only triggers.
// An empty vector means intact; the Status is an error only when the file cannot be read.
engine::Result<std::vector<AuditFinding>> VerifyAudit(const std::string& db_path);

}  // namespace gridcare::storage
