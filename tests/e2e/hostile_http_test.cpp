// What a hostile client cannot do over HTTP, tried on a real socket: smuggle a request
// through ambiguous framing, hold a kept-alive connection by dripping bytes, get control
// characters or invalid UTF-8 echoed in an error, forge server log lines, get an answer
// cached or type-sniffed, or reach an endpoint with a method it does not answer.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "gridcare/v1/error.pb.h"
#include "handlers/safe_text.h"
#include "tests/e2e/serve_process.h"
#include "tests/e2e/server_fixture.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The status lines in what a connection received: one per response (a response follows
// the previous body directly, which need not end in a newline).
std::vector<std::string> StatusLines(const std::string& bytes) {
  std::vector<std::string> lines;
  for (size_t at = bytes.find("HTTP/1."); at != std::string::npos;
       at = bytes.find("HTTP/1.", at + 1)) {
    const std::string line = bytes.substr(at, 12);
    if (line.size() == 12 && line[8] == ' ' && std::isdigit(static_cast<unsigned char>(line[9]))) {
      lines.push_back(line);
    }
  }
  return lines;
}

// The body of the one response on a connection the server closed.
std::string BodyOf(const std::string& bytes) {
  const auto end = bytes.find("\r\n\r\n");
  return end == std::string::npos ? "" : bytes.substr(end + 4);
}

// A request the server must answer if it takes the hostile one's body as a next request.
constexpr char kSmuggled[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

}  // namespace

TEST_CASE(
    "a request with ambiguous framing gets one 400 and a closed connection, and what "
    "it smuggles is never answered",
    "[e2e][hostile]") {
  TestServer server;
  const std::string chunked_end = std::string("0\r\n\r\n") + kSmuggled;
  // {what, framing headers, HTTP version, body}
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> cases = {
      {"gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n", "1.1", chunked_end},
      {"chunked, gzip", "Transfer-Encoding: chunked, gzip\r\n", "1.1", chunked_end},
      {"identity", "Transfer-Encoding: identity\r\n", "1.1", kSmuggled},
      {"chunked, chunked", "Transfer-Encoding: chunked, chunked\r\n", "1.1", chunked_end},
      {"chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "1.1",
       chunked_end},
      {"gzip then chunked", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "1.1",
       chunked_end},
      {"space before the colon", "Transfer-Encoding : chunked\r\n", "1.1", chunked_end},
      {"xchunked", "Transfer-Encoding: xchunked\r\n", "1.1", chunked_end},
      {"quoted", "Transfer-Encoding: \"chunked\"\r\n", "1.1", chunked_end},
      {"with a parameter", "Transfer-Encoding: chunked;x=1\r\n", "1.1", chunked_end},
      {"vertical tab",
       "Transfer-Encoding:\x0b"
       "chunked\r\n",
       "1.1", chunked_end},
      {"in HTTP/1.0", "Transfer-Encoding: chunked\r\n", "1.0", chunked_end},
      {"chunked and a length", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "1.1",
       chunked_end},
      {"a length and chunked", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "1.1",
       chunked_end},
      {"a length and gzip", "Content-Length: 0\r\nTransfer-Encoding: gzip\r\n", "1.1", kSmuggled},
      {"two equal lengths", "Content-Length: 0\r\nContent-Length: 0\r\n", "1.1", kSmuggled},
      {"a list of equal lengths", "Content-Length: 0, 0\r\n", "1.1", kSmuggled},
      {"conflicting lengths",
       "Content-Length: 0\r\nContent-Length: " + std::to_string(sizeof kSmuggled - 1) + "\r\n",
       "1.1", kSmuggled},
      {"a non-numeric length", "Content-Length: abc\r\n", "1.1", kSmuggled},
      {"a signed length", "Content-Length: +0\r\n", "1.1", kSmuggled},
      {"a hexadecimal length", "Content-Length: 0x0\r\n", "1.1", kSmuggled},
      {"an empty length", "Content-Length:\r\n", "1.1", kSmuggled},
  };
  for (const auto& [what, framing, version, body] : cases) {
    INFO(what);
    {
      RawConn conn(server.port());
      REQUIRE(conn.connected());
      REQUIRE(conn.Send("POST /v1/sessions HTTP/" + version + "\r\nHost: x\r\n" + framing + "\r\n" +
                        body));
      std::string got;
      const auto start = Clock::now();
      CHECK(conn.ReadToEof(10s, &got));  // closed by the server
      INFO(got);
      CHECK(Seconds(Clock::now() - start) < 5);  // at once, not at a timeout
      const auto lines = StatusLines(got);
      REQUIRE(lines.size() == 1);
      CHECK(lines[0].substr(9, 3) == "400");
      CHECK(got.find("\r\n\r\nok") == std::string::npos);  // /healthz never answered
    }
  }
}

