// Where the server's data keys come from: GRIDCARE_DATA_KEYS, [privacy] key_file, or a file
// beside the database made at the first start. Not the keys' format (storage/data_keys.h).
#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "engine/status.h"
#include "storage/data_keys.h"

namespace gridcare::app {

struct DataKeySource {
  std::shared_ptr<const storage::DataKeys> keys;
  std::string path;  // the key file; "" when the keys came from the environment
};

// The environment variable wins, then `config.privacy.key_file` (which must exist), then
// "<db_path>.keys". That last one is created when missing — unless the database already
// holds sealed personal data, which a new key could never open: then FAILED_PRECONDITION
// says which file is missing.
engine::Result<DataKeySource> ResolveDataKeys(const Config& config, const std::string& db_path);

}  // namespace gridcare::app
