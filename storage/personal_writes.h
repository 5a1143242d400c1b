// What SaveCase stores for a case's sealed fields (personal_seal.h): its events with each
// change of a sealed field replaced by a commitment, the row's new envelope, and the keyed
// hashes of its subjects' ID numbers (subject_ids). Not the rest of the row or the chain.
#pragma once

#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/status.h"
#include "storage/data_keys.h"
#include "storage/sqlite.h"

namespace gridcare::storage {

struct SealedWrite {
  std::vector<engine::CaseEvent> events;  // as stored and hashed
  std::string personal;                   // the row's envelope after them
};

// `stored_personal` is the row's envelope before the write ('' for a new case). Without
// keys, and for a case stored in the clear (written without keys or before migration 7),
// the events are stored as they are and the row stays in the clear: a case is sealed from
// its first event or not at all, so its chain and its row always agree.
engine::Result<SealedWrite> SealCaseWrite(Db& db, const DataKeys* keys, engine::CaseId id,
                                          bool is_new, const std::string& stored_personal,
                                          const std::vector<engine::CaseEvent>& events);

// Keyed hashes (DataKeys::LookupHash) of the non-empty ID numbers in subjects text
// (EncodeSubjects), without repeats.
engine::Result<std::vector<std::string>> SubjectIdHashes(const DataKeys& keys,
                                                         const std::string& subjects_text);

}  // namespace gridcare::storage
