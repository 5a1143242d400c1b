// Round trips engine ↔ protobuf ↔ JSON/binary, the JSON shape api.md fixes, and errors.
// Not HTTP: the server and router have their own tests.
#include "handlers/codec.h"

#include <catch2/catch.hpp>
#include <string>

#include "engine/actions.h"
#include "engine/case.h"
#include "engine/store.h"

namespace gridcare::handlers {
namespace {

using engine::FromUnixMillis;

engine::Case FullCase() {
  engine::Case c;
  c.id = 1234567890123;
  c.number = "NA-2026-000123";
  c.request_id = "req-7f3a";
  c.channel = engine::Channel::kHotline12345;
  c.category = engine::Category::kDomesticViolence;
  c.priority = engine::Priority::kUrgent;
  c.grid_id = "G-001";
  c.village_id = "V-01";
  c.title = "留守儿童无人照看";
  c.description = "祖母住院，孩子独自在家。\n需要临时照护。";
  c.address = "南安市洪濑镇 \"前街\" 12 号";
  c.subjects = {{"小明", engine::SubjectRole::kChild, 9, "350583201601010012", "13800000000"},
                {"王芳", engine::SubjectRole::kGuardian, 67, "", ""}};
  c.state = engine::CaseState::kClosed;
  c.assigned_unit_id = "T-02";
  c.reporter_id = "u-42";
  c.create_time = FromUnixMillis(1767225600123);  // 2026-01-01T00:00:00.123Z
  c.update_time = FromUnixMillis(1767400000000);
  c.response_due_time = FromUnixMillis(1767398400123);
  c.respond_time = FromUnixMillis(1767300000500);
  c.resolve_due_time = FromUnixMillis(1768600000000);
  c.resolve_time = FromUnixMillis(1767350000000);
  c.close_time = FromUnixMillis(1767400000000);
  c.follow_up_due_time = FromUnixMillis(1767950000000);
  c.overdue = true;
  c.resolve_overdue = true;
  c.follow_up_overdue = true;
  c.escalations = 2;
  c.version = 11;
  return c;
}

engine::Case RoundTripJson(const engine::Case& c) {
  const std::string json = RenderMessage(ToProto(c), /*binary=*/false);
  v1::Case parsed;
  REQUIRE(ParseMessage("application/json; charset=utf-8", json, &parsed).ok());
  auto back = FromProto(parsed);
  REQUIRE(back.ok());
  return *back;
}

TEST_CASE("a fully populated case survives engine to JSON and back", "[handlers]") {
  const engine::Case c = FullCase();
  CHECK(RoundTripJson(c) == c);
}

TEST_CASE("a fully populated case survives engine to binary protobuf and back", "[handlers]") {
  const engine::Case c = FullCase();
  const std::string bytes = RenderMessage(ToProto(c), /*binary=*/true);
  v1::Case parsed;
  REQUIRE(ParseMessage("application/x-protobuf", bytes, &parsed).ok());
  auto back = FromProto(parsed);
  REQUIRE(back.ok());
  CHECK(*back == c);
}

TEST_CASE("a new case with unset optional times round-trips with them unset", "[handlers]") {
  engine::Case c = FullCase();
  c.state = engine::CaseState::kReported;
  c.respond_time.reset();
  c.resolve_due_time.reset();
  c.resolve_time.reset();
  c.close_time.reset();
  c.follow_up_due_time.reset();
  c.overdue = false;
  c.escalations = 0;
  c.subjects.clear();
  CHECK(RoundTripJson(c) == c);
}

TEST_CASE("case JSON uses lowerCamelCase names, unprefixed enums and prints zeros", "[handlers]") {
  engine::Case c = FullCase();
  c.state = engine::CaseState::kReported;
  c.respond_time.reset();
  c.resolve_due_time.reset();
  c.resolve_time.reset();
  c.close_time.reset();
  c.overdue = false;
  c.escalations = 0;
  c.version = 1;
  c.address.clear();
  const std::string json = RenderMessage(ToProto(c), /*binary=*/false);

  CHECK_THAT(json, Catch::Contains("\"state\":\"REPORTED\""));
  CHECK_THAT(json, Catch::Contains("\"channel\":\"HOTLINE_12345\""));
  CHECK_THAT(json, Catch::Contains("\"category\":\"DOMESTIC_VIOLENCE\""));
  CHECK_THAT(json, Catch::Contains("\"requestId\":\"req-7f3a\""));
  CHECK_THAT(json, Catch::Contains("\"assignedUnitId\":\"T-02\""));
  CHECK_THAT(json, Catch::Contains("\"idNumber\":\"350583201601010012\""));
  CHECK_THAT(json, Catch::Contains("\"role\":\"CHILD\""));
  CHECK_THAT(json, Catch::Contains("\"id\":\"1234567890123\""));
  CHECK_THAT(json, Catch::Contains("\"createTime\":\"2026-01-01T00:00:00.123Z\""));
  CHECK_THAT(json, Catch::Contains("\"overdue\":false"));
  CHECK_THAT(json, Catch::Contains("\"escalations\":0"));
  CHECK_THAT(json, Catch::Contains("\"version\":1"));
  CHECK_THAT(json, Catch::Contains("\"address\":\"\""));
  CHECK_THAT(json, !Catch::Contains("respondTime"));
  CHECK_THAT(json, !Catch::Contains("resolveDueTime"));
  CHECK_THAT(json, !Catch::Contains("resolveTime"));
  CHECK_THAT(json, !Catch::Contains("closeTime"));
  CHECK_THAT(json, !Catch::Contains("request_id"));
  CHECK_THAT(json, !Catch::Contains("STATE_REPORTED"));
}

TEST_CASE("every engine enum value has a proto counterpart", "[handlers]") {
  for (auto s : engine::AllValues<engine::CaseState>()) {
    CHECK(ToProto(s) != v1::Case::STATE_UNSPECIFIED);
  }
  for (auto a : engine::AllValues<engine::EventAction>()) {
    CHECK(ToProto(a) != v1::CaseEvent::ACTION_UNSPECIFIED);
  }
  for (auto r : engine::AllValues<engine::Role>()) {
    CHECK(ToProto(r) != v1::User::ROLE_UNSPECIFIED);
  }
  for (auto ch : engine::AllValues<engine::Channel>()) {
    engine::Case c = FullCase();
    c.channel = ch;
    CHECK(RoundTripJson(c).channel == ch);
  }
  for (auto cat : engine::AllValues<engine::Category>()) {
    engine::Case c = FullCase();
    c.category = cat;
    CHECK(RoundTripJson(c).category == cat);
  }
  for (auto role : engine::AllValues<engine::SubjectRole>()) {
    engine::Case c = FullCase();
    c.subjects[0].role = role;
    CHECK(RoundTripJson(c).subjects[0].role == role);
  }
  for (auto level : engine::AllValues<engine::OrgLevel>()) {
    CHECK(ToProto(engine::OrgUnit{"U1", "单位", level, ""}).level() !=
          v1::OrgUnit::LEVEL_UNSPECIFIED);
  }
}

TEST_CASE("a case event round-trips, the REPORTED one with no fromState", "[handlers]") {
  engine::CaseEvent e;
  e.case_id = 0;  // not on the wire: the URL carries it
  e.seq = 1;
  e.time = FromUnixMillis(1767225600123);
  e.actor_id = "system";
  e.actor_role = engine::Role::kSystem;
  e.actor_unit_id = "";
  e.action = engine::EventAction::kReported;
  e.to_state = engine::CaseState::kReported;
  e.assigned_unit_id = "V-01";
  e.note = "首报";
  e.changes = {{"state", "REPORTED"}, {"title", "标题"}};
  e.prev_hash = "";
  e.hash = "ab12";

  const std::string json = RenderMessage(ToProto(e), false);
  CHECK_THAT(json, Catch::Contains("\"actorRole\":\"SYSTEM\""));
  CHECK_THAT(json, Catch::Contains("\"action\":\"REPORTED\""));
  CHECK_THAT(json, Catch::Contains("\"prevHash\":\"\""));
  v1::CaseEvent parsed;
  REQUIRE(ParseMessage("", json, &parsed).ok());
  auto back = FromProto(parsed);
  REQUIRE(back.ok());
  CHECK(*back == e);

  e.seq = 5;
  e.action = engine::EventAction::kSlaBreached;
  e.from_state = engine::CaseState::kAssigned;
  e.to_state = engine::CaseState::kAssigned;
  e.due_time = FromUnixMillis(1767398400000);
  e.actor_unit_id = "T-02";
  v1::CaseEvent parsed2;
  REQUIRE(ParseMessage("application/x-protobuf", RenderMessage(ToProto(e), true), &parsed2).ok());
  auto back2 = FromProto(parsed2);
  REQUIRE(back2.ok());
  CHECK(*back2 == e);
}

TEST_CASE("an access-log entry names its reader as the users table has them, or by id alone",
          "[handlers][access-log]") {
  engine::AccessEntry e;
  e.id = 7;
  e.record = {"42", 1234, FromUnixMillis(1767225600123), "events"};
  e.case_number = "NA-2026-000123";
  e.reader = engine::User{"42", "zhang", "张三", engine::Role::kSupervisor, "T-02", "$argon2id$x"};
  const std::string json = RenderMessage(ToProto(e), false);
  for (const char* field : {R"("userId":"42")", R"("username":"zhang")", R"("displayName":"张三")",
                            R"("role":"SUPERVISOR")", R"("unitId":"T-02")", R"("what":"events")",
                            R"("caseId":"1234")", R"("caseNumber":"NA-2026-000123")",
                            R"("time":"2026-01-01T00:00:00.123Z")"}) {
    CHECK_THAT(json, Catch::Contains(field));
  }
  CHECK_THAT(json, !Catch::Contains("argon2id"));
  // A deleted user: the id only; no empty name or ROLE_UNSPECIFIED standing in for one.
  e.reader.reset();
  const std::string orphan = RenderMessage(ToProto(e), false);
  CHECK_THAT(orphan, Catch::Contains(R"("userId":"42")"));
  CHECK_THAT(orphan, Catch::Contains(R"("what":"events")"));
  for (const char* absent : {"username", "displayName", "role", "unitId"}) {
    CHECK_THAT(orphan, !Catch::Contains(absent));
  }
}

TEST_CASE("a user on the wire carries no password hash", "[handlers]") {
  engine::User u{"u-1", "zhang", "张三", engine::Role::kGridLeader, "V-01", "$argon2id$secret"};
  const std::string json = RenderMessage(ToProto(u), false);
  CHECK_THAT(json, Catch::Contains("\"displayName\":\"张三\""));
  CHECK_THAT(json, Catch::Contains("\"orgUnitId\":\"V-01\""));
  CHECK_THAT(json, Catch::Contains("\"role\":\"GRID_LEADER\""));
  CHECK_THAT(json, !Catch::Contains("argon2id"));
  CHECK_THAT(RenderMessage(ToProto(u), true), !Catch::Contains("argon2id"));
}

TEST_CASE("an unknown enum string in JSON is INVALID_ARGUMENT", "[handlers]") {
  v1::CreateCaseRequest req;
  auto st =
      ParseMessage("application/json",
                   R"({"requestId":"r1","channel":"GRID_PATROL","category":"LOST_DOG"})", &req);
  CHECK(st.code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(st.message(), Catch::Contains("body"));
}

TEST_CASE("an unknown field in JSON is INVALID_ARGUMENT", "[handlers]") {
  v1::CreateCaseRequest req;
  auto st = ParseMessage("application/json", R"({"requestId":"r1","gridID":"G-1"})", &req);
  CHECK(st.code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(st.message(), Catch::Contains("gridID"));
}

TEST_CASE("malformed JSON is INVALID_ARGUMENT", "[handlers]") {
  v1::CreateCaseRequest req;
  CHECK(ParseMessage("application/json", R"({"requestId": "r1",)", &req).code() ==
        engine::ErrorCode::kInvalidArgument);
  CHECK(ParseMessage("application/json", "[1,2]", &req).code() ==
        engine::ErrorCode::kInvalidArgument);
  CHECK(ParseMessage("application/json", R"({"subjects":[{"age":"nine"}]})", &req).code() ==
        engine::ErrorCode::kInvalidArgument);
}

TEST_CASE("bad binary protobuf is INVALID_ARGUMENT", "[handlers]") {
  v1::CreateCaseRequest req;
  const std::string garbage("\x0a\xff\xff\xff\xff\x0f", 6);  // length-delimited, absurd length
  auto st = ParseMessage("application/x-protobuf", garbage, &req);
  CHECK(st.code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(st.message(), Catch::Contains("binary"));
}

TEST_CASE("an unsupported content type is INVALID_ARGUMENT", "[handlers]") {
  v1::CreateCaseRequest req;
  CHECK(ParseMessage("text/plain", "hello", &req).code() == engine::ErrorCode::kInvalidArgument);
}

TEST_CASE("an empty body is an empty message", "[handlers]") {
  v1::CaseActionRequest req;
  REQUIRE(ParseMessage("application/json", "", &req).ok());
  CHECK_FALSE(req.has_version());
}

TEST_CASE("a create request maps to a new case, unset enums name their field", "[handlers]") {
  v1::CreateCaseRequest req;
  REQUIRE(ParseMessage("application/json", R"({
      "requestId": "r-1", "channel": "GRID_PATROL", "category": "LEFT_BEHIND_CHILD",
      "priority": "ROUTINE", "gridId": "G-001", "title": "t", "description": "d",
      "address": "a", "subjects": [{"name": "小红", "role": "CHILD", "age": 9}]})",
                       &req)
              .ok());
  auto nc = NewCaseFromProto(req);
  REQUIRE(nc.ok());
  CHECK(nc->request_id == "r-1");
  CHECK(nc->channel == engine::Channel::kGridPatrol);
  CHECK(nc->category == engine::Category::kLeftBehindChild);
  CHECK(nc->priority == engine::Priority::kRoutine);
  CHECK(nc->grid_id == "G-001");
  REQUIRE(nc->subjects.size() == 1);
  CHECK(nc->subjects[0] == engine::Subject{"小红", engine::SubjectRole::kChild, 9, "", ""});

  req.clear_category();
  auto missing = NewCaseFromProto(req);
  CHECK(missing.status().code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(missing.status().message(),
             Catch::StartsWith("category: required; one of LEFT_BEHIND_CHILD, "));

  req.set_category(v1::Case::OTHER);
  req.mutable_subjects(0)->clear_role();
  auto bad_subject = NewCaseFromProto(req);
  CHECK_THAT(bad_subject.status().message(), Catch::StartsWith("subjects[0].role: required"));

  // Binary clients can send numbers the enum does not know (proto3 enums are open).
  req.mutable_subjects(0)->set_role(v1::Subject::CHILD);
  req.set_channel(static_cast<v1::Case::Channel>(99));
  CHECK_THAT(NewCaseFromProto(req).status().message(), Catch::StartsWith("channel: required"));
}

TEST_CASE("action bodies map to commands", "[handlers]") {
  v1::CaseActionRequest req;
  REQUIRE(ParseMessage("application/json",
                       R"({"version": 3, "note": "核实属实", "decision": "CONFIRM"})", &req)
              .ok());
  auto verify = CommandFromProto("verify", req);
  REQUIRE(verify.ok());
  CHECK(verify->command == engine::Command::kVerifyConfirm);
  CHECK(verify->expected_version == 3);
  CHECK(verify->note == "核实属实");

  req.set_decision(v1::CaseActionRequest::REJECT);
  CHECK(CommandFromProto("verify", req)->command == engine::Command::kVerifyReject);
  req.clear_decision();
  CHECK_THAT(CommandFromProto("verify", req).status().message(),
             Catch::StartsWith("decision: required"));

  v1::CaseActionRequest empty;
  auto accept = CommandFromProto("accept", empty);
  REQUIRE(accept.ok());
  CHECK(accept->command == engine::Command::kAccept);
  CHECK_FALSE(accept->expected_version.has_value());

  CHECK(CommandFromProto("followUp", empty).status().code() == engine::ErrorCode::kInvalidArgument);
  v1::CaseActionRequest follow;
  REQUIRE(ParseMessage("application/json", R"({"satisfied": false})", &follow).ok());
  CHECK(CommandFromProto("followUp", follow)->command == engine::Command::kFollowUpUnsatisfied);
  follow.set_satisfied(true);
  CHECK(CommandFromProto("followUp", follow)->command == engine::Command::kFollowUpSatisfied);

  v1::CaseActionRequest reassign;
  reassign.set_unit_id("D-EDU");
  auto r = CommandFromProto("reassign", reassign);
  REQUIRE(r.ok());
  CHECK(r->command == engine::Command::kReassign);
  CHECK(r->target_unit_id == "D-EDU");
  CHECK(CommandFromProto("reassign", empty).status().code() == engine::ErrorCode::kInvalidArgument);

  CHECK(CommandFromProto("escalate", empty)->command == engine::Command::kEscalate);
  CHECK(CommandFromProto("resolve", empty)->command == engine::Command::kResolve);
  CHECK(CommandFromProto("withdraw", empty)->command == engine::Command::kWithdraw);
  CHECK(CommandFromProto("comment", empty)->command == engine::Command::kComment);
  CHECK(CommandFromProto("urge", empty)->command == engine::Command::kUrge);
  CHECK(CommandFromProto("delete", empty).status().code() == engine::ErrorCode::kNotFound);
  CHECK(CommandFromProto("followup", empty).status().code() == engine::ErrorCode::kNotFound);
  CHECK(CommandFromProto("", empty).status().code() == engine::ErrorCode::kNotFound);
  // The scheduler's commands have no URL.
  CHECK(CommandFromProto("system:response-breach", empty).status().code() ==
        engine::ErrorCode::kNotFound);

  // A verdict the table does not name is refused, naming the ones it does.
  v1::CaseActionRequest unknown;
  unknown.set_decision(static_cast<v1::CaseActionRequest::Decision>(99));
  CHECK(CommandFromProto("verify", unknown).status().message() ==
        "decision: required for verify; one of CONFIRM, REJECT");
  CHECK(CommandFromProto("followUp", empty).status().message() ==
        "satisfied: required for followUp; one of true, false");
  CHECK(CommandFromProto("reassign", empty).status().message() == "unitId: required for reassign");
}

TEST_CASE("every row of the action table is what its URL action and field issue",
          "[handlers]") {
  int rows = 0;
  for (const engine::CommandInfo& info : engine::CommandTable()) {
    INFO(info.spelling);
    CHECK(ActionName(info.command) == info.action);
    if (info.scheduler()) continue;
    ++rows;
    std::string json = "{}";
    if (!info.field.empty()) {
      REQUIRE(v1::CaseActionRequest::descriptor()->FindFieldByCamelcaseName(
                  std::string(info.field)) != nullptr);
      const std::string value = info.value.empty() ? "\"V12\"" : std::string(info.value);
      json = "{\"" + std::string(info.field) + "\": " +
             (value == "true" || value == "false" || value.front() == '"' ? value
                                                                          : "\"" + value + "\"") +
             "}";
    }
    v1::CaseActionRequest req;
    REQUIRE(ParseMessage("application/json", json, &req).ok());
    auto command = CommandFromProto(info.action, req);
    REQUIRE(command.ok());
    CHECK(command->command == info.command);
  }
  CHECK(rows == 11);
  CHECK(std::vector<std::string_view>(engine::UrlActions().begin(), engine::UrlActions().end()) ==
        std::vector<std::string_view>{"verify", "accept", "escalate", "reassign", "resolve",
                                      "followUp", "withdraw", "comment", "urge"});
}

TEST_CASE("the error body has Google's shape with the HTTP status in code", "[handlers]") {
  CHECK(ErrorBodyJson(engine::FailedPrecondition("case is CLOSED")) ==
        R"({"error":{"code":409,"status":"FAILED_PRECONDITION","message":"case is CLOSED"}})");
  CHECK(ErrorBodyJson(engine::ResourceExhausted("too big"), ExhaustedAs::kBodyTooLarge) ==
        R"({"error":{"code":413,"status":"RESOURCE_EXHAUSTED","message":"too big"}})");
}

TEST_CASE("error codes map to the contract's HTTP statuses", "[handlers]") {
  using engine::ErrorCode;
  CHECK(ToHttpError(ErrorCode::kInvalidArgument).http_status == 400);
  CHECK(ToHttpError(ErrorCode::kUnauthenticated).http_status == 401);
  CHECK(ToHttpError(ErrorCode::kPermissionDenied).http_status == 403);
  CHECK(ToHttpError(ErrorCode::kNotFound).http_status == 404);
  CHECK(ToHttpError(ErrorCode::kFailedPrecondition).http_status == 409);
  CHECK(ToHttpError(ErrorCode::kAborted).http_status == 409);
  CHECK(ToHttpError(ErrorCode::kAborted).status == "ABORTED");
  CHECK(ToHttpError(ErrorCode::kResourceExhausted).http_status == 429);
  CHECK(ToHttpError(ErrorCode::kResourceExhausted, ExhaustedAs::kBodyTooLarge).http_status == 413);
  CHECK(ToHttpError(ErrorCode::kUnavailable).http_status == 503);
  CHECK(ToHttpError(ErrorCode::kDataLoss).http_status == 500);
  CHECK(ToHttpError(ErrorCode::kInternal).http_status == 500);
  // The status names are the engine's, which are the contract's.
  for (auto code :
       {ErrorCode::kInvalidArgument, ErrorCode::kUnauthenticated, ErrorCode::kPermissionDenied,
        ErrorCode::kNotFound, ErrorCode::kFailedPrecondition, ErrorCode::kAborted,
        ErrorCode::kResourceExhausted, ErrorCode::kUnavailable}) {
    CHECK(ToHttpError(code).status == engine::ErrorCodeName(code));
  }
}

}  // namespace
}  // namespace gridcare::handlers
