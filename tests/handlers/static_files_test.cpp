// The console's file map: what it loads, the headers it answers with, gzip and ETag
// negotiation, and that nothing outside the map can be reached. No server here.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "handlers/http_types.h"
#include "handlers/static_files.h"
#include "tests/support/temp_dir.h"

namespace gridcare::handlers {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// A console as Vite builds it, in <tmp>/dist, beside a file that must never be served.
struct Console {
  Console() {
    Write(dir.path() / "secret.txt", "not for the web");
    const std::map<std::string, std::string> files = {
        {"index.html", "<!doctype html><title>GridCare</title>"},
        {"assets/index-4f2a9c.js", "console.log('app')"},
        {"assets/index-4f2a9c.js.gz", "GZIPPED-APP"},
        {"assets/index-77e1.css", "body{}"},
        {"assets/inter-0a1b.woff2", "wOF2"},
        {"assets/index-4f2a9c.js.map", "{\"version\":3}"},
        {"assets/chunk-9c.mjs", "export {}"},
        {"manifest.webmanifest", "{\"name\":\"GridCare\"}"},
        {"sw.js", "self.addEventListener('fetch', () => {})"},
        {"favicon.ico", "ICO"},
        {"icon.svg", "<svg/>"},
        {"icon-192.png", "PNG"},
        {"robots.txt", "User-agent: *"},
        {"version.json", "{}"},
        {"data.bin", "\x01\x02"},
        {"stray.txt.gz", "a .gz without its plain file"},
        {".env", "SECRET=1"},
        {".vite/manifest.json", "{}"},
    };
    for (const auto& [name, bytes] : files) Write(root() / name, bytes);
  }
  fs::path root() const { return dir.path() / "dist"; }
  std::shared_ptr<const StaticFiles> Load() const {
    auto loaded = StaticFiles::Load(root().string());
    INFO(loaded.status().ToString());
    REQUIRE(loaded.ok());
    return *loaded;
  }
  testing::TempDir dir;
};

HttpRequest Get(const std::string& target,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest r;
  r.method = "GET";
  r.target = target;
  r.headers = std::move(headers);
  return r;
}

std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "(absent)";
}

// What api.cpp does: split and decode the target, then ask the map.
std::optional<HttpResponse> Serve(const StaticFiles& files, const HttpRequest& request) {
  std::string path;
  std::map<std::string, std::string> query;
  REQUIRE(SplitTarget(request.target, &path, &query));
  return files.Serve(request, path);
}

TEST_CASE("console files carry the content type of their extension", "[handlers]") {
  const auto files = Console().Load();
  const std::map<std::string, std::string> expected = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/assets/index-4f2a9c.js", "text/javascript; charset=utf-8"},
      {"/assets/chunk-9c.mjs", "text/javascript; charset=utf-8"},
      {"/assets/index-77e1.css", "text/css; charset=utf-8"},
      {"/assets/inter-0a1b.woff2", "font/woff2"},
      {"/assets/index-4f2a9c.js.map", "application/json"},
      {"/manifest.webmanifest", "application/manifest+json"},
      {"/sw.js", "text/javascript; charset=utf-8"},
      {"/favicon.ico", "image/x-icon"},
      {"/icon.svg", "image/svg+xml"},
      {"/icon-192.png", "image/png"},
      {"/robots.txt", "text/plain; charset=utf-8"},
      {"/version.json", "application/json"},
      {"/data.bin", "application/octet-stream"},
  };
  for (const auto& [path, type] : expected) {
    CAPTURE(path);
    const auto r = Serve(*files, Get(path));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->content_type == type);
    CHECK(HeaderOf(*r, "X-Content-Type-Options") == "nosniff");
  }
  CHECK(files->size() == expected.size());
}

