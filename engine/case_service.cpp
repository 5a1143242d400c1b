// CaseService: reads the clock once per command, runs the decider inside the store's write
// transaction (so the decision is made on the committed row), and logs reads.
#include "engine/case_service.h"

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

void CaseService::Notify(const Case& c, const std::vector<CaseEvent>& events) const {
  ChangeListener listener;
  {
    std::lock_guard lock(listener_mu_);
    listener = listener_;
  }
  if (listener && !events.empty()) listener(c, events);
}

Status CaseService::Commit(StoreWriter& w, const Decision& d, const OrgTree& tree) {
  GC_RETURN_IF_ERROR(w.SaveCase(d.after, d.events));
  // Same transaction: a change and the news of it are written together or not at all.
  return w.EnqueueNotifications(NotificationsFor(d.after, d.events, tree));
}

void CaseService::Warn(const std::vector<std::string>& warnings) const {
  if (!options_.on_warning) return;
  for (const auto& w : warnings) options_.on_warning(w);
}

Result<CreateResult> CaseService::Create(const Actor& actor, const NewCase& request) {
  const auto tree = this->tree();
  const RuleBook rules{*tree, sla_, calendar_};
  const TimePoint now = clock_.Now();
  CreateResult result;
  std::vector<std::string> warnings;
  std::vector<CaseEvent> events;
  const Status s = store_.Write([&](StoreWriter& w) -> Status {
    // Inside the write transaction: a retry racing the original sees its commit.
    GC_ASSIGN_OR_RETURN(auto existing, w.FindCaseByRequestId(actor.user_id, request.request_id));
    if (existing) {
      GC_ASSIGN_OR_RETURN(auto c, w.GetCase(*existing));
      if (!c) return Internal("idempotency key points at missing case " +
                              std::to_string(*existing));
      result = {std::move(*c), false};
      return Status::Ok();
    }
    GC_ASSIGN_OR_RETURN(CaseId id, w.NextCaseId());
    const int year = ChinaYear(now);
    GC_ASSIGN_OR_RETURN(int serial, w.NextCaseSerial(year));
    GC_ASSIGN_OR_RETURN(
        Decision d,
        DecideCreate(request, actor, now, id, FormatCaseNumber(options_.number_prefix, year, serial),
                     rules));
    GC_RETURN_IF_ERROR(Commit(w, d, *tree));
    warnings = std::move(d.warnings);
    events = std::move(d.events);
    result = {std::move(d.after), true};
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Warn(warnings);
  Notify(result.c, events);
  return result;
}

Result<Case> CaseService::Act(const Actor& actor, CaseId id, const CommandRequest& request) {
  const auto tree = this->tree();
  const RuleBook rules{*tree, sla_, calendar_};
  const TimePoint now = clock_.Now();
  Case after;
  std::vector<std::string> warnings;
  std::vector<CaseEvent> events;
  const Status s = store_.Write([&](StoreWriter& w) -> Status {
    GC_ASSIGN_OR_RETURN(Case before, ReadInScope(w, actor, id, *tree));
    GC_ASSIGN_OR_RETURN(Decision d, DecideCommand(before, request, actor, now, rules));
    GC_RETURN_IF_ERROR(Commit(w, d, *tree));
    warnings = std::move(d.warnings);
    events = std::move(d.events);
    after = std::move(d.after);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Warn(warnings);
  Notify(after, events);
  return after;
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
  const std::string unit = unit_id.value_or(actor.unit_id);
  const OrgUnit* root = tree->Find(unit);
  if (root == nullptr) return InvalidArgument("unitId: no unit " + unit);
  if (actor.role != Role::kAdmin && !tree->IsWithin(unit, actor.unit_id)) {
    return PermissionDenied("unitId: " + unit + " is outside your unit " + actor.unit_id);
  }
  std::vector<std::string> ids;
  for (const OrgUnit* child : tree->Children(unit)) ids.push_back(child->id);
  ids.push_back(unit);  // last: the total
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

Result<CaseTotals> CaseService::Totals() {
  GC_ASSIGN_OR_RETURN(auto reader, store_.Read());
  return reader->CountTotals();
}

Result<int> CaseService::FireDeadlines(const std::vector<DueDeadline>& deadlines) {
  const auto tree = this->tree();
  const RuleBook rules{*tree, sla_, calendar_};
  const TimePoint now = clock_.Now();
  const Actor system = Actor::System();
  std::vector<std::string> warnings;
  std::vector<std::pair<Case, std::vector<CaseEvent>>> changed;
  const Status s = store_.Write([&](StoreWriter& w) -> Status {
    warnings.clear();
    changed.clear();
    for (const DueDeadline& deadline : deadlines) {
      GC_ASSIGN_OR_RETURN(auto before, w.GetCase(deadline.case_id));
      if (!before) continue;
      CommandRequest request;
      request.command = CommandForDeadline(deadline.kind);
      request.due_time = deadline.due;
      auto d = DecideCommand(*before, request, system, now, rules);
      // FAILED_PRECONDITION: stale, the deadline no longer matches the case.
      if (!d.ok() && d.status().code() == ErrorCode::kFailedPrecondition) continue;
      if (!d.ok()) return d.status();
      GC_RETURN_IF_ERROR(Commit(w, *d, *tree));
      for (auto& warning : d->warnings) warnings.push_back(std::move(warning));
      changed.emplace_back(std::move(d->after), std::move(d->events));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Warn(warnings);
  for (const auto& [c, events] : changed) Notify(c, events);
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
