// privacy keygen / rotate as the command line runs them: keys, re-seal, print, exit code.
#include "app/privacy_commands.h"

#include <filesystem>
#include <iostream>

#include "app/admin_commands.h"
#include "app/config.h"
#include "app/data_key_source.h"
#include "storage/private_file.h"
#include "storage/sealed_store.h"

namespace gridcare::app {

namespace {

int Fail(const engine::Status& status) {
  std::cerr << "gridcare: " << status.message() << "\n";
  return kExitError;
}

}  // namespace

int RunPrivacyKeygen(const std::string& to_path) {
  auto keys = storage::DataKeys::Generate();
  if (!keys.ok()) return Fail(keys.status());
  if (auto s = storage::CreatePrivateFile(to_path, keys->Serialize()); !s.ok()) return Fail(s);
  std::cout << "privacy keygen: wrote a lookup key and data key 1 to " << to_path
            << " (mode 0600); set [privacy] key_file to it, keep it away from the database and "
               "its backups, and keep a copy: without it the personal data cannot be read\n";
  return kExitOk;
}

int RunPrivacyRotate(const std::string& db_path, const std::string& config_path, bool drop_old) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec)) {
    std::cerr << "gridcare: " << db_path << ": no such database file\n";
    return kExitError;
  }
  auto config = config_path.empty() ? engine::Result<Config>(DefaultConfig())
                                    : LoadConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  auto source = ResolveDataKeys(*config, db_path);
  if (!source.ok()) return Fail(source.status());
  if (source->path.empty()) {
    std::cerr << "gridcare: the data keys come from " << storage::DataKeys::kEnvironmentVariable
              << ", which this command cannot change: add a `data` line to it by hand, or use "
                 "a key file ([privacy] key_file)\n";
    return kExitError;
  }
  // The new ring reaches the disk before any case is sealed with it, and keeps the old
  // keys: a crash anywhere leaves every case readable.
  auto rotated = source->keys->WithNewDataKey();
  if (!rotated.ok()) return Fail(rotated.status());
  if (auto s = rotated->Save(source->path); !s.ok()) return Fail(s);
  std::cout << "privacy rotate: added data key " << rotated->current_id() << " to "
            << source->path << "\n";
  auto report = storage::ResealPersonalData(db_path, *rotated, [](std::int64_t n) {
    if (n % 100000 == 0) std::cerr << "privacy rotate: " << n << " cases looked at\n";
  });
  if (!report.ok()) return Fail(report.status());
  std::cout << "privacy rotate: " << report->sealed_cases << " sealed case(s), "
            << report->resealed << " re-sealed under data key " << rotated->current_id() << "\n";
  if (report->changed_meanwhile > 0) {
    std::cout << "privacy rotate: " << report->changed_meanwhile
              << " case(s) changed meanwhile and keep their old key: run it again\n";
    return kExitError;
  }
  if (drop_old) {
    // A second look: a server still running with the old ring may have sealed new cases
    // under an old key since the first pass, and a dropped key opens nothing ever again.
    auto again = storage::ResealPersonalData(db_path, *rotated, {});
    if (!again.ok()) return Fail(again.status());
    for (const auto& [id, count] : again->was_by_key) {
      if (id == rotated->current_id()) continue;
      std::cout << "privacy rotate: " << count << " case(s) were sealed under data key " << id
                << " meanwhile (is a server still running?): old keys kept; stop the server "
                   "and run it again\n";
      return kExitError;
    }
    const storage::DataKeys kept = rotated->WithoutDataKeysBelow(rotated->current_id());
    if (auto s = kept.Save(source->path); !s.ok()) return Fail(s);
    std::cout << "privacy rotate: removed the older data keys from " << source->path << "\n";
  }
  std::cout << "privacy rotate: restart the server so that it reads with the new key\n";
  return kExitOk;
}

}  // namespace gridcare::app
