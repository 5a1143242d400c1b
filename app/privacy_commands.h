// `gridcare privacy keygen|rotate`: make a data key file, and move every sealed case to a new
// data key. Not the sealing (storage/personal_seal.h) nor key lookup (data_key_source.h).
#pragma once

#include <string>

namespace gridcare::app {

int RunPrivacyKeygen(const std::string& to_path);
// Adds a data key to the key file the server would use (config and environment as `serve`
// reads them), re-seals every case under it and, with `drop_old`, removes the older data
// keys from the file once no case is sealed under them.
int RunPrivacyRotate(const std::string& db_path, const std::string& config_path, bool drop_old);

}  // namespace gridcare::app
