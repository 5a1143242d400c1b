// The web console from a real server: served at / beside the API, configured by [console]
// dir or `gridcare serve --console`, and absent without harm when there is none.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "gridcare/v1/error.pb.h"
#include "tests/e2e/serve_process.h"
#include "tests/e2e/server_fixture.h"

namespace gridcare::testing {
namespace {

constexpr char kIndex[] = "<!doctype html><title>GridCare 控制台</title>";
constexpr char kApp[] = "console.log('gridcare')";
constexpr char kAppGz[] = "GZIP-BYTES-OF-APP";

// A built console in <tmp>/dist.
struct ConsoleDir {
  ConsoleDir() {
    std::filesystem::create_directories(dir.path() / "dist" / "assets");
    std::ofstream(dir.path() / "dist" / "index.html") << kIndex;
    std::ofstream(dir.path() / "dist" / "assets" / "app-5d41.js") << kApp;
    std::ofstream(dir.path() / "dist" / "assets" / "app-5d41.js.gz") << kAppGz;
  }
  std::string path() const { return (dir.path() / "dist").string(); }
  TempDir dir;
};

std::string Status(const HttpReply& r) {
  v1::ErrorBody e;
  if (!google::protobuf::util::JsonStringToMessage(r.body, &e).ok()) return "unparsable: " + r.body;
  return e.error().status();
}

std::string Header(const HttpReply& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? "(absent)" : it->second;
}

}  // namespace

TEST_CASE("the server answers the console at / and the API under /v1", "[e2e]") {
  ConsoleDir console;
  TestServer server("", console.path());
  HttpClient http("127.0.0.1", server.port());

  auto index = http.Request("GET", "/");
  REQUIRE(index.status == 200);
  CHECK(index.body == kIndex);
  CHECK(Header(index, "content-type") == "text/html; charset=utf-8");
  CHECK(Header(index, "cache-control") == "no-cache");
  CHECK(Header(index, "x-content-type-options") == "nosniff");
  CHECK(Header(index, "referrer-policy") == "no-referrer");
  CHECK(Header(index, "content-security-policy").find("connect-src 'self'") != std::string::npos);
  const std::string etag = Header(index, "etag");

  // Revalidation on the same kept-alive connection: a 304 with no body, then the next
  // answer still parses.
  auto unchanged = http.Request("GET", "/index.html", "", {{"If-None-Match", etag}});
  CHECK(unchanged.status == 304);
  CHECK(unchanged.body.empty());
  auto app = http.Request("GET", "/assets/app-5d41.js", "", {{"Accept-Encoding", "gzip"}});
  REQUIRE(app.status == 200);
  CHECK(app.body == kAppGz);
  CHECK(Header(app, "content-encoding") == "gzip");
  CHECK(Header(app, "vary") == "Accept-Encoding");
  CHECK(Header(app, "cache-control") == "public, max-age=31536000, immutable");
  auto plain = http.Request("GET", "/assets/app-5d41.js", "", {{"Accept-Encoding", "gzip;q=0"}});
  CHECK(plain.body == kApp);

  // HEAD: the length of what GET would send, and not one byte of it.
  RawConn raw(server.port());
  REQUIRE(raw.Send(
      "HEAD /assets/app-5d41.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n"
      "Connection: close\r\n\r\n"));
  std::string head;
  CHECK(raw.ReadToEof(std::chrono::seconds(5), &head));
  CHECK(head.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(head.find("Content-Length: " + std::to_string(std::string(kAppGz).size()) + "\r\n") !=
        std::string::npos);
  CHECK(head.size() >= 4);
  CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
  auto after_head = http.Request("HEAD", "/");
  CHECK(after_head.status == 200);
  CHECK(Header(after_head, "content-length") == std::to_string(std::string(kIndex).size()));
  CHECK(http.Request("GET", "/").body == kIndex);

  // Other methods are refused with the ones that work; unknown files are the API's 404.
  auto post = http.Request("POST", "/", "{}");
  CHECK(post.status == 405);
  CHECK(Header(post, "allow") == "GET, HEAD");
  CHECK(Header(post, "x-content-type-options") == "nosniff");
  CHECK(Status(post) == "UNIMPLEMENTED");
  auto missing = http.Request("GET", "/no-such-page.js");
  CHECK(missing.status == 404);
  CHECK(Status(missing) == "NOT_FOUND");
  CHECK(http.Request("GET", "/../CMakeLists.txt").status == 404);
  CHECK(http.Request("GET", "/%2e%2e/CMakeLists.txt").status == 404);

  // The API is where it was.
  auto health = http.Request("GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok");
  CHECK(http.Request("GET", "/v1/cases").status == 401);
  Caller staff(server, "staffV11");
  auto cases = staff.Call("GET", "/v1/cases");
  CHECK(cases.status == 200);
  CHECK(cases.body.find("\"cases\"") != std::string::npos);
  CHECK(staff.Call("GET", "/v1/nowhere").status == 404);
}

TEST_CASE("the config file's console dir names the console, an empty --console turns it off",
          "[e2e]") {
  ConsoleDir console;
  const std::string config = "[console]\ndir = \"" + console.path() + "\"\n";
  {
    TestServer from_config(config, std::nullopt);
    HttpClient http("127.0.0.1", from_config.port());
    CHECK(http.Request("GET", "/").body == kIndex);
  }
  {
    TestServer turned_off(config, std::string());
    HttpClient http("127.0.0.1", turned_off.port());
    auto r = http.Request("GET", "/");
    CHECK(r.status == 404);
    CHECK(Status(r) == "NOT_FOUND");
    CHECK(http.Request("POST", "/").status == 404);  // as before: no console, no 405
  }
}

TEST_CASE("without a built console the server serves the API alone and says so once",
          "[e2e]") {
  TempDir dir;
  const std::string db = dir.File("gridcare.db");
  SeedCity(db);
  ConsoleDir console;
  {
    ServeProcess server(db, {"--console", (dir.path() / "no-console").string()});
    HttpClient http("127.0.0.1", server.port);
    auto r = http.Request("GET", "/");
    CHECK(r.status == 404);
    CHECK(Status(r) == "NOT_FOUND");
    CHECK(http.Request("GET", "/healthz").status == 200);
    const std::string out = server.process.output();
    INFO(out);
    CHECK(out.find("console: not served: console directory") != std::string::npos);
  }
  {
    ServeProcess server(db, {"--console", ""});
    HttpClient http("127.0.0.1", server.port);
    CHECK(http.Request("GET", "/").status == 404);
    INFO(server.process.output());
    CHECK(server.process.output().find("console: not served") != std::string::npos);
  }
  {
    ServeProcess server(db, {"--console", console.path()});
    HttpClient http("127.0.0.1", server.port);
    CHECK(http.Request("GET", "/").body == kIndex);
    INFO(server.process.output());
    CHECK(server.process.output().find("console: serving 2 files") != std::string::npos);
  }
}

}  // namespace gridcare::testing
