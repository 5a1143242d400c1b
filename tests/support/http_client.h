// Tests use the program's own small HTTP client (app/http_client.h).
#pragma once

#include "app/http_client.h"

namespace gridcare::testing {
using app::HttpClient;
using app::HttpReply;
using app::ReadUntil;
}  // namespace gridcare::testing
