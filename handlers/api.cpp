// The router: matches the path, then the method (405 naming the allowed ones), authenticates,
// dispatches, and records metrics; every answer gets the headers of AddSafetyHeaders.
#include "handlers/api.h"

#include <charconv>
#include <chrono>
#include <memory>
#include <optional>

#include "engine/actions.h"
#include "handlers/api_support.h"
#include "handlers/endpoints.h"

namespace gridcare::handlers {
namespace {

std::optional<engine::CaseId> ParseCaseId(std::string_view text) {
  engine::CaseId id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// Route labels stay a fixed set, whatever paths clients make up.
bool IsKnownAction(const std::string& action) { return !engine::RowsForAction(action).empty(); }

HttpResponse NoSuchEndpoint(const HttpRequest& request, bool binary) {
  return ErrorReply(engine::NotFound("no endpoint " + request.method + " " + request.target),
                    binary);
}

// A path the API serves, with the methods it answers there.
struct Endpoint {
  enum Kind { kOther, kCase, kCaseEvents, kCaseActions, kCaseAction, kUserRevokeSessions };
  std::string label;       // the metrics route label: a fixed set
  std::string_view allow;  // the Allow header of a 405
  Kind kind = kOther;
  std::string id;       // kCase*: the case {id} as sent, maybe not a number; kUser*: {username}
  std::string action;   // kCaseAction
};

// Every path the API serves. A method not in `allow` there is 405; a path not here, 404.
// HEAD goes wherever GET does.
std::optional<Endpoint> FindEndpoint(const std::string& path) {
  static constexpr std::pair<std::string_view, std::string_view> kFixed[] = {
      {"/healthz", "GET, HEAD"},
      {"/metrics", "GET, HEAD"},
      {"/v1/sessions", "POST"},
      {"/v1/sessions/current", "DELETE"},
      {"/v1/cases", "GET, HEAD, POST"},
      {"/v1/stats", "GET, HEAD"},
      {"/v1/stats:daily", "GET, HEAD"},
      {"/v1/orgUnits", "GET, HEAD"},
      {"/v1/stream", "GET"},  // not HEAD: an answer to it would be a stream
  };
  for (const auto& [fixed, allow] : kFixed) {
    if (path == fixed) return Endpoint{std::string(fixed), allow, Endpoint::kOther, "", ""};
  }
  constexpr std::string_view kUsers = "/v1/users/";
  constexpr std::string_view kRevoke = ":revokeSessions";
  if (path.rfind(kUsers, 0) == 0) {
    const std::string_view rest = std::string_view(path).substr(kUsers.size());
    if (rest.size() <= kRevoke.size() || !rest.ends_with(kRevoke)) return std::nullopt;
    const std::string_view username = rest.substr(0, rest.size() - kRevoke.size());
    if (username.find('/') != std::string_view::npos) return std::nullopt;
    return Endpoint{"/v1/users/{username}:revokeSessions", "POST", Endpoint::kUserRevokeSessions,
                    std::string(username), ""};
  }
  constexpr std::string_view kCases = "/v1/cases/";
  if (path.rfind(kCases, 0) != 0) return std::nullopt;
  const std::string_view rest = std::string_view(path).substr(kCases.size());
  if (rest.empty()) return std::nullopt;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    const std::string action(rest.substr(colon + 1));
    // An action nobody serves is a path nobody serves.
    if (!IsKnownAction(action) || rest.substr(0, colon).find('/') != std::string_view::npos) {
      return std::nullopt;
    }
    return Endpoint{"/v1/cases/{id}:" + action, "POST", Endpoint::kCaseAction,
                    std::string(rest.substr(0, colon)), action};
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return Endpoint{"/v1/cases/{id}", "GET, HEAD", Endpoint::kCase, std::string(rest), ""};
  }
  const std::string id(rest.substr(0, slash));
  const std::string_view sub = rest.substr(slash);
  if (id.empty()) return std::nullopt;
  if (sub == "/events") {
    return Endpoint{"/v1/cases/{id}/events", "GET, HEAD", Endpoint::kCaseEvents, id, ""};
  }
  if (sub == "/actions") {
    return Endpoint{"/v1/cases/{id}/actions", "GET, HEAD", Endpoint::kCaseActions, id, ""};
  }
  return std::nullopt;
}

bool Allows(std::string_view allow, std::string_view method) {
  while (!allow.empty()) {
    const auto comma = allow.find(", ");
    if (allow.substr(0, comma) == method) return true;
    allow = comma == std::string_view::npos ? std::string_view() : allow.substr(comma + 2);
  }
  return false;
}

// No contract status names a wrong method; grpc-gateway answers 405 with UNIMPLEMENTED.
HttpResponse MethodNotAllowed(const HttpRequest& request, std::string_view allow,
                              std::string_view what, bool binary) {
  v1::ErrorBody body =
      ToErrorBody(engine::InvalidArgument(request.method + " " + std::string(what) + ": only " +
                                          std::string(allow) + " are answered here"));
  body.mutable_error()->set_code(405);
  body.mutable_error()->set_status("UNIMPLEMENTED");
  HttpResponse r = Reply(405, body, binary);
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

// The console answers GET and HEAD; a path no file has gets the API's 404.
HttpResponse ServeConsole(const StaticFiles& console, const HttpRequest& request,
                          const std::string& path, bool binary) {
  if (request.method != "GET" && request.method != "HEAD") {
    return MethodNotAllowed(request, "GET, HEAD", path, binary);
  }
  if (auto file = console.Serve(request, path)) return std::move(*file);
  return NoSuchEndpoint(request, binary);
}

// Answers may carry personal data or a token: no cache keeps them, and no browser guesses
// their type. The console's files keep the caching they chose.
void AddSafetyHeaders(HttpResponse* r) {
  bool cache_control = false;
  bool nosniff = false;
  for (const auto& [name, value] : r->headers) {
    cache_control = cache_control || name == "Cache-Control";
    nosniff = nosniff || name == "X-Content-Type-Options";
  }
  if (!cache_control) r->headers.emplace_back("Cache-Control", "no-store");
  if (!nosniff) r->headers.emplace_back("X-Content-Type-Options", "nosniff");
}

}  // namespace

HttpHandler Api::AsHttpHandler() {
  return {[this](const HttpRequest& r, const Responder& respond) { Handle(r, respond); }};
}

void Api::Handle(const HttpRequest& request, const Responder& respond) {
  const auto start = std::chrono::steady_clock::now();
  // Written while routing, read when the answer goes out (maybe later, on another thread).
  auto route = std::make_shared<std::string>("unmatched");
  const Responder timed = respond.Then([this, start, route](HttpResponse& response) {
    AddSafetyHeaders(&response);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    deps_.metrics.ObserveRequest(*route, response.status, seconds);
  });
  try {
    if (auto response = Route(request, route.get(), timed)) {
      timed.Send(std::move(*response));
    }
  } catch (const std::exception& e) {
    timed.Send(ErrorReply(engine::Internal(std::string("unexpected error: ") + e.what()),
                          WantsBinary(request)));
  }
}

std::optional<HttpResponse> Api::Route(const HttpRequest& request, std::string* route,
                                       const Responder& respond) {
  std::string path;
  std::map<std::string, std::string> query;
  const bool binary = WantsBinary(request);
  if (!SplitTarget(request.target, &path, &query)) {
    return ErrorReply(engine::InvalidArgument("malformed URL encoding in " + request.target),
                      binary);
  }
  Call call{request, query, binary, deps_, respond};
  if (deps_.console && StaticFiles::IsConsolePath(path)) {
    *route = "console";
    return ServeConsole(*deps_.console, request, path, binary);
  }
  const std::optional<Endpoint> endpoint = FindEndpoint(path);
  if (!endpoint) return NoSuchEndpoint(request, binary);
  *route = endpoint->label;
  if (!Allows(endpoint->allow, request.method)) {
    return MethodNotAllowed(request, endpoint->allow, path, binary);
  }
  // A HEAD is answered as the GET it is allowed as; the server leaves out the body.
  const std::string_view m =
      request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);

