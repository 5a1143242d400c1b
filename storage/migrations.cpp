// The schema of the GridCare database, one numbered migration at a time, and the code that
// applies them on open. Not queries; docs/storage.md shows the resulting tables.
#include "storage/migrations.h"

#include <string>

#include "storage/audit_chain.h"

namespace gridcare::storage {

using engine::Status;

namespace {

// Conventions: times are INTEGER unix milliseconds, NULL when absent; enums are their
// contract names (engine::Name()); booleans are 0/1. Tables are STRICT so a wrong type is
// an error instead of a silently stored surprise.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE org_units (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  level     TEXT NOT NULL,
  parent_id TEXT            -- NULL for the root
) STRICT;

-- Every (ancestor, descendant) pair including (u, u): subtree scope is one indexed lookup.
CREATE TABLE org_closure (
  ancestor   TEXT NOT NULL,
  descendant TEXT NOT NULL,
  depth      INTEGER NOT NULL,
  PRIMARY KEY (ancestor, descendant)
) STRICT, WITHOUT ROWID;
CREATE INDEX org_closure_descendant ON org_closure (descendant);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  org_unit_id   TEXT REFERENCES org_units (id),
  password_hash TEXT NOT NULL,
  create_ms     INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,   -- SHA-256 of the bearer token, never the token
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  create_ms  INTEGER NOT NULL,
  expire_ms  INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
  id                       INTEGER PRIMARY KEY,
  number                   TEXT NOT NULL UNIQUE,
  request_id               TEXT NOT NULL,
  channel                  TEXT NOT NULL,
  category                 TEXT NOT NULL,
  priority                 TEXT NOT NULL,
  grid_id                  TEXT NOT NULL,
  village_id               TEXT NOT NULL,
  title                    TEXT NOT NULL,
  description              TEXT NOT NULL,
  address                  TEXT NOT NULL,
  subjects                 TEXT NOT NULL,  -- see case_row.h for the encoding
  state                    TEXT NOT NULL,
  assigned_unit_id         TEXT NOT NULL,
  reporter_id              TEXT NOT NULL,
  create_ms                INTEGER NOT NULL,
  update_ms                INTEGER NOT NULL,
  response_due_ms          INTEGER NOT NULL,
  respond_ms               INTEGER,
  resolve_due_ms           INTEGER,
  resolve_ms               INTEGER,
  close_ms                 INTEGER,
  follow_up_due_ms         INTEGER,
  overdue                  INTEGER NOT NULL,
  resolve_overdue          INTEGER NOT NULL,
  follow_up_overdue        INTEGER NOT NULL,
  escalations              INTEGER NOT NULL,
  version                  INTEGER NOT NULL,
  pending_response_warn_ms INTEGER,
  pending_response_due_ms  INTEGER,
  pending_resolve_due_ms   INTEGER,
  pending_follow_up_due_ms INTEGER,
  last_hash                TEXT NOT NULL   -- head of the case's audit chain
) STRICT;
CREATE INDEX cases_assigned_state ON cases (assigned_unit_id, state);
CREATE INDEX cases_village_state ON cases (village_id, state);
CREATE INDEX cases_grid_state ON cases (grid_id, state);
CREATE INDEX cases_reporter ON cases (reporter_id);

