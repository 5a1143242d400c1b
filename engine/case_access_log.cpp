// CaseService's reads of the access log: who read a case, what a user read. Who may ask is
// decided here (scope from scope.h); the queries are storage's (StoreReader::ListAccess).
#include <string>

#include "engine/case_service.h"
#include "engine/scope.h"

namespace gridcare::engine {
namespace {

// The access log tells who looked at which family: for those who supervise the readers.
Status CheckMayReadAccessLog(const Actor& actor) {
  if (actor.role == Role::kSupervisor || actor.role == Role::kAdmin) return Status::Ok();
  return PermissionDenied("the access log is for SUPERVISOR and ADMIN; a " +
                          std::string(Name(actor.role)) + " may not read it");
}

Status CheckPageSize(int page_size) {
  if (page_size < 1 || page_size > 200) return InvalidArgument("pageSize: must be 1-200");
  return Status::Ok();
}

}  // namespace

Result<AccessPage> CaseService::CaseAccessLog(const Actor& actor, CaseId id,
                                              const CaseAccessRequest& request) {
  const auto tree = this->tree();
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  // Scope first: one who cannot read the case learns nothing, not even that it exists.
  GC_RETURN_IF_ERROR(ReadInScope(*reader, actor, id, *tree));
  GC_RETURN_IF_ERROR(CheckMayReadAccessLog(actor));
  GC_RETURN_IF_ERROR(CheckPageSize(request.page_size));
  AccessQuery q;
  q.case_id = id;
  q.page_size = request.page_size;
  q.after = request.after;
  GC_ASSIGN_OR_RETURN(AccessPage page, reader->ListAccess(q));
  store_.RecordAccess({{actor.user_id, id, clock_.Now(), "accessLog"}});
  return page;
}

Result<AccessPage> CaseService::UserAccessLog(const Actor& actor,
                                              const UserAccessRequest& request) {
  GC_RETURN_IF_ERROR(CheckMayReadAccessLog(actor));
  if (request.user_id.empty()) return InvalidArgument("userId: required");
  GC_RETURN_IF_ERROR(CheckPageSize(request.page_size));
  if (request.since && request.until && *request.until < *request.since) {
    return InvalidArgument("until: before since");
  }
  AccessQuery q;
  q.user_id = request.user_id;
  // Cases in the actor's scope now (a case moved out of it takes its entries along).
  q.scope = ScopeFor(actor);
  q.since = request.since;
  q.until = request.until;
  q.page_size = request.page_size;
  q.after = request.after;
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  return reader->ListAccess(q);
}

}  // namespace gridcare::engine
