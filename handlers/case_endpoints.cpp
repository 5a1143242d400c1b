// /v1/cases: create (idempotent), get, list with views and paging, actions, the actions a
// caller may take, events.
#include <charconv>

#include "gridcare/v1/case.pb.h"
#include "handlers/api_support.h"
#include "handlers/endpoints.h"

namespace gridcare::handlers {
namespace {

// Page tokens are opaque to clients; inside they name the last id of the previous page.
constexpr std::string_view kTokenPrefix = "p1.";

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
  GC_ASSIGN_OR_RETURN(const std::optional<int> page_size, IntParam(q, "pageSize", 1, 200));
  if (page_size) req.page_size = *page_size;
  if (auto it = q.find("pageToken"); it != q.end()) {
    GC_ASSIGN_OR_RETURN(req.before_id, ParsePageToken(it->second));
  }
  return req;
}

}  // namespace

std::optional<HttpResponse> CreateCase(Call& call, const Caller& caller) {
  v1::CreateCaseRequest req;
  if (auto s = ParseBody(call.request, &req); !s.ok()) return ErrorReply(s, call.binary);
  auto report = NewCaseFromProto(req);
  if (!report.ok()) return ErrorReply(report.status(), call.binary);
  call.deps.cases.CreateAsync(
      caller.actor, std::move(*report), OnConnection(call.respond, call.binary),
      [respond = call.respond, binary = call.binary](engine::Result<engine::CreateResult> r) {
        respond.Send(r.ok() ? Reply(r->created ? 201 : 200, ToProto(r->c), binary)
                            : ErrorReply(r.status(), binary));
      });
  return std::nullopt;
}

HttpResponse GetCase(Call& call, const Caller& caller, engine::CaseId id) {
  auto c = call.deps.cases.Get(caller.actor, id);
  if (!c.ok()) return ErrorReply(c.status(), call.binary);
  return Reply(200, ToProto(*c), call.binary);
}

HttpResponse ListCases(Call& call, const Caller& caller) {
  auto req = ParseListRequest(call.query);
  if (!req.ok()) return ErrorReply(req.status(), call.binary);
  auto page = call.deps.cases.List(caller.actor, *req);
  if (!page.ok()) return ErrorReply(page.status(), call.binary);
  v1::ListCasesResponse out;
  for (const auto& c : page->cases) *out.add_cases() = ToProto(c);
  if (page->next_before_id) out.set_next_page_token(PageToken(*page->next_before_id));
  return Reply(200, out, call.binary);
}

std::optional<HttpResponse> ActOnCase(Call& call, const Caller& caller, engine::CaseId id,
                                      const std::string& action) {
  v1::CaseActionRequest req;
  if (auto s = ParseBody(call.request, &req); !s.ok()) return ErrorReply(s, call.binary);
  auto command = CommandFromProto(action, req);
  if (!command.ok()) return ErrorReply(command.status(), call.binary);
  call.deps.cases.ActAsync(
      caller.actor, id, std::move(*command), OnConnection(call.respond, call.binary),
      [respond = call.respond, binary = call.binary](engine::Result<engine::Case> c) {
        respond.Send(c.ok() ? Reply(200, ToProto(*c), binary) : ErrorReply(c.status(), binary));
      });
  return std::nullopt;
}

HttpResponse ListActions(Call& call, const Caller& caller, engine::CaseId id) {
  auto commands = call.deps.cases.Actions(caller.actor, id);
  if (!commands.ok()) return ErrorReply(commands.status(), call.binary);
  v1::ListActionsResponse out;
  for (std::string& name : ActionNames(*commands)) out.add_actions(std::move(name));
  return Reply(200, out, call.binary);
}

HttpResponse ListEvents(Call& call, const Caller& caller, engine::CaseId id) {
  auto events = call.deps.cases.Events(caller.actor, id);
  if (!events.ok()) return ErrorReply(events.status(), call.binary);
  v1::ListEventsResponse out;
  for (const auto& e : *events) *out.add_events() = ToProto(e);
  return Reply(200, out, call.binary);
}

}  // namespace gridcare::handlers
