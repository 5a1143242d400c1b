// Rates derived from raw per-unit counts.
#include "engine/stats.h"

namespace gridcare::engine {

UnitStats MakeUnitStats(const UnitCaseCounts& counts, std::string name) {
  UnitStats s;
  s.unit_id = counts.unit_id;
  s.name = std::move(name);
  s.counts = counts;
  const int responded = counts.responded_on_time + counts.responded_late;
  if (responded > 0) {
    s.on_time_rate = static_cast<double>(counts.responded_on_time) / responded;
    s.avg_response_seconds = counts.response_seconds_sum / responded;
  }
  return s;
}

}  // namespace gridcare::engine
