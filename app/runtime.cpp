// OpenRuntime: the wiring of config → calendar → store → case service.
#include "app/runtime.h"

#include <spdlog/spdlog.h>

#include "app/calendar_file.h"
#include "app/data_key_source.h"
#include "app/system_clock.h"
#include "storage/file_check.h"

namespace gridcare::app {

engine::Result<std::unique_ptr<Runtime>> OpenRuntime(const std::string& db_path,
                                                     const std::string& config_path,
                                                     std::unique_ptr<engine::Clock> clock) {
  auto rt = std::make_unique<Runtime>();
  if (config_path.empty()) {
    rt->config = DefaultConfig();
  } else {
    GC_ASSIGN_OR_RETURN(rt->config, LoadConfig(config_path));
  }
  GC_ASSIGN_OR_RETURN(engine::WorkCalendar calendar, LoadWorkCalendar(rt->config.calendar_file));
  spdlog::info("working-day calendar {} covers {}-{}", rt->config.calendar_file,
               calendar.first_year(), calendar.last_year());
  storage::SqliteStoreOptions store;
  store.writer_cache_kib = rt->config.store.cache_mib * 1024;
  store.writer_mmap_bytes = rt->config.store.mmap_mib << 20;
  store.checkpoints.start_frames = rt->config.store.checkpoint_frames;
  store.checkpoints.flush_after_bytes = rt->config.store.checkpoint_flush_kib << 10;
  store.gather_wal_writes = rt->config.store.gather_wal_writes;
  // A damaged file is refused before anything reads or writes it (storage/file_check.h).
  GC_RETURN_IF_ERROR(storage::CheckDatabaseFile(db_path));
  GC_ASSIGN_OR_RETURN(DataKeySource keys, ResolveDataKeys(rt->config, db_path));
  store.data_keys = keys.keys;
  spdlog::info("personal data sealed with data key {} from {}", keys.keys->current_id(),
               keys.path.empty() ? std::string(storage::DataKeys::kEnvironmentVariable)
                                 : keys.path);
  GC_ASSIGN_OR_RETURN(rt->store, storage::SqliteStore::Open(db_path, store));
  rt->clock = clock ? std::move(clock) : std::make_unique<SystemClock>();
  engine::CaseService::Options options;
  options.number_prefix = rt->config.case_number_prefix;
  options.on_warning = [](const std::string& w) { spdlog::warn("sla: {}", w); };
  rt->cases = std::make_unique<engine::CaseService>(
      *rt->store, *rt->clock, std::make_shared<const engine::OrgTree>(),
      rt->config.MakeSlaPolicy(), std::move(calendar), options);
  GC_RETURN_IF_ERROR(rt->cases->ReloadOrgTree());
  return rt;
}

}  // namespace gridcare::app
