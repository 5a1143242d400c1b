// libFuzzer target: a request line's method and target ("GET /v1/cases?view=ALL"), through
// what the router does with them before any store is asked: the split into a decoded path
// and query, the table of endpoints and methods, the case id, and the query parameters.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "engine/stats.h"
#include "fuzz/body_fuzz.h"
#include "fuzz/fuzz_check.h"
#include "handlers/api_support.h"
#include "handlers/http_types.h"
#include "handlers/routes.h"
#include "handlers/static_files.h"

namespace gridcare::fuzz {
namespace {

// Percent-encodes every byte but unreserved ones (and '/' in a path).
std::string Encode(std::string_view s, bool path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || (path && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool IsKnownLabel(const std::string& label) {
  static const std::string_view kLabels[] = {
      "/healthz",   "/metrics",       "/v1/sessions",          "/v1/sessions/current",
      "/v1/cases",  "/v1/stats",      "/v1/stats:daily",       "/v1/orgUnits",
      "/v1/stream", "/v1/cases/{id}", "/v1/cases/{id}/events", "/v1/cases/{id}/actions",
      "/v1/accessLog", "/v1/cases/{id}/accessLog"};
  for (const std::string_view known : kLabels) {
    if (label == known) return true;
  }
  for (const std::string_view action : engine::UrlActions()) {
    if (label == "/v1/cases/{id}:" + std::string(action)) return true;
  }
  return false;
}

void FuzzQuery(const std::map<std::string, std::string>& query) {
  auto list = handlers::ParseListRequest(query);
  if (!list.ok()) {
    CheckErrorAnswer(list.status());
  } else {
    Check(list->page_size >= 1 && list->page_size <= 200, "pageSize stays in 1..200");
    if (list->before_id) {
      auto again = handlers::ParsePageToken(handlers::PageToken(*list->before_id));
      Check(again.ok() && *again == list->before_id, "a page token the server issues parses");
    }
  }
  auto days = handlers::IntParam(query, "days", 1, engine::kMaxStatsDays);
  if (!days.ok()) {
    CheckErrorAnswer(days.status());
  } else if (*days) {
    Check(**days >= 1 && **days <= engine::kMaxStatsDays, "days stays in its range");
  }
  if (const auto token = query.find("pageToken"); token != query.end()) {
    auto cursor = handlers::ParseAccessPageToken(token->second);
    if (!cursor.ok()) {
      CheckErrorAnswer(cursor.status());
    } else if (*cursor) {
      auto again = handlers::ParseAccessPageToken(handlers::AccessPageToken(**cursor));
      Check(again.ok() && *again == *cursor, "an access-log page token the server issues parses");
    }
  }
  for (const char* name : {"since", "until"}) {
    auto time = handlers::TimeParam(query, name);
    if (!time.ok()) CheckErrorAnswer(time.status());
  }
}

void FuzzTarget(std::string_view method, std::string_view target) {
  std::string path;
  std::map<std::string, std::string> query;
  if (!handlers::SplitTarget(target, &path, &query)) {
    return CheckErrorAnswer(
        engine::InvalidArgument("malformed URL encoding in " + std::string(target)));
  }
  // The same path and parameters, encoded afresh, split the same.
  std::string again = Encode(path, /*path=*/true);
  if (!query.empty()) again += '?';
  for (const auto& [key, value] : query) {
    if (again.back() != '?') again += '&';
    again += Encode(key, false) + "=" + Encode(value, false);
  }
  std::string path2;
  std::map<std::string, std::string> query2;
  Check(handlers::SplitTarget(again, &path2, &query2) && path2 == path && query2 == query,
        "a target re-encoded from its parts splits into the same parts", again);

  FuzzQuery(query);
  handlers::StaticFiles::IsConsolePath(path);

  const auto endpoint = handlers::FindEndpoint(path);
  if (!endpoint) {
    return CheckErrorAnswer(
        engine::NotFound("no endpoint " + std::string(method) + " " + std::string(target)));
  }
  Check(IsKnownLabel(endpoint->label), "route labels are a fixed set", endpoint->label);
  Check(!handlers::StaticFiles::IsConsolePath(path), "an API path is not the console's", path);
  if (endpoint->label != "/v1/stream") {
    Check(handlers::Allows(endpoint->allow, "HEAD") == handlers::Allows(endpoint->allow, "GET"),
          "HEAD goes wherever GET does", path);
  }
  if (!handlers::Allows(endpoint->allow, method)) {
    CheckErrorAnswer(engine::InvalidArgument(std::string(method) + " " + path + ": only " +
                                             std::string(endpoint->allow) + " are answered here"));
  }
  if (endpoint->kind == handlers::Endpoint::kUserRevokeSessions) {
    Check(!endpoint->id.empty() && endpoint->id.find('/') == std::string::npos,
          "a user path names one user", path);
  } else if (endpoint->kind != handlers::Endpoint::kOther) {
    Check(!endpoint->id.empty() || endpoint->kind == handlers::Endpoint::kCaseAction ||
              endpoint->kind == handlers::Endpoint::kCase,
          "a case sub-resource names its case", path);
    if (const auto id = handlers::ParseCaseId(endpoint->id)) {
      Check(*id > 0 && handlers::ParseCaseId(std::to_string(*id)) == id,
            "a case id is a positive number", endpoint->id);
    } else {
      CheckErrorAnswer(engine::NotFound("case " + endpoint->id + " not found"));
    }
  }
}

}  // namespace
}  // namespace gridcare::fuzz

// The input is a request line without its version: METHOD, a space, the target. With no
// space it is all target, sent with GET.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto space = line.find(' ');
  const std::string_view method = space == std::string_view::npos ? "GET" : line.substr(0, space);
  const std::string_view target = space == std::string_view::npos ? line : line.substr(space + 1);
  gridcare::fuzz::FuzzTarget(method, target);
  // The header values a client sends beside it, read by the console's answers.
  gridcare::handlers::AcceptsGzip(line);
  gridcare::fuzz::Check(gridcare::handlers::EtagMatches("*", line),
                        "If-None-Match: * names any representation");
  gridcare::handlers::EtagMatches(line, "\"abc\"");
  return 0;
}
