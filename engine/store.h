// The storage interface the engine owns and storage/ implements (SQLite today).
// Not an implementation and no SQL: the engine states what it needs, nothing more.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/notification.h"
#include "engine/org_tree.h"
#include "engine/histogram.h"
#include "engine/stats.h"
#include "engine/status.h"

namespace gridcare::engine {

struct Session {
  std::string token_hash;  // SHA-256 of the bearer token; the token itself is never stored
  std::string user_id;
  TimePoint create_time{};
  TimePoint expire_time{};
};

// A user's sessions ended by someone else: an import changed their password, role or unit,
// or an administrator revoked them. Running servers watch these to drop that user's cached
// sign-ins and end their live streams at once, also when another process wrote them.
struct SessionRevocation {
  std::int64_t id = 0;  // grows with each revocation
  std::string user_id;
  TimePoint time{};
  std::string reason;
};

struct AccessRecord {
  std::string user_id;
  CaseId case_id = 0;
  TimePoint time{};
  std::string what;  // "case", "events", "list", "accessLog"
};

// Where a page of the access log ends: the next page holds the entries older than this one
// (by time, then by row id, as the log is listed newest first).
struct AccessCursor {
  TimePoint time{};
  std::int64_t id = 0;
  bool operator==(const AccessCursor&) const = default;
};

// One access-log row, with what a reader of the log needs to make sense of it.
struct AccessEntry {
  std::int64_t id = 0;  // the row's id
  AccessRecord record;
  std::string case_number;
  // Who read, as the users table says now (no password hash); none for a deleted user.
  std::optional<User> reader;
};

// Which cases a list may return; produced by scope.h so the rule lives in one place.
struct CaseScope {
  enum class Kind {
    kAll,              // ADMIN
    kSubtree,          // grid or assigned unit within `unit_id`, or reported by `user_id`
    kGrid,             // grid == `unit_id`, or reported by `user_id`
    kFiledOrAssigned,  // reported by `user_id`, or assigned to `unit_id`
  };
  Kind kind = Kind::kAll;
  std::string unit_id;
  std::string user_id;
};

struct AccessQuery {
  // Exactly one of these: one case's log, or one user's.
  std::optional<CaseId> case_id;
  std::optional<std::string> user_id;
  CaseScope scope;                   // only entries of cases in this scope
  std::optional<TimePoint> since;    // time >= since
  std::optional<TimePoint> until;    // time < until
  int page_size = 50;
  std::optional<AccessCursor> after;  // paging: entries older than this one
};

struct AccessPage {
  std::vector<AccessEntry> entries;  // newest first
  std::optional<AccessCursor> next;  // set when more entries follow
};

// One disjunct of an INBOX filter: state == `state` and `field` == `unit_id`.
struct InboxClause {
  enum class Field { kAssignedUnit, kVillage, kGrid };
  CaseState state = CaseState::kReported;
  Field field = Field::kAssignedUnit;
  std::string unit_id;
  bool operator==(const InboxClause&) const = default;
};

struct CaseQuery {
  CaseScope scope;
  std::optional<std::vector<InboxClause>> inbox;  // set: INBOX view (any clause matches)
  std::optional<std::string> reporter_id;         // MINE view
  std::optional<TimePoint> overdue_at;            // OVERDUE view: open and late at this time
  std::optional<CaseState> state;
  std::optional<Category> category;
  std::optional<std::string> assigned_unit_id;
  // Cases with a subject of this ID number (found through a keyed hash; cases stored in the
  // clear, from before the data keys, are not found).
  std::optional<std::string> subject_id_number;
  int page_size = 50;
  std::optional<CaseId> before_id;  // paging: newest first, ids below this one
};

// A stored deadline that is due (or the next one to fall), for the SLA scheduler.
struct DueDeadline {
  CaseId case_id = 0;
  DeadlineKind kind = DeadlineKind::kResponseDue;
  TimePoint due{};
};

struct CaseTotals {
  std::int64_t open = 0;
  std::int64_t overdue_open = 0;
};

// Group-commit figures for /metrics.
struct WriteStats {
  std::uint64_t batches = 0;            // committed transactions
  std::uint64_t commands = 0;           // Write() calls committed in them
  std::uint64_t failed_commits = 0;     // transactions that could not commit
  std::uint64_t wal_pages = 0;          // pages those transactions wrote to the log
  std::uint64_t max_batch = 0;          // largest group so far
  std::uint64_t checkpoints = 0;        // log checkpoints run beside the writer
  std::uint64_t inline_checkpoints = 0; // ... and by the writer (a long log's last; a lag)
  double inline_checkpoint_seconds_sum = 0;  // the writer's time in them
  std::uint64_t checkpoint_writeback_waits = 0;  // the thread's paced writeback
  std::uint64_t wal_restarts = 0;       // times the log was copied back whole and restarted
  Histogram group_sizes{Histogram::kSizes};  // committed groups, by commands in them
  // Time in COMMIT per committed group (frames written, not synced): sum() is the total.
  Histogram commit_durations{Histogram::kSeconds};
  // Each fsync that acknowledged committed groups, beside the writer: count() is how many.
  Histogram wal_sync_durations{Histogram::kSeconds};
};

struct CasePage {
  std::vector<Case> cases;
  std::optional<CaseId> next_before_id;
};

// Reads; each StoreReader sees one consistent snapshot for its lifetime.
class StoreReader {
 public:
  virtual ~StoreReader() = default;
  virtual Result<std::optional<Case>> GetCase(CaseId id) = 0;
  virtual Result<std::vector<CaseEvent>> ListEvents(CaseId id) = 0;
  virtual Result<CasePage> ListCases(const CaseQuery& query) = 0;
  virtual Result<std::optional<CaseId>> FindCaseByRequestId(const std::string& reporter_id,
                                                            const std::string& request_id) = 0;
  virtual Result<std::vector<OrgUnit>> ListOrgUnits() = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Result<std::optional<User>> FindUserByUsername(const std::string& username) = 0;
  virtual Result<std::optional<User>> FindUserById(const std::string& id) = 0;
  virtual Result<std::optional<Session>> FindSession(const std::string& token_hash) = 0;
  // Revocations with an id above `after_id`, oldest first, at most `limit`.
  virtual Result<std::vector<SessionRevocation>> ListSessionRevocations(std::int64_t after_id,
                                                                         int limit) = 0;
  // For each unit: counts over the cases whose grid lies in that unit's subtree.
  virtual Result<std::vector<UnitCaseCounts>> CountCasesByUnit(
      const std::vector<std::string>& unit_ids) = 0;
  // For each of `days` consecutive 24-hour days, the first starting at `from`: the cases
  // created that day and those first responded to that day, whose grid lies in
  // `unit_id`'s subtree. One entry per day, oldest first, zeros included.
  virtual Result<std::vector<DayCaseCounts>> CountCasesByDay(const std::string& unit_id,
                                                             TimePoint from, int days) = 0;
  // Access-log entries of one case or one user, newest first (by time, then row id), with
  // the case number and the reader's current user row; every filter a bound parameter.
  virtual Result<AccessPage> ListAccess(const AccessQuery& query) = 0;
  // Deadlines due at or before `until`, oldest first, at most `limit`.
  virtual Result<std::vector<DueDeadline>> ListDueDeadlines(TimePoint until, int limit) = 0;
  // The earliest stored deadline, if any.
  virtual Result<std::optional<TimePoint>> NextDeadline() = 0;
  // Open cases, and open cases whose response SLA was breached, across the whole store.
  virtual Result<CaseTotals> CountTotals() = 0;
  // Up to `limit` finished cases (CLOSED, REJECTED, WITHDRAWN) last changed at or before
  // `changed_before` that still hold personal data, by id.
  virtual Result<std::vector<CaseId>> ListCasesToMinimise(TimePoint changed_before,
                                                           int limit) = 0;
  // The outbox: what `sink` still owes that is due at `now`, oldest first.
  virtual Result<std::vector<OutboxEntry>> PendingDeliveries(const std::string& sink,
                                                             TimePoint now, int limit) = 0;
  // The earliest retry of any delivery, if any is waiting.
  virtual Result<std::optional<TimePoint>> NextRetryTime() = 0;
};

// Writes, inside one transaction: everything a callback does commits together or not at all.
// A method that fails may have written part of its work: return its error from the
// callback, and the whole callback is undone.
class StoreWriter : public StoreReader {
 public:
  // A fresh case id and the next per-year serial for its human-facing number.
  virtual Result<CaseId> NextCaseId() = 0;
  virtual Result<int> NextCaseSerial(int year) = 0;
  // Inserts (events start at seq 1) or updates the case row from `after`, appends `events`
  // to its hash chain, and replaces its deadline index. An update whose stored version is
  // not `after.version - events.size()` fails with ABORTED: nothing is written.
  virtual Status SaveCase(const Case& after, const std::vector<CaseEvent>& events) = 0;
  virtual Status UpsertOrgUnits(const std::vector<OrgUnit>& units) = 0;
  // Users are matched by username; a new one gets a fresh id.
  virtual Status UpsertUsers(const std::vector<User>& users) = 0;
  virtual Status SaveSession(const Session& session) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Deletes every session of `user_id` and records the revocation (even when there was
  // none, so a server with a stale cache still hears of it). Returns how many ended.
  virtual Result<int> RevokeSessions(const std::string& user_id, TimePoint time,
                                     const std::string& reason) = 0;
  virtual Status LogAccess(const std::vector<AccessRecord>& records) = 0;
  // Queued in the same transaction as the change that caused them (transactional outbox).
  virtual Status EnqueueNotifications(const std::vector<Notification>& notifications) = 0;
  virtual Status RecordDeliveries(const std::vector<DeliveryRecord>& records) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `fn` in one write transaction; commits if it returns OK, rolls back otherwise.
  // Returns only once the commit is durable. `fn` may run more than once before that (the
  // store may undo a shared transaction and run it again, from the same state): it must
  // set, not accumulate, whatever it hands back through captured variables.
  virtual Status Write(const std::function<Status(StoreWriter&)>& fn) = 0;

  using WriteFn = std::function<Status(StoreWriter&)>;
  // Called exactly once with what Write would have returned (a callback that threw gives
  // INTERNAL). It runs on a thread of the store's, after the commit is durable: it must be
  // quick — hand real work to another thread — and must not call Write.
  using WriteDone = std::function<void(Status)>;
  // Write without waiting: queues `fn` (the same rules as for Write, but it owns whatever
  // it uses, since the caller does not wait) and returns at once.
  virtual void WriteAsync(WriteFn fn, WriteDone done) = 0;

  virtual Result<std::unique_ptr<StoreReader>> Read() = 0;
  virtual WriteStats write_stats() const = 0;
  // Records reads of personal data without making the reader wait for a commit: the
  // records ride along with the next write group (or are flushed on their own shortly).
  virtual void RecordAccess(std::vector<AccessRecord> records) = 0;
};

}  // namespace gridcare::engine
