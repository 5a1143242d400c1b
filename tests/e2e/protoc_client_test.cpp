// A client built from nothing but the published .proto files: every request body is
// encoded and every response decoded by `protoc` itself, so the test shares no code with
// the server's codec and would notice a wire shape that drifted from the .proto.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/e2e/server_fixture.h"
#include "tests/support/subprocess.h"

namespace gridcare::testing {
namespace {

constexpr char kProtobuf[] = "application/x-protobuf";

// `protoc --encode|--decode=gridcare.v1.TYPE` over the proto file that declares TYPE.
std::string Protoc(const std::string& mode, const std::string& type, const std::string& file,
                   const std::string& input) {
  const RunResult r = RunProcess({"protoc", "--" + mode + "=gridcare.v1." + type,
                                  "-I", std::string(GRIDCARE_SOURCE_DIR) + "/proto",
                                  "gridcare/v1/" + file},
                                 input);
  INFO("protoc --" << mode << "=" << type << " failed: " << r.err << "\ninput:\n" << input);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// The value of a top-level field in protoc's text output (nested fields are indented, so
// only lines starting with the name match), without the quotes of a string; "" if absent.
std::string TextField(const std::string& text, const std::string& name) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    if (line.rfind(name + ": ", 0) == 0) {
      std::string value = line.substr(name.size() + 2);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
    pos = end + 1;
  }
  return "";
}

std::string ContentType(const HttpReply& r) {
  const auto it = r.headers.find("content-type");
  return it == r.headers.end() ? "" : it->second;
}

class ProtocClient {
 public:
  ProtocClient(TestServer& server, const std::string& username) : http_("127.0.0.1", server.port()) {
    const std::string body =
        Protoc("encode", "CreateSessionRequest", "session.proto",
               "username: \"" + username + "\"\npassword: \"" + kPassword + "\"\n");
    auto r = http_.Request("POST", "/v1/sessions", body,
                           {{"Content-Type", kProtobuf}, {"Accept", kProtobuf}});
    REQUIRE(r.status == 200);
    CHECK(ContentType(r) == kProtobuf);
    const std::string session = Protoc("decode", "Session", "session.proto", r.body);
    INFO(session);
    token_ = TextField(session, "token");
    REQUIRE_FALSE(token_.empty());
    CHECK(session.find("username: \"" + username + "\"") != std::string::npos);
  }

  // Sends `text` encoded as `type` (from case.proto) and returns the reply.
  HttpReply Send(const std::string& target, const std::string& type, const std::string& text) {
    return http_.Request("POST", target, Protoc("encode", type, "case.proto", text),
                         {{"Content-Type", kProtobuf},
                          {"Accept", kProtobuf},
                          {"Authorization", "Bearer " + token_}});
  }
  HttpReply Get(const std::string& target) {
    return http_.Request("GET", target, "",
                         {{"Accept", kProtobuf}, {"Authorization", "Bearer " + token_}});
  }

  // A successful reply decoded as gridcare.v1.Case text.
  std::string CaseText(const HttpReply& r, int want_status = 200) {
    INFO(r.status << " " << r.error);
    REQUIRE(r.status == want_status);
    CHECK(ContentType(r) == kProtobuf);
    return Protoc("decode", "Case", "case.proto", r.body);
  }

