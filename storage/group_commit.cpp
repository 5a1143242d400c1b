// GroupCommit::Write, the write path read top to bottom, and the value each command's run in
// the group transaction comes to. Not the SQL (store_writes.cpp) nor the fsync (wal_syncer.cpp).
#include "storage/group_commit.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store_writes.h"

namespace gridcare::storage {

using engine::Status;

namespace {

// What running one command (or the group's access records) in the transaction came to.
enum class Outcome {
  kNotRun,           // not run in the current pass (yet)
  kWritten,          // OK: its changes are in the transaction and commit with the group
  kFailed,           // failed before changing a row: it keeps its error, the others go on
  kRunAgainWithout,  // failed after changing rows, which only a rollback removes: the group
                     // is rolled back and runs again without it
  kTransactionLost,  // SQLite ended the transaction itself (a full disk, say): nothing of
                     // the group commits
};

// Failed on its own: it has its answer and is left out of every later pass.
bool Failed(Outcome o) { return o == Outcome::kFailed || o == Outcome::kRunAgainWithout; }

// The transaction cannot go on to COMMIT after this.
bool Stops(Outcome o) { return o == Outcome::kRunAgainWithout || o == Outcome::kTransactionLost; }

// A command's answer (or the access records' fate) as it stands.
struct Answer {
  Outcome outcome = Outcome::kNotRun;
  Status status;
  std::exception_ptr thrown;  // rethrown on the Write caller's thread
};

// UNAVAILABLE as the contract means it: storage cannot take writes, nothing half-written.
// An UNAVAILABLE already says why and is kept as it is.
Status CannotWrite(const Status& cause, std::string_view what) {
  if (cause.code() == engine::ErrorCode::kUnavailable) return cause;
  return engine::Unavailable("storage cannot take writes: " + std::string(what) + " (" +
                             cause.message() + ")");
}

Status Begin(Db& db) {
  // A transaction an earlier group could not end would make every BEGIN fail from now on.
  if (!db.InAutocommit()) (void)db.Exec("ROLLBACK");
  // IMMEDIATE takes the write lock up front: a conflict with another process shows up here
  // (after busy_timeout) rather than halfway through a callback.
  const Status begin = db.Exec("BEGIN IMMEDIATE");
  return begin.ok() ? begin : CannotWrite(begin, "cannot begin a transaction");
}

// Runs `body` in the open transaction, with no savepoint around it: a savepoint makes SQLite
// copy every page a command first touches into a statement journal (what that costs:
// docs/performance.md), only to undo the rare command that fails after it has written. A
// failure that changed no row needs no undo at all; one that did says kRunAgainWithout.
template <typename Body>
Outcome RunInTransaction(Db& db, const Body& body, Answer& answer) {
  // Counts rows changed by completed statements only: a statement that fails is undone by
  // SQLite itself and adds nothing, so an unchanged count means nothing to undo.
  const std::int64_t changes_before = db.TotalChanges();
  answer.thrown = nullptr;
  try {
    answer.status = body();
  } catch (...) {
    answer.thrown = std::current_exception();
    answer.status = engine::Internal("write callback threw");
  }
  if (db.InAutocommit()) {
    answer.outcome = Outcome::kTransactionLost;
  } else if (answer.status.ok()) {
    answer.outcome = Outcome::kWritten;
  } else if (db.TotalChanges() == changes_before) {
    answer.outcome = Outcome::kFailed;
  } else {
    answer.outcome = Outcome::kRunAgainWithout;
  }
  return answer.outcome;
}

// One pass over the group in the open transaction: the access records first (those reads
// happened before the writes now queued), then each command in queue order, leaving out
// what failed in an earlier pass. Returns the answer that stopped the pass, or null when it
// ran through and the transaction may commit.
Answer* RunEach(Db& db, const DataKeys* keys, WriteGroup& group, Answer& access,
                std::vector<Answer>& answers) {
  if (!group.access.empty() && !Failed(access.outcome)) {
    const auto log = [&] { return writes::LogAccess(db, group.access); };
    if (Stops(RunInTransaction(db, log, access))) return &access;
  }
  SqliteWriter writer(db, keys);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (Failed(answers[i].outcome)) continue;
    const WriteFn& fn = group.commands[i].fn;
    const auto command = [&] { return fn(writer); };
    if (Stops(RunInTransaction(db, command, answers[i]))) return &answers[i];
  }
  return nullptr;
}

// Pages written to the log since the last call (SQLite resets the counter on each read):
// what a group costs the writer, the sync and the checkpoint, beyond its rows.
int WalPagesSinceLastGroup(Db& db) {
  int pages = 0;
  int high = 0;
  sqlite3_db_status(db.raw(), SQLITE_DBSTATUS_CACHE_WRITE, &pages, &high, 1);
  return pages;
}

}  // namespace