TEST_CASE("plain chunked and plain Content-Length requests are still served and kept alive",
          "[e2e][hostile]") {
  TestServer server;
  const std::string sign_in =
      std::string(R"({"username":"gw111","password":")") + kPassword + R"("})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", sign_in.size());
  RawConn conn(server.port());
  REQUIRE(conn.connected());
  // Two requests in one send: each is answered, in order, on the one connection.
  REQUIRE(conn.Send(
      "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n"
      "Content-Type: application/json\r\n\r\n" +
      std::string(size) + "\r\n" + sign_in + "\r\n0\r\n\r\n" +
      "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(sign_in.size()) +
      "\r\n\r\n" + sign_in + kSmuggled));
  std::string got;
  REQUIRE(conn.ReadUntil("\r\n\r\nok", 10s, &got));
  const auto lines = StatusLines(got);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "HTTP/1.1 200");
  CHECK(lines[1] == "HTTP/1.1 200");
  CHECK(lines[2] == "HTTP/1.1 200");
  CHECK(conn.Quiet());  // and the connection stays open
}

TEST_CASE(
    "a kept-alive connection's next request is held to the read timeout, not the idle "
    "timeout",
    "[e2e][hostile]") {
  // Idle five times longer than a request may take to arrive.
  TestServer server("[server]\nread_timeout = \"1s\"\nidle_timeout = \"5s\"\n");
  RawConn loris(server.port());
  REQUIRE(loris.connected());
  REQUIRE(loris.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got;
  REQUIRE(loris.ReadUntil("\r\n\r\nok", 5s, &got));

  // Idling longer than read_timeout is allowed: the connection stays.
  CHECK_FALSE(loris.ReadToEof(1500ms));
  // Then it drips the next request's headers, a byte every 50 ms: progress on every read,
  // but the request would take 10 s. It must be cut off about read_timeout after its first
  // byte, long before idle_timeout.
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n" + std::string(200, 'X');
  const auto first_byte = Clock::now();
  bool cut_off = false;
  for (size_t i = 0; i < request.size() && Clock::now() - first_byte < 8s; ++i) {
    if (!loris.Send(request.substr(i, 1)) || loris.ReadToEof(50ms)) {
      cut_off = true;
      break;
    }
  }
  const double waited = Seconds(Clock::now() - first_byte);
  INFO("cut off " << waited << " s after the first byte");
  CHECK(cut_off);
  CHECK(waited >= 0.9);
  CHECK(waited < 3.0);
}

TEST_CASE("error messages never echo invalid UTF-8 or control characters: every body is JSON",
          "[e2e][hostile]") {
  TempDir console;  // served, so that a wrong method at a console path quotes the path
  std::ofstream(console.File("index.html")) << "<!doctype html>";
  TestServer server("", console.path().string());
  const std::string token = server.Token("gw111");
  const std::string head = "Authorization: " + token + "\r\nConnection: close\r\nHost: x\r\n";
  const std::string nasty = "%FF%00%1B[31m%0D%0A%C2%85%ED%A0%80%C0%AF";
  const auto post = [&](const std::string& content_type, const std::string& body) {
    return "POST /v1/cases HTTP/1.1\r\n" + head + "Content-Type: " + content_type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  // Requests whose error message quotes what the client sent, in every place it can send it.
  const std::vector<std::pair<std::string, std::string>> requests = {
      {"a raw path", "GET /v1/\xff\xfe\xc0\xaf HTTP/1.1\r\n" + head + "\r\n"},
      {"a decoded console path", "POST /x" + nasty + " HTTP/1.1\r\n" + head + "\r\n"},
      {"a query value", "GET /v1/cases?state=" + nasty + " HTTP/1.1\r\n" + head + "\r\n"},
      {"a header value", post("text/\xff\xfe\xc2\x85", "{}")},
      {"a JSON field value",
       post("application/json",
            R"({"requestId":"r1","channel":"GRID_PATROL","category":"LEFT_BEHIND_CHILD",)"
            R"("priority":"ROUTINE","gridId":"G\u0000\u001b[31m\r\n\u0085\ud800",)"
            R"("title":"t","subjects":[]})")},
      {"a JSON field value in invalid UTF-8",
       post("application/json",
            R"({"requestId":"r1","channel":"GRID_PATROL","category":"LEFT_BEHIND_CHILD",)"
            R"("priority":"ROUTINE","gridId":"G)"
            "\xff\xfe"
            R"(","title":"t"})")},
      {"a JSON enum value", post("application/json", R"({"channel":"\u001b[31m\r\n\u0085"})")},
      {"a JSON enum value in invalid UTF-8",
       post("application/json", "{\"channel\":\"\x1b\xff\"}")},
      {"a JSON field name", post("application/json", "{\"\\u001b\\n\xff\":1}")},
  };
  for (const auto& [what, bytes] : requests) {
    INFO(what);
    RawConn conn(server.port());
    REQUIRE(conn.connected());
    REQUIRE(conn.Send(bytes));
    std::string got;
    REQUIRE(conn.ReadToEof(10s, &got));
    INFO(got);
    const auto lines = StatusLines(got);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].substr(9, 1) == "4");
    const std::string body = BodyOf(got);
    v1::ErrorBody error;
    REQUIRE(google::protobuf::util::JsonStringToMessage(body, &error).ok());
    const std::string& message = error.error().message();
    INFO(message);
    CHECK_FALSE(message.empty());
    // Valid UTF-8 without a control character: SafeText finds nothing to change.
    CHECK(handlers::SafeText(message) == message);
    CHECK(handlers::SafeText(body) == body);
  }
}

TEST_CASE("user text cannot forge server log lines, and the log names cases by number only",
          "[e2e][hostile]") {
  TempDir dir;
  const std::string db = dir.File("gridcare.db");
  SeedCity(db);
  ServeProcess serve(db);
  HttpClient http("127.0.0.1", serve.port);
  const std::string auth = serve.Token("gw111");
  // An urgent report is written to the log sink (for the township and the city).
  const std::string forged = "[error] forged";
  auto created = http.Request(
      "POST", "/v1/cases",
      R"({"requestId":"forge-1","channel":"GRID_PATROL","category":"LEFT_BEHIND_CHILD",)"
      R"("priority":"URGENT","title":"secret-title\n[error] forged\r\n[error] forged",)"
      R"("description":"\n[error] forged","address":"\n[error] forged",)"
      R"("subjects":[{"name":"secret-name\n[error] forged","role":"CHILD","age":9}]})",
      {{"Authorization", auth}});
  INFO(created.body);
  REQUIRE(created.status / 100 == 2);
  // The same in a target and a header.
  http.Request("GET", "/v1/cases?state=%0A%5Berror%5D%20forged", "",
               {{"Authorization", auth}, {"X-Note", "x"}});
  http.Request("GET", "/v1/%0A%5Berror%5D%20forged", "", {{"Authorization", auth}});
  // A binary body whose title is not UTF-8: a 400, and no line of libprotobuf's per request.
  const std::string bad_title = std::string("\x0a\x02p1\x32\x02\xff\xfe", 8);
  for (int i = 0; i < 3; ++i) {
    const auto refused = http.Request(
        "POST", "/v1/cases", bad_title,
        {{"Authorization", auth}, {"Content-Type", "application/x-protobuf"}});
    CHECK(refused.status == 400);
  }

  REQUIRE_FALSE(serve.process.WaitForLine("notify unit=C ", 10s).empty());
  const std::string log = serve.process.output();
  INFO(log);
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    CHECK(line.rfind(forged, 0) == std::string::npos);
    CHECK(line.find("forged") == std::string::npos);
    CHECK(line.find("secret-") == std::string::npos);  // no title, no name
    CHECK(line.find("UTF-8") == std::string::npos);    // no client-made protobuf errors
  }
}

