// The request bodies of POST /v1/sessions, /v1/cases and /v1/cases/{id}:ACTION, decoded as a
// client's Content-Type says, then taken as far as the engine's decision. Shared by
// json_body_fuzz and proto_body_fuzz. Fuzz-only.
#pragma once

#include <google/protobuf/util/message_differencer.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/actions.h"
#include "engine/case_decider.h"
#include "fuzz/fuzz_check.h"
#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/session.pb.h"
#include "handlers/codec.h"
#include "tests/support/city_fixture.h"

namespace gridcare::fuzz {

// An error the client gets: INVALID_ARGUMENT (or NOT_FOUND, ...) whose body is valid JSON
// that decodes as an ErrorBody with a clean message.
inline void CheckErrorAnswer(const engine::Status& status) {
  Check(!status.ok(), "an error answer carries an error");
  const std::string body = handlers::ErrorBodyJson(status);
  v1::ErrorBody decoded;
  const engine::Status parsed = handlers::ParseMessage(handlers::kJsonContentType, body, &decoded);
  Check(parsed.ok(), "every error body is valid JSON", body);
  Check(IsCleanText(decoded.error().message()), "error messages are clean text", body);
  Check(decoded.error().code() == handlers::ToHttpError(status.code()).http_status,
        "the error body names its HTTP status", body);
}

// `message` encodes (binary and JSON) and decodes back to itself.
inline void CheckRoundTrip(const google::protobuf::Message& message) {
  using google::protobuf::util::MessageDifferencer;
  std::unique_ptr<google::protobuf::Message> back(message.New());
  const std::string wire = handlers::RenderMessage(message, /*binary=*/true);
  Check(handlers::ParseMessage(handlers::kProtobufContentType, wire, back.get()).ok(),
        "a decoded message re-encodes to binary that decodes", message.DebugString());
  Check(MessageDifferencer::Equals(message, *back), "binary round trip gives the same message",
        message.DebugString());
  // JSON has no place for unknown fields, which only a binary body can bring.
  std::unique_ptr<google::protobuf::Message> known(message.New());
  known->CopyFrom(message);
  known->DiscardUnknownFields();
  const std::string json = handlers::RenderMessage(*known, /*binary=*/false);
  const engine::Status parsed =
      handlers::ParseMessage(handlers::kJsonContentType, json, back.get());
  Check(parsed.ok(), "a decoded message re-encodes to JSON that decodes",
        json + "\n  " + parsed.message());
  Check(MessageDifferencer::Equals(*known, *back), "JSON round trip gives the same message", json);
}

// A case as the client receives it: renders to JSON that decodes to the same message.
inline void CheckCaseAnswer(const engine::Case& c) {
  const v1::Case proto = handlers::ToProto(c);
  const std::string json = handlers::RenderMessage(proto, /*binary=*/false);
  v1::Case back;
  Check(handlers::ParseMessage(handlers::kJsonContentType, json, &back).ok(),
        "a case answer is valid JSON", json);
  Check(google::protobuf::util::MessageDifferencer::Equals(proto, back),
        "a case answer decodes to the case", json);
}

// The rules every decision below is made under: the engine tests' small city.
struct World {
  engine::OrgTree tree = testing::SmallCity();
  engine::SlaPolicy sla;
  engine::WorkCalendar calendar = testing::WeekdayCalendar();
  engine::RuleBook rules{tree, sla, calendar};
  engine::TimePoint now = engine::FromUnixMillis(1'767'225'600'000);  // 2026-01-01
  // The sample case of grid G111 as filed, and put in each later open state, assigned to
  // its village (as the engine's transition tests do).
  engine::Case reported = Filed();
  std::vector<engine::Case> cases = {reported, In(engine::CaseState::kAssigned),
                                     In(engine::CaseState::kInProgress),
                                     In(engine::CaseState::kResolved)};