TEST_CASE("/ is index.html, which forbids other hosts and referrers", "[handlers]") {
  const auto files = Console().Load();
  const auto root = Serve(*files, Get("/"));
  REQUIRE(root);
  CHECK(root->body == "<!doctype html><title>GridCare</title>");
  CHECK(HeaderOf(*root, "Content-Security-Policy") ==
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self'; manifest-src 'self'; base-uri 'self'; frame-ancestors 'none'");
  CHECK(HeaderOf(*root, "Referrer-Policy") == "no-referrer");
  CHECK(HeaderOf(*root, "X-Content-Type-Options") == "nosniff");
  const auto script = Serve(*files, Get("/sw.js"));
  REQUIRE(script);
  CHECK(HeaderOf(*script, "Content-Security-Policy") == "(absent)");
}

TEST_CASE("hashed assets are cached for a year, other files are revalidated by ETag",
          "[handlers]") {
  const auto files = Console().Load();
  for (const char* path : {"/assets/index-4f2a9c.js", "/assets/index-77e1.css"}) {
    CAPTURE(path);
    const auto r = Serve(*files, Get(path));
    REQUIRE(r);
    CHECK(HeaderOf(*r, "Cache-Control") == "public, max-age=31536000, immutable");
  }
  for (const char* path : {"/", "/index.html", "/sw.js", "/manifest.webmanifest", "/icon.svg"}) {
    CAPTURE(path);
    const auto r = Serve(*files, Get(path));
    REQUIRE(r);
    CHECK(HeaderOf(*r, "Cache-Control") == "no-cache");
    const std::string etag = HeaderOf(*r, "ETag");
    CHECK(etag.size() == 34);  // a strong tag: quoted, no W/
    CHECK(etag.front() == '"');
    CHECK(etag.back() == '"');
  }
  CHECK(HeaderOf(*Serve(*files, Get("/sw.js")), "ETag") !=
        HeaderOf(*Serve(*files, Get("/icon.svg")), "ETag"));
}

TEST_CASE("If-None-Match naming the file's ETag answers 304 without a body", "[handlers]") {
  const auto files = Console().Load();
  const auto first = Serve(*files, Get("/index.html"));
  REQUIRE(first);
  const std::string etag = HeaderOf(*first, "ETag");
  for (const std::string& tags : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    CAPTURE(tags);
    const auto again = Serve(*files, Get("/index.html", {{"if-none-match", tags}}));
    REQUIRE(again);
    CHECK(again->status == 304);
    CHECK(again->body.empty());
    CHECK(again->content_length == first->body.size());
    CHECK(HeaderOf(*again, "ETag") == etag);
    CHECK(HeaderOf(*again, "Cache-Control") == "no-cache");
  }
  const auto changed = Serve(*files, Get("/index.html", {{"if-none-match", "\"stale\""}}));
  REQUIRE(changed);
  CHECK(changed->status == 200);
  CHECK(changed->body == first->body);
}

TEST_CASE("the .gz beside a file is sent only when Accept-Encoding allows gzip", "[handlers]") {
  const auto files = Console().Load();
  const std::string path = "/assets/index-4f2a9c.js";
  const std::map<std::string, bool> gzip_allowed = {
      {"gzip", true},
      {"GZIP", true},
      {"gzip, deflate, br", true},
      {"br;q=1.0, gzip;q=0.5", true},
      {"x-gzip", true},
      {"*", true},
      {"gzip;q=0", false},
      {"gzip; q=0.000", false},
      {"deflate, gzip;q=0", false},
      {"*;q=0", false},
      {"*, gzip;q=0", false},
      {"identity", false},
      {"br", false},
      {"", false},
  };
  std::string plain_etag;
  std::string gzip_etag;
  for (const auto& [accept, gzip] : gzip_allowed) {
    CAPTURE(accept);
    const auto r = Serve(*files, Get(path, {{"accept-encoding", accept}}));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(HeaderOf(*r, "Vary") == "Accept-Encoding");
    CHECK(r->content_type == "text/javascript; charset=utf-8");
    if (gzip) {
      CHECK(r->body == "GZIPPED-APP");
      CHECK(HeaderOf(*r, "Content-Encoding") == "gzip");
      gzip_etag = HeaderOf(*r, "ETag");
    } else {
      CHECK(r->body == "console.log('app')");
      CHECK(HeaderOf(*r, "Content-Encoding") == "(absent)");
      plain_etag = HeaderOf(*r, "ETag");
    }
  }
  // No Accept-Encoding at all: the plain file.
  CHECK(Serve(*files, Get(path))->body == "console.log('app')");
  // Two representations, two strong tags; a 304 checks the one it would send.
  CHECK(plain_etag != gzip_etag);
  CHECK(Serve(*files, Get(path, {{"accept-encoding", "gzip"}, {"if-none-match", gzip_etag}}))
            ->status == 304);
  CHECK(Serve(*files, Get(path, {{"accept-encoding", "gzip"}, {"if-none-match", plain_etag}}))
            ->status == 200);
  // A file without a .gz does not vary.
  CHECK(HeaderOf(*Serve(*files, Get("/index.html", {{"accept-encoding", "gzip"}})), "Vary") ==
        "(absent)");
  // The .gz files are not resources of their own, with or without their plain sibling.
  CHECK_FALSE(Serve(*files, Get(path + ".gz")));
  CHECK_FALSE(Serve(*files, Get("/stray.txt.gz")));
  CHECK_FALSE(Serve(*files, Get("/stray.txt")));
}

TEST_CASE("HEAD answers the headers of GET without the body", "[handlers]") {
  const auto files = Console().Load();
  HttpRequest head = Get("/assets/index-4f2a9c.js", {{"accept-encoding", "gzip"}});
  head.method = "HEAD";
  const auto r = Serve(*files, head);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.empty());
  CHECK(r->content_length == std::string("GZIPPED-APP").size());
  CHECK(r->content_type == "text/javascript; charset=utf-8");
  CHECK(HeaderOf(*r, "Content-Encoding") == "gzip");
  CHECK_FALSE(Serve(*files, Get("/index.html"))->content_length);
}

