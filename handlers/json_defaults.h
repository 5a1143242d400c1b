// The wire bytes of a message with its default-valued fields written out, so that protobuf's
// JSON printer shows every field without `always_print_primitive_fields`. Not the JSON itself:
// codec.cpp still renders it with protobuf's converter.
#pragma once

#include <google/protobuf/message.h>

#include <optional>
#include <string>

namespace gridcare::handlers {

// Protobuf 3.21 prints default values through DefaultValueObjectWriter, which builds a tree
// of the whole message before writing a byte: half the cost of rendering a case. Its
// converter prints whatever field is on the wire, defaults included, so the same JSON comes
// from the plain printer when the defaults are written out explicitly, and in the order
// DefaultValueObjectWriter prints them: fields in declaration order, then the Timestamps
// (it places them after the others).
//
// std::nullopt for a message whose JSON the plain printer cannot match this way: an empty
// repeated field or map (printed as [] or {}), a oneof or proto3 `optional`, a map, or a
// well-known type other than Timestamp. The caller then prints it the slow way.
// json_defaults_test.cpp checks the result against protobuf's own printer.
std::optional<std::string> WireWithDefaults(const google::protobuf::Message& message);

}  // namespace gridcare::handlers
