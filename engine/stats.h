// Monitoring figures per unit (GET /v1/stats): counts over the cases whose grid lies in a
// unit's subtree — where a case came from, wherever it is assigned now.
#pragma once

#include <string>
#include <vector>

namespace gridcare::engine {

// Raw counts as storage aggregates them.
struct UnitCaseCounts {
  std::string unit_id;
  int total = 0;
  int open = 0;               // not CLOSED, REJECTED or WITHDRAWN
  int overdue = 0;            // response SLA breached at least once
  int responded_on_time = 0;  // responded, never breached
  int responded_late = 0;     // responded after a breach
  int closed = 0;
  double response_seconds_sum = 0;  // Σ (respond − create) over responded cases
};

struct UnitStats {
  std::string unit_id;  // empty on the total row
  std::string name;
  UnitCaseCounts counts;
  double on_time_rate = 0;  // on time / (on time + late); 0 when nothing responded yet
  double avg_response_seconds = 0;
};

struct StatsReport {
  std::vector<UnitStats> units;  // one per child unit
  UnitStats total;               // the requested unit's whole subtree
};

// Derives the rates from the counts.
UnitStats MakeUnitStats(const UnitCaseCounts& counts, std::string name);

}  // namespace gridcare::engine