Status GroupCommit::Write(WriteGroup& group) {
  // 1. Group. WriteQueue::Loop took every queued command (up to max_group) and the access
  //    records buffered since the last group; none has run yet.
  std::vector<Answer> answers(group.commands.size());
  Answer access;

  // 2. Run each command in one transaction. Nearly always one pass runs them all. A command
  //    that fails after writing costs one more pass, without it, from the same state as
  //    before: so a callback may run more than once (engine::Store::Write). After a failed
  //    fsync nothing is run at all: the disk can no longer be trusted (WalSyncer::health).
  Status failure = syncer_.health();
  while (failure.ok()) {
    failure = Begin(db_);
    if (!failure.ok()) break;
    const Answer* stopped = RunEach(db_, keys_, group, access, answers);
    if (stopped == nullptr) break;  // ran through: commit it
    if (stopped->outcome == Outcome::kRunAgainWithout) {
      const Status rollback = db_.Exec("ROLLBACK");
      if (!rollback.ok() && !db_.InAutocommit()) {
        failure = CannotWrite(rollback, "cannot undo a failed command");
      }
    } else {
      // kTransactionLost: the whole group shares the fate of the one that lost it.
      failure = CannotWrite(stopped->status, "the transaction was rolled back");
    }
  }

  // 3. Commit. With synchronous=NORMAL, COMMIT writes the group's WAL frames without syncing
  //    them: readers see the group from now on, but nobody is told it is written yet.
  double commit_seconds = 0;
  if (failure.ok()) {
    const auto start = std::chrono::steady_clock::now();
    const Status commit = db_.Exec("COMMIT");
    commit_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!commit.ok()) failure = CannotWrite(commit, "commit failed");
  }
  const int wal_pages = WalPagesSinceLastGroup(db_);
  // Nothing of a failed group may stay behind for the next one to commit.
  if (!failure.ok() && !db_.InAutocommit()) (void)db_.Exec("ROLLBACK");

  // Every command that did not fail on its own shares the group's fate.
  std::size_t committed = 0;
  for (Answer& a : answers) {
    if (!failure.ok() && !Failed(a.outcome)) a.status = failure;
    if (a.status.ok()) ++committed;
  }
  if (!failure.ok() && access.status.ok()) access.status = failure;
  RecordStats(failure.ok(), answers.size(), committed, commit_seconds, wal_pages);

  // 4. Sync and 5. acknowledge, on the sync thread while this one runs the next group: one
  //    fdatasync of the WAL for every group committed since the last, then each caller
  //    hears its answer (WalSyncer::Loop, where "acknowledged => on disk" becomes true).
  //    A group that did not commit wrote nothing: its callers hear at once.
  if (failure.ok()) {
    std::vector<Acknowledgement> acks(answers.size());
    for (std::size_t i = 0; i < answers.size(); ++i) {
      acks[i] = {std::move(group.commands[i].done), std::move(answers[i].status),
                 answers[i].thrown};
    }
    syncer_.Committed(std::move(acks));
  } else {
    for (std::size_t i = 0; i < answers.size(); ++i) {
      group.commands[i].done(std::move(answers[i].status), answers[i].thrown);
    }
  }
  return access.status;
}

void GroupCommit::RecordStats(bool committed, std::size_t group_size,
                              std::size_t committed_commands, double commit_seconds,
                              int wal_pages) {
  std::lock_guard lock(stats_mu_);
  if (!committed) {
    ++stats_.failed_commits;
    return;
  }
  ++stats_.batches;
  stats_.commands += committed_commands;
  stats_.max_batch = std::max<std::uint64_t>(stats_.max_batch, group_size);
  stats_.wal_pages += static_cast<std::uint64_t>(wal_pages);
  stats_.group_sizes.Observe(static_cast<double>(committed_commands));
  stats_.commit_durations.Observe(commit_seconds);
}

engine::WriteStats GroupCommit::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

}  // namespace gridcare::storage
