// Org and user import: the file read, every row checked (import_rows.h) and every bad row
// reported by line before anything is written; then one transaction.
#include "app/import_commands.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "app/csv.h"
#include "app/system_clock.h"
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

  std::vector<UserRow> rows = CheckUserRows(records, level_of, &report->errors);
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
        return InvalidArgument(csv_path + ": line " + std::to_string(row.line) + ": org_id \"" +
                               row.user.org_unit_id + "\" was removed during the import");
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