CREATE TABLE case_events (
  case_id          INTEGER NOT NULL REFERENCES cases (id),
  seq              INTEGER NOT NULL,
  time_ms          INTEGER NOT NULL,
  actor_id         TEXT NOT NULL,
  actor_role       TEXT NOT NULL,
  actor_unit_id    TEXT NOT NULL,
  action           TEXT NOT NULL,
  from_state       TEXT,            -- NULL on the first event
  to_state         TEXT NOT NULL,
  assigned_unit_id TEXT NOT NULL,
  note             TEXT NOT NULL,
  due_ms           INTEGER,
  changes          TEXT NOT NULL,   -- see case_row.h for the encoding
  prev_hash        TEXT NOT NULL,
  hash             TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;
-- Tamper evidence is the hash chain (a file can be edited with any tool); these triggers
-- stop honest mistakes and make an edit a deliberate act.
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

-- Mirror of cases.pending_*: the scheduler reads the earliest due_ms.
CREATE TABLE deadlines (
  case_id INTEGER NOT NULL REFERENCES cases (id),
  kind    TEXT NOT NULL,  -- engine::DeadlineKind name
  due_ms  INTEGER NOT NULL,
  PRIMARY KEY (case_id, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX deadlines_due ON deadlines (due_ms);

CREATE TABLE idempotency (
  reporter_id TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  case_id     INTEGER NOT NULL REFERENCES cases (id),
  PRIMARY KEY (reporter_id, request_id)
) STRICT, WITHOUT ROWID;

-- Reads of personal data (PIPL): who read which case, when, and what.
CREATE TABLE access_log (
  id      INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  case_id INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  what    TEXT NOT NULL
) STRICT;
CREATE INDEX access_log_case ON access_log (case_id, time_ms);

CREATE TABLE case_serials (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
) STRICT;
)sql";

// The notification outbox: rows are written in the same transaction as the change that
// caused them; the dispatcher records each delivery attempt per sink.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases (id),
  event_seq   INTEGER NOT NULL,
  reason      TEXT NOT NULL,      -- the event action that caused it, e.g. SLA_BREACHED
  unit_id     TEXT NOT NULL,      -- the unit to tell
  case_number TEXT NOT NULL,
  message     TEXT NOT NULL,      -- zh-CN, for a person
  time_ms     INTEGER NOT NULL,
  UNIQUE (case_id, event_seq, unit_id)
) STRICT;

CREATE TABLE deliveries (
  notification_id INTEGER NOT NULL REFERENCES notifications (id),
  sink            TEXT NOT NULL,  -- configured sink name
  state           TEXT NOT NULL,  -- RETRYING, DELIVERED or DEAD
  attempts        INTEGER NOT NULL,
  next_attempt_ms INTEGER,        -- when RETRYING
  last_error      TEXT NOT NULL,
  PRIMARY KEY (notification_id, sink)
) STRICT, WITHOUT ROWID;
CREATE INDEX deliveries_retry ON deliveries (sink, state, next_attempt_ms);
)sql";

// The idempotency key becomes a unique index on the case row itself, which also serves the
// reporter's lists (cases_reporter's job): one index fewer to update per create — each is
// a leaf page of its own in the WAL. The table only repeated the cases' own
// (reporter_id, request_id, id).
constexpr std::string_view kV3 = R"sql(
CREATE UNIQUE INDEX cases_reporter_request ON cases (reporter_id, request_id);
DROP INDEX cases_reporter;
DROP TABLE idempotency;
)sql";

// GET /v1/stats:daily counts cases by the day they were created and the day they were
// first responded to: each count reads only its time range. Times grow, so the creates of
// one commit group add to the same last leaf of cases_create rather than a leaf each;
// cases_respond holds only responded cases and changes once per case, at its first accept.
constexpr std::string_view kV4 = R"sql(
CREATE INDEX cases_create ON cases (create_ms);
CREATE INDEX cases_respond ON cases (respond_ms) WHERE respond_ms IS NOT NULL;
)sql";

// The global audit chain (storage/audit_chain.h): every event and access-log row, in commit
// order, hashed onto the one before, so deleting a whole case, a case's newest events or
// access-log rows breaks it. Existing rows are chained by the fill, events by (case, seq)
// then access rows by id. The access log becomes append-only like case_events.
constexpr std::string_view kV5 = R"sql(
CREATE TABLE audit_chain (
  seq        INTEGER PRIMARY KEY,  -- 1, 2, 3, ... without gaps, in commit order
  kind       TEXT NOT NULL,        -- EVENT or ACCESS
  case_id    INTEGER NOT NULL,
  ref        INTEGER NOT NULL,     -- case_events.seq of an EVENT, access_log.id of an ACCESS
  chain_hash TEXT NOT NULL         -- SHA-256(previous chain_hash || entry), hex
) STRICT;
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END;
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
)sql";

// Sessions ended by someone else (an import changed the user's password, role or unit; an
// administrator revoked them). A running server polls for new rows, so a change made by
// another process ends the user's cached sign-ins and live streams at once.
constexpr std::string_view kV6 = R"sql(
CREATE TABLE session_revocations (
  id      INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  reason  TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
)sql";

