// The endpoint functions the router in api.cpp dispatches to, one per contract operation.
// Internal to handlers/. Each parses, calls one engine method, renders; the writes answer
// through Call::respond once their commit is done.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "handlers/api.h"

namespace gridcare::handlers {

struct Call {
  const HttpRequest& request;
  const std::map<std::string, std::string>& query;
  bool binary;
  ApiDeps& deps;
  // For endpoints that answer later (writes): they return no response and send it here.
  const Responder& respond;
};

HttpResponse CreateSession(Call& call);
HttpResponse DeleteSession(Call& call, const Caller& caller);
HttpResponse RevokeUserSessions(Call& call, const Caller& caller, const std::string& username);

std::optional<HttpResponse> CreateCase(Call& call, const Caller& caller);
HttpResponse GetCase(Call& call, const Caller& caller, engine::CaseId id);
HttpResponse ListCases(Call& call, const Caller& caller);
std::optional<HttpResponse> ActOnCase(Call& call, const Caller& caller, engine::CaseId id,
                                      const std::string& action);
HttpResponse ListEvents(Call& call, const Caller& caller, engine::CaseId id);
HttpResponse ListActions(Call& call, const Caller& caller, engine::CaseId id);
HttpResponse ListCaseAccessLog(Call& call, const Caller& caller, engine::CaseId id);
HttpResponse ListUserAccessLog(Call& call, const Caller& caller);

HttpResponse ListOrgUnits(Call& call, const Caller& caller);

HttpResponse GetStats(Call& call, const Caller& caller);
HttpResponse GetDailyStats(Call& call, const Caller& caller);
HttpResponse OpenStream(Call& call, const Caller& caller);
HttpResponse GetMetrics(Call& call);

}  // namespace gridcare::handlers
