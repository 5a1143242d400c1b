// Org and user import: every row is checked and every bad row reported by line before
// anything is written; then one transaction. Not the tree rules themselves (engine/).
#include "app/import_commands.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "app/csv.h"
#include "app/system_clock.h"
#include "engine/enums.h"
#include "engine/org_tree.h"
#include "engine/scope.h"
#include "util/crypto.h"

namespace gridcare::app {

namespace {

using engine::InvalidArgument;
using engine::OrgUnit;
using engine::Status;

constexpr std::string_view kOrgsHeader = "id,name,level,parent_id";
constexpr std::string_view kUsersHeader = "username,display_name,role,org_id,password";
constexpr size_t kMinPasswordChars = 8;
constexpr size_t kMaxUsernameBytes = 64;

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

template <typename Range>
std::string NamesOf(const Range& values) {
  std::vector<std::string> names;
  for (auto v : values) names.emplace_back(engine::Name(v));
  return Join(names, ", ");
}

// Reads the file and checks the header; returns the data rows (header dropped).
engine::Result<std::vector<CsvRecord>> ReadRows(const std::string& path, std::string_view header) {
  GC_ASSIGN_OR_RETURN(auto records, ReadCsvFile(path));
  if (records.empty()) {
    return InvalidArgument(path + ": empty file; line 1 must be the header " + std::string(header));
  }
  std::vector<std::string> got;
  for (const auto& f : records.front().fields) got.push_back(Trim(f));
  if (Join(got, ",") != header || records.front().line != 1) {
    return InvalidArgument(path + ": line 1: header must be exactly \"" + std::string(header) +
                           "\", got \"" + Join(records.front().fields, ",") + "\"");
  }
  records.erase(records.begin());
  return records;
}

std::string At(int line, std::string_view reason) {
  return "line " + std::to_string(line) + ": " + std::string(reason);
}

// The report's errors as one status: the count first, then a line per bad row, so the
// command line can print it as is.
Status RowErrors(const std::string& path, const std::vector<std::string>& errors) {
  return InvalidArgument(path + ": " + std::to_string(errors.size()) +
                         (errors.size() == 1 ? " bad row" : " bad rows") +
                         "; nothing was imported\n" + Join(errors, "\n"));
}

size_t Utf8Chars(std::string_view s) {
  // Continuation bytes are 10xxxxxx; every other byte starts a character.
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// --- orgs ------------------------------------------------------------------------------

struct OrgRow {
  int line = 0;
  OrgUnit unit;
};

// Checks one unit against its ancestors in `merged`, so a tree error lands on the row
// that causes it rather than on whichever unit OrgTree::Build happens to meet first.
// Returns nullopt when the unit is fine or the fault lies with an ancestor (which is
// reported on its own row).
std::optional<std::string> CheckAgainstAncestors(
    const OrgRow& row, const std::unordered_map<std::string, OrgUnit>& merged,
    const std::unordered_set<std::string>& bad_ids) {
  std::vector<OrgUnit> ancestors;  // parent first, root last
  std::unordered_set<std::string> seen = {row.unit.id};
  for (std::string pid = row.unit.parent_id; !pid.empty();) {
    if (bad_ids.count(pid) > 0) return std::nullopt;
    auto it = merged.find(pid);
    if (it == merged.end()) {
      if (pid != row.unit.parent_id) return std::nullopt;
      return "parent_id: unit " + Quoted(pid) +
             " not found in this file or among the units already imported";
    }
    if (!seen.insert(pid).second) break;  // a cycle; the level rules reject it below
    ancestors.push_back(it->second);
    pid = it->second.parent_id;
  }
  std::reverse(ancestors.begin(), ancestors.end());
  if (!ancestors.empty() && !engine::OrgTree::Build(ancestors).ok()) return std::nullopt;
  ancestors.push_back(row.unit);
  auto tree = engine::OrgTree::Build(std::move(ancestors));
  if (!tree.ok()) return tree.status().message();
  return std::nullopt;
}

}  // namespace

Status ImportOrgs(engine::Store& store, const std::string& csv_path, ImportReport* report) {
  *report = {};
  GC_ASSIGN_OR_RETURN(auto records, ReadRows(csv_path, kOrgsHeader));

  std::vector<OrgRow> rows;
  std::unordered_map<std::string, int> first_line;
  std::unordered_set<std::string> bad_ids;  // rows with an id but some other fault
  for (const auto& rec : records) {
    if (rec.fields.size() != 4) {
      report->errors.push_back(At(rec.line, "expected 4 fields (" + std::string(kOrgsHeader) +
                                                "), got " + std::to_string(rec.fields.size())));
      continue;
    }
    OrgRow row{
        rec.line,
        {Trim(rec.fields[0]), Trim(rec.fields[1]), engine::OrgLevel::kCity, Trim(rec.fields[3])}};
    std::vector<std::string> problems;
    if (!engine::IsValidUnitId(row.unit.id)) {
      problems.push_back("id " + Quoted(row.unit.id) +
                         " must be 1-64 characters of A-Z a-z 0-9 _ -");
    } else if (auto [it, fresh] = first_line.emplace(row.unit.id, rec.line); !fresh) {
      report->errors.push_back(At(rec.line, "id " + Quoted(row.unit.id) +
                                                " appears twice (first on line " +
                                                std::to_string(it->second) + ")"));
      continue;
    }
    if (row.unit.name.empty()) problems.push_back("name: required");
    const std::string level = Trim(rec.fields[2]);
    if (auto parsed = engine::ParseEnum<engine::OrgLevel>(level)) {
      row.unit.level = *parsed;
    } else {
      problems.push_back("level " + Quoted(level) + " is not one of " +
                         NamesOf(engine::AllValues<engine::OrgLevel>()));
    }
    if (!row.unit.parent_id.empty() && !engine::IsValidUnitId(row.unit.parent_id)) {
      problems.push_back("parent_id " + Quoted(row.unit.parent_id) +
                         " must be 1-64 characters of A-Z a-z 0-9 _ -");
    }
    if (!problems.empty()) {
      report->errors.push_back(At(rec.line, Join(problems, "; ")));
      bad_ids.insert(row.unit.id);
      continue;
    }
    rows.push_back(std::move(row));
  }

  // Validation reads the stored units inside the write transaction, so a concurrent import
  // cannot slip a change between the check and the write.
  const std::size_t file_errors = report->errors.size();
  return store.Write([&](engine::StoreWriter& w) -> Status {
    GC_ASSIGN_OR_RETURN(auto existing, w.ListOrgUnits());
    std::unordered_map<std::string, OrgUnit> merged;
    std::vector<std::string> order;  // stored order, then new ids in file order
    for (auto& u : existing) {
      order.push_back(u.id);
      merged.emplace(u.id, std::move(u));
    }
    report->created = report->updated = report->unchanged = 0;
    report->errors.resize(file_errors);  // set, not accumulated: the store may run this twice
    for (const auto& row : rows) {
      auto it = merged.find(row.unit.id);
      if (it == merged.end()) {
        ++report->created;
        order.push_back(row.unit.id);
        merged.emplace(row.unit.id, row.unit);
      } else {
        ++(it->second == row.unit ? report->unchanged : report->updated);
        it->second = row.unit;
      }
    }
    for (const auto& row : rows) {
      if (auto problem = CheckAgainstAncestors(row, merged, bad_ids)) {
        report->errors.push_back(At(row.line, *problem));
      }
    }
    if (!report->errors.empty()) {
      std::sort(report->errors.begin(), report->errors.end(),
                [](const std::string& a, const std::string& b) {
                  return std::stoi(a.substr(5)) < std::stoi(b.substr(5));
                });
      return RowErrors(csv_path, report->errors);
    }
    // Each row fits under its ancestors; the whole tree can still break when an update
    // changes the level of a unit whose stored children are not in this file.
    std::vector<OrgUnit> all;
    all.reserve(order.size());
    for (const auto& id : order) all.push_back(merged.at(id));
    if (auto tree = engine::OrgTree::Build(std::move(all)); !tree.ok()) {
      return InvalidArgument(csv_path + ": " + tree.status().message() +
                             " (checked together with the units already imported)");
    }
    std::vector<OrgUnit> units;
    units.reserve(rows.size());
    for (const auto& row : rows) units.push_back(row.unit);
    return w.UpsertOrgUnits(units);
  });
}

// --- users -----------------------------------------------------------------------------

namespace {

struct UserRow {
  int line = 0;
  engine::User user;
  std::string password;
};

std::vector<engine::Role> LoginRoles() {
  std::vector<engine::Role> out;
  for (auto r : engine::AllValues<engine::Role>()) {
    if (r != engine::Role::kSystem) out.push_back(r);
  }
  return out;
}

// argon2id is slow on purpose (tens of ms each); thousands of grid workers are hashed on
// a few threads, outside the write transaction so readers and the server are not blocked.
// A password that matches the user's stored hash keeps that hash: the password did not
// change, and a new salt must not count as a change that signs the user out.
Status HashAll(std::vector<UserRow>& rows,
               const std::unordered_map<std::string, std::string>& stored_hash) {
  const size_t threads =
      std::clamp<size_t>(std::thread::hardware_concurrency(), 1, std::min<size_t>(4, rows.size()));
  std::atomic<size_t> next{0};
  std::vector<Status> failures(rows.size());
  auto work = [&] {
    for (size_t i = next++; i < rows.size(); i = next++) {
      auto stored = stored_hash.find(rows[i].user.username);
      if (stored != stored_hash.end() && util::VerifyPassword(stored->second, rows[i].password)) {
        rows[i].user.password_hash = stored->second;
        continue;
      }
      auto hash = util::HashPassword(rows[i].password);
      if (hash.ok()) {
        rows[i].user.password_hash = std::move(hash).value();
      } else {
        failures[i] = hash.status();
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (const auto& f : failures) GC_RETURN_IF_ERROR(f);
  return Status::Ok();
}

}  // namespace

Status ImportUsers(engine::Store& store, const std::string& csv_path, ImportReport* report) {
  *report = {};
  GC_ASSIGN_OR_RETURN(auto records, ReadRows(csv_path, kUsersHeader));
  GC_ASSIGN_OR_RETURN(auto reader, store.Read());
  GC_ASSIGN_OR_RETURN(auto units, reader->ListOrgUnits());
  GC_ASSIGN_OR_RETURN(auto stored_users, reader->ListUsers());
  reader.reset();
  std::unordered_map<std::string, std::string> stored_hash;
  for (auto& u : stored_users) stored_hash.emplace(u.username, std::move(u.password_hash));
  std::unordered_map<std::string, engine::OrgLevel> level_of;
  for (const auto& u : units) level_of.emplace(u.id, u.level);

  std::vector<UserRow> rows;
  std::unordered_map<std::string, int> first_line;
  for (const auto& rec : records) {
    if (rec.fields.size() != 5) {
      report->errors.push_back(At(rec.line, "expected 5 fields (" + std::string(kUsersHeader) +
                                                "), got " + std::to_string(rec.fields.size())));
      continue;
    }
    UserRow row;
    row.line = rec.line;
    row.user.username = Trim(rec.fields[0]);
    row.user.display_name = Trim(rec.fields[1]);
    row.user.org_unit_id = Trim(rec.fields[3]);
    row.password = rec.fields[4];  // not trimmed: spaces may be part of a password
    std::vector<std::string> problems;

    const std::string& name = row.user.username;
    if (name.empty()) {
      problems.push_back("username: required");
    } else if (name.size() > kMaxUsernameBytes || std::any_of(name.begin(), name.end(), [](char c) {
                 return c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20;
               })) {
      problems.push_back("username " + Quoted(name) + " must be 1-64 bytes without spaces");
    } else if (auto [it, fresh] = first_line.emplace(name, rec.line); !fresh) {
      problems.push_back("username " + Quoted(name) + " appears twice (first on line " +
                         std::to_string(it->second) + ")");
    }
    if (row.user.display_name.empty()) problems.push_back("display_name: required");

    const std::string role = Trim(rec.fields[2]);
    const auto parsed_role = engine::ParseEnum<engine::Role>(role);
    if (parsed_role == engine::Role::kSystem) {
      problems.push_back("role SYSTEM is the scheduler's and cannot be given to a user");
    } else if (!parsed_role) {
      problems.push_back("role " + Quoted(role) + " is not one of " + NamesOf(LoginRoles()));
    } else {
      row.user.role = *parsed_role;
    }

    auto unit = level_of.find(row.user.org_unit_id);
    if (row.user.org_unit_id.empty()) {
      problems.push_back("org_id: required");
    } else if (unit == level_of.end()) {
      problems.push_back("org_id " + Quoted(row.user.org_unit_id) +
                         " not found; import the org units first");
    } else if (parsed_role && *parsed_role != engine::Role::kSystem) {
      if (Status fits = engine::CheckRoleFitsUnit(*parsed_role, unit->second); !fits.ok()) {
        problems.push_back(fits.message());
      }
    }
    if (Utf8Chars(row.password) < kMinPasswordChars) {
      problems.push_back("password: at least " + std::to_string(kMinPasswordChars) + " characters");
    }
    if (!problems.empty()) {
      report->errors.push_back(At(rec.line, Join(problems, "; ")));
      continue;
    }
    rows.push_back(std::move(row));
  }
  if (!report->errors.empty()) return RowErrors(csv_path, report->errors);

  GC_RETURN_IF_ERROR(HashAll(rows, stored_hash));

  return store.Write([&](engine::StoreWriter& w) -> Status {
    // Re-checked inside the transaction: units may have changed while passwords hashed.
    GC_ASSIGN_OR_RETURN(auto now_units, w.ListOrgUnits());
    std::unordered_set<std::string> unit_ids;
    for (const auto& u : now_units) unit_ids.insert(u.id);
    report->created = report->updated = report->unchanged = 0;
    report->users_signed_out = report->sessions_ended = 0;
    std::vector<engine::User> users;
    std::vector<std::string> sign_out;  // ids of users whose sign-ins no longer hold
    users.reserve(rows.size());
    for (const auto& row : rows) {
      if (unit_ids.count(row.user.org_unit_id) == 0) {
        return InvalidArgument(csv_path + ": " +
                               At(row.line, "org_id " + Quoted(row.user.org_unit_id) +
                                                " was removed during the import"));
      }
      GC_ASSIGN_OR_RETURN(auto existing, w.FindUserByUsername(row.user.username));
      if (!existing) {
        ++report->created;
      } else {
        // Compared with the row as it is now, inside the transaction: a password changed
        // since HashAll read it has another hash, so it counts as a change.
        const bool credentials_changed = existing->password_hash != row.user.password_hash ||
                                         existing->role != row.user.role ||
                                         existing->org_unit_id != row.user.org_unit_id;
        if (credentials_changed) sign_out.push_back(existing->id);
        ++(credentials_changed || existing->display_name != row.user.display_name
               ? report->updated
               : report->unchanged);
      }
      users.push_back(row.user);
    }
    GC_RETURN_IF_ERROR(w.UpsertUsers(users));
    const engine::TimePoint now = SystemClock().Now();
    for (const std::string& id : sign_out) {
      GC_ASSIGN_OR_RETURN(int ended, w.RevokeSessions(id, now,
                                                      "import: password, role or unit changed"));
      ++report->users_signed_out;
      report->sessions_ended += ended;
    }
    return Status::Ok();
  });
}

}  // namespace gridcare::app
