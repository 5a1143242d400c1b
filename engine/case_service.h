// CaseService: the engine's use cases (report, act, read, list) over an injected Store and
// Clock. Handlers call one method each; every decision is delegated to case_decider.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/case_decider.h"
#include "engine/clock.h"
#include "engine/store.h"

namespace gridcare::engine {

enum class ListView { kInbox, kMine, kOverdue, kAll };

struct ListRequest {
  ListView view = ListView::kAll;
  std::optional<CaseState> state;
  std::optional<Category> category;
  std::optional<std::string> unit_id;
  // Cases in scope with a subject of this ID number (letters and digits, at most 32).
  std::optional<std::string> subject_id_number;
  int page_size = 50;
  std::optional<CaseId> before_id;
};

// GET /v1/cases/{id}/accessLog: a page of who read one case.
struct CaseAccessRequest {
  int page_size = 50;
  std::optional<AccessCursor> after;
};

// GET /v1/accessLog: a page of what one user read, `since` <= time < `until`.
struct UserAccessRequest {
  std::string user_id;
  std::optional<TimePoint> since;
  std::optional<TimePoint> until;
  int page_size = 50;
  std::optional<AccessCursor> after;
};

struct CreateResult {
  Case c;
  bool created = false;  // false: an earlier request with the same requestId made it
};

class CaseService {
 public:
  struct Options {
    std::string number_prefix = "NA";
    // Receives operator-facing warnings (e.g. an uncovered calendar year); app/ logs them.
    std::function<void(const std::string&)> on_warning;
  };

  CaseService(Store& store, const Clock& clock, std::shared_ptr<const OrgTree> tree,
              SlaPolicy sla, WorkCalendar calendar, Options options);

  // What one committed command changed.
  struct Change {
    const Case& after;
    const std::vector<CaseEvent>& events;
    bool queued_notifications;  // it also wrote notifications to the outbox
  };
  // Called after every committed change, once it is durable, on the thread the command
  // continues on (the caller's, or its executor's); keep it quick.
  using ChangeListener = std::function<void(const Change&)>;
  void SetChangeListener(ChangeListener listener);

  // Loads the org tree from the store; call after an import.
  Status ReloadOrgTree();
  std::shared_ptr<const OrgTree> tree() const;

  // Runs a task on a thread of the caller's choosing (e.g. the connection's I/O thread).
  using Executor = std::function<void(std::function<void()>)>;
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Report a case / act on one, and wait for the commit. The change listener and warnings
  // run on the calling thread before these return.
  Result<CreateResult> Create(const Actor& actor, const NewCase& request);
  Result<Case> Act(const Actor& actor, CaseId id, const CommandRequest& request);
  // The same without waiting: the decision runs in the store's write transaction, and once
  // that has committed (or failed) the store's writer hands over to `continue_on`, which
  // runs the change listener, the warnings and then `done`. `continue_on` is called exactly
  // once, from any thread; the writer itself never waits for it.
  void CreateAsync(const Actor& actor, NewCase request, Executor continue_on,
                   Done<CreateResult> done);
  void ActAsync(const Actor& actor, CaseId id, CommandRequest request, Executor continue_on,
                Done<Case> done);
  // Reads — get, events and list — are recorded in the access log (who read which case
  // when) without waiting for a commit.
  Result<Case> Get(const Actor& actor, CaseId id);
  Result<std::vector<CaseEvent>> Events(const Actor& actor, CaseId id);
  Result<CasePage> List(const Actor& actor, const ListRequest& request);
  // Who read case `id`, newest first (case_access_log.cpp). NOT_FOUND like Get for a case
  // the actor cannot read; PERMISSION_DENIED for one it can but that is no SUPERVISOR or
  // ADMIN. Reading the log is itself recorded ("accessLog").
  Result<AccessPage> CaseAccessLog(const Actor& actor, CaseId id, const CaseAccessRequest& request);
  // What one user read, newest first: a SUPERVISOR sees the entries of cases in its scope,
  // an ADMIN all; anyone else PERMISSION_DENIED.
  Result<AccessPage> UserAccessLog(const Actor& actor, const UserAccessRequest& request);
  // Per-child-unit figures for `unit_id` (default: the actor's unit), which must lie within
  // the actor's own unit (PERMISSION_DENIED otherwise; ADMIN sees every unit).
  Result<StatsReport> Stats(const Actor& actor, const std::optional<std::string>& unit_id);
  // One row per China-time calendar day, the last being today (the clock's), over the cases
  // whose grid lies in `unit_id`'s subtree; the same unit rule as Stats. `days` 1–90.
  Result<std::vector<DayStats>> DailyStats(const Actor& actor,
                                           const std::optional<std::string>& unit_id, int days);
  // The commands `actor` may issue on case `id` now (AllowedCommands); NOT_FOUND like Get.
  Result<std::vector<Command>> Actions(const Actor& actor, CaseId id);
  // The units `actor` is shown (UnitsShownTo), parents before children.
  std::vector<OrgUnit> OrgUnits(const Actor& actor) const;
  Result<CaseTotals> Totals();