// Personal data sealed at rest (personal_seal.h): a case's envelope, and the keyed hashes of
// its subjects' ID numbers (DataKeys::LookupHash) so a case is found by ID number without
// the number being stored. Existing rows keep their values in the clear (personal = ''):
// their events chain those values, and rewriting chained evidence is not a migration's call.
constexpr std::string_view kV7 = R"sql(
ALTER TABLE cases ADD COLUMN personal TEXT NOT NULL DEFAULT '';
CREATE TABLE subject_ids (
  id_hash TEXT NOT NULL,
  case_id INTEGER NOT NULL,
  PRIMARY KEY (id_hash, case_id)
) STRICT, WITHOUT ROWID;
)sql";

// GET /v1/accessLog?userId= lists what one user read, newest first: an index by user and
// time, so the query reads that user's rows, not the whole log (access_log_case serves a
// case's log the same way). The log itself is unchanged: the chain covers its rows.
constexpr std::string_view kV8 = R"sql(
CREATE INDEX access_log_user ON access_log (user_id, time_ms);
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kV1},
    {2, "notification outbox", kV2},
    {3, "idempotency key on the case row", kV3},
    {4, "case create and respond time indexes", kV4},
    {5, "global audit chain", kV5, ChainExistingRows},
    {6, "session revocations", kV6},
    {7, "personal data sealed at rest", kV7},
    {8, "access log index by user", kV8},
};

std::string NewerMessage(std::int64_t found) {
  return "database schema version " + std::to_string(found) +
         " is newer than this gridcare (knows up to " + std::to_string(LatestSchemaVersion()) +
         "); upgrade gridcare";
}

Status ApplyOne(Db& db, const Migration& m) {
  // IMMEDIATE takes the write lock before we re-read the version, so two processes
  // opening a fresh file at once cannot both apply the same migration.
  GC_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto fail = [&db](Status s) {
    if (!db.InAutocommit()) (void)db.Exec("ROLLBACK");
    return s;
  };
  auto current = db.QueryInt("PRAGMA user_version");
  if (!current.ok()) return fail(current.status());
  if (*current >= m.version) return fail(Status::Ok());  // someone else applied it
  if (*current != m.version - 1) {
    return fail(engine::Internal("migration " + std::to_string(m.version) +
                                 " found schema version " + std::to_string(*current)));
  }
  if (Status s = db.Exec(m.sql); !s.ok()) {
    return fail(engine::Status(s.code(), "migration " + std::to_string(m.version) + " (" +
                                             std::string(m.name) + "): " + s.message()));
  }
  if (m.fill != nullptr) {
    if (Status s = m.fill(db); !s.ok()) {
      return fail(engine::Status(s.code(), "migration " + std::to_string(m.version) + " (" +
                                               std::string(m.name) + "): " + s.message()));
    }
  }
  // PRAGMA takes no parameters; the number is our own constant.
  if (Status s = db.Exec("PRAGMA user_version = " + std::to_string(m.version)); !s.ok()) {
    return fail(s);
  }
  if (Status s = db.Exec("COMMIT"); !s.ok()) return fail(s);
  return Status::Ok();
}

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Status Migrate(Db& db) {
  GC_ASSIGN_OR_RETURN(std::int64_t found, db.QueryInt("PRAGMA user_version"));
  if (found > LatestSchemaVersion()) return engine::DataLoss(NewerMessage(found));
  for (const Migration& m : kMigrations) {
    if (m.version > found) GC_RETURN_IF_ERROR(ApplyOne(db, m));
  }
  // Another process may have moved the file past us between the checks.
  GC_ASSIGN_OR_RETURN(std::int64_t now, db.QueryInt("PRAGMA user_version"));
  if (now > LatestSchemaVersion()) return engine::DataLoss(NewerMessage(now));
  return Status::Ok();
}

Status CheckSchemaVersion(Db& db) {
  GC_ASSIGN_OR_RETURN(std::int64_t found, db.QueryInt("PRAGMA user_version"));
  if (found > LatestSchemaVersion()) return engine::DataLoss(NewerMessage(found));
  if (found < 1) {
    return engine::FailedPrecondition("not a gridcare database (schema version " +
                                      std::to_string(found) + ")");
  }
  return Status::Ok();
}

}  // namespace gridcare::storage
