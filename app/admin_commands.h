// The administrator's commands behind `gridcare import|audit verify|audit keygen|backup`: open the
// store, run, print a summary, return the exit code. Not argument parsing (main.cpp).
#pragma once

#include <string>

namespace gridcare::app {

// Process exit codes of the command line.
inline constexpr int kExitOk = 0;
inline constexpr int kExitTampered = 1;  // audit verify found a broken chain or row
inline constexpr int kExitError = 2;     // usage or input error; message on stderr

enum class ImportKind { kOrgs, kUsers };

int RunImport(ImportKind kind, const std::string& csv_path, const std::string& db_path);
// `anchors_path` empty: the database alone; `key_path` empty: anchors without their MACs.
int RunAuditVerify(const std::string& db_path, const std::string& anchors_path = "",
                   const std::string& key_path = "");
int RunAuditKeygen(const std::string& to_path);
int RunBackup(const std::string& db_path, const std::string& to_path);

}  // namespace gridcare::app
