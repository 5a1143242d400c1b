// /v1/cases: create (idempotent), get, list with views and paging, actions, the actions a
// caller may take, events.
#include "gridcare/v1/case.pb.h"
#include "handlers/api_support.h"
#include "handlers/endpoints.h"

namespace gridcare::handlers {

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
