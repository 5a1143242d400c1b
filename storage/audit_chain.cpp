// The global audit chain's encoding and its appends on the write path (see audit_chain.h).
// Not verification: audit_verifier.cpp walks the chain with its own SQL.
#include "storage/audit_chain.h"

#include <string_view>

#include "util/crypto.h"

namespace gridcare::storage {

using engine::Result;
using engine::Status;

namespace {

constexpr std::string_view kPrefix = "gridcare-chain-v1";

void Field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
}

void Field(std::string& out, std::int64_t value) { Field(out, std::to_string(value)); }

std::string Start(std::string_view kind, engine::CaseId case_id, std::int64_t ref) {
  std::string out(kPrefix);
  Field(out, kind);
  Field(out, case_id);
  Field(out, ref);
  return out;
}

constexpr std::string_view kInsertSql =
    "INSERT INTO audit_chain (seq, kind, case_id, ref, chain_hash) VALUES (?1, ?2, ?3, ?4, ?5)";

// Appends one entry after `head` and moves `head` on.
Status Append(Stmt& insert, ChainHead& head, std::string_view kind, engine::CaseId case_id,
              std::int64_t ref, const std::string& entry) {
  head.hash = NextChainHash(head.hash, entry);
  ++head.seq;
  insert.Reset();
  insert.BindInt(1, head.seq).BindText(2, kind).BindInt(3, case_id).BindInt(4, ref).BindText(
      5, head.hash);
  return insert.Run();
}

}  // namespace

std::string ChainEventEntry(engine::CaseId case_id, int seq, const std::string& event_hash) {
  std::string out = Start(kChainEvent, case_id, seq);
  Field(out, event_hash);
  return out;
}

std::string ChainAccessEntry(std::int64_t id, const std::string& user_id, engine::CaseId case_id,
                             std::int64_t time_ms, const std::string& what) {
  std::string out = Start(kChainAccess, case_id, id);
  Field(out, user_id);
  Field(out, time_ms);
  Field(out, what);
  return out;
}

std::string NextChainHash(const std::string& prev_chain_hash, const std::string& entry) {
  // prev is fixed-length hex or "", and every entry starts with the prefix: unambiguous.
  return util::Sha256Hex(prev_chain_hash + entry);
}

Result<ChainHead> ReadChainHead(Db& db) {
  // The rightmost leaf of the rowid tree: one cached page on the write path.
  GC_ASSIGN_OR_RETURN(Stmt stmt,
                      db.Prepare("SELECT seq, chain_hash FROM audit_chain ORDER BY seq DESC LIMIT 1"));
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return ChainHead{};
  return ChainHead{stmt.Int(0), stmt.Text(1)};
}

Status ChainEvents(Db& db, const std::vector<engine::CaseEvent>& events,
                   const std::vector<std::string>& event_hashes) {
  if (events.size() != event_hashes.size()) {
    return engine::Internal("ChainEvents: one hash per event expected");
  }
  GC_ASSIGN_OR_RETURN(ChainHead head, ReadChainHead(db));
  GC_ASSIGN_OR_RETURN(Stmt insert, db.Prepare(kInsertSql));
  for (size_t i = 0; i < events.size(); ++i) {
    const engine::CaseEvent& e = events[i];
    GC_RETURN_IF_ERROR(Append(insert, head, kChainEvent, e.case_id, e.seq,
                              ChainEventEntry(e.case_id, e.seq, event_hashes[i])));
  }
  return Status::Ok();
}

Status ChainAccess(Db& db, const std::vector<std::int64_t>& ids,
                   const std::vector<engine::AccessRecord>& records) {
  if (ids.size() != records.size()) return engine::Internal("ChainAccess: one id per record");
  GC_ASSIGN_OR_RETURN(ChainHead head, ReadChainHead(db));
  GC_ASSIGN_OR_RETURN(Stmt insert, db.Prepare(kInsertSql));
  for (size_t i = 0; i < ids.size(); ++i) {
    const engine::AccessRecord& r = records[i];
    GC_RETURN_IF_ERROR(Append(insert, head, kChainAccess, r.case_id, ids[i],
                              ChainAccessEntry(ids[i], r.user_id, r.case_id,
                                               engine::ToUnixMillis(r.time), r.what)));
  }
  return Status::Ok();
}

Status ChainExistingRows(Db& db) {
  GC_ASSIGN_OR_RETURN(ChainHead head, ReadChainHead(db));
  if (head.seq != 0) return engine::Internal("ChainExistingRows: the audit chain is not empty");
  GC_ASSIGN_OR_RETURN(Stmt insert, db.Prepare(kInsertSql));
  {
    GC_ASSIGN_OR_RETURN(Stmt events,
                        db.Prepare("SELECT case_id, seq, hash FROM case_events ORDER BY case_id, seq"));
    while (true) {
      GC_ASSIGN_OR_RETURN(bool row, events.Step());
      if (!row) break;
      const engine::CaseId case_id = events.Int(0);
      const int seq = static_cast<int>(events.Int(1));
      GC_RETURN_IF_ERROR(Append(insert, head, kChainEvent, case_id, seq,
                                ChainEventEntry(case_id, seq, events.Text(2))));
    }
  }
  GC_ASSIGN_OR_RETURN(Stmt access,
                      db.Prepare("SELECT id, user_id, case_id, time_ms, what FROM access_log "
                                 "ORDER BY id"));
  while (true) {
    GC_ASSIGN_OR_RETURN(bool row, access.Step());
    if (!row) break;
    GC_RETURN_IF_ERROR(Append(insert, head, kChainAccess, access.Int(2), access.Int(0),
                              ChainAccessEntry(access.Int(0), access.Text(1), access.Int(2),
                                               access.Int(3), access.Text(4))));
  }
  return Status::Ok();
}

}  // namespace gridcare::storage
