// Protobuf <-> engine translation, body (de)serialisation and the error table.
// Not validation of business rules: the engine judges lengths, scope and states.
#include "handlers/codec.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/actions.h"
#include "handlers/json_defaults.h"
#include "handlers/json_types.h"
#include "handlers/safe_text.h"

namespace gridcare::handlers {

namespace {

using engine::InvalidArgument;
using engine::Result;
using engine::Status;

// Engine and proto enums share their value names (api.md spellings), so they are mapped
// by name through the descriptor: a value added on one side only shows up as UNSPECIFIED
// here and fails the codec test, instead of silently shifting by position.
template <typename P, typename E>
P ToProtoEnum(E value) {
  // Matched by name once per enum type (a descriptor lookup per value rendered cost ~1 %
  // of an I/O thread), then by value. Built on first use and never changed.
  static const auto kTable = [] {
    const auto* descriptor = google::protobuf::GetEnumDescriptor<P>();
    std::vector<std::pair<E, P>> table;
    for (E e : engine::AllValues<E>()) {
      const auto* v = descriptor->FindValueByName(std::string(engine::Name(e)));
      table.emplace_back(e, v == nullptr ? P{} : static_cast<P>(v->number()));
    }
    return table;
  }();
  for (const auto& [e, p] : kTable) {
    if (e == value) return p;
  }
  return P{};
}

template <typename E>
std::string AllowedNames() {
  std::string out;
  for (E e : engine::AllValues<E>()) {
    if (!out.empty()) out += ", ";
    out += engine::Name(e);
  }
  return out;
}

// `field` is the JSON name, so the client can find it in what it sent.
template <typename E, typename P>
Result<E> FromProtoEnum(P value, std::string_view field) {
  const auto* descriptor = google::protobuf::GetEnumDescriptor<P>();
  const auto* v = descriptor->FindValueByNumber(static_cast<int>(value));
  if (v != nullptr && v->number() != 0) {
    if (auto e = engine::ParseEnum<E>(v->name())) return *e;
  }
  return InvalidArgument(std::string(field) + ": required; one of " + AllowedNames<E>());
}

std::optional<engine::TimePoint> OptionalTime(bool has, const google::protobuf::Timestamp& t) {
  if (!has) return std::nullopt;
  return FromProto(t);
}

Result<engine::Subject> SubjectFromProto(const v1::Subject& s, const std::string& field) {
  engine::Subject out;
  out.name = s.name();
  GC_ASSIGN_OR_RETURN(out.role, FromProtoEnum<engine::SubjectRole>(s.role(), field + ".role"));
  out.age = s.age();
  out.id_number = s.id_number();
  out.phone = s.phone();
  return out;
}

Result<std::vector<engine::Subject>> SubjectsFromProto(
    const google::protobuf::RepeatedPtrField<v1::Subject>& subjects) {
  std::vector<engine::Subject> out;
  out.reserve(subjects.size());
  for (int i = 0; i < subjects.size(); ++i) {
    GC_ASSIGN_OR_RETURN(auto s,
                        SubjectFromProto(subjects[i], "subjects[" + std::to_string(i) + "]"));
    out.push_back(std::move(s));
  }
  return out;
}

std::string_view StripParameters(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t')) {
    content_type.remove_suffix(1);
  }
  while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t')) {
    content_type.remove_prefix(1);
  }
  return content_type;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The value of `field` (a JSON name) in `message` as actions.def spells it: an enum by its
// value name, a bool as "true"/"false", a string as it is. None when it is unset (an enum
// at 0, an empty string, an optional field not present).
std::optional<std::string> FieldText(const google::protobuf::Message& message,
                                     std::string_view field) {
  using google::protobuf::FieldDescriptor;
  const FieldDescriptor* f =
      message.GetDescriptor()->FindFieldByCamelcaseName(std::string(field));
  if (f == nullptr || f->is_repeated()) return std::nullopt;
  const auto* reflection = message.GetReflection();
  if (f->has_presence() && !reflection->HasField(message, f)) return std::nullopt;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      return reflection->GetBool(message, f) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = reflection->GetEnum(message, f);
      if (value->number() == 0) return std::nullopt;
      return value->name();
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text = reflection->GetString(message, f);
      if (text.empty()) return std::nullopt;
      return text;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

// --- engine → proto ------------------------------------------------------------------

void ToProto(engine::TimePoint time, google::protobuf::Timestamp* out) {
  // Floor division so instants before 1970 keep nanos in [0, 1e9) as Timestamp requires.
  const std::int64_t ms = engine::ToUnixMillis(time);
  std::int64_t seconds = ms / 1000;
  std::int64_t rem = ms % 1000;
  if (rem < 0) {
    rem += 1000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<std::int32_t>(rem * 1'000'000));
}

v1::Case::State ToProto(engine::CaseState state) { return ToProtoEnum<v1::Case::State>(state); }
v1::CaseEvent::Action ToProto(engine::EventAction action) {
  return ToProtoEnum<v1::CaseEvent::Action>(action);
}
v1::User::Role ToProto(engine::Role role) { return ToProtoEnum<v1::User::Role>(role); }

v1::Subject ToProto(const engine::Subject& subject) {
  v1::Subject out;
  out.set_name(subject.name);
  out.set_role(ToProtoEnum<v1::Subject::Role>(subject.role));
  out.set_age(subject.age);
  out.set_id_number(subject.id_number);
  out.set_phone(subject.phone);
  return out;
}

v1::Case ToProto(const engine::Case& c) {
  v1::Case out;
  out.set_id(std::to_string(c.id));
  out.set_number(c.number);
  out.set_request_id(c.request_id);
  out.set_channel(ToProtoEnum<v1::Case::Channel>(c.channel));
  out.set_category(ToProtoEnum<v1::Case::Category>(c.category));
  out.set_priority(ToProtoEnum<v1::Case::Priority>(c.priority));
  out.set_grid_id(c.grid_id);
  out.set_title(c.title);
  out.set_description(c.description);
  out.set_address(c.address);
  for (const auto& s : c.subjects) *out.add_subjects() = ToProto(s);
  out.set_state(ToProto(c.state));
  out.set_assigned_unit_id(c.assigned_unit_id);
  out.set_reporter_id(c.reporter_id);
  ToProto(c.create_time, out.mutable_create_time());
  ToProto(c.update_time, out.mutable_update_time());
  ToProto(c.response_due_time, out.mutable_response_due_time());
  // Only touching the mutable_ accessor creates the field, so unset ones stay absent.
  if (c.respond_time) ToProto(*c.respond_time, out.mutable_respond_time());
  if (c.resolve_due_time) ToProto(*c.resolve_due_time, out.mutable_resolve_due_time());
  if (c.resolve_time) ToProto(*c.resolve_time, out.mutable_resolve_time());
  if (c.close_time) ToProto(*c.close_time, out.mutable_close_time());
  out.set_overdue(c.overdue);
  out.set_escalations(c.escalations);
  out.set_version(c.version);
  out.set_village_id(c.village_id);
  if (c.follow_up_due_time) ToProto(*c.follow_up_due_time, out.mutable_follow_up_due_time());
  out.set_resolve_overdue(c.resolve_overdue);
  out.set_follow_up_overdue(c.follow_up_overdue);
  return out;
}

v1::CaseEvent ToProto(const engine::CaseEvent& event) {
  v1::CaseEvent out;
  out.set_seq(event.seq);
  ToProto(event.time, out.mutable_time());
  out.set_actor_id(event.actor_id);
  out.set_actor_role(ToProto(event.actor_role));
  out.set_action(ToProto(event.action));
  if (event.from_state) out.set_from_state(ToProto(*event.from_state));
  out.set_to_state(ToProto(event.to_state));
  out.set_assigned_unit_id(event.assigned_unit_id);
  out.set_note(event.note);
  out.set_prev_hash(event.prev_hash);
  out.set_hash(event.hash);
  out.set_actor_unit_id(event.actor_unit_id);
  if (event.due_time) ToProto(*event.due_time, out.mutable_due_time());
  for (const auto& [k, v] : event.changes) (*out.mutable_changes())[k] = v;
  return out;
}

v1::User ToProto(const engine::User& user) {
  v1::User out;
  out.set_id(user.id);
  out.set_username(user.username);
  out.set_display_name(user.display_name);
  out.set_role(ToProto(user.role));
  out.set_org_unit_id(user.org_unit_id);
  return out;
}

v1::AccessLogEntry ToProto(const engine::AccessEntry& entry) {
  v1::AccessLogEntry out;
  out.set_user_id(entry.record.user_id);
  if (entry.reader) {
    out.set_username(entry.reader->username);
    out.set_display_name(entry.reader->display_name);
    out.set_role(ToProto(entry.reader->role));
    out.set_unit_id(entry.reader->org_unit_id);
  }
  ToProto(entry.record.time, out.mutable_time());
  out.set_what(entry.record.what);
  out.set_case_id(std::to_string(entry.record.case_id));
  out.set_case_number(entry.case_number);
  return out;
}

v1::OrgUnit ToProto(const engine::OrgUnit& unit) {
  v1::OrgUnit out;
  out.set_id(unit.id);
  out.set_name(unit.name);
  out.set_level(ToProtoEnum<v1::OrgUnit::Level>(unit.level));
  out.set_parent_id(unit.parent_id);
  return out;
}

// --- proto → engine ------------------------------------------------------------------

engine::TimePoint FromProto(const google::protobuf::Timestamp& time) {
  return engine::FromUnixMillis(time.seconds() * 1000 + time.nanos() / 1'000'000);
}

Result<engine::Case> FromProto(const v1::Case& c) {
  engine::Case out;
  const std::string& id = c.id();
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), out.id);
  if (ec != std::errc() || end != id.data() + id.size()) {
    return InvalidArgument("id: \"" + id + "\" is not a case id");
  }
  out.number = c.number();
  out.request_id = c.request_id();
  GC_ASSIGN_OR_RETURN(out.channel, FromProtoEnum<engine::Channel>(c.channel(), "channel"));
  GC_ASSIGN_OR_RETURN(out.category, FromProtoEnum<engine::Category>(c.category(), "category"));
  GC_ASSIGN_OR_RETURN(out.priority, FromProtoEnum<engine::Priority>(c.priority(), "priority"));
  out.grid_id = c.grid_id();
  out.village_id = c.village_id();
  out.title = c.title();
  out.description = c.description();
  out.address = c.address();
  GC_ASSIGN_OR_RETURN(out.subjects, SubjectsFromProto(c.subjects()));
  GC_ASSIGN_OR_RETURN(out.state, FromProtoEnum<engine::CaseState>(c.state(), "state"));
  out.assigned_unit_id = c.assigned_unit_id();
  out.reporter_id = c.reporter_id();
  out.create_time = FromProto(c.create_time());
  out.update_time = FromProto(c.update_time());
  out.response_due_time = FromProto(c.response_due_time());
  out.respond_time = OptionalTime(c.has_respond_time(), c.respond_time());
  out.resolve_due_time = OptionalTime(c.has_resolve_due_time(), c.resolve_due_time());
  out.resolve_time = OptionalTime(c.has_resolve_time(), c.resolve_time());
  out.close_time = OptionalTime(c.has_close_time(), c.close_time());
  out.follow_up_due_time = OptionalTime(c.has_follow_up_due_time(), c.follow_up_due_time());
  out.overdue = c.overdue();
  out.resolve_overdue = c.resolve_overdue();
  out.follow_up_overdue = c.follow_up_overdue();
  out.escalations = c.escalations();
  out.version = c.version();
  return out;
}

