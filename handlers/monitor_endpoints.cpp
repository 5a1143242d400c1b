// Monitoring: GET /v1/stats, GET /v1/stats:daily, GET /v1/stream (server-sent events) and
// GET /metrics.
#include "gridcare/v1/stats.pb.h"
#include "handlers/api_support.h"
#include "handlers/endpoints.h"

namespace gridcare::handlers {
namespace {

void ToProto(const engine::UnitStats& s, v1::UnitStats* out) {
  out->set_unit_id(s.unit_id);
  out->set_name(s.name);
  out->set_total(s.counts.total);
  out->set_open(s.counts.open);
  out->set_overdue(s.counts.overdue);
  out->set_responded_on_time(s.counts.responded_on_time);
  out->set_responded_late(s.counts.responded_late);
  out->set_on_time_rate(s.on_time_rate);
  out->set_avg_response_seconds(s.avg_response_seconds);
  out->set_closed(s.counts.closed);
}

std::optional<std::string> UnitParam(const Call& call) {
  const auto it = call.query.find("unitId");
  if (it == call.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace

HttpResponse GetStats(Call& call, const Caller& caller) {
  auto report = call.deps.cases.Stats(caller.actor, UnitParam(call));
  if (!report.ok()) return ErrorReply(report.status(), call.binary);
  v1::StatsResponse out;
  for (const auto& u : report->units) ToProto(u, out.add_units());
  ToProto(report->total, out.mutable_total());
  return Reply(200, out, call.binary);
}

HttpResponse GetDailyStats(Call& call, const Caller& caller) {
  auto days = IntParam(call.query, "days", 1, engine::kMaxStatsDays);
  if (!days.ok()) return ErrorReply(days.status(), call.binary);
  auto series = call.deps.cases.DailyStats(caller.actor, UnitParam(call),
                                           days->value_or(engine::kDefaultStatsDays));
  if (!series.ok()) return ErrorReply(series.status(), call.binary);
  v1::DailyStatsResponse out;
  for (const engine::DayStats& d : *series) {
    v1::DayStats* day = out.add_days();
    day->set_date(d.date);
    day->set_received(d.counts.received);
    day->set_responded(d.counts.responded);
    day->set_avg_response_seconds(d.avg_response_seconds);
  }
  return Reply(200, out, call.binary);
}

HttpResponse OpenStream(Call& call, const Caller& caller) {
  auto subscription = call.deps.hub.Subscribe(caller.actor, caller.token_hash,
                                              caller.session_expires);
  if (!subscription.ok()) return ErrorReply(subscription.status(), call.binary);
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.stream = std::move(subscription).value();
  return r;
}

HttpResponse GetMetrics(Call& call) {
  std::vector<Gauge> gauges;
  auto totals = call.deps.cases.Totals();
  if (totals.ok()) {
    gauges.push_back({"gridcare_cases_open", "Cases not yet closed, rejected or withdrawn.",
                      static_cast<double>(totals->open)});
    gauges.push_back({"gridcare_cases_overdue_open", "Open cases whose response SLA was breached.",
                      static_cast<double>(totals->overdue_open)});
  }
  gauges.push_back({"gridcare_stream_subscribers", "Open GET /v1/stream connections.",
                    static_cast<double>(call.deps.hub.subscriber_count())});
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = call.deps.metrics.Render(gauges, call.deps.extra_metrics ? call.deps.extra_metrics() : "");
  return r;
}

}  // namespace gridcare::handlers
