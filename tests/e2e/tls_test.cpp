// The server over TLS, with a certificate made for the test: it answers with the same
// guarantees as over plain HTTP, refuses TLS 1.0 and 1.1 and plain HTTP, cuts off a stalled
// handshake, streams, and will not start with a certificate or key it cannot use.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "app/server_app.h"
#include "tests/e2e/server_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls.h"

namespace gridcare::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string TlsConfig(const CertFiles& files, const std::string& more = "") {
  return "[server]\ntls_cert_file = \"" + files.cert_file + "\"\ntls_key_file = \"" +
         files.key_file + "\"\n" + more;
}

// One request on `conn` and its whole answer (head and a Content-Length body).
std::string Exchange(TlsConn& conn, const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& auth = "") {
  std::map<std::string, std::string> headers;
  if (!auth.empty()) headers["Authorization"] = auth;
  REQUIRE(conn.Send(app::FormatHttpRequest("127.0.0.1", method, target, body, headers)));
  std::string got;
  REQUIRE(conn.ReadUntil("\r\n\r\n", 5s, &got));
  const size_t head_end = got.find("\r\n\r\n") + 4;
  const size_t at = got.find("Content-Length: ");
  const size_t length = at < head_end ? std::stoul(got.substr(at + 16)) : 0;
  REQUIRE(conn.ReadUntilSize(head_end + length, 5s, &got));
  return got;
}

std::string TokenOver(TlsConn& conn, const std::string& username) {
  const std::string r = Exchange(conn, "POST", "/v1/sessions",
                                 R"({"username":")" + username + R"(","password":")" +
                                     kPassword + R"("})");
  INFO(r);
  REQUIRE(r.rfind("HTTP/1.1 200", 0) == 0);
  const size_t at = r.find("\"token\":\"");
  REQUIRE(at != std::string::npos);
  return "Bearer " + r.substr(at + 9, r.find('"', at + 9) - at - 9);
}

}  // namespace

