// libFuzzer target: a binary protobuf request body (application/x-protobuf), as every
// request message the API reads, decoded, round-tripped and taken through the engine.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <google/protobuf/stubs/logging.h>

#include "fuzz/body_fuzz.h"

// libprotobuf logs an ERROR line for every string field with invalid UTF-8 it refuses; here
// that is most inputs, and the lines only slow the run down.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  gridcare::fuzz::FuzzBody(gridcare::handlers::kProtobufContentType, body);
  return 0;
}
