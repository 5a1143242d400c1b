// The table of paths and methods, and the parsing of a case id in a path.
#include "handlers/routes.h"

#include <charconv>
#include <utility>

#include "engine/actions.h"

namespace gridcare::handlers {
namespace {

// Route labels stay a fixed set, whatever paths clients make up.
bool IsKnownAction(const std::string& action) { return !engine::RowsForAction(action).empty(); }

}  // namespace

std::optional<engine::CaseId> ParseCaseId(std::string_view text) {
  engine::CaseId id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

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
      {"/v1/accessLog", "GET, HEAD"},
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
  if (sub == "/accessLog") {
    return Endpoint{"/v1/cases/{id}/accessLog", "GET, HEAD", Endpoint::kCaseAccessLog, id, ""};
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

}  // namespace gridcare::handlers
