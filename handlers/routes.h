// The paths the API serves, with the methods each answers: the table the router in api.cpp
// reads. Not what an endpoint does (endpoints.h), nor the query (api_support.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/case.h"

namespace gridcare::handlers {

// A path the API serves, with the methods it answers there.
struct Endpoint {
  enum Kind {
    kOther,
    kCase,
    kCaseEvents,
    kCaseActions,
    kCaseAction,
    kCaseAccessLog,
    kUserRevokeSessions
  };
  std::string label;       // the metrics route label: a fixed set, whatever paths clients send
  std::string_view allow;  // the Allow header of a 405, e.g. "GET, HEAD"
  Kind kind = kOther;
  std::string id;       // kCase*: the case {id} as sent, maybe not a number; kUser*: {username}
  std::string action;   // kCaseAction
};

// The endpoint at `path` (decoded, without the query), or none: a 404. A method not in its
// `allow` is a 405. HEAD goes wherever GET does.
std::optional<Endpoint> FindEndpoint(const std::string& path);

// Whether `allow` ("GET, HEAD, POST") names `method`.
bool Allows(std::string_view allow, std::string_view method);

// The {id} of /v1/cases/{id}: a positive decimal number, else none (a 404).
std::optional<engine::CaseId> ParseCaseId(std::string_view text);

}  // namespace gridcare::handlers
