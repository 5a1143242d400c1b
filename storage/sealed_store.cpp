// HoldsSealedPersonalData and ResealPersonalData over a connection of their own.
#include "storage/sealed_store.h"

#include <filesystem>
#include <vector>

#include "storage/migrations.h"
#include "storage/personal_seal.h"
#include "storage/sqlite.h"

namespace gridcare::storage {

using engine::Result;
using engine::Status;

namespace {

constexpr int kBatch = 500;

}  // namespace

Result<bool> HoldsSealedPersonalData(const std::string& db_path) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return false;
  GC_ASSIGN_OR_RETURN(Db db, Db::Open(db_path, SQLITE_OPEN_READONLY));
  GC_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 5000"));
  GC_ASSIGN_OR_RETURN(std::int64_t version, db.QueryInt("PRAGMA user_version"));
  if (version < kPersonalDataVersion) return false;
  GC_ASSIGN_OR_RETURN(std::int64_t any,
                      db.QueryInt("SELECT EXISTS (SELECT 1 FROM cases WHERE personal != '')"));
  return any != 0;
}

Result<ResealReport> ResealPersonalData(const std::string& db_path, const DataKeys& keys,
                                        const std::function<void(std::int64_t)>& progress) {
  GC_ASSIGN_OR_RETURN(Db db, Db::Open(db_path, SQLITE_OPEN_READWRITE));
  GC_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 10000"));
  GC_RETURN_IF_ERROR(CheckSchemaVersion(db));
  GC_ASSIGN_OR_RETURN(std::int64_t version, db.QueryInt("PRAGMA user_version"));
  if (version < kPersonalDataVersion) {
    return engine::FailedPrecondition(db_path + " predates sealed personal data; start "
                                      "`gridcare serve` on it once to upgrade it");
  }
  ResealReport report;
  std::int64_t after_id = 0;
  std::int64_t looked_at = 0;
  while (true) {
    struct Row {
      std::int64_t id;
      std::string personal;
    };
    std::vector<Row> rows;
    {
      GC_ASSIGN_OR_RETURN(Stmt page, db.Prepare("SELECT id, personal FROM cases WHERE id > ?1 "
                                                "ORDER BY id LIMIT ?2"));
      page.BindInt(1, after_id).BindInt(2, kBatch);
      while (true) {
        GC_ASSIGN_OR_RETURN(bool row, page.Step());
        if (!row) break;
        rows.push_back({page.Int(0), page.Text(1)});
      }
    }
    if (rows.empty()) break;
    after_id = rows.back().id;
    looked_at += static_cast<std::int64_t>(rows.size());

    GC_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    auto fail = [&db](Status s) {
      if (!db.InAutocommit()) (void)db.Exec("ROLLBACK");
      return s;
    };
    Result<Stmt> update = db.Prepare("UPDATE cases SET personal = ?1 WHERE id = ?2 AND personal = ?3");
    if (!update.ok()) return fail(update.status());
    for (const Row& r : rows) {
      if (r.personal.empty()) continue;
      Result<EnvelopeHeader> header = ReadEnvelopeHeader(r.personal);
      if (!header.ok()) return fail(engine::DataLoss("case " + std::to_string(r.id) + ": " +
                                                     header.status().message()));
      ++report.sealed_cases;
      ++report.was_by_key[header->key_id];
      if (header->key_id == keys.current_id()) continue;
      Result<PersonalFields> fields = OpenPersonal(keys, r.id, r.personal);
      if (!fields.ok()) return fail(fields.status());
      Result<std::string> resealed = SealPersonal(keys, r.id, *fields);
      if (!resealed.ok()) return fail(resealed.status());
      update->Reset();
      update->BindText(1, *resealed).BindInt(2, r.id).BindText(3, r.personal);
      if (Status s = update->Run(); !s.ok()) return fail(s);
      // A row a server changed since it was read is left for the next run.
      if (db.Changes() == 1) {
        ++report.resealed;
      } else {
        ++report.changed_meanwhile;
      }
    }
    if (Status s = db.Exec("COMMIT"); !s.ok()) return fail(s);
    if (progress) progress(looked_at);
  }
  return report;
}

}  // namespace gridcare::storage
