// GET /v1/orgUnits: the units a caller names cases by and picks targets from.
#include "gridcare/v1/org.pb.h"
#include "handlers/api_support.h"
#include "handlers/endpoints.h"

namespace gridcare::handlers {

HttpResponse ListOrgUnits(Call& call, const Caller& caller) {
  v1::ListOrgUnitsResponse out;
  for (const engine::OrgUnit& unit : call.deps.cases.OrgUnits(caller.actor)) {
    *out.add_units() = ToProto(unit);
  }
  return Reply(200, out, call.binary);
}

}  // namespace gridcare::handlers
