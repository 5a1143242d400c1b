// The one translation between wire messages (gridcare.v1 protobuf, JSON or binary) and
// engine types, and the one table from engine::ErrorCode to HTTP status. Not routing or auth.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/case.h"
#include "engine/org_tree.h"
#include "engine/store.h"
#include "engine/status.h"
#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/error.pb.h"
#include "gridcare/v1/org.pb.h"
#include "gridcare/v1/session.pb.h"

namespace gridcare::handlers {

// --- engine → proto ------------------------------------------------------------------

v1::Subject ToProto(const engine::Subject& subject);
// Deadline bookkeeping (pending_*) and the chain head stay server-side: they are not
// part of the contract.
v1::Case ToProto(const engine::Case& c);
v1::CaseEvent ToProto(const engine::CaseEvent& event);
// Never the password hash.
v1::User ToProto(const engine::User& user);
v1::OrgUnit ToProto(const engine::OrgUnit& unit);
// The reader's name, role and unit only when the user still exists.
v1::AccessLogEntry ToProto(const engine::AccessEntry& entry);

void ToProto(engine::TimePoint time, google::protobuf::Timestamp* out);
v1::Case::State ToProto(engine::CaseState state);
v1::CaseEvent::Action ToProto(engine::EventAction action);
v1::User::Role ToProto(engine::Role role);

// --- proto → engine ------------------------------------------------------------------

// The inverse of ToProto(Case), for round trips; fields the wire does not carry stay at
// their defaults. Fails on a non-numeric id or an unset/unknown enum.
engine::Result<engine::Case> FromProto(const v1::Case& c);
engine::Result<engine::CaseEvent> FromProto(const v1::CaseEvent& event);
engine::TimePoint FromProto(const google::protobuf::Timestamp& time);

// POST /v1/cases. An unset or unknown enum is INVALID_ARGUMENT naming the JSON field and
// its allowed values; everything else (lengths, scope) is the engine's to judge.
engine::Result<engine::NewCase> NewCaseFromProto(const v1::CreateCaseRequest& request);

// The URL action that issues `command` ("verify" for both verdicts, "followUp" for both
// outcomes); empty for the scheduler's commands, which no URL issues. The actions and what
// each requires are engine/actions.def's.
std::string_view ActionName(engine::Command command);
// The URL actions that issue `commands`, each once, in their order (GET
// /v1/cases/{id}/actions).
std::vector<std::string> ActionNames(const std::vector<engine::Command>& commands);

// POST /v1/cases/{id}:ACTION, `action` as spelled in the URL (engine::UrlActions()).
// An unknown action is NOT_FOUND (it is a path nobody serves); a field the action requires
// (verify's `decision`, followUp's `satisfied`, reassign's `unitId`) is INVALID_ARGUMENT
// when missing or, for verify and followUp, not one of the values the table names.
engine::Result<engine::CommandRequest> CommandFromProto(std::string_view action,
                                                        const v1::CaseActionRequest& request);

// --- bodies ----------------------------------------------------------------------------

inline constexpr std::string_view kProtobufContentType = "application/x-protobuf";
inline constexpr std::string_view kJsonContentType = "application/json";

// True for "application/x-protobuf" (parameters and case ignored).
bool IsProtobufContentType(std::string_view content_type);

// Decodes a request body: binary protobuf for application/x-protobuf, proto3 JSON for
// application/json or no content type. Unknown fields and unknown enum names are errors
// (a typo must not silently become a default). An empty body is an empty message, so
// actions without fields need no body. Failures are INVALID_ARGUMENT naming the problem.
engine::Status ParseMessage(std::string_view content_type, std::string_view body,
                            google::protobuf::Message* out);

// Encodes a response: binary, or proto3 JSON with lowerCamelCase names, unprefixed enum
// names, and zero/false/empty fields printed (unset timestamps are still omitted).
std::string RenderMessage(const google::protobuf::Message& message, bool binary);

// --- errors ----------------------------------------------------------------------------

// RESOURCE_EXHAUSTED is two HTTP statuses in the contract; only the caller knows which.
enum class ExhaustedAs { kRateLimited, kBodyTooLarge };

struct HttpError {
  int http_status = 500;
  std::string_view status;  // the contract name, e.g. "FAILED_PRECONDITION"
};

// The one table from engine error codes to HTTP (api.md §2).
HttpError ToHttpError(engine::ErrorCode code, ExhaustedAs exhausted = ExhaustedAs::kRateLimited);

v1::ErrorBody ToErrorBody(const engine::Status& status,
                          ExhaustedAs exhausted = ExhaustedAs::kRateLimited);
// {"error":{"code":409,"status":"FAILED_PRECONDITION","message":"..."}}
std::string ErrorBodyJson(const engine::Status& status,
                          ExhaustedAs exhausted = ExhaustedAs::kRateLimited);

}  // namespace gridcare::handlers
