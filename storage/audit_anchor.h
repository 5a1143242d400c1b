// Anchors: the global audit chain's head, MACed with a key that is not in the database and
// appended to a file outside it, and their check against a database. Not the chain itself
// (audit_chain.h) nor when anchors are written (app/audit_anchorer.h).
//
// A line, version 1, one per anchor:
//   gridcare-anchor-v1 seq=<n> hash=<chain hash, hex; empty for n = 0> time_ms=<unix ms>
//   key=<key id> mac=<hex HMAC-SHA256 under the key of everything before " mac=">
// The key is 32 random bytes kept as 64 hex characters in a file of its own (mode 0600);
// its id is the first 16 hex characters of SHA-256("gridcare-anchor-key" ‖ key).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"
#include "storage/audit_chain.h"
#include "storage/audit_verifier.h"

namespace gridcare::storage {

struct AnchorKey {
  std::string bytes;  // 32
  std::string id;     // 16 hex characters
};

// Reads a key file; INVALID_ARGUMENT names the file when it is not one.
engine::Result<AnchorKey> LoadAnchorKey(const std::string& path);
// Makes a new key at `path` (mode 0600); refuses to overwrite an existing file.
engine::Result<AnchorKey> CreateAnchorKey(const std::string& path);

// The line (without newline) for `head` at `time_ms`.
std::string FormatAnchor(const ChainHead& head, std::int64_t time_ms, const AnchorKey& key);
// Appends `line` and a newline to `path` (created with mode 0600) and fsyncs it (and its
// directory when the file is new): an anchor that was written is on disk.
engine::Status AppendAnchor(const std::string& path, const std::string& line);

// Checks the anchors in `anchors_path` against the database at `db_path`: each line parses;
// with a key, each was made with that key and its MAC is right; the database's chain holds
// each anchored entry with the anchored hash, so it reaches at least the newest anchor.
// Without a key (null) the MACs go unchecked. Findings say what is wrong, naming the line;
// the Status is an error only when a file cannot be read.
engine::Result<std::vector<AuditFinding>> VerifyAnchors(const std::string& db_path,
                                                        const std::string& anchors_path,
                                                        const AnchorKey* key);

}  // namespace gridcare::storage
