// CaseService: reads the clock once per command, runs the decider inside the store's write
// transaction (so the decision is made on the committed row), and logs reads.
#include "engine/case_service.h"

#include <algorithm>
#include <future>
#include <optional>

#include "engine/actions.h"
#include "engine/notification.h"
#include "engine/scope.h"

namespace gridcare::engine {

CaseService::CaseService(Store& store, const Clock& clock, std::shared_ptr<const OrgTree> tree,
                         SlaPolicy sla, WorkCalendar calendar, Options options)
    : store_(store),
      clock_(clock),
      tree_(std::move(tree)),
      sla_(std::move(sla)),
      calendar_(std::move(calendar)),
      options_(std::move(options)) {}

Status CaseService::ReloadOrgTree() {
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_ASSIGN_OR_RETURN(auto units, reader->ListOrgUnits());
  GC_ASSIGN_OR_RETURN(OrgTree tree, OrgTree::Build(std::move(units)));
  std::lock_guard lock(tree_mu_);
  tree_ = std::make_shared<const OrgTree>(std::move(tree));
  return Status::Ok();
}

std::shared_ptr<const OrgTree> CaseService::tree() const {
  std::lock_guard lock(tree_mu_);
  return tree_;
}

void CaseService::SetChangeListener(ChangeListener listener) {
  std::lock_guard lock(listener_mu_);
  listener_ = std::move(listener);
}

void CaseService::Notify(const Change& change) const {
  ChangeListener listener;
  {
    std::lock_guard lock(listener_mu_);
    listener = listener_;
  }
  if (listener && !change.events.empty()) listener(change);
}

Result<bool> CaseService::Commit(StoreWriter& w, const Decision& d, const OrgTree& tree) {
  GC_RETURN_IF_ERROR(w.SaveCase(d.after, d.events));
  // Same transaction: a change and the news of it are written together or not at all.
  const std::vector<Notification> news = NotificationsFor(d.after, d.events, tree);
  GC_RETURN_IF_ERROR(w.EnqueueNotifications(news));
  return !news.empty();
}

void CaseService::Warn(const std::vector<std::string>& warnings) const {
  if (!options_.on_warning) return;
  for (const auto& w : warnings) options_.on_warning(w);
}

namespace {

// Runs an asynchronous operation and waits for it; the continuation it hands to its
// executor runs here, on the calling thread, as it did before the operation was async.
template <typename T, typename Start>
Result<T> RunHere(Start start) {
  // Shared: the writer thread may still be inside set_value when this thread returns.
  auto handed = std::make_shared<std::promise<std::function<void()>>>();
  std::future<std::function<void()>> continuation = handed->get_future();
  std::optional<Result<T>> out;
  start([handed](std::function<void()> task) { handed->set_value(std::move(task)); },
        [&out](Result<T> result) { out.emplace(std::move(result)); });
  continuation.get()();
  if (!out) return Internal("an asynchronous write finished without a result");
  return std::move(*out);
}

}  // namespace

Result<CreateResult> CaseService::Create(const Actor& actor, const NewCase& request) {
  return RunHere<CreateResult>([&](Executor here, Done<CreateResult> done) {
    CreateAsync(actor, request, std::move(here), std::move(done));
  });
}

Result<Case> CaseService::Act(const Actor& actor, CaseId id, const CommandRequest& request) {
  return RunHere<Case>([&](Executor here, Done<Case> done) {
    ActAsync(actor, id, request, std::move(here), std::move(done));
  });
}

// What one asynchronous command carries from the caller through the writer and back.
template <typename Request, typename Value>
struct CaseService::Pending {
  Pending(Actor a, Request r, std::shared_ptr<const OrgTree> t, TimePoint n)
      : actor(std::move(a)), request(std::move(r)), tree(std::move(t)), now(n) {}
  Actor actor;
  Request request;
  std::shared_ptr<const OrgTree> tree;
  TimePoint now{};
  // Set by the write callback (set, not accumulated: it may run more than once).
  Value value{};
  std::vector<std::string> warnings;
  std::vector<CaseEvent> events;
  bool queued_notifications = false;
};

template <typename Op, typename T>
void CaseService::Finish(std::shared_ptr<Op> op, Status status, Executor continue_on,
                         Done<T> done) const {
  continue_on([this, op = std::move(op), status = std::move(status), done = std::move(done)] {
    if (!status.ok()) return done(status);
    Warn(op->warnings);
    Notify({Changed(op->value), op->events, op->queued_notifications});
    done(std::move(op->value));
  });
}

void CaseService::CreateAsync(const Actor& actor, NewCase request, Executor continue_on,
                              Done<CreateResult> done) {
  using Op = Pending<NewCase, CreateResult>;
  auto op = std::make_shared<Op>(actor, std::move(request), tree(), clock_.Now());
  store_.WriteAsync(
      [this, op](StoreWriter& w) -> Status {
        const Actor& actor = op->actor;
        op->queued_notifications = false;
        // Inside the write transaction: a retry racing the original sees its commit. Before
        // the report is judged, as a retry of a case already filed gets that case back.
        GC_ASSIGN_OR_RETURN(auto existing,
                            w.FindCaseByRequestId(actor.user_id, op->request.request_id));
        if (existing) {
          GC_ASSIGN_OR_RETURN(auto c, w.GetCase(*existing));
          if (!c) return Internal("idempotency key points at missing case " +
                                  std::to_string(*existing));
          GC_RETURN_IF_ERROR(CheckSameReport(op->request, actor, *c));
          op->events.clear();
          op->warnings.clear();
          op->value = {std::move(*c), false};
          return Status::Ok();
        }
        // The numbering is taken only once the report has passed every check, so a refused
        // report has written nothing and needs no undo (docs/storage.md).
        const auto take_numbering = [&]() -> Result<CaseNumbering> {
          GC_ASSIGN_OR_RETURN(CaseId id, w.NextCaseId());
          const int year = ChinaYear(op->now);
          GC_ASSIGN_OR_RETURN(int serial, w.NextCaseSerial(year));
          return CaseNumbering{id, FormatCaseNumber(options_.number_prefix, year, serial)};
        };
        GC_ASSIGN_OR_RETURN(Decision d,
                            DecideCreate(op->request, actor, op->now,
                                         RuleBook{*op->tree, sla_, calendar_}, take_numbering));
        GC_ASSIGN_OR_RETURN(op->queued_notifications, Commit(w, d, *op->tree));
        op->warnings = std::move(d.warnings);
        op->events = std::move(d.events);
        op->value = {std::move(d.after), true};
        return Status::Ok();
      },
      [this, op, continue_on = std::move(continue_on), done = std::move(done)](Status s) {
        Finish(op, std::move(s), continue_on, done);
      });
}

void CaseService::ActAsync(const Actor& actor, CaseId id, CommandRequest request,
                           Executor continue_on, Done<Case> done) {
  using Op = Pending<CommandRequest, Case>;
  auto op = std::make_shared<Op>(actor, std::move(request), tree(), clock_.Now());
  store_.WriteAsync(
      [this, op, id](StoreWriter& w) -> Status {
        const RuleBook rules{*op->tree, sla_, calendar_};
        GC_ASSIGN_OR_RETURN(Case before, ReadInScope(w, op->actor, id, *op->tree));
        GC_ASSIGN_OR_RETURN(Decision d,
                            DecideCommand(before, op->request, op->actor, op->now, rules));
        GC_ASSIGN_OR_RETURN(op->queued_notifications, Commit(w, d, *op->tree));
        op->warnings = std::move(d.warnings);
        op->events = std::move(d.events);
        op->value = std::move(d.after);
        return Status::Ok();
      },
      [this, op, continue_on = std::move(continue_on), done = std::move(done)](Status s) {
        Finish(op, std::move(s), continue_on, done);
      });
}

Result<Case> CaseService::ReadInScope(StoreReader& reader, const Actor& actor, CaseId id,
                                      const OrgTree& tree) {
  GC_ASSIGN_OR_RETURN(auto c, reader.GetCase(id));
  // Out of scope and absent look the same: existence is not leaked.
  if (!c || (actor.role != Role::kSystem && !CanRead(actor, *c, tree))) {
    return NotFound("case " + std::to_string(id) + " not found");
  }
  return std::move(*c);
}

Result<Case> CaseService::Get(const Actor& actor, CaseId id) {
  const auto tree = this->tree();
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_ASSIGN_OR_RETURN(Case c, ReadInScope(*reader, actor, id, *tree));
  store_.RecordAccess({{actor.user_id, id, clock_.Now(), "case"}});
  return c;
}

Result<std::vector<CaseEvent>> CaseService::Events(const Actor& actor, CaseId id) {
  const auto tree = this->tree();
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_RETURN_IF_ERROR(ReadInScope(*reader, actor, id, *tree));
  GC_ASSIGN_OR_RETURN(auto events, reader->ListEvents(id));
  store_.RecordAccess({{actor.user_id, id, clock_.Now(), "events"}});
  return events;
}

Result<CasePage> CaseService::List(const Actor& actor, const ListRequest& request) {
  const auto tree = this->tree();
  CaseQuery q;
  q.scope = ScopeFor(actor);
  q.state = request.state;
  q.category = request.category;
  q.assigned_unit_id = request.unit_id;
  q.subject_id_number = request.subject_id_number;
  q.page_size = request.page_size;
  q.before_id = request.before_id;
  switch (request.view) {
    case ListView::kInbox: q.inbox = InboxFor(actor, *tree); break;
    case ListView::kMine: q.reporter_id = actor.user_id; break;
    case ListView::kOverdue: q.overdue_at = clock_.Now(); break;
    case ListView::kAll: break;
  }
  if (request.page_size < 1 || request.page_size > 200) {
    return InvalidArgument("pageSize: must be 1-200");
  }
  if (request.unit_id && !tree->Find(*request.unit_id)) {
    return InvalidArgument("unitId: no unit " + *request.unit_id);
  }
  if (const auto& id = request.subject_id_number) {
    const bool ok = !id->empty() && id->size() <= 32 &&
                    std::all_of(id->begin(), id->end(), [](char ch) {
                      return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                             (ch >= 'a' && ch <= 'z');
                    });
    if (!ok) return InvalidArgument("subjectIdNumber: 1 to 32 letters and digits");
  }
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_ASSIGN_OR_RETURN(CasePage page, reader->ListCases(q));
  // A list shows the people in each case too: those reads are recorded like any other.
  std::vector<AccessRecord> reads;
  const TimePoint now = clock_.Now();
  for (const Case& c : page.cases) reads.push_back({actor.user_id, c.id, now, "list"});
  if (!reads.empty()) store_.RecordAccess(std::move(reads));
  return page;
}

Result<StatsReport> CaseService::Stats(const Actor& actor,
                                      const std::optional<std::string>& unit_id) {
  const auto tree = this->tree();
  GC_ASSIGN_OR_RETURN(const OrgUnit* root, StatsUnit(actor, unit_id, *tree));
  std::vector<std::string> ids;
  for (const OrgUnit* child : tree->Children(root->id)) ids.push_back(child->id);
  ids.push_back(root->id);  // last: the total
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_ASSIGN_OR_RETURN(auto counts, reader->CountCasesByUnit(ids));
  if (counts.size() != ids.size()) return Internal("stats: one count per unit expected");
  StatsReport report;
  for (size_t i = 0; i + 1 < counts.size(); ++i) {
    report.units.push_back(MakeUnitStats(counts[i], tree->Find(ids[i])->name));
  }
  report.total = MakeUnitStats(counts.back(), root->name);
  report.total.unit_id.clear();  // the contract's total row names no unit
  return report;
}

Result<const OrgUnit*> CaseService::StatsUnit(const Actor& actor,
                                              const std::optional<std::string>& unit_id,
                                              const OrgTree& tree) {
  const std::string unit = unit_id.value_or(actor.unit_id);
  const OrgUnit* found = tree.Find(unit);
  if (found == nullptr) return InvalidArgument("unitId: no unit " + unit);
  // Counts are by the unit a case came from, so they tell only those who may read every
  // case of that subtree one by one; a hotline operator or a department reads only the
  // cases it filed or holds, and city-wide figures would tell it more than that.
  if (actor.role == Role::kHotlineOperator || actor.role == Role::kDepartmentStaff) {
    return PermissionDenied("statistics are for the federation's units; a " +
                            std::string(Name(actor.role)) +
                            " reads only the cases it filed or that are assigned to its unit");
  }
  if (actor.role != Role::kAdmin && !tree.IsWithin(unit, actor.unit_id)) {
    return PermissionDenied("unitId: " + unit + " is outside your unit " + actor.unit_id);
  }
  return found;
}

Result<std::vector<DayStats>> CaseService::DailyStats(const Actor& actor,
                                                      const std::optional<std::string>& unit_id,
                                                      int days) {
  using std::chrono::sys_days;
  if (days < 1 || days > kMaxStatsDays) {
    return InvalidArgument("days: a whole number from 1 to " + std::to_string(kMaxStatsDays));
  }
  const auto tree = this->tree();
  GC_ASSIGN_OR_RETURN(const OrgUnit* unit, StatsUnit(actor, unit_id, *tree));
  // Days are China's calendar days: local midnight is 16:00 UTC the day before.
  const sys_days today = std::chrono::floor<std::chrono::days>(clock_.Now() + kChinaUtcOffset);
  const sys_days first = today - std::chrono::days(days - 1);
  const TimePoint from = TimePoint(first) - kChinaUtcOffset;
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_ASSIGN_OR_RETURN(auto counts, reader->CountCasesByDay(unit->id, from, days));
  if (counts.size() != static_cast<size_t>(days)) {
    return Internal("stats:daily: one count per day expected");
  }
  std::vector<DayStats> out;
  out.reserve(counts.size());
  for (int i = 0; i < days; ++i) {
    DayStats d;
    d.date = FormatIsoDate(first + std::chrono::days(i));
    d.counts = counts[static_cast<size_t>(i)];
    if (d.counts.responded > 0) {
      d.avg_response_seconds = d.counts.response_seconds_sum / d.counts.responded;
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<Command>> CaseService::Actions(const Actor& actor, CaseId id) {
  const auto tree = this->tree();
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  GC_ASSIGN_OR_RETURN(Case c, ReadInScope(*reader, actor, id, *tree));
  return AllowedCommands(c, actor, *tree);
}

std::vector<OrgUnit> CaseService::OrgUnits(const Actor& actor) const {
  const auto tree = this->tree();
  std::vector<OrgUnit> out;
  for (const OrgUnit* u : UnitsShownTo(actor, *tree)) out.push_back(*u);
  return out;
}

Result<CaseTotals> CaseService::Totals() {
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  return reader->CountTotals();
}

Result<int> CaseService::FireDeadlines(const std::vector<DueDeadline>& deadlines) {
  std::vector<SystemCommand> commands;
  commands.reserve(deadlines.size());
  for (const DueDeadline& deadline : deadlines) {
    CommandRequest request;
    request.command = CommandForDeadline(deadline.kind);
    request.due_time = deadline.due;
    commands.push_back({deadline.case_id, std::move(request)});
  }
  return RunSystemCommands(commands, [](const Case&) { return true; });
}

Result<int> CaseService::MinimisePersonalData(Millis retention, int limit) {
  const TimePoint cutoff = clock_.Now() - retention;
  std::vector<CaseId> ids;
  {
    GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
    GC_ASSIGN_OR_RETURN(ids, reader->ListCasesToMinimise(cutoff, limit));
  }
  std::vector<SystemCommand> commands;
  for (const CaseId id : ids) {
    CommandRequest request;
    request.command = Command::kMinimisePersonalData;
    request.note = std::string(InfoFor(request.command).label);  // says why, in the timeline
    commands.push_back({id, std::move(request)});
  }
  if (commands.empty()) return 0;
  // Checked again as the case is now: a comment since the list was read restarts the wait.
  return RunSystemCommands(commands, [cutoff](const Case& c) { return c.update_time <= cutoff; });
}

Result<int> CaseService::RunSystemCommands(const std::vector<SystemCommand>& commands,
                                           const std::function<bool(const Case&)>& applies) {
  const auto tree = this->tree();
  const RuleBook rules{*tree, sla_, calendar_};
  const TimePoint now = clock_.Now();
  const Actor system = Actor::System();
  std::vector<std::string> warnings;
  struct Fired {
    Case after;
    std::vector<CaseEvent> events;
    bool queued_notifications;
  };
  std::vector<Fired> changed;
  const Status s = store_.Write([&](StoreWriter& w) -> Status {
    warnings.clear();
    changed.clear();
    for (const SystemCommand& command : commands) {
      GC_ASSIGN_OR_RETURN(auto before, w.GetCase(command.id));
      if (!before || !applies(*before)) continue;
      auto d = DecideCommand(*before, command.request, system, now, rules);
      // FAILED_PRECONDITION: stale, e.g. the deadline no longer matches the case.
      if (!d.ok() && d.status().code() == ErrorCode::kFailedPrecondition) continue;
      if (!d.ok()) return d.status();
      GC_ASSIGN_OR_RETURN(const bool queued, Commit(w, *d, *tree));
      for (auto& warning : d->warnings) warnings.push_back(std::move(warning));
      changed.push_back({std::move(d->after), std::move(d->events), queued});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Warn(warnings);
  for (const Fired& f : changed) Notify({f.after, f.events, f.queued_notifications});
  return static_cast<int>(changed.size());
}

Result<CaseService::FireReport> CaseService::FireDue(int limit) {
  std::vector<DueDeadline> due;
  {
    GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
    GC_ASSIGN_OR_RETURN(due, reader->ListDueDeadlines(clock_.Now(), limit));
  }
  FireReport report;
  report.due = static_cast<int>(due.size());
  if (due.empty()) return report;
  GC_ASSIGN_OR_RETURN(report.fired, FireDeadlines(due));
  return report;
}

}  // namespace gridcare::engine
