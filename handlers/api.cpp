// The router: matches the path, then the method (405 naming the allowed ones), authenticates,
// dispatches, and records metrics; every answer gets the headers of AddSafetyHeaders.
#include "handlers/api.h"

#include <chrono>
#include <memory>
#include <optional>

#include "handlers/api_support.h"
#include "handlers/endpoints.h"
#include "handlers/routes.h"

namespace gridcare::handlers {
namespace {

HttpResponse NoSuchEndpoint(const HttpRequest& request, bool binary) {
  return ErrorReply(engine::NotFound("no endpoint " + request.method + " " + request.target),
                    binary);
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
  if (path == "/v1/accessLog" && m == "GET") return ListUserAccessLog(call, caller);
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
    case Endpoint::kCaseAccessLog:
      return ListCaseAccessLog(call, caller, *id);
    case Endpoint::kOther:
    case Endpoint::kUserRevokeSessions:
      break;
  }
  return NoSuchEndpoint(request, binary);
}

}  // namespace gridcare::handlers
