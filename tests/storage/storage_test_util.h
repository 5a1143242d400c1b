// Builders for storage tests: cases and their events made by hand so replay agrees, a
// store in a temp dir, and raw SQL for tampering. Not a decider: no rules are checked here.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/case_fields.h"
#include "storage/audit_verifier.h"
#include "storage/sqlite.h"
#include "storage/sqlite_store.h"

namespace gridcare::testing {

using engine::Case;
using engine::CaseEvent;
using engine::CaseState;
using engine::EventAction;
using engine::Role;

// 2026-01-01T00:00:00Z: a fixed start so tests never read the real clock.
inline engine::TimePoint T0() { return engine::FromUnixMillis(1767225600000); }
inline engine::TimePoint Hours(int h) { return T0() + std::chrono::hours(h); }

// A case with the events that produced it, step by step.
struct CaseStory {
  Case now;
  std::vector<CaseEvent> last_events;  // the events of the latest step: what SaveCase gets

  // What a new case varies in; Report(id).Reporter("7").Request("r-1") and so on.
  struct Report {
    Report(engine::CaseId case_id) : id(case_id) {}  // NOLINT: implicit, Reported(1) reads well
    Report& Grid(std::string grid, std::string village) {
      grid_id = std::move(grid);
      village_id = std::move(village);
      return *this;
    }
    Report& Reporter(std::string id_text) {
      reporter_id = std::move(id_text);
      return *this;
    }
    Report& Request(std::string key) {
      request_id = std::move(key);
      return *this;
    }
    Report& State(CaseState s) {  // only for list tests that need rows in other states
      state = s;
      return *this;
    }
    engine::CaseId id;
    std::string grid_id = "g1";
    std::string village_id = "v1";
    std::string reporter_id = "1";
    std::string request_id;  // default: "req-<id>"
    CaseState state = CaseState::kReported;
  };

  static CaseStory Reported(const Report& r) {
    Case c;
    c.id = r.id;
    c.number = "NA-2026-" + std::to_string(100000 + r.id).substr(1);
    c.request_id = r.request_id.empty() ? "req-" + std::to_string(r.id) : r.request_id;
    c.category = engine::Category::kLeftBehindChild;
    c.grid_id = r.grid_id;
    c.village_id = r.village_id;
    c.title = "Child alone at home " + std::to_string(r.id);
    c.description = "Parents work in the city; grandmother is ill.";
    c.address = "Building 3";
    c.subjects = {{"小明", engine::SubjectRole::kChild, 9, "350583201700000000", "13800000000"}};
    c.state = r.state;
    c.assigned_unit_id = r.village_id;
    c.reporter_id = r.reporter_id;
    c.create_time = T0() + std::chrono::minutes(r.id);
    c.update_time = c.create_time;
    c.response_due_time = c.create_time + std::chrono::hours(48);
    c.pending_response_warn = c.create_time + std::chrono::hours(36);
    c.pending_response_due = c.response_due_time;
    c.version = 1;

    CaseEvent e;
    e.case_id = c.id;
    e.seq = 1;
    e.time = c.create_time;
    e.actor_id = r.reporter_id;
    e.actor_role = Role::kGridWorker;
    e.actor_unit_id = r.grid_id;
    e.action = EventAction::kReported;
    e.to_state = c.state;
    e.assigned_unit_id = c.assigned_unit_id;
    e.changes = engine::DiffCaseFields(Case{}, c);
    return {c, {e}};
  }

  // Moves the case on by one event; `change` edits the row (state, unit, clocks, ...).
  CaseStory& Then(EventAction action, Role role, const std::string& actor_id,
                  engine::TimePoint at, const std::function<void(Case&)>& change,
                  const std::string& note = "") {
    Case before = now;
    Case after = now;
    change(after);
    after.version = before.version + 1;
    after.update_time = at;
    CaseEvent e;
    e.case_id = after.id;
    e.seq = after.version;
    e.time = at;
    e.actor_id = actor_id;
    e.actor_role = role;
    e.actor_unit_id = after.assigned_unit_id;
    e.action = action;
    e.from_state = before.state;
    e.to_state = after.state;
    e.assigned_unit_id = after.assigned_unit_id;
    e.note = note;
    e.changes = engine::DiffCaseFields(before, after);
    now = after;
    last_events = {e};
    return *this;
  }

