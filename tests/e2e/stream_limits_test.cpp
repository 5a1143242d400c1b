// Live streams against their sessions: a stream ends when its session ends (sign-out,
// expiry), and one user's streams cannot take the slots sign-in and writes need.
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/server_fixture.h"

namespace gridcare::testing {
namespace {

using std::chrono::seconds;

TEST_CASE("signing out ends the streams that session opened, and only those", "[e2e][hostile]") {
  TestServer server;
  Caller mine(server, "supC"), other(server, "supC");
  auto stream = OpenStream(server, mine);
  auto others = OpenStream(server, other);
  REQUIRE(mine.Call("DELETE", "/v1/sessions/current").status == 204);
  CHECK(stream->ReadToEof(seconds(5)));
  // The same user's other sign-in keeps its stream: it still gets news.
  Caller worker(server, "gw111");
  REQUIRE(worker.Call("POST", "/v1/cases", ReportJson("after-sign-out")).status == 201);
  std::string news;
  CHECK(others->ReadUntil("event: case", seconds(5), &news));
}

TEST_CASE("a stream ends when its session expires", "[e2e][hostile]") {
  TestServer server("[server]\nsession_ttl = \"2s\"\nstream_heartbeat = \"1s\"\n");
  Caller supervisor(server, "supC");
  auto stream = OpenStream(server, supervisor);
  const auto opened = std::chrono::steady_clock::now();
  CHECK(stream->ReadToEof(seconds(8)));
  CHECK(std::chrono::steady_clock::now() - opened < seconds(6));
}

TEST_CASE("one user's streams are limited and never starve sign-in, writes or sign-out",
          "[e2e][hostile]") {
  TestServer server("[server]\nmax_connections = 12\n");
  Caller hog(server, "supC");
  std::vector<std::unique_ptr<RawConn>> streams;
  for (int i = 0; i < 4; ++i) streams.push_back(OpenStream(server, hog));
  auto fifth = hog.Call("GET", "/v1/stream");
  CHECK(fifth.status == 429);
  CHECK(fifth.body.find("RESOURCE_EXHAUSTED") != std::string::npos);

  // Other users fill the server's share of stream slots (half of 12): the seventh is refused.
  Caller a(server, "supT1"), b(server, "staffC");
  streams.push_back(OpenStream(server, a));
  streams.push_back(OpenStream(server, a));
  CHECK(b.Call("GET", "/v1/stream").status == 429);

  // Everything else still gets through.
  Caller worker(server, "gw111");  // a sign-in
  CHECK(worker.Call("POST", "/v1/cases", ReportJson("during-streams")).status == 201);
  HttpClient health("127.0.0.1", server.port());
  CHECK(health.Request("GET", "/healthz").status == 200);
  CHECK(hog.Call("DELETE", "/v1/sessions/current").status == 204);
  for (int i = 0; i < 4; ++i) CHECK(streams[i]->ReadToEof(seconds(5)));
  // Their slots are free again.
  Caller again(server, "supC");
  auto reopened = OpenStream(server, again);
}

}  // namespace
}  // namespace gridcare::testing
