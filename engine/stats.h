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

// GET /v1/stats:daily: how many days a report may span, and how many it spans by default.
inline constexpr int kMaxStatsDays = 90;
inline constexpr int kDefaultStatsDays = 14;

// One day's raw counts as storage aggregates them, over the cases whose grid lies in a
// unit's subtree.
struct DayCaseCounts {
  int received = 0;                 // created that day
  int responded = 0;                // first accepted that day
  double response_seconds_sum = 0;  // Σ (respond − create) over those
};

// One calendar day in China Standard Time.
struct DayStats {
  std::string date;  // "2026-12-01"
  DayCaseCounts counts;
  double avg_response_seconds = 0;  // 0 when nothing was responded to that day
};

}  // namespace gridcare::engine
