// POST /v1/sessions, DELETE /v1/sessions/current, and an administrator ending a user's
// sessions (POST /v1/users/{username}:revokeSessions).
#include "gridcare/v1/session.pb.h"
#include "handlers/api_support.h"
#include "handlers/endpoints.h"

namespace gridcare::handlers {

HttpResponse CreateSession(Call& call) {
  v1::CreateSessionRequest req;
  if (auto s = ParseBody(call.request, &req); !s.ok()) return ErrorReply(s, call.binary);
  auto signed_in = call.deps.auth.SignIn(
      req.username(), req.password(),
      ClientAddress(call.request, call.deps.client_address_header));
  if (!signed_in.ok()) return ErrorReply(signed_in.status(), call.binary);
  v1::Session out;
  out.set_token(signed_in->token);
  ToProto(signed_in->expire_time, out.mutable_expire_time());
  *out.mutable_user() = ToProto(signed_in->user);
  return Reply(200, out, call.binary);
}

HttpResponse DeleteSession(Call& call, const Caller& caller) {
  if (auto s = call.deps.auth.SignOut(caller); !s.ok()) return ErrorReply(s, call.binary);
  call.deps.hub.EndSession(caller.token_hash);  // its streams end with it
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

HttpResponse RevokeUserSessions(Call& call, const Caller& caller, const std::string& username) {
  auto revoked = call.deps.auth.RevokeSessions(caller, username);
  if (!revoked.ok()) return ErrorReply(revoked.status(), call.binary);
  call.deps.hub.EndUser(revoked->user.id);  // their live streams end with their sessions
  v1::RevokeSessionsResponse out;
  *out.mutable_user() = ToProto(revoked->user);
  out.set_revoked_sessions(revoked->sessions);
  return Reply(200, out, call.binary);
}

}  // namespace gridcare::handlers