  CaseStory& Verify(engine::TimePoint at) {
    return Then(EventAction::kVerified, Role::kGridLeader, "2", at,
                [](Case& c) { c.state = CaseState::kAssigned; });
  }
  CaseStory& Accept(engine::TimePoint at) {
    return Then(EventAction::kAccepted, Role::kFederationStaff, "3", at, [at](Case& c) {
      c.state = CaseState::kInProgress;
      c.respond_time = at;
      c.resolve_due_time = at + std::chrono::hours(24 * 21);
      c.pending_response_warn.reset();
      c.pending_response_due.reset();
      c.pending_resolve_due = c.resolve_due_time;
    });
  }
  CaseStory& Comment(engine::TimePoint at, const std::string& note) {
    return Then(EventAction::kCommented, Role::kFederationStaff, "3", at, [](Case&) {}, note);
  }
};

// The write path with its switchable optimisations on (the defaults: gathered WAL writes,
// the checkpoint thread) or plain (SQLite's own WAL writes and checkpoints), the reference
// they must not change. Durability tests run both:
//   const WritePath path = GENERATE(WritePath::kDefault, WritePath::kPlain);
//   INFO(Name(path));
//   auto store = OpenStore(file, With(path));
enum class WritePath { kDefault, kPlain };

inline const char* Name(WritePath path) {
  return path == WritePath::kPlain ? "plain write path" : "default write path";
}

// `options` with the optimisations of `path`.
inline storage::SqliteStoreOptions With(WritePath path, storage::SqliteStoreOptions options = {}) {
  if (path == WritePath::kPlain) {
    options.gather_wal_writes = false;
    options.checkpoints.start_frames = 0;
  }
  return options;
}

inline std::unique_ptr<storage::SqliteStore> OpenStore(const std::string& path,
                                                       storage::SqliteStoreOptions options = {}) {
  auto store = storage::SqliteStore::Open(path, options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

// One SaveCase in its own write transaction.
inline engine::Status Save(engine::Store& store, const Case& after,
                           const std::vector<CaseEvent>& events) {
  return store.Write([&](engine::StoreWriter& w) { return w.SaveCase(after, events); });
}

// Raw SQL on the file, as an attacker with the sqlite3 shell would do.
inline void RawSql(const std::string& path, const std::string& sql) {
  auto db = storage::Db::Open(path, SQLITE_OPEN_READWRITE);
  REQUIRE(db.ok());
  engine::Status s = db->Exec(sql);
  INFO(sql << " -> " << s.ToString());
  REQUIRE(s.ok());
}

inline std::int64_t RawInt(const std::string& path, const std::string& sql) {
  auto db = storage::Db::Open(path, SQLITE_OPEN_READWRITE);
  REQUIRE(db.ok());
  auto v = db->QueryInt(sql);
  INFO(sql << " -> " << v.status().ToString());
  REQUIRE(v.ok());
  return *v;
}

// SQLite's own check of the file: "ok", or what is wrong.
inline std::string IntegrityCheck(const std::string& path) {
  auto db = storage::Db::Open(path, SQLITE_OPEN_READONLY);
  REQUIRE(db.ok());
  auto stmt = db->Prepare("PRAGMA integrity_check");
  REQUIRE(stmt.ok());
  auto row = stmt->Step();
  REQUIRE(row.ok());
  return stmt->Text(0);
}

// What `audit verify` found, one finding a line, for a test's INFO.
inline std::string Describe(const std::vector<storage::AuditFinding>& findings) {
  std::ostringstream out;
  for (const storage::AuditFinding& f : findings) out << "\n  " << f.problem;
  return out.str();
}

}  // namespace gridcare::testing
