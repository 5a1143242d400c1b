// libFuzzer target: a CSV file given to `gridcare import orgs|users`, through the CSV
// reader and both imports' row checks (the org rows merged with a few stored units). No
// store and no password hashing: those only ever see rows these checks passed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/csv.h"
#include "app/import_rows.h"
#include "engine/org_tree.h"
#include "fuzz/fuzz_check.h"

namespace gridcare::fuzz {
namespace {

// The records written back as RFC 4180, every field quoted.
std::string WriteCsv(const std::vector<app::CsvRecord>& records) {
  std::string out;
  for (const auto& record : records) {
    for (size_t i = 0; i < record.fields.size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      for (const char c : record.fields[i]) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

void CheckRowErrors(const std::vector<std::string>& errors) {
  int last = 0;
  for (const auto& e : errors) {
    Check(e.rfind("line ", 0) == 0, "a row error names its line", e);
    const int line = std::stoi(e.substr(5));
    Check(line >= 2, "a row error names a data line", e);
    Check(line >= last, "row errors come in line order", e);
    last = line;
  }
}

const std::vector<engine::OrgUnit>& StoredUnits() {
  static const std::vector<engine::OrgUnit> kUnits = {
      {"NA", "南安市", engine::OrgLevel::kCity, ""},
      {"HL", "洪濑镇", engine::OrgLevel::kTownship, "NA"},
      {"HL-QJ", "前街村", engine::OrgLevel::kVillage, "HL"},
      {"HL-QJ-01", "前街村第一网格", engine::OrgLevel::kGrid, "HL-QJ"},
      {"D-EDU", "南安市教育局", engine::OrgLevel::kDepartment, "NA"},
  };
  return kUnits;
}

void FuzzOrgs(const std::vector<app::CsvRecord>& records) {
  auto rows = app::DataRows(records, app::kOrgsHeader, "orgs.csv");
  if (!rows.ok()) return CheckSafeText(rows.status().message());
  const app::CheckedOrgs checked = app::CheckOrgRows(*rows);
  app::ImportReport report;
  auto units = app::MergeOrgRows(checked, StoredUnits(), "orgs.csv", &report);
  CheckRowErrors(report.errors);
  if (!units.ok()) {
    Check(!report.errors.empty() || units.status().message().find("checked together") !=
                                        std::string::npos,
          "a refused import says why");
    return CheckSafeText(units.status().message());
  }
  Check(report.errors.empty(), "an accepted import has no bad rows");
  Check(static_cast<size_t>(report.created + report.updated + report.unchanged) == units->size(),
        "every accepted row is created, updated or unchanged");
  // What would be stored is a valid tree.
  std::unordered_map<std::string, engine::OrgUnit> merged;
  std::vector<std::string> order;
  for (const auto& u : StoredUnits()) order.push_back(u.id), merged[u.id] = u;
  for (const auto& u : *units) {
    if (!merged.count(u.id)) order.push_back(u.id);
    merged[u.id] = u;
  }
  std::vector<engine::OrgUnit> all;
  for (const auto& id : order) all.push_back(merged[id]);
  const auto tree = engine::OrgTree::Build(all);
  Check(tree.ok(), "an accepted import leaves a valid org tree", tree.status().message());
}

void FuzzUsers(const std::vector<app::CsvRecord>& records) {
  auto rows = app::DataRows(records, app::kUsersHeader, "users.csv");
  if (!rows.ok()) return CheckSafeText(rows.status().message());
  std::unordered_map<std::string, engine::OrgLevel> level_of;
  for (const auto& u : StoredUnits()) level_of.emplace(u.id, u.level);
  std::vector<std::string> errors;
  const std::vector<app::UserRow> users = app::CheckUserRows(*rows, level_of, &errors);
  CheckRowErrors(errors);
  Check(users.size() + errors.size() == rows->size(), "every row is accepted or reported");
  for (const auto& row : users) {
    Check(!row.user.username.empty() && row.user.username.size() <= 64,
          "a username is 1-64 bytes", row.user.username);
    Check(row.user.role != engine::Role::kSystem, "no user gets the SYSTEM role");
    Check(level_of.count(row.user.org_unit_id) == 1, "a user's unit exists",
          row.user.org_unit_id);
  }
}

}  // namespace
}  // namespace gridcare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gridcare;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto records = app::ParseCsv(text);
  if (!records.ok()) {
    fuzz::Check(records.status().message().rfind("line ", 0) == 0, "a CSV error names its line",
                records.status().message());
    return 0;
  }
  int last = 0;
  for (const auto& r : *records) {
    fuzz::Check(r.line > last, "records start on increasing lines");
    last = r.line;
  }
  const std::string again = fuzz::WriteCsv(*records);
  auto reparsed = app::ParseCsv(again);
  fuzz::Check(reparsed.ok(), "records written back parse", again);
  fuzz::Check(reparsed->size() == records->size(), "records written back parse the same", again);
  for (size_t i = 0; i < records->size(); ++i) {
    fuzz::Check((*reparsed)[i].fields == (*records)[i].fields,
                "records written back parse the same", again);
  }
  fuzz::FuzzOrgs(*records);
  fuzz::FuzzUsers(*records);
  return 0;
}