  // Who files reports, and who acts on the sample case: its village's staff and leader,
  // a supervisor above it, its reporter.
  std::vector<engine::Actor> reporters = {testing::ActorNamed("gw111"),
                                          testing::ActorNamed("hotline")};
  std::vector<engine::Actor> actors = {testing::ActorNamed("staffV11"),
                                       testing::ActorNamed("leaderV11"),
                                       testing::ActorNamed("supT1"), testing::ActorNamed("gw111")};

  engine::Case Filed() const {
    auto d = engine::DecideCreate(testing::SampleReport(), testing::ActorNamed("gw111"), now, rules,
                                  engine::FixedNumbering(7, "NA-2026-000007"));
    if (!d.ok()) Fail("the sample report is filed", d.status().message());
    return d->after;
  }
  engine::Case In(engine::CaseState state) const {
    engine::Case c = reported;
    c.state = state;
    c.assigned_unit_id = "V11";
    return c;
  }
};

inline const World& TheWorld() {
  static const World kWorld;
  return kWorld;
}

// An error the engine decides: only its message can carry what the client sent, and
// SafeText must make that clean (CheckErrorAnswer, which renders and parses the whole body,
// costs too much to run on every decision).
inline void CheckDecisionError(const engine::Status& status) {
  Check(!status.ok(), "an error answer carries an error");
  CheckSafeText(status.message());
}

// Each decision is made by one actor on one case, picked by the body's length so that the
// fuzzer reaches all of them without deciding each body a dozen times.
inline void FuzzCreateCase(std::string_view content_type, std::string_view body) {
  v1::CreateCaseRequest request;
  const engine::Status parsed = handlers::ParseMessage(content_type, body, &request);
  if (!parsed.ok()) return CheckErrorAnswer(parsed);
  CheckRoundTrip(request);
  auto report = handlers::NewCaseFromProto(request);
  if (!report.ok()) return CheckErrorAnswer(report.status());
  const World& w = TheWorld();
  const engine::Actor& actor = w.reporters[body.size() % w.reporters.size()];
  auto d = engine::DecideCreate(*report, actor, w.now, w.rules,
                                engine::FixedNumbering(8, "NA-2026-000008"));
  if (!d.ok()) return CheckDecisionError(d.status());
  CheckCaseAnswer(d->after);
  // The same body sent again is a retry, never a conflict.
  const engine::Status same = engine::CheckSameReport(*report, actor, d->after);
  Check(same.ok(), "a report repeated as it was is a retry", same.message());
}

inline void FuzzCaseAction(std::string_view content_type, std::string_view body) {
  v1::CaseActionRequest request;
  const engine::Status parsed = handlers::ParseMessage(content_type, body, &request);
  if (!parsed.ok()) return CheckErrorAnswer(parsed);
  CheckRoundTrip(request);
  const World& w = TheWorld();
  const engine::Case& c = w.cases[body.size() % w.cases.size()];
  const engine::Actor& actor = w.actors[(body.size() / w.cases.size()) % w.actors.size()];
  bool checked_error_body = false;
  for (const std::string_view action : engine::UrlActions()) {
    auto command = handlers::CommandFromProto(action, request);
    if (!command.ok()) {
      // The messages differ only in the action's name: one whole error body is enough.
      if (!checked_error_body) CheckErrorAnswer(command.status());
      checked_error_body = true;
      CheckDecisionError(command.status());
      continue;
    }
    auto d = engine::DecideCommand(c, *command, actor, w.now, w.rules);
    if (!d.ok()) {
      CheckDecisionError(d.status());
      continue;
    }
    CheckCaseAnswer(d->after);
  }
}

inline void FuzzSignIn(std::string_view content_type, std::string_view body) {
  v1::CreateSessionRequest request;
  const engine::Status parsed = handlers::ParseMessage(content_type, body, &request);
  if (!parsed.ok()) return CheckErrorAnswer(parsed);
  CheckRoundTrip(request);
}

// Each body as every request message the API reads.
inline void FuzzBody(std::string_view content_type, std::string_view body) {
  FuzzCreateCase(content_type, body);
  FuzzCaseAction(content_type, body);
  FuzzSignIn(content_type, body);
}

}  // namespace gridcare::fuzz
