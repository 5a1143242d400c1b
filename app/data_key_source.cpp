// ResolveDataKeys: environment, config, or the default file (made when safe).
#include "app/data_key_source.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>

#include "storage/sealed_store.h"

namespace gridcare::app {

engine::Result<DataKeySource> ResolveDataKeys(const Config& config, const std::string& db_path) {
  using storage::DataKeys;
  if (const char* text = std::getenv(DataKeys::kEnvironmentVariable); text && *text) {
    engine::Result<DataKeys> keys = DataKeys::Parse(text);
    if (!keys.ok()) {
      return engine::InvalidArgument(std::string(DataKeys::kEnvironmentVariable) + ": " +
                                     keys.status().message());
    }
    return DataKeySource{std::make_shared<const DataKeys>(std::move(*keys)), ""};
  }
  if (!config.privacy.key_file.empty()) {
    engine::Result<DataKeys> keys = DataKeys::Load(config.privacy.key_file);
    if (!keys.ok() && keys.status().code() == engine::ErrorCode::kNotFound) {
      return engine::FailedPrecondition(keys.status().message() +
                                        " ([privacy] key_file); make one with `gridcare privacy "
                                        "keygen --to " + config.privacy.key_file + "`");
    }
    GC_RETURN_IF_ERROR(keys.status());
    return DataKeySource{std::make_shared<const DataKeys>(std::move(*keys)),
                         config.privacy.key_file};
  }
  const std::string path = db_path + ".keys";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    GC_ASSIGN_OR_RETURN(DataKeys keys, DataKeys::Load(path));
    return DataKeySource{std::make_shared<const DataKeys>(std::move(keys)), path};
  }
  GC_ASSIGN_OR_RETURN(bool sealed, storage::HoldsSealedPersonalData(db_path));
  if (sealed) {
    return engine::FailedPrecondition(
        db_path + " holds sealed personal data but its key file " + path +
        " is missing: restore it from where you keep its copy, or point [privacy] key_file or " +
        DataKeys::kEnvironmentVariable + " at it");
  }
  GC_ASSIGN_OR_RETURN(DataKeys keys, DataKeys::Generate());
  GC_RETURN_IF_ERROR(keys.Save(path));
  spdlog::warn("made the data key file {} beside the database: move it away from the database "
               "and its backups, keep a copy, and set [privacy] key_file (docs/reliability.md)",
               path);
  return DataKeySource{std::make_shared<const DataKeys>(std::move(keys)), path};
}

}  // namespace gridcare::app
