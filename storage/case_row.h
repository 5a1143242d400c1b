// How a Case and a CaseEvent map to rows of `cases` and `case_events`, shared by the store
// and the audit verifier so both read the same way. Not transactions or policy.
//
// Text encodings of the two structured columns (netstrings: `<decimal byte length>:<bytes>`,
// concatenated; unambiguous for any text, including CJK and separators):
//   cases.subjects       per subject: name, role (SubjectRole name), age, id_number, phone
//   case_events.changes  per change, sorted by key: key, value
// A case sealed at rest (personal_seal.h) has '' in description, address and subjects and
// their values in the envelope in cases.personal; its events record commitments under
// "<field>.sealed". Cases written without data keys (and before migration 7) have
// personal = '' and their values in the clear.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/case.h"
#include "engine/status.h"
#include "storage/data_keys.h"
#include "storage/sqlite.h"

namespace gridcare::storage {

std::string EncodeSubjects(const std::vector<engine::Subject>& subjects);
engine::Result<std::vector<engine::Subject>> DecodeSubjects(std::string_view text);
std::string EncodeChanges(const engine::FieldMap& changes);
engine::Result<engine::FieldMap> DecodeChanges(std::string_view text);

// "id, number, ..., last_hash": every column of `cases`, in the order the functions below use.
const std::string& CaseColumns();
inline constexpr int kCaseColumnCount = 34;
// CaseColumns() for a file at an older schema version (`audit verify` of an old backup):
// a column it lacks reads as its default.
std::string CaseColumnsAt(std::int64_t schema_version);
// The names in CaseColumns(), one each.
const std::vector<std::string>& CaseColumnNames();
// Positions in CaseColumns() that code looks up by name.
inline constexpr int kCaseVersionColumn = 27;
inline constexpr int kCasePendingResponseWarnColumn = 28;
inline constexpr int kCasePendingResponseDueColumn = 29;
inline constexpr int kCasePendingResolveDueColumn = 30;
inline constexpr int kCasePendingFollowUpDueColumn = 31;
inline constexpr int kCaseLastHashColumn = 32;
inline constexpr int kCasePersonalColumn = 33;
// `c` as the kCaseColumnCount values of its row, in CaseColumns() order; with a non-empty
// `personal` envelope the three sealed columns are '' (their values are in it).
std::vector<SqlValue> CaseRowValues(const engine::Case& c, const std::string& last_hash,
                                    const std::string& personal);
// Binds parameters 1..kCaseColumnCount (?1 = id ... ?34 = personal) from `c`.
void BindCaseColumns(Stmt& stmt, const engine::Case& c, const std::string& last_hash,
                     const std::string& personal);

// How a row's personal envelope becomes the values of the sealed fields, in kSealedFields
// order (subjects as EncodeSubjects text).
class PersonalReader {
 public:
  virtual ~PersonalReader() = default;
  virtual engine::Result<std::array<std::string, 3>> Read(engine::CaseId id,
                                                          std::string_view envelope) const = 0;
};
// Opens envelopes with `keys`; without keys a sealed row is FAILED_PRECONDITION.
class KeyedPersonalReader final : public PersonalReader {
 public:
  explicit KeyedPersonalReader(const DataKeys* keys) : keys_(keys) {}
  engine::Result<std::array<std::string, 3>> Read(engine::CaseId id,
                                                  std::string_view envelope) const override;

 private:
  const DataKeys* keys_;
};

// Reads a row selected with CaseColumns() (starting at column 0). DATA_LOSS names the
// column when a stored value cannot be a case field (e.g. an unknown state).
engine::Result<engine::Case> ReadCaseColumns(const Stmt& stmt, const PersonalReader& personal);

const std::string& EventColumns();
inline constexpr int kEventColumnCount = 15;
// Binds parameters 1..kEventColumnCount from `e`, with the chain links given (the event's own
// prev_hash and hash fields are not read: the writer computes them).
void BindEventColumns(Stmt& stmt, const engine::CaseEvent& e, const std::string& prev_hash,
                      const std::string& hash);
engine::Result<engine::CaseEvent> ReadEventColumns(const Stmt& stmt);

// Whole-row helpers over a connection.
engine::Result<std::optional<engine::Case>> LoadCase(Db& db, engine::CaseId id,
                                                    const PersonalReader& personal,
                                                    const std::string& columns = CaseColumns());
// Ordered by seq.
engine::Result<std::vector<engine::CaseEvent>> LoadEvents(Db& db, engine::CaseId id);

}  // namespace gridcare::storage
