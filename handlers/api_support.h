// Shared helpers of the endpoint files: negotiation, rendering, errors, query parsing.
// Internal to handlers/.
#pragma once

#include <google/protobuf/message.h>

#include <map>
#include <optional>
#include <string>

#include "engine/case_service.h"
#include "engine/status.h"
#include "handlers/codec.h"
#include "handlers/http_types.h"

namespace gridcare::handlers {

// Binary when the client accepts application/x-protobuf, or sent it and named no Accept.
bool WantsBinary(const HttpRequest& request);
HttpResponse Reply(int status, const google::protobuf::Message& message, bool binary);
HttpResponse ErrorReply(const engine::Status& status, bool binary,
                        ExhaustedAs exhausted = ExhaustedAs::kRateLimited);

// Where the engine continues a write once it has committed: on the connection's I/O
// thread, never the store's writer. An exception there becomes an INTERNAL answer instead
// of unwinding through the I/O loop.
engine::CaseService::Executor OnConnection(const Responder& respond, bool binary);

// Parses the body into `out`; INVALID_ARGUMENT naming the problem.
engine::Status ParseBody(const HttpRequest& request, google::protobuf::Message* out);

// A whole-number query parameter in [min, max], e.g. pageSize=20; nullopt when absent or
// empty, INVALID_ARGUMENT naming the parameter otherwise.
engine::Result<std::optional<int>> IntParam(const std::map<std::string, std::string>& query,
                                            const std::string& name, int min, int max);

// An enum query parameter, e.g. state=REPORTED; INVALID_ARGUMENT naming the parameter.
template <typename E>
engine::Result<std::optional<E>> EnumParam(const std::map<std::string, std::string>& query,
                                           const std::string& name) {
  auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return std::optional<E>();
  auto v = engine::ParseEnum<E>(it->second);
  if (!v) return engine::InvalidArgument(name + ": unknown value \"" + it->second + "\"");
  return std::optional<E>(*v);
}

// GET /v1/cases's query (view, state, category, unitId, pageSize, pageToken);
// INVALID_ARGUMENT naming the parameter.
engine::Result<engine::ListRequest> ParseListRequest(const std::map<std::string, std::string>& q);

// Page tokens are opaque to clients; inside they name the last id of the previous page.
std::string PageToken(engine::CaseId before);
// None for an empty token; INVALID_ARGUMENT for one this server did not issue.
engine::Result<std::optional<engine::CaseId>> ParsePageToken(const std::string& token);

// The access log's page tokens name the time and row id of the previous page's last entry.
std::string AccessPageToken(const engine::AccessCursor& after);
engine::Result<std::optional<engine::AccessCursor>> ParseAccessPageToken(const std::string& token);

// An RFC 3339 time query parameter, e.g. since=2026-06-01T00:00:00Z; nullopt when absent
// or empty, INVALID_ARGUMENT naming the parameter otherwise.
engine::Result<std::optional<engine::TimePoint>> TimeParam(
    const std::map<std::string, std::string>& query, const std::string& name);

}  // namespace gridcare::handlers
