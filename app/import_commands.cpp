// Org and user import: the file read, every row checked (import_rows.h) and every bad row
// reported by line before anything is written; then one transaction.
#include "app/import_commands.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "app/csv.h"
#include "util/crypto.h"

namespace gridcare::app {

namespace {

using engine::InvalidArgument;
using engine::Status;

// Reads the file and checks the header; returns the data rows (header dropped).
engine::Result<std::vector<CsvRecord>> ReadRows(const std::string& path, std::string_view header) {
  GC_ASSIGN_OR_RETURN(auto records, ReadCsvFile(path));
  return DataRows(std::move(records), header, path);
}

}  // namespace

Status ImportOrgs(engine::Store& store, const std::string& csv_path, ImportReport* report) {
  *report = {};
  GC_ASSIGN_OR_RETURN(auto records, ReadRows(csv_path, kOrgsHeader));

  const CheckedOrgs checked = CheckOrgRows(records);
  // Validation reads the stored units inside the write transaction, so a concurrent import
  // cannot slip a change between the check and the write.
  return store.Write([&](engine::StoreWriter& w) -> Status {
    GC_ASSIGN_OR_RETURN(auto stored, w.ListOrgUnits());
    GC_ASSIGN_OR_RETURN(auto units, MergeOrgRows(checked, std::move(stored), csv_path, report));
    return w.UpsertOrgUnits(units);
  });
}

// --- users -----------------------------------------------------------------------------

namespace {

// argon2id is slow on purpose (tens of ms each); thousands of grid workers are hashed on
// a few threads, outside the write transaction so readers and the server are not blocked.
Status HashAll(std::vector<UserRow>& rows) {
  const size_t threads =
      std::clamp<size_t>(std::thread::hardware_concurrency(), 1, std::min<size_t>(4, rows.size()));
  std::atomic<size_t> next{0};
  std::vector<Status> failures(rows.size());
  auto work = [&] {
    for (size_t i = next++; i < rows.size(); i = next++) {
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
  reader.reset();
  std::unordered_map<std::string, engine::OrgLevel> level_of;
  for (const auto& u : units) level_of.emplace(u.id, u.level);

  std::vector<UserRow> rows = CheckUserRows(records, level_of, &report->errors);
  if (!report->errors.empty()) return RowErrors(csv_path, report->errors);

  GC_RETURN_IF_ERROR(HashAll(rows));

  return store.Write([&](engine::StoreWriter& w) -> Status {
    // Re-checked inside the transaction: units may have changed while passwords hashed.
    GC_ASSIGN_OR_RETURN(auto now_units, w.ListOrgUnits());
    std::unordered_set<std::string> unit_ids;
    for (const auto& u : now_units) unit_ids.insert(u.id);
    report->created = report->updated = report->unchanged = 0;
    std::vector<engine::User> users;
    users.reserve(rows.size());
    for (const auto& row : rows) {
      if (unit_ids.count(row.user.org_unit_id) == 0) {
        return InvalidArgument(csv_path + ": line " + std::to_string(row.line) + ": org_id \"" +
                               row.user.org_unit_id + "\" was removed during the import");
      }
      GC_ASSIGN_OR_RETURN(auto existing, w.FindUserByUsername(row.user.username));
      ++(existing ? report->updated : report->created);
      users.push_back(row.user);
    }
    return w.UpsertUsers(users);
  });
}

}  // namespace gridcare::app
