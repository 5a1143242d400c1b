// Files only the server's user may read — key files, anchor files — written so that a crash
// or a power cut leaves either the old content or the new, never a torn one.
// Not what goes in them (data_keys.h, audit_anchor.h).
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace gridcare::storage {

// Creates `path` (mode 0600) holding `content`, synced; ALREADY_EXISTS-like UNAVAILABLE if
// the file is there: a key is never overwritten by accident.
engine::Status CreatePrivateFile(const std::string& path, std::string_view content);
// Replaces `path` (mode 0600) with `content` through a synced temporary file and a rename.
engine::Status ReplacePrivateFile(const std::string& path, std::string_view content);
// Appends `content` to `path` (created 0600 when missing) and syncs it.
engine::Status AppendPrivateFile(const std::string& path, std::string_view content);

}  // namespace gridcare::storage
