// What protobuf's own printer makes of a message with the options the contract uses: the
// reference the codec's faster paths are compared against.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <string>

namespace gridcare::testing {

inline std::string ProtobufsOwnJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  REQUIRE(google::protobuf::util::MessageToJsonString(message, &out, options).ok());
  return out;
}

}  // namespace gridcare::testing
