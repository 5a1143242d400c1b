// /v1/cases/{id}/accessLog and /v1/accessLog: who read a case, what a user read. Who may
// ask is the engine's (CaseService::CaseAccessLog, UserAccessLog); this parses and renders.
#include <algorithm>

#include "gridcare/v1/case.pb.h"
#include "handlers/api_support.h"
#include "handlers/endpoints.h"

namespace gridcare::handlers {
namespace {

// pageSize and pageToken, as both endpoints take them.
engine::Status ParsePaging(const std::map<std::string, std::string>& q, int* page_size,
                           std::optional<engine::AccessCursor>* after) {
  GC_ASSIGN_OR_RETURN(const std::optional<int> size, IntParam(q, "pageSize", 1, 200));
  if (size) *page_size = *size;
  if (auto it = q.find("pageToken"); it != q.end()) {
    GC_ASSIGN_OR_RETURN(*after, ParseAccessPageToken(it->second));
  }
  return engine::Status::Ok();
}

engine::Result<engine::UserAccessRequest> ParseUserAccessRequest(
    const std::map<std::string, std::string>& q) {
  engine::UserAccessRequest req;
  if (auto it = q.find("userId"); it != q.end()) req.user_id = it->second;
  // The ids this server issues are decimal numbers (User.id); anything else names nobody.
  if (!req.user_id.empty() &&
      !std::all_of(req.user_id.begin(), req.user_id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return engine::InvalidArgument("userId: a user id, as User.id gives it");
  }
  GC_ASSIGN_OR_RETURN(req.since, TimeParam(q, "since"));
  GC_ASSIGN_OR_RETURN(req.until, TimeParam(q, "until"));
  GC_RETURN_IF_ERROR(ParsePaging(q, &req.page_size, &req.after));
  return req;
}

HttpResponse Render(const engine::AccessPage& page, bool binary) {
  v1::ListAccessLogResponse out;
  for (const engine::AccessEntry& e : page.entries) *out.add_entries() = ToProto(e);
  if (page.next) out.set_next_page_token(AccessPageToken(*page.next));
  return Reply(200, out, binary);
}

}  // namespace

HttpResponse ListCaseAccessLog(Call& call, const Caller& caller, engine::CaseId id) {
  engine::CaseAccessRequest req;
  if (auto s = ParsePaging(call.query, &req.page_size, &req.after); !s.ok()) {
    return ErrorReply(s, call.binary);
  }
  auto page = call.deps.cases.CaseAccessLog(caller.actor, id, req);
  if (!page.ok()) return ErrorReply(page.status(), call.binary);
  return Render(*page, call.binary);
}

HttpResponse ListUserAccessLog(Call& call, const Caller& caller) {
  auto req = ParseUserAccessRequest(call.query);
  if (!req.ok()) return ErrorReply(req.status(), call.binary);
  auto page = call.deps.cases.UserAccessLog(caller.actor, *req);
  if (!page.ok()) return ErrorReply(page.status(), call.binary);
  return Render(*page, call.binary);
}

}  // namespace gridcare::handlers