  // Unauthenticated endpoints.
  if (path == "/healthz" && m == "GET") {
    HttpResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok";
    return r;
  }
  if (path == "/metrics" && m == "GET") return GetMetrics(call);
  if (path == "/v1/sessions" && m == "POST") return CreateSession(call);

  const engine::Result<Caller> authenticated =
      deps_.auth.Authenticate(request.Header("authorization"));
  if (!authenticated.ok()) return ErrorReply(authenticated.status(), binary);
  const Caller& caller = *authenticated;

  if (path == "/v1/sessions/current" && m == "DELETE") return DeleteSession(call, caller);
  if (path == "/v1/cases" && m == "POST") return CreateCase(call, caller);
  if (path == "/v1/cases" && m == "GET") return ListCases(call, caller);
  if (path == "/v1/stats" && m == "GET") return GetStats(call, caller);
  if (path == "/v1/stats:daily" && m == "GET") return GetDailyStats(call, caller);
  if (path == "/v1/orgUnits" && m == "GET") return ListOrgUnits(call, caller);
  if (path == "/v1/stream" && m == "GET") return OpenStream(call, caller);
  if (endpoint->kind == Endpoint::kUserRevokeSessions) {
    return RevokeUserSessions(call, caller, endpoint->id);
  }

  // /v1/cases/{id}..., as FindEndpoint matched it.
  const auto not_found = [&] {
    return ErrorReply(engine::NotFound("case " + endpoint->id + " not found"), binary);
  };
  const std::optional<engine::CaseId> id = ParseCaseId(endpoint->id);
  if (!id) return not_found();
  switch (endpoint->kind) {
    case Endpoint::kCase:
      return GetCase(call, caller, *id);
    case Endpoint::kCaseEvents:
      return ListEvents(call, caller, *id);
    case Endpoint::kCaseActions:
      return ListActions(call, caller, *id);
    case Endpoint::kCaseAction:
      return ActOnCase(call, caller, *id, endpoint->action);
    case Endpoint::kOther:
    case Endpoint::kUserRevokeSessions:
      break;
  }
  return NoSuchEndpoint(request, binary);
}

}  // namespace gridcare::handlers