TEST_CASE("nothing outside the loaded files can be reached, however the path is spelt",
          "[handlers]") {
  const auto files = Console().Load();
  for (const char* target :
       {"/../CMakeLists.txt", "/%2e%2e/", "/%2e%2e/secret.txt", "/../secret.txt",
        "/..%2fsecret.txt", "/%2E%2E%2Fsecret.txt", "/assets/../../secret.txt",
        "/assets/../index.html", "/./index.html", "//index.html", "/index.html/", "/assets/",
        "/assets", "/.env", "/.vite/manifest.json", "/secret.txt", "/index.html%00.js",
        "/nope.js"}) {
    CAPTURE(target);
    CHECK_FALSE(Serve(*files, Get(target)));
  }
}

TEST_CASE("a console directory that is missing, unbuilt or too large is not loaded", "[handlers]") {
  testing::TempDir dir;
  const auto missing = StaticFiles::Load((dir.path() / "dist").string());
  CHECK(missing.status().code() == engine::ErrorCode::kFailedPrecondition);

  Write(dir.path() / "dist" / "assets" / "app.js", "x");
  const auto unbuilt = StaticFiles::Load((dir.path() / "dist").string());
  CHECK(unbuilt.status().code() == engine::ErrorCode::kFailedPrecondition);
  CHECK_THAT(unbuilt.status().message(), Catch::Contains("index.html"));

  Write(dir.path() / "dist" / "index.html", "<!doctype html>");
  REQUIRE(StaticFiles::Load((dir.path() / "dist").string()).ok());
  { std::ofstream(dir.path() / "dist" / "huge.bin"); }
  fs::resize_file(dir.path() / "dist" / "huge.bin", StaticFiles::kMaxFileBytes + 1);
  const auto huge = StaticFiles::Load((dir.path() / "dist").string());
  CHECK(huge.status().code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(huge.status().message(), Catch::Contains("huge.bin"));
}

TEST_CASE("the console owns every path but /v1/..., /healthz and /metrics", "[handlers]") {
  for (const char* path : {"/", "/index.html", "/assets/a.js", "/v1", "/v2/cases", "/healthz/",
                           "/metrics.txt", "/sw.js"}) {
    CAPTURE(path);
    CHECK(StaticFiles::IsConsolePath(path));
  }
  for (const char* path : {"/v1/cases", "/v1/", "/v1/stats:daily", "/healthz", "/metrics"}) {
    CAPTURE(path);
    CHECK_FALSE(StaticFiles::IsConsolePath(path));
  }
}

}  // namespace
}  // namespace gridcare::handlers
