// The audit chain's canonical event encoding and hash (see event_chain.h).
// Not storage: callers decide where events and hashes are kept.
//
// Encoding, version 1 (any change needs a new prefix, or old chains stop verifying):
//   "gridcare-event-v1", then each field as a netstring-like `<decimal byte length>:<bytes>`
//   in this order: case_id, seq, time (unix ms), actor_id, actor_role, actor_unit_id,
//   action, from_state ("" when absent), to_state, assigned_unit_id, note, due_time
//   (unix ms, "" when absent), the number of changes, then each change as key, value,
//   sorted by key (byte order). Integers are decimal text; enums are their contract names.
// Length prefixes make the encoding unambiguous: no choice of field text can make two
// different events produce the same bytes.
#include "storage/event_chain.h"

#include <string_view>

#include "engine/enums.h"
#include "util/crypto.h"

namespace gridcare::storage {

namespace {

constexpr std::string_view kPrefix = "gridcare-event-v1";

void Field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
}

void Field(std::string& out, std::int64_t value) { Field(out, std::to_string(value)); }

}  // namespace

std::string CanonicalEventBytes(const engine::CaseEvent& e) {
  std::string out(kPrefix);
  Field(out, e.case_id);
  Field(out, static_cast<std::int64_t>(e.seq));
  Field(out, engine::ToUnixMillis(e.time));
  Field(out, e.actor_id);
  Field(out, engine::Name(e.actor_role));
  Field(out, e.actor_unit_id);
  Field(out, engine::Name(e.action));
  Field(out, e.from_state ? engine::Name(*e.from_state) : std::string_view());
  Field(out, engine::Name(e.to_state));
  Field(out, e.assigned_unit_id);
  Field(out, e.note);
  Field(out, e.due_time ? std::to_string(engine::ToUnixMillis(*e.due_time)) : std::string());
  Field(out, static_cast<std::int64_t>(e.changes.size()));
  for (const auto& [key, value] : e.changes) {  // a FieldMap: already sorted by key
    Field(out, key);
    Field(out, value);
  }
  return out;
}

std::string ChainHash(const std::string& prev_hash, const engine::CaseEvent& e) {
  // prev_hash is fixed-length hex (or "" for the first event), so plain concatenation
  // is unambiguous: the canonical bytes always start with the prefix.
  return util::Sha256Hex(prev_hash + CanonicalEventBytes(e));
}

}  // namespace gridcare::storage
