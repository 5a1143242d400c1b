// libFuzzer target: a JSON request body (application/json), as every request message the
// API reads, decoded, round-tripped and taken through the engine's decision.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/body_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  gridcare::fuzz::FuzzBody(gridcare::handlers::kJsonContentType, body);
  return 0;
}
