// Negotiation, rendering, error replies and query parsing shared by the endpoints.
#include "handlers/api_support.h"

#include <google/protobuf/util/time_util.h>

#include <charconv>

namespace gridcare::handlers {

bool WantsBinary(const HttpRequest& request) {
  const std::string_view accept = request.Header("accept");
  if (!accept.empty()) return accept.find(kProtobufContentType) != std::string_view::npos;
  return IsProtobufContentType(request.Header("content-type"));
}

HttpResponse Reply(int status, const google::protobuf::Message& message, bool binary) {
  HttpResponse r;
  r.status = status;
  r.content_type = binary ? std::string(kProtobufContentType) : "application/json; charset=utf-8";
  r.body = RenderMessage(message, binary);
  return r;
}

HttpResponse ErrorReply(const engine::Status& status, bool binary, ExhaustedAs exhausted) {
  const HttpError http = ToHttpError(status.code(), exhausted);
  HttpResponse r = Reply(http.http_status, ToErrorBody(status, exhausted), binary);
  if (http.http_status == 401) r.headers.push_back({"WWW-Authenticate", "Bearer"});
  return r;
}

engine::CaseService::Executor OnConnection(const Responder& respond, bool binary) {
  return [respond, binary](std::function<void()> task) {
    respond.Post([respond, binary, task = std::move(task)] {
      try {
        task();
      } catch (const std::exception& e) {
        respond.Send(ErrorReply(engine::Internal(std::string("unexpected error: ") + e.what()),
                                binary));
      }
    });
  };
}

engine::Status ParseBody(const HttpRequest& request, google::protobuf::Message* out) {
  return ParseMessage(request.Header("content-type"), request.body, out);
}

engine::Result<std::optional<int>> IntParam(const std::map<std::string, std::string>& query,
                                            const std::string& name, int min, int max) {
  const auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return std::optional<int>();
  const std::string& text = it->second;
  int n = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n < min || n > max) {
    return engine::InvalidArgument(name + ": a whole number from " + std::to_string(min) + " to " +
                                   std::to_string(max));
  }
  return std::optional<int>(n);
}

namespace {
constexpr std::string_view kTokenPrefix = "p1.";
}  // namespace

std::string PageToken(engine::CaseId before) {
  return std::string(kTokenPrefix) + std::to_string(before);
}

engine::Result<std::optional<engine::CaseId>> ParsePageToken(const std::string& token) {
  if (token.empty()) return std::optional<engine::CaseId>();
  if (token.rfind(kTokenPrefix, 0) == 0) {
    engine::CaseId id = 0;
    const char* begin = token.data() + kTokenPrefix.size();
    auto [p, ec] = std::from_chars(begin, token.data() + token.size(), id);
    if (ec == std::errc() && p == token.data() + token.size() && id > 0) {
      return std::optional<engine::CaseId>(id);
    }
  }
  return engine::InvalidArgument("pageToken: not a token this server issued");
}

namespace {

constexpr std::string_view kAccessTokenPrefix = "a1.";

// A decimal number filling all of `text`, at least `min`.
std::optional<std::int64_t> WholeNumber(std::string_view text, std::int64_t min) {
  std::int64_t n = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n < min) return std::nullopt;
  return n;
}

}  // namespace

std::string AccessPageToken(const engine::AccessCursor& after) {
  return std::string(kAccessTokenPrefix) + std::to_string(engine::ToUnixMillis(after.time)) +
         "." + std::to_string(after.id);
}

engine::Result<std::optional<engine::AccessCursor>> ParseAccessPageToken(
    const std::string& token) {
  using Cursor = std::optional<engine::AccessCursor>;
  if (token.empty()) return Cursor();
  const std::string_view text(token);
  const auto dot = text.find('.', kAccessTokenPrefix.size());
  if (text.rfind(kAccessTokenPrefix, 0) == 0 && dot != std::string_view::npos) {
    const auto time = WholeNumber(text.substr(kAccessTokenPrefix.size(),
                                              dot - kAccessTokenPrefix.size()), 0);
    const auto id = WholeNumber(text.substr(dot + 1), 1);
    if (time && id) return Cursor(engine::AccessCursor{engine::FromUnixMillis(*time), *id});
  }
  return engine::InvalidArgument("pageToken: not a token this server issued");
}

engine::Result<std::optional<engine::TimePoint>> TimeParam(
    const std::map<std::string, std::string>& query, const std::string& name) {
  const auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return std::optional<engine::TimePoint>();
  google::protobuf::Timestamp t;
  if (!google::protobuf::util::TimeUtil::FromString(it->second, &t)) {
    return engine::InvalidArgument(name + ": an RFC 3339 time, e.g. 2026-06-01T00:00:00Z");
  }
  return std::optional<engine::TimePoint>(FromProto(t));
}

engine::Result<engine::ListRequest> ParseListRequest(const std::map<std::string, std::string>& q) {
  engine::ListRequest req;
  if (auto it = q.find("view"); it != q.end() && !it->second.empty()) {
    const std::string& v = it->second;
    if (v == "INBOX") req.view = engine::ListView::kInbox;
    else if (v == "MINE") req.view = engine::ListView::kMine;
    else if (v == "OVERDUE") req.view = engine::ListView::kOverdue;
    else if (v == "ALL") req.view = engine::ListView::kAll;
    else return engine::InvalidArgument("view: one of INBOX, MINE, OVERDUE, ALL (got \"" + v + "\")");
  }
  GC_ASSIGN_OR_RETURN(req.state, EnumParam<engine::CaseState>(q, "state"));
  GC_ASSIGN_OR_RETURN(req.category, EnumParam<engine::Category>(q, "category"));
  if (auto it = q.find("unitId"); it != q.end() && !it->second.empty()) req.unit_id = it->second;
  if (auto it = q.find("subjectIdNumber"); it != q.end()) req.subject_id_number = it->second;
  GC_ASSIGN_OR_RETURN(const std::optional<int> page_size, IntParam(q, "pageSize", 1, 200));
  if (page_size) req.page_size = *page_size;
  if (auto it = q.find("pageToken"); it != q.end()) {
    GC_ASSIGN_OR_RETURN(req.before_id, ParsePageToken(it->second));
  }
  return req;
}

}  // namespace gridcare::handlers
