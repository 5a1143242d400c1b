// The type information protobuf's JSON converter asks for, built once for every message of
// the API instead of on each call. Not the conversion itself: codec.cpp.
#pragma once

#include <google/protobuf/util/type_resolver.h>

#include <string>

namespace gridcare::handlers {

// "type.googleapis.com/<full name>", the form TypeResolver lookups take.
std::string TypeUrl(const google::protobuf::Descriptor& descriptor);

// A TypeResolver over the generated pool that answers for the API's messages and enums
// (proto/gridcare/v1 and what they use) from google.protobuf.Type copies made at first
// use, and for anything else from the pool as protobuf's own would. Protobuf 3.21's
// MessageToJsonString converts each descriptor it meets into a fresh Type on every call:
// ~20 % of rendering a case, ~15 % of parsing one. Built once and never changed after,
// so any thread may use it; protobuf's API wants the pointer non-const.
google::protobuf::util::TypeResolver* ApiTypeResolver();

}  // namespace gridcare::handlers
