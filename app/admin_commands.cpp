// import / audit verify / backup as the command line runs them: open, run, print, exit code.
// Not the work itself: import_commands.*, storage/audit_verifier.* and storage/backup.*.
#include "app/admin_commands.h"

#include <filesystem>
#include <iostream>

#include "app/import_commands.h"
#include "storage/audit_verifier.h"
#include "storage/backup.h"
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

// Counted through the Store interface: a case's version is the seq of its last event and
// the verifier has just checked that seqs are gap-free, so versions sum to the events.
engine::Result<Totals> CountCasesAndEvents(const std::string& db_path) {
  GC_ASSIGN_OR_RETURN(auto store, storage::SqliteStore::Open(db_path));
  GC_ASSIGN_OR_RETURN(auto reader, store->Read());
  Totals totals;
  engine::CaseQuery query;
  query.scope.kind = engine::CaseScope::Kind::kAll;
  query.page_size = 500;
  while (true) {
    GC_ASSIGN_OR_RETURN(auto page, reader->ListCases(query));
    for (const auto& c : page.cases) {
      ++totals.cases;
      totals.events += c.version;
    }
    if (!page.next_before_id) break;
    query.before_id = page.next_before_id;
  }
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

int RunAuditVerify(const std::string& db_path) {
  if (!RequireExisting(db_path)) return kExitError;
  auto findings = storage::VerifyAudit(db_path);
  if (!findings.ok()) return Fail(findings.status());
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