TEST_CASE(
    "every API answer says no-store and nosniff: a case, a sign-in, an error, the "
    "stream",
    "[e2e][hostile]") {
  TestServer server;
  HttpClient http("127.0.0.1", server.port());
  Caller gw(server, "gw111");
  const v1::Case c = gw.CaseFrom(gw.Call("POST", "/v1/cases", ReportJson("headers-1")));
  const auto check = [](const HttpReply& r) {
    INFO(r.status << " " << r.body);
    CHECK(r.headers.count("cache-control") == 1);
    CHECK(r.headers.at("cache-control") == "no-store");
    CHECK(r.headers.at("x-content-type-options") == "nosniff");
  };
  SECTION("a case read") { check(gw.Call("GET", "/v1/cases/" + c.id())); }
  SECTION("a sign-in") {
    check(http.Request("POST", "/v1/sessions",
                       std::string(R"({"username":"gw111","password":")") + kPassword + R"("})"));
  }
  SECTION("errors") {
    check(http.Request("GET", "/v1/cases"));    // 401
    check(gw.Call("GET", "/v1/cases/999999"));  // 404
    check(gw.Call("DELETE", "/v1/cases"));      // 405
    check(gw.Call("POST", "/v1/cases", "{"));   // 400
  }
  SECTION("a list, HEAD, health") {
    check(gw.Call("GET", "/v1/cases"));
    check(gw.Call("HEAD", "/v1/cases"));
    check(http.Request("GET", "/healthz"));
  }
  SECTION("the stream") {
    RawConn stream(server.port());
    REQUIRE(stream.Get("/v1/stream", {{"Authorization", gw.auth()}}));
    const std::string head = stream.ReadUntil(": connected", 10s);
    INFO(head);
    CHECK(head.find("\r\nCache-Control: no-store\r\n") != std::string::npos);
    CHECK(head.find("\r\nX-Content-Type-Options: nosniff\r\n") != std::string::npos);
    CHECK(head.find("no-cache") == std::string::npos);
  }
}

TEST_CASE(
    "a known API path answers a method it does not serve with 405 and Allow, and unknown "
    "paths stay 404",
    "[e2e][hostile]") {
  TestServer server;
  Caller gw(server, "gw111");
  const v1::Case c = gw.CaseFrom(gw.Call("POST", "/v1/cases", ReportJson("methods-1")));
  const std::string id = c.id();
  // {method, target, status, Allow}
  const std::vector<std::tuple<std::string, std::string, int, std::string>> table = {
      {"DELETE", "/v1/cases", 405, "GET, HEAD, POST"},
      {"PUT", "/v1/cases", 405, "GET, HEAD, POST"},
      {"PUT", "/v1/cases/" + id, 405, "GET, HEAD"},
      {"DELETE", "/v1/cases/" + id, 405, "GET, HEAD"},
      {"POST", "/v1/cases/" + id, 405, "GET, HEAD"},
      {"PUT", "/v1/cases/not-a-number", 405, "GET, HEAD"},
      {"GET", "/v1/sessions", 405, "POST"},
      {"DELETE", "/v1/sessions", 405, "POST"},
      {"GET", "/v1/sessions/current", 405, "DELETE"},
      {"POST", "/v1/stats", 405, "GET, HEAD"},
      {"POST", "/v1/stats:daily", 405, "GET, HEAD"},
      {"PATCH", "/v1/orgUnits", 405, "GET, HEAD"},
      {"POST", "/v1/stream", 405, "GET"},
      {"HEAD", "/v1/stream", 405, "GET"},
      {"GET", "/v1/cases/" + id + ":comment", 405, "POST"},
      {"POST", "/v1/cases/" + id + "/events", 405, "GET, HEAD"},
      {"DELETE", "/v1/cases/" + id + "/actions", 405, "GET, HEAD"},
      {"POST", "/v1/cases/" + id + "/accessLog", 405, "GET, HEAD"},
      {"DELETE", "/v1/accessLog", 405, "GET, HEAD"},
      {"POST", "/healthz", 405, "GET, HEAD"},
      {"DELETE", "/metrics", 405, "GET, HEAD"},
      // Unknown paths stay 404 whatever the method.
      {"GET", "/v1/nothing", 404, ""},
      {"DELETE", "/v1/nothing", 404, ""},
      {"POST", "/v1/cases/" + id + ":nosuch", 404, ""},
      {"GET", "/v1/cases/" + id + ":nosuch", 404, ""},
      {"GET", "/v1/cases/" + id + "/other", 404, ""},
      {"GET", "/nothing", 404, ""},
      // What is served, is served; HEAD as GET.
      {"GET", "/v1/cases/" + id, 200, ""},
      {"HEAD", "/v1/cases/" + id, 200, ""},
      {"HEAD", "/v1/cases", 200, ""},
      {"HEAD", "/v1/stats", 200, ""},
      {"HEAD", "/healthz", 200, ""},
      {"GET", "/v1/cases/not-a-number", 404, ""},
  };
  for (const auto& [method, target, status, allow] : table) {
    const HttpReply r = gw.Call(method, target);
    INFO(method << " " << target << " -> " << r.status << " " << r.body);
    CHECK(r.status == status);
    if (status == 405) {
      CHECK(r.headers.count("allow") == 1);
      CHECK(r.headers.find("allow")->second == allow);
      if (method == "HEAD") continue;  // no body to look at
      v1::ErrorBody error;
      REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &error).ok());
      CHECK(error.error().code() == 405);
      CHECK(error.error().status() == "UNIMPLEMENTED");
    } else {
      CHECK(r.headers.count("allow") == 0);
    }
    if (method == "HEAD") CHECK(r.body.empty());
  }
}

}  // namespace gridcare::testing