Result<engine::CaseEvent> FromProto(const v1::CaseEvent& event) {
  engine::CaseEvent out;
  out.seq = event.seq();
  out.time = FromProto(event.time());
  out.actor_id = event.actor_id();
  GC_ASSIGN_OR_RETURN(out.actor_role, FromProtoEnum<engine::Role>(event.actor_role(), "actorRole"));
  out.actor_unit_id = event.actor_unit_id();
  GC_ASSIGN_OR_RETURN(out.action, FromProtoEnum<engine::EventAction>(event.action(), "action"));
  if (event.from_state() != v1::Case::STATE_UNSPECIFIED) {
    GC_ASSIGN_OR_RETURN(out.from_state,
                        FromProtoEnum<engine::CaseState>(event.from_state(), "fromState"));
  }
  GC_ASSIGN_OR_RETURN(out.to_state, FromProtoEnum<engine::CaseState>(event.to_state(), "toState"));
  out.assigned_unit_id = event.assigned_unit_id();
  out.note = event.note();
  out.due_time = OptionalTime(event.has_due_time(), event.due_time());
  for (const auto& [name, value] : event.changes()) out.changes.insert_or_assign(name, value);
  out.prev_hash = event.prev_hash();
  out.hash = event.hash();
  return out;
}

Result<engine::NewCase> NewCaseFromProto(const v1::CreateCaseRequest& request) {
  engine::NewCase out;
  out.request_id = request.request_id();
  GC_ASSIGN_OR_RETURN(out.channel, FromProtoEnum<engine::Channel>(request.channel(), "channel"));
  GC_ASSIGN_OR_RETURN(out.category,
                      FromProtoEnum<engine::Category>(request.category(), "category"));
  GC_ASSIGN_OR_RETURN(out.priority,
                      FromProtoEnum<engine::Priority>(request.priority(), "priority"));
  out.grid_id = request.grid_id();
  out.title = request.title();
  out.description = request.description();
  out.address = request.address();
  GC_ASSIGN_OR_RETURN(out.subjects, SubjectsFromProto(request.subjects()));
  return out;
}

