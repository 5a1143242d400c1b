// Read queries for monitoring and the SLA scheduler: per-unit counts, totals, due
// deadlines. Not the case queries of the API (store_reads.*).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/store.h"
#include "storage/sqlite.h"

namespace gridcare::storage::reads {

engine::Result<std::vector<engine::UnitCaseCounts>> CountCasesByUnit(
    Db& db, const std::vector<std::string>& unit_ids);
// engine::StoreReader::CountCasesByDay: one read over the create and respond time indexes.
engine::Result<std::vector<engine::DayCaseCounts>> CountCasesByDay(Db& db,
                                                                   const std::string& unit_id,
                                                                   engine::TimePoint from,
                                                                   int days);
engine::Result<engine::CaseTotals> CountTotals(Db& db);
engine::Result<std::vector<engine::DueDeadline>> ListDueDeadlines(Db& db, engine::TimePoint until,
                                                                 int limit);
engine::Result<std::optional<engine::TimePoint>> NextDeadline(Db& db);

}  // namespace gridcare::storage::reads
