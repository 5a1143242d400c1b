// The router: matches method and path, authenticates, dispatches, and records metrics.
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

// The console answers GET and HEAD; a path no file has gets the API's 404. Every answer
// tells the browser not to guess a type.
HttpResponse ServeConsole(const StaticFiles& console, const HttpRequest& request,
                          const std::string& path, bool binary) {
  const bool readable = request.method == "GET" || request.method == "HEAD";
  if (readable) {
    if (auto file = console.Serve(request, path)) return std::move(*file);
  }
  HttpResponse r;
  if (readable) {
    r = NoSuchEndpoint(request, binary);
  } else {
    // No contract status names a wrong method; grpc-gateway answers 405 with UNIMPLEMENTED.
    v1::ErrorBody body = ToErrorBody(engine::InvalidArgument(
        request.method + " " + path + ": the console answers GET and HEAD only"));
    body.mutable_error()->set_code(405);
    body.mutable_error()->set_status("UNIMPLEMENTED");
    r = Reply(405, body, binary);
    r.headers.emplace_back("Allow", "GET, HEAD");
  }
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

HttpHandler Api::AsHttpHandler() {
  return {[this](const HttpRequest& r, const Responder& respond) { Handle(r, respond); }};
}

void Api::Handle(const HttpRequest& request, const Responder& respond) {
  const auto start = std::chrono::steady_clock::now();
  // Written while routing, read when the answer goes out (maybe later, on another thread).
  auto route = std::make_shared<std::string>("unmatched");
  const Responder timed = respond.Then([this, start, route](const HttpResponse& response) {
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
  const std::string& m = request.method;

  // Unauthenticated endpoints.
  if (path == "/healthz" && m == "GET") {
    *route = "/healthz";
    HttpResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok";
    return r;
  }
  if (path == "/metrics" && m == "GET") {
    *route = "/metrics";
    return GetMetrics(call);
  }
  if (path == "/v1/sessions" && m == "POST") {
    *route = "/v1/sessions";
    return CreateSession(call);
  }
  if (deps_.console && StaticFiles::IsConsolePath(path)) {
    *route = "console";
    return ServeConsole(*deps_.console, request, path, binary);
  }
  if (path.rfind("/v1/", 0) != 0) return NoSuchEndpoint(request, binary);

  const engine::Result<Caller> authenticated =
      deps_.auth.Authenticate(request.Header("authorization"));
  if (!authenticated.ok()) return ErrorReply(authenticated.status(), binary);
  const Caller& caller = *authenticated;

  if (path == "/v1/sessions/current" && m == "DELETE") {
    *route = "/v1/sessions/current";
    return DeleteSession(call, caller);
  }
  if (path == "/v1/cases") {
    *route = "/v1/cases";
    if (m == "POST") return CreateCase(call, caller);
    if (m == "GET") return ListCases(call, caller);
  }
  if (path == "/v1/stats" && m == "GET") {
    *route = "/v1/stats";
    return GetStats(call, caller);
  }
  if (path == "/v1/stats:daily" && m == "GET") {
    *route = "/v1/stats:daily";
    return GetDailyStats(call, caller);
  }
  if (path == "/v1/orgUnits" && m == "GET") {
    *route = "/v1/orgUnits";
    return ListOrgUnits(call, caller);
  }
  if (path == "/v1/stream" && m == "GET") {
    *route = "/v1/stream";
    return OpenStream(call, caller);
  }
  constexpr std::string_view kCases = "/v1/cases/";
  if (path.rfind(kCases, 0) == 0) {
    std::string_view rest = std::string_view(path).substr(kCases.size());
    const auto not_found = [&] {
      return ErrorReply(engine::NotFound("case " + std::string(rest) + " not found"), binary);
    };
    if (const auto colon = rest.find(':'); colon != std::string_view::npos && m == "POST") {
      const std::string action(rest.substr(colon + 1));
      *route = "/v1/cases/{id}:" + (IsKnownAction(action) ? action : "unknown");
      const auto id = ParseCaseId(rest.substr(0, colon));
      return id ? ActOnCase(call, caller, *id, action) : not_found();
    }
    // GET /v1/cases/{id}/events and /v1/cases/{id}/actions.
    const auto sub = [&](std::string_view suffix) -> std::optional<std::string_view> {
      if (m != "GET" || rest.size() <= suffix.size() ||
          rest.substr(rest.size() - suffix.size()) != suffix) {
        return std::nullopt;
      }
      return rest.substr(0, rest.size() - suffix.size());
    };
    if (const auto id_text = sub("/events")) {
      *route = "/v1/cases/{id}/events";
      const auto id = ParseCaseId(*id_text);
      return id ? ListEvents(call, caller, *id) : not_found();
    }
    if (const auto id_text = sub("/actions")) {
      *route = "/v1/cases/{id}/actions";
      const auto id = ParseCaseId(*id_text);
      return id ? ListActions(call, caller, *id) : not_found();
    }
    if (m == "GET" && rest.find('/') == std::string_view::npos) {
      *route = "/v1/cases/{id}";
      const auto id = ParseCaseId(rest);
      return id ? GetCase(call, caller, *id) : not_found();
    }
  }
  return NoSuchEndpoint(request, binary);
}

}  // namespace gridcare::handlers