std::string_view ActionName(engine::Command command) { return engine::InfoFor(command).action; }

std::vector<std::string> ActionNames(const std::vector<engine::Command>& commands) {
  std::vector<std::string> out;
  for (const engine::Command command : commands) {
    const std::string_view name = ActionName(command);
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) {
      out.emplace_back(name);
    }
  }
  return out;
}

Result<engine::CommandRequest> CommandFromProto(std::string_view action,
                                                const v1::CaseActionRequest& request) {
  const auto rows = engine::RowsForAction(action);
  if (rows.empty()) {
    std::string known;
    for (const std::string_view a : engine::UrlActions()) {
      known += known.empty() ? "" : ", ";
      known += a;
    }
    return engine::NotFound("no action \"" + std::string(action) + "\"; one of " + known);
  }
  engine::CommandRequest out;
  if (request.has_version()) out.expected_version = request.version();
  out.note = request.note();
  out.target_unit_id = request.unit_id();  // read only by the rows that move to a target
  // The rows of one action require the same field (actions.cpp checks); a row without a
  // value takes any, one with a value only that.
  const std::string_view field = rows.front().field;
  const std::optional<std::string> given = field.empty() ? "" : FieldText(request, field);
  std::string values;
  for (const engine::CommandInfo& row : rows) {
    if (given && (row.value.empty() || row.value == *given)) {
      out.command = row.command;
      return out;
    }
    if (!row.value.empty()) {
      values += (values.empty() ? "; one of " : ", ") + std::string(row.value);
    }
  }
  return InvalidArgument(std::string(field) + ": required for " + std::string(action) + values);
}

