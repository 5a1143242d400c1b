// The import's row checks: every row of a CSV file judged, every bad row reported by its
// line. Not the file or the store (import_commands.cpp) and not the tree rules (engine/).
#include "app/import_rows.h"

#include <algorithm>
#include <optional>

#include "engine/enums.h"
#include "engine/org_tree.h"
#include "engine/scope.h"

namespace gridcare::app {

namespace {

using engine::InvalidArgument;
using engine::OrgUnit;
using engine::Status;

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

std::string At(int line, std::string_view reason) {
  return "line " + std::to_string(line) + ": " + std::string(reason);
}

size_t Utf8Chars(std::string_view s) {
  // Continuation bytes are 10xxxxxx; every other byte starts a character.
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

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

std::vector<engine::Role> LoginRoles() {
  std::vector<engine::Role> out;
  for (auto r : engine::AllValues<engine::Role>()) {
    if (r != engine::Role::kSystem) out.push_back(r);
  }
  return out;
}

}  // namespace

engine::Result<std::vector<CsvRecord>> DataRows(std::vector<CsvRecord> records,
                                                std::string_view header, const std::string& path) {
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

Status RowErrors(const std::string& path, const std::vector<std::string>& errors) {
  return InvalidArgument(path + ": " + std::to_string(errors.size()) +
                         (errors.size() == 1 ? " bad row" : " bad rows") +
                         "; nothing was imported\n" + Join(errors, "\n"));
}

CheckedOrgs CheckOrgRows(const std::vector<CsvRecord>& records) {
  CheckedOrgs out;
  std::unordered_map<std::string, int> first_line;
  for (const auto& rec : records) {
    if (rec.fields.size() != 4) {
      out.errors.push_back(At(rec.line, "expected 4 fields (" + std::string(kOrgsHeader) +
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
      out.errors.push_back(At(rec.line, "id " + Quoted(row.unit.id) +
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
      out.errors.push_back(At(rec.line, Join(problems, "; ")));
      out.bad_ids.insert(row.unit.id);
      continue;
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

engine::Result<std::vector<OrgUnit>> MergeOrgRows(const CheckedOrgs& checked,
                                                  std::vector<OrgUnit> stored,
                                                  const std::string& path, ImportReport* report) {
  std::unordered_map<std::string, OrgUnit> merged;
  std::vector<std::string> order;  // stored order, then new ids in file order
  for (auto& u : stored) {
    order.push_back(u.id);
    merged.emplace(u.id, std::move(u));
  }
  report->created = report->updated = report->unchanged = 0;
  report->errors = checked.errors;  // set, not accumulated: the store may run this twice
  for (const auto& row : checked.rows) {
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
  for (const auto& row : checked.rows) {
    if (auto problem = CheckAgainstAncestors(row, merged, checked.bad_ids)) {
      report->errors.push_back(At(row.line, *problem));
    }
  }
  if (!report->errors.empty()) {
    std::sort(report->errors.begin(), report->errors.end(),
              [](const std::string& a, const std::string& b) {
                return std::stoi(a.substr(5)) < std::stoi(b.substr(5));
              });
    return RowErrors(path, report->errors);
  }
  // Each row fits under its ancestors; the whole tree can still break when an update
  // changes the level of a unit whose stored children are not in this file.
  std::vector<OrgUnit> all;
  all.reserve(order.size());
  for (const auto& id : order) all.push_back(merged.at(id));
  if (auto tree = engine::OrgTree::Build(std::move(all)); !tree.ok()) {
    return InvalidArgument(path + ": " + tree.status().message() +
                           " (checked together with the units already imported)");
  }
  std::vector<OrgUnit> units;
  units.reserve(checked.rows.size());
  for (const auto& row : checked.rows) units.push_back(row.unit);
  return units;
}

std::vector<UserRow> CheckUserRows(
    const std::vector<CsvRecord>& records,
    const std::unordered_map<std::string, engine::OrgLevel>& level_of,
    std::vector<std::string>* errors) {
  std::vector<UserRow> rows;
  std::unordered_map<std::string, int> first_line;
  for (const auto& rec : records) {
    if (rec.fields.size() != 5) {
      errors->push_back(At(rec.line, "expected 5 fields (" + std::string(kUsersHeader) + "), got " +
                                         std::to_string(rec.fields.size())));
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
      errors->push_back(At(rec.line, Join(problems, "; ")));
      continue;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace gridcare::app