 private:
  HttpClient http_;
  std::string token_;
};

}  // namespace

TEST_CASE("a client that knows only the .proto files completes the lifecycle", "[e2e]") {
  TestServer server;
  ProtocClient worker(server, "gw111"), leader(server, "leaderV11"), staff(server, "staffV11");

  const std::string report = R"(
    request_id: "protoc-1"
    channel: GRID_PATROL
    category: LEFT_BEHIND_CHILD
    priority: ROUTINE
    title: "留守儿童无人照看"
    description: "父母外出务工"
    address: "梅亭社区3号"
    subjects { name: "小明" role: CHILD age: 9 }
  )";
  const std::string created =
      worker.CaseText(worker.Send("/v1/cases", "CreateCaseRequest", report), 201);
  INFO(created);
  const std::string id = TextField(created, "id");
  REQUIRE_FALSE(id.empty());
  CHECK(TextField(created, "request_id") == "protoc-1");
  CHECK(TextField(created, "state") == "REPORTED");
  CHECK(TextField(created, "grid_id") == "G111");  // a grid worker's own grid by default
  CHECK(TextField(created, "assigned_unit_id") == "V11");
  CHECK(TextField(created, "version") == "1");
  CHECK(TextField(created, "category") == "LEFT_BEHIND_CHILD");
  CHECK(created.find("subjects {") != std::string::npos);
  CHECK(created.find("create_time {") != std::string::npos);
  CHECK(created.find("respond_time {") == std::string::npos);  // absent until accepted
  const std::string base = "/v1/cases/" + id;

  // The same request again: 200 and the same case; the same id with another body: 409.
  const std::string replay =
      worker.CaseText(worker.Send("/v1/cases", "CreateCaseRequest", report));
  CHECK(TextField(replay, "id") == id);
  CHECK(worker.Send("/v1/cases", "CreateCaseRequest", R"(
    request_id: "protoc-1" channel: GRID_PATROL category: LEFT_BEHIND_CHILD priority: ROUTINE
    title: "留守儿童无人照看"
  )").status == 409);

  // A stale version is refused with a binary gridcare.v1.ErrorBody.
  const auto stale = leader.Send(base + ":verify", "CaseActionRequest",
                                 "version: 9\ndecision: CONFIRM\n");
  CHECK(stale.status == 409);
  CHECK(ContentType(stale) == kProtobuf);
  const std::string error = Protoc("decode", "ErrorBody", "error.proto", stale.body);
  INFO(error);
  CHECK(error.find("code: 409") != std::string::npos);
  CHECK(error.find("status: \"ABORTED\"") != std::string::npos);

  const std::string verified = leader.CaseText(
      leader.Send(base + ":verify", "CaseActionRequest", "version: 1\ndecision: CONFIRM\nnote: \"属实\"\n"));
  CHECK(TextField(verified, "state") == "ASSIGNED");
  CHECK(TextField(verified, "version") == "2");

  const std::string accepted =
      staff.CaseText(staff.Send(base + ":accept", "CaseActionRequest", "version: 2\n"));
  CHECK(TextField(accepted, "state") == "IN_PROGRESS");
  CHECK(accepted.find("respond_time {") != std::string::npos);
  CHECK(accepted.find("resolve_due_time {") != std::string::npos);

  const std::string resolved = staff.CaseText(
      staff.Send(base + ":resolve", "CaseActionRequest", "note: \"已落实临时救助\"\n"));
  CHECK(TextField(resolved, "state") == "RESOLVED");
  CHECK(resolved.find("resolve_time {") != std::string::npos);

  const std::string closed = worker.CaseText(worker.Send(
      base + ":followUp", "CaseActionRequest", "satisfied: true\nnote: \"满意\"\n"));
  CHECK(TextField(closed, "state") == "CLOSED");
  CHECK(closed.find("close_time {") != std::string::npos);
  CHECK(TextField(closed, "version") == "5");

  // GET answers in binary too, and the event list decodes with the published message.
  CHECK(TextField(worker.CaseText(worker.Get(base)), "state") == "CLOSED");
  const auto events = staff.Get(base + "/events");
  REQUIRE(events.status == 200);
  CHECK(ContentType(events) == kProtobuf);
  const std::string list = Protoc("decode", "ListEventsResponse", "case.proto", events.body);
  INFO(list);
  for (const char* action : {"REPORTED", "VERIFIED", "ACCEPTED", "RESOLVED", "CLOSED"}) {
    CHECK(list.find(std::string("action: ") + action) != std::string::npos);
  }
  CHECK(list.find("seq: 5") != std::string::npos);
  CHECK(list.find("seq: 6") == std::string::npos);
}

}  // namespace gridcare::testing
