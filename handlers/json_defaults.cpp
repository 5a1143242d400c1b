// WireWithDefaults: a message's fields, defaults included, in the order protobuf's
// DefaultValueObjectWriter would print them.
#include "handlers/json_defaults.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <vector>

namespace gridcare::handlers {
namespace {

namespace pb = google::protobuf;
using Field = pb::FieldDescriptor;
using WireFormat = pb::internal::WireFormatLite;

bool IsTimestamp(const Field& f) {
  return f.message_type() != nullptr &&
         f.message_type()->well_known_type() == pb::Descriptor::WELLKNOWNTYPE_TIMESTAMP;
}

bool Append(const pb::Message& message, std::string* out);

bool WriteMessage(int number, const pb::Message& message, pb::io::CodedOutputStream* os) {
  std::string body;
  if (!Append(message, &body)) return false;
  WireFormat::WriteBytes(number, body, os);  // tag, length, bytes: a message field's form
  return true;
}

// One singular scalar, string or enum field, written even when it holds its default.
void WriteScalar(const pb::Message& m, const Field& f, pb::io::CodedOutputStream* os) {
  const pb::Reflection& r = *m.GetReflection();
  const int n = f.number();
  switch (f.type()) {
    case Field::TYPE_INT32:
      return WireFormat::WriteInt32(n, r.GetInt32(m, &f), os);
    case Field::TYPE_SINT32:
      return WireFormat::WriteSInt32(n, r.GetInt32(m, &f), os);
    case Field::TYPE_SFIXED32:
      return WireFormat::WriteSFixed32(n, r.GetInt32(m, &f), os);
    case Field::TYPE_INT64:
      return WireFormat::WriteInt64(n, r.GetInt64(m, &f), os);
    case Field::TYPE_SINT64:
      return WireFormat::WriteSInt64(n, r.GetInt64(m, &f), os);
    case Field::TYPE_SFIXED64:
      return WireFormat::WriteSFixed64(n, r.GetInt64(m, &f), os);
    case Field::TYPE_UINT32:
      return WireFormat::WriteUInt32(n, r.GetUInt32(m, &f), os);
    case Field::TYPE_FIXED32:
      return WireFormat::WriteFixed32(n, r.GetUInt32(m, &f), os);
    case Field::TYPE_UINT64:
      return WireFormat::WriteUInt64(n, r.GetUInt64(m, &f), os);
    case Field::TYPE_FIXED64:
      return WireFormat::WriteFixed64(n, r.GetUInt64(m, &f), os);
    case Field::TYPE_FLOAT:
      return WireFormat::WriteFloat(n, r.GetFloat(m, &f), os);
    case Field::TYPE_DOUBLE:
      return WireFormat::WriteDouble(n, r.GetDouble(m, &f), os);
    case Field::TYPE_BOOL:
      return WireFormat::WriteBool(n, r.GetBool(m, &f), os);
    case Field::TYPE_ENUM:
      return WireFormat::WriteEnum(n, r.GetEnumValue(m, &f), os);
    case Field::TYPE_STRING:
    case Field::TYPE_BYTES: {
      std::string scratch;
      return WireFormat::WriteString(n, r.GetStringReference(m, &f, &scratch), os);
    }
    case Field::TYPE_MESSAGE:
    case Field::TYPE_GROUP:
      return;  // not scalars: the caller handles messages and refuses groups
  }
}

bool Append(const pb::Message& m, std::string* out) {
  const pb::Descriptor& d = *m.GetDescriptor();
  if (d.oneof_decl_count() > 0 ||
      d.well_known_type() != pb::Descriptor::WELLKNOWNTYPE_UNSPECIFIED) {
    return false;
  }
  const pb::Reflection& r = *m.GetReflection();
  pb::io::StringOutputStream stream(out);
  pb::io::CodedOutputStream os(&stream);
  std::vector<const Field*> timestamps;
  for (int i = 0; i < d.field_count(); ++i) {
    const Field& f = *d.field(i);
    if (f.type() == Field::TYPE_GROUP || f.is_map()) return false;
    if (f.is_repeated()) {
      // Only repeated messages: every other repeated kind is absent from the API.
      const int size = r.FieldSize(m, &f);
      if (size == 0 || f.type() != Field::TYPE_MESSAGE || IsTimestamp(f)) return false;
      for (int k = 0; k < size; ++k) {
        if (!WriteMessage(f.number(), r.GetRepeatedMessage(m, &f, k), &os)) return false;
      }
    } else if (IsTimestamp(f)) {
      if (r.HasField(m, &f)) timestamps.push_back(&f);
    } else if (f.type() == Field::TYPE_MESSAGE) {
      if (r.HasField(m, &f) && !WriteMessage(f.number(), r.GetMessage(m, &f), &os)) return false;
    } else {
      WriteScalar(m, f, &os);
    }
  }
  // DefaultValueObjectWriter sees a Timestamp come as a string where it expected an object,
  // and appends it after the fields it laid out: in the order they arrive, by field number.
  std::sort(timestamps.begin(), timestamps.end(),
            [](const Field* a, const Field* b) { return a->number() < b->number(); });
  for (const Field* f : timestamps) {
    WireFormat::WriteBytes(f->number(), r.GetMessage(m, f).SerializeAsString(), &os);
  }
  return !os.HadError();
}

}  // namespace

std::optional<std::string> WireWithDefaults(const pb::Message& message) {
  std::string out;
  if (!Append(message, &out)) return std::nullopt;
  return out;
}

}  // namespace gridcare::handlers