TEST_CASE("over TLS the server answers as over plain HTTP: headers, 405, keep-alive, framing",
          "[e2e][tls]") {
  TempDir certs;
  const CertFiles files = MakeSelfSignedCert(certs.path().string());
  REQUIRE_FALSE(files.cert_file.empty());
  TestServer server(TlsConfig(files));

  TlsConn conn(server.port(), files.cert_file);
  INFO(conn.error());
  REQUIRE(conn.connected());
  CHECK((conn.protocol() == "TLSv1.3" || conn.protocol() == "TLSv1.2"));
  const std::string ok = Exchange(conn, "GET", "/healthz");
  CHECK(ok.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(ok.find("\r\nCache-Control: no-store\r\n") != std::string::npos);
  CHECK(ok.find("\r\nX-Content-Type-Options: nosniff\r\n") != std::string::npos);
  // The same connection, kept alive: a method the path does not answer.
  const std::string refused = Exchange(conn, "POST", "/healthz");
  CHECK(refused.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(refused.find("\r\nAllow: GET, HEAD\r\n") != std::string::npos);

  // Ambiguous framing: one 400, a closed connection, and what it smuggles is never answered.
  TlsConn hostile(server.port(), files.cert_file);
  REQUIRE(hostile.connected());
  REQUIRE(hostile.Send(
      "POST /v1/cases HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got;
  CHECK(hostile.ReadToEof(5s, &got));
  CHECK(got.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(got.find("HTTP/1.1 200") == std::string::npos);
}

TEST_CASE("the TLS server refuses TLS 1.0 and 1.1", "[e2e][tls]") {
  TempDir certs;
  const CertFiles files = MakeSelfSignedCert(certs.path().string());
  TestServer server(TlsConfig(files));
  for (const int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    CAPTURE(version);
    TlsConn old(server.port(), files.cert_file, version, version);
    CHECK_FALSE(old.connected());
    CHECK(old.error().find("protocol version") != std::string::npos);
  }
  // The same client, allowed TLS 1.2 as well, gets it: the refusal was the server's.
  TlsConn fallback(server.port(), files.cert_file, TLS1_VERSION, TLS1_2_VERSION);
  INFO(fallback.error());
  CHECK(fallback.connected());
  CHECK(fallback.protocol() == "TLSv1.2");
}

TEST_CASE("plain HTTP to the TLS port gets no answer and a closed connection", "[e2e][tls]") {
  TempDir certs;
  const CertFiles files = MakeSelfSignedCert(certs.path().string());
  TestServer server(TlsConfig(files));
  RawConn plain(server.port());
  REQUIRE(plain.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got;
  CHECK(plain.ReadToEof(5s, &got));
  CHECK(got.find("HTTP/1.") == std::string::npos);
}

TEST_CASE("a TLS handshake that stalls is cut off within read_timeout", "[e2e][tls]") {
  TempDir certs;
  const CertFiles files = MakeSelfSignedCert(certs.path().string());
  TestServer server(TlsConfig(files, "read_timeout = \"1s\"\nidle_timeout = \"60s\"\n"));
  // One connection says nothing; one starts a hello record and stops.
  RawConn silent(server.port());
  RawConn dribbler(server.port());
  const auto start = Clock::now();
  REQUIRE(dribbler.Send(std::string("\x16\x03\x01\x00", 4)));
  CHECK(silent.ReadToEof(8s));
  CHECK(dribbler.ReadToEof(8s));
  CHECK(Clock::now() - start < 4s);
}

TEST_CASE("the live stream works over TLS", "[e2e][tls]") {
  TempDir certs;
  const CertFiles files = MakeSelfSignedCert(certs.path().string());
  TestServer server(TlsConfig(files));
  TlsConn calls(server.port(), files.cert_file);
  REQUIRE(calls.connected());
  const std::string supervisor = TokenOver(calls, "supC");
  const std::string worker = TokenOver(calls, "gw111");

  TlsConn stream(server.port(), files.cert_file);
  REQUIRE(stream.connected());
  REQUIRE(stream.Send(app::FormatHttpRequest("127.0.0.1", "GET", "/v1/stream", "",
                                             {{"Authorization", supervisor}})));
  std::string events;
  REQUIRE(stream.ReadUntil(": connected", 5s, &events));
  CHECK(events.rfind("HTTP/1.1 200", 0) == 0);
  const std::string created = Exchange(calls, "POST", "/v1/cases", ReportJson("over-tls"), worker);
  CHECK(created.rfind("HTTP/1.1 201", 0) == 0);
  CHECK(stream.ReadUntil("event: case", 5s, &events));
}

TEST_CASE("the server does not start with a TLS certificate or key it cannot use, and says why",
          "[e2e][tls]") {
  TempDir dir;
  const CertFiles a = MakeSelfSignedCert(dir.path().string(), "a");
  const CertFiles b = MakeSelfSignedCert(dir.path().string(), "b");
  const std::string db = dir.File("g.db");
  SeedCity(db);
  const auto start = [&](const std::string& config) {
    const std::string path = dir.File("gridcare.toml");
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(config.c_str(), f);
    std::fclose(f);
    return app::ServerApp::Start(app::ServerAppOptions{db, path, "127.0.0.1:0", std::string()});
  };

  const auto missing = start(TlsConfig({dir.File("nope.crt"), a.key_file}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find(dir.File("nope.crt")) != std::string::npos);

  const auto mismatched = start(TlsConfig({a.cert_file, b.key_file}));
  REQUIRE_FALSE(mismatched.ok());
  CHECK(mismatched.status().message().find(b.key_file) != std::string::npos);
  CHECK(mismatched.status().message().find("match") != std::string::npos);

  const auto not_a_key = start(TlsConfig({a.cert_file, a.cert_file}));
  REQUIRE_FALSE(not_a_key.ok());
  CHECK(not_a_key.status().message().find("private key") != std::string::npos);

  const auto half = start("[server]\ntls_cert_file = \"" + a.cert_file + "\"\n");
  REQUIRE_FALSE(half.ok());
  CHECK(half.status().message().find("tls_key_file") != std::string::npos);

  const auto good = start(TlsConfig(a));
  INFO(good.status().ToString());
  CHECK(good.ok());
}

}  // namespace gridcare::testing