// --- bodies ----------------------------------------------------------------------------

bool IsProtobufContentType(std::string_view content_type) {
  return EqualsIgnoreCase(StripParameters(content_type), kProtobufContentType);
}

Status ParseMessage(std::string_view content_type, std::string_view body,
                    google::protobuf::Message* out) {
  out->Clear();
  if (IsProtobufContentType(content_type)) {
    if (body.size() > static_cast<size_t>(INT32_MAX) ||
        !out->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return InvalidArgument("body: not a valid binary " + out->GetTypeName() + " message");
    }
    return Status::Ok();
  }
  const std::string_view media = StripParameters(content_type);
  if (!media.empty() && !EqualsIgnoreCase(media, kJsonContentType)) {
    return InvalidArgument("Content-Type: \"" + std::string(media) + "\" is not supported; use " +
                           std::string(kJsonContentType) + " or " +
                           std::string(kProtobufContentType));
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Status::Ok();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  // What JsonStringToMessage does, with the prebuilt types (json_types.h).
  std::string binary;
  const auto status = google::protobuf::util::JsonToBinaryString(
      ApiTypeResolver(), TypeUrl(*out->GetDescriptor()),
      google::protobuf::StringPiece(body.data(), body.size()), &binary, options);
  if (!status.ok()) {
    const auto message = status.message();
    return InvalidArgument("body: not a valid JSON " + out->GetTypeName() + ": " +
                           std::string(message.data(), message.size()));
  }
  if (!out->ParseFromString(binary)) {
    return InvalidArgument("body: not a valid JSON " + out->GetTypeName());
  }
  return Status::Ok();
}

std::string RenderMessage(const google::protobuf::Message& message, bool binary) {
  std::string out;
  if (binary) {
    message.SerializeToString(&out);
    return out;
  }
  // What MessageToJsonString does with always_print_primitive_fields, with the prebuilt
  // types (json_types.h), and where it can be, without DefaultValueObjectWriter
  // (json_defaults.h): the same bytes at half the cost.
  std::optional<std::string> wire = WireWithDefaults(message);
  const bool defaults_on_wire = wire.has_value();
  const std::string bytes = defaults_on_wire ? std::move(*wire) : message.SerializeAsString();
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = !defaults_on_wire;
  options.preserve_proto_field_names = false;
  // A case's JSON is ~2.5x its wire size (names, quotes); the 256 covers small messages
  // whose names outweigh their values. Growing step by step would allocate several times.
  out.reserve(bytes.size() * 3 + 256);
  // Only fails on messages we never produce (e.g. an out-of-range Timestamp, which fails
  // either way); an empty object is still valid JSON for the client.
  if (!google::protobuf::util::BinaryToJsonString(
           ApiTypeResolver(), TypeUrl(*message.GetDescriptor()), bytes, &out, options)
           .ok()) {
    return "{}";
  }
  return out;
}

// --- errors ----------------------------------------------------------------------------

HttpError ToHttpError(engine::ErrorCode code, ExhaustedAs exhausted) {
  using engine::ErrorCode;
  switch (code) {
    case ErrorCode::kOk:
      return {200, "OK"};
    case ErrorCode::kInvalidArgument:
      return {400, "INVALID_ARGUMENT"};
    case ErrorCode::kUnauthenticated:
      return {401, "UNAUTHENTICATED"};
    case ErrorCode::kPermissionDenied:
      return {403, "PERMISSION_DENIED"};
    case ErrorCode::kNotFound:
      return {404, "NOT_FOUND"};
    case ErrorCode::kFailedPrecondition:
      return {409, "FAILED_PRECONDITION"};
    case ErrorCode::kAborted:
      return {409, "ABORTED"};
    case ErrorCode::kResourceExhausted:
      return {exhausted == ExhaustedAs::kBodyTooLarge ? 413 : 429, "RESOURCE_EXHAUSTED"};
    case ErrorCode::kUnavailable:
      return {503, "UNAVAILABLE"};
    case ErrorCode::kDataLoss:
      return {500, "DATA_LOSS"};
    case ErrorCode::kInternal:
      return {500, "INTERNAL"};
    case ErrorCode::kAlreadyExists:
      return {409, "ALREADY_EXISTS"};
  }
  return {500, "INTERNAL"};
}

v1::ErrorBody ToErrorBody(const Status& status, ExhaustedAs exhausted) {
  const HttpError http = ToHttpError(status.code(), exhausted);
  v1::ErrorBody body;
  body.mutable_error()->set_code(http.http_status);
  body.mutable_error()->set_status(std::string(http.status));
  // Messages may quote what the client sent (a path, a field's value): never its invalid
  // UTF-8, which the JSON printer would refuse or pass on, nor control characters.
  body.mutable_error()->set_message(SafeText(status.message()));
  return body;
}

std::string ErrorBodyJson(const Status& status, ExhaustedAs exhausted) {
  return RenderMessage(ToErrorBody(status, exhausted), /*binary=*/false);
}

}  // namespace gridcare::handlers
