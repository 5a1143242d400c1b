// The audit hash chain: canonical bytes of an event and hash = SHA-256(prevHash ‖ bytes).
// Not storage of events (sqlite_store.*) nor verification of whole stores (audit_verifier.*).
#pragma once

#include <string>

#include "engine/case.h"

namespace gridcare::storage {

// Deterministic, unambiguous encoding (length-prefixed fields, fixed order) of everything
// in the event except prev_hash and hash.
std::string CanonicalEventBytes(const engine::CaseEvent& e);
// Hex SHA-256 over prev_hash (as hex text) followed by CanonicalEventBytes(e).
std::string ChainHash(const std::string& prev_hash, const engine::CaseEvent& e);

}  // namespace gridcare::storage
