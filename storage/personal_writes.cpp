// Sealing a case's changes on their way into the store, and the ID-number index.
// Not the envelope format (personal_seal.cpp).
#include "storage/personal_writes.h"

#include <algorithm>

#include "storage/case_row.h"
#include "storage/personal_seal.h"

namespace gridcare::storage {

using engine::CaseEvent;
using engine::Result;
using engine::Status;

namespace {

Status UpdateSubjectIds(Db& db, const DataKeys& keys, engine::CaseId id,
                        const std::string& before, const std::string& after) {
  GC_ASSIGN_OR_RETURN(std::vector<std::string> old_hashes, SubjectIdHashes(keys, before));
  GC_ASSIGN_OR_RETURN(std::vector<std::string> new_hashes, SubjectIdHashes(keys, after));
  GC_ASSIGN_OR_RETURN(Stmt remove,
                      db.Prepare("DELETE FROM subject_ids WHERE id_hash = ?1 AND case_id = ?2"));
  for (const std::string& h : old_hashes) {
    if (std::find(new_hashes.begin(), new_hashes.end(), h) != new_hashes.end()) continue;
    remove.Reset();
    remove.BindText(1, h).BindInt(2, id);
    GC_RETURN_IF_ERROR(remove.Run());
  }
  GC_ASSIGN_OR_RETURN(Stmt add, db.Prepare("INSERT OR IGNORE INTO subject_ids (id_hash, case_id) "
                                           "VALUES (?1, ?2)"));
  for (const std::string& h : new_hashes) {
    add.Reset();
    add.BindText(1, h).BindInt(2, id);
    GC_RETURN_IF_ERROR(add.Run());
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> SubjectIdHashes(const DataKeys& keys,
                                                 const std::string& subjects_text) {
  GC_ASSIGN_OR_RETURN(std::vector<engine::Subject> subjects, DecodeSubjects(subjects_text));
  std::vector<std::string> hashes;
  for (const engine::Subject& s : subjects) {
    if (s.id_number.find_first_not_of(" \t") == std::string::npos) continue;
    std::string h = keys.LookupHash(s.id_number);
    if (std::find(hashes.begin(), hashes.end(), h) == hashes.end()) hashes.push_back(std::move(h));
  }
  return hashes;
}

Result<SealedWrite> SealCaseWrite(Db& db, const DataKeys* keys, engine::CaseId id, bool is_new,
                                  const std::string& stored_personal,
                                  const std::vector<CaseEvent>& events) {
  SealedWrite out{events, stored_personal};
  if (keys == nullptr || (!is_new && stored_personal.empty())) return out;

  const auto touches = [](const CaseEvent& e) {
    return std::any_of(kSealedFields.begin(), kSealedFields.end(), [&](std::string_view f) {
      return e.changes.find(f) != nullptr;
    });
  };
  if (std::none_of(events.begin(), events.end(), touches)) return out;

  // The values as they stand before these events: a new case starts from empty fields.
  PersonalFields current;
  if (!is_new) {
    GC_ASSIGN_OR_RETURN(current, OpenPersonal(*keys, id, stored_personal));
  }
  const std::string subjects_before = current.values[2];
  for (CaseEvent& e : out.events) {
    engine::FieldMap changes;
    for (const auto& [key, value] : e.changes) {
      const auto field = std::find(kSealedFields.begin(), kSealedFields.end(), key);
      if (field == kSealedFields.end() || value.empty()) {
        // Unsealed fields, and erasures: an empty value hides nothing.
        changes.insert_or_assign(key, value);
        if (field != kSealedFields.end()) {
          current.values[static_cast<size_t>(field - kSealedFields.begin())].clear();
        }
        continue;
      }
      const auto i = static_cast<size_t>(field - kSealedFields.begin());
      current.values[i] = value;
      current.salts[i] = NewSalt();
      changes.insert_or_assign(SealedChangeKey(key), Commitment(current.salts[i], value));
    }
    e.changes = std::move(changes);
  }
  const bool all_empty = std::all_of(current.values.begin(), current.values.end(),
                                     [](const std::string& v) { return v.empty(); });
  if (all_empty) {
    out.personal.clear();
  } else {
    for (std::string& salt : current.salts) {
      if (salt.empty()) salt = NewSalt();  // a field never set: its (empty) value still gets one
    }
    GC_ASSIGN_OR_RETURN(out.personal, SealPersonal(*keys, id, current));
  }
  GC_RETURN_IF_ERROR(UpdateSubjectIds(db, *keys, id, subjects_before, current.values[2]));
  return out;
}

}  // namespace gridcare::storage