  // Fires stored deadlines through the same write path as a user action: each case's
  // change, its events and its next deadlines commit together, and the whole batch in one
  // transaction. A deadline no longer pending (already fired, or the case moved on) is
  // skipped, never fired twice. Returns how many fired.
  Result<int> FireDeadlines(const std::vector<DueDeadline>& deadlines);
  // Fires what is due now, oldest first, at most `limit`.
  struct FireReport {
    int due = 0;    // deadlines found due
    int fired = 0;  // of those, how many changed their case
  };
  Result<FireReport> FireDue(int limit);
  // Retention: erases the personal data (description, address, subjects) of up to `limit`
  // finished cases whose last change is `retention` or longer ago, each with a
  // PERSONAL_DATA_MINIMISED event by "system". Returns how many were erased.
  Result<int> MinimisePersonalData(Millis retention, int limit);

 private:
  // Runs system commands — deadlines firing, retention — through the same write path as a
  // user action, in one transaction; a case `applies` refuses (as it is now, inside the
  // transaction) or that the table refuses as stale (FAILED_PRECONDITION) is skipped.
  struct SystemCommand {
    CaseId id = 0;
    CommandRequest request;
  };
  Result<int> RunSystemCommands(const std::vector<SystemCommand>& commands,
                                const std::function<bool(const Case&)>& applies);
  Result<Case> ReadInScope(StoreReader& reader, const Actor& actor, CaseId id,
                           const OrgTree& tree);
  void Warn(const std::vector<std::string>& warnings) const;
  // The unit a stats request is about: `unit_id`, or the actor's own; INVALID_ARGUMENT when
  // there is no such unit, PERMISSION_DENIED when it is outside the actor's (ADMIN: none).
  static Result<const OrgUnit*> StatsUnit(const Actor& actor,
                                          const std::optional<std::string>& unit_id,
                                          const OrgTree& tree);

  // Saves the decision and queues the notifications it owes; true if there were any.
  static Result<bool> Commit(StoreWriter& w, const Decision& d, const OrgTree& tree);
  template <typename Request, typename Value>
  struct Pending;
  // The case a finished command changed, for the change listener.
  static const Case& Changed(const CreateResult& r) { return r.c; }
  static const Case& Changed(const Case& c) { return c; }
  // Hands a settled command to `continue_on`: listener, warnings, then `done`.
  template <typename Op, typename T>
  void Finish(std::shared_ptr<Op> op, Status status, Executor continue_on, Done<T> done) const;
  void Notify(const Change& change) const;

  Store& store_;
  const Clock& clock_;
  mutable std::mutex tree_mu_;
  std::shared_ptr<const OrgTree> tree_;
  const SlaPolicy sla_;
  const WorkCalendar calendar_;
  const Options options_;
  mutable std::mutex listener_mu_;
  ChangeListener listener_;
};

}  // namespace gridcare::engine
