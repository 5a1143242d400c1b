// import / audit verify / audit keygen / backup as the command line runs them: open, run, print, exit code.
// Not the work itself: import_commands.*, storage/audit_verifier.* and storage/backup.*.
#include "app/admin_commands.h"

#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include "app/import_commands.h"
#include "storage/audit_anchor.h"
#include "storage/audit_verifier.h"
#include "storage/backup.h"
#include "storage/sqlite.h"
#include "storage/sqlite_store.h"

namespace gridcare::app {

namespace {

int Fail(const engine::Status& status) {
  std::cerr << "gridcare: " << status.message() << "\n";
  return kExitError;
}

// audit and backup read an existing database; opening a missing one would create it.
bool RequireExisting(const std::string& db_path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(db_path, ec)) return true;
  std::cerr << "gridcare: " << db_path << ": no such database file\n";
  return false;
}

struct Totals {
  std::int64_t cases = 0;
  std::int64_t events = 0;
};

// Read-only SQL, so that counting needs neither the data keys nor a migration: a case's
// version is the seq of its last event and the verifier has just checked that seqs are
// gap-free, so versions sum to the events.
engine::Result<Totals> CountCasesAndEvents(const std::string& db_path) {
  GC_ASSIGN_OR_RETURN(storage::Db db, storage::Db::Open(db_path, SQLITE_OPEN_READONLY));
  GC_ASSIGN_OR_RETURN(storage::Stmt stmt,
                      db.Prepare("SELECT count(*), coalesce(sum(version), 0) FROM cases"));
  GC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  Totals totals;
  if (row) totals = {stmt.Int(0), stmt.Int(1)};
  return totals;
}

}  // namespace

int RunImport(ImportKind kind, const std::string& csv_path, const std::string& db_path) {
  auto store = storage::SqliteStore::Open(db_path);
  if (!store.ok()) return Fail(store.status());
  ImportReport report;
  const bool orgs = kind == ImportKind::kOrgs;
  const engine::Status status =
      orgs ? ImportOrgs(**store, csv_path, &report) : ImportUsers(**store, csv_path, &report);
  if (!status.ok()) return Fail(status);
  std::cout << "import " << (orgs ? "orgs" : "users") << ": " << report.created << " created, "
            << report.updated << " updated";
  std::cout << ", " << report.unchanged << " unchanged";
  if (!orgs) {
    std::cout << "; " << report.users_signed_out << " user(s) signed out ("
              << report.sessions_ended << " session(s) ended: password, role or unit changed)";
  }
  std::cout << "\n";
  return kExitOk;
}

int RunAuditVerify(const std::string& db_path, const std::string& anchors_path,
                   const std::string& key_path) {
  if (!RequireExisting(db_path)) return kExitError;
  if (!key_path.empty() && anchors_path.empty()) {
    std::cerr << "gridcare: --anchor-key needs --anchors\n";
    return kExitError;
  }
  std::optional<storage::AnchorKey> key;
  if (!key_path.empty()) {
    auto loaded = storage::LoadAnchorKey(key_path);
    if (!loaded.ok()) return Fail(loaded.status());
    key = std::move(*loaded);
  }
  // Anchors first: read before the database, as VerifyAnchors explains.
  std::vector<storage::AuditFinding> anchor_findings;
  if (!anchors_path.empty()) {
    auto checked = storage::VerifyAnchors(db_path, anchors_path, key ? &*key : nullptr);
    if (!checked.ok()) return Fail(checked.status());
    anchor_findings = std::move(*checked);
  }
  auto findings = storage::VerifyAudit(db_path);
  if (!findings.ok()) return Fail(findings.status());
  findings->insert(findings->end(), anchor_findings.begin(), anchor_findings.end());
  if (!findings->empty()) {
    for (const auto& f : *findings) {
      // The verifier's sentence already names the case and event; fall back to our own
      // prefix only when it does not, so each line is self-contained for an auditor.
      if (f.problem.rfind("case ", 0) == 0 || f.case_id == 0) {
        std::cout << f.problem << "\n";
      } else {
        std::cout << "case " << f.case_id << " (" << f.case_number << ") event " << f.seq << ": "
                  << f.problem << "\n";
      }
    }
    std::cout << "audit: " << findings->size() << " problem(s) found; the audit trail of "
              << db_path << " is NOT intact\n";
    return kExitTampered;
  }
  auto totals = CountCasesAndEvents(db_path);
  if (!totals.ok()) return Fail(totals.status());
  std::cout << "audit: " << totals->cases << " cases, " << totals->events
            << " events, chain intact\n";
  if (!anchors_path.empty()) {
    std::cout << "audit: the chain holds every anchor in " << anchors_path
              << (key ? " (MACs checked with key " + key->id + ")"
                      : " (MACs NOT checked: no --anchor-key given)")
              << "\n";
  }
  return kExitOk;
}

int RunAuditKeygen(const std::string& to_path) {
  auto key = storage::CreateAnchorKey(to_path);
  if (!key.ok()) return Fail(key.status());
  std::cout << "audit keygen: wrote key " << key->id << " to " << to_path
            << " (mode 0600); keep it, and a copy, out of the database administrators' reach\n";
  return kExitOk;
}

int RunBackup(const std::string& db_path, const std::string& to_path) {
  if (!RequireExisting(db_path)) return kExitError;
  if (const engine::Status status = storage::BackupDatabase(db_path, to_path); !status.ok()) {
    return Fail(status);
  }
  std::cout << "backup: " << db_path << " -> " << to_path << " (integrity checked)\n";
  return kExitOk;
}

}  // namespace gridcare::app
