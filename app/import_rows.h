// The row checks of `gridcare import orgs|users` on parsed CSV records: every bad row
// reported by its line, and org rows merged with the stored units into a valid tree. No
// files, no store, no password hashing: import_commands.* does those around these.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "app/csv.h"
#include "engine/case.h"
#include "engine/org_tree.h"
#include "engine/status.h"

namespace gridcare::app {

struct ImportReport {
  int created = 0;
  int updated = 0;
  int unchanged = 0;  // same id (username) and identical fields, the password included
  // users: those whose password, role or unit changed, whose sessions were therefore ended
  // (a running server ends their live streams too), and how many sessions that was.
  int users_signed_out = 0;
  int sessions_ended = 0;
  // One "line N: reason" per bad row; when any is present nothing was written.
  std::vector<std::string> errors;
};

inline constexpr std::string_view kOrgsHeader = "id,name,level,parent_id";
inline constexpr std::string_view kUsersHeader = "username,display_name,role,org_id,password";

// The records after the header, which must be exactly `header` (fields trimmed) on line 1;
// INVALID_ARGUMENT naming `path` otherwise.
engine::Result<std::vector<CsvRecord>> DataRows(std::vector<CsvRecord> records,
                                                std::string_view header, const std::string& path);

// The errors as one INVALID_ARGUMENT: the count first, then a line per bad row, so the
// command line can print it as is.
engine::Status RowErrors(const std::string& path, const std::vector<std::string>& errors);

struct OrgRow {
  int line = 0;
  engine::OrgUnit unit;
};

struct CheckedOrgs {
  std::vector<OrgRow> rows;                 // the rows without a fault of their own
  std::unordered_set<std::string> bad_ids;  // rows with an id but some other fault
  std::vector<std::string> errors;          // "line N: reason", one per bad row
};

// orgs.csv data rows: field count, id, name, level, parent id, duplicates.
CheckedOrgs CheckOrgRows(const std::vector<CsvRecord>& records);

// `checked` merged with the `stored` units (same id → update): each row must fit under its
// ancestors and the whole merged tree must be valid. Fills `report` (counts, and every
// error of `checked` and of the tree, sorted by line). The units to write, or the errors
// as one INVALID_ARGUMENT naming `path`.
engine::Result<std::vector<engine::OrgUnit>> MergeOrgRows(const CheckedOrgs& checked,
                                                          std::vector<engine::OrgUnit> stored,
                                                          const std::string& path,
                                                          ImportReport* report);

struct UserRow {
  int line = 0;
  engine::User user;  // without its password hash
  std::string password;
};

// users.csv data rows against the stored units' levels (`level_of`, by unit id): field
// count, username, display name, role, unit and whether the role fits it, password length.
// A "line N: reason" per bad row goes to `errors`; the good rows are returned.
std::vector<UserRow> CheckUserRows(
    const std::vector<CsvRecord>& records,
    const std::unordered_map<std::string, engine::OrgLevel>& level_of,
    std::vector<std::string>* errors);

}  // namespace gridcare::app
