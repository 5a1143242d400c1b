// The HTTP server's defences and its shutdown, from the outside: read and idle timeouts,
// the connection cap, the header limit, answering in-flight requests on a graceful stop,
// and `gridcare serve` exiting 0 on SIGTERM.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "handlers/http_server.h"
#include "gridcare/v1/error.pb.h"
#include "tests/e2e/server_fixture.h"
#include "tests/e2e/serve_process.h"

namespace gridcare::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr char kShortTimeouts[] =
    "[server]\nread_timeout = \"1s\"\nidle_timeout = \"1s\"\nmax_connections = 8\n"
    "max_header_bytes = 4096\n";

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string ErrorStatus(const std::string& body) {
  v1::ErrorBody e;
  if (!google::protobuf::util::JsonStringToMessage(body, &e).ok()) return "unparsable: " + body;
  return e.error().status();
}

// A handler whose GET /slow stays in the handler until the test lets it go: a request that
// is provably in flight, without guessing at timing.
class SlowGate {
 public:
  // Far more than loopback socket buffers hold, so a client that does not read keeps the
  // server in the middle of writing it.
  static constexpr size_t kBigBody = 64u << 20;

  handlers::HttpResponse Handle(const handlers::HttpRequest& req) {
    handlers::HttpResponse r;
    r.content_type = "text/plain";
    if (req.target == "/slow") {
      std::unique_lock lock(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return open_; });
      r.body = "finished";
    } else if (req.target == "/big") {
      r.body = std::string(kBigBody, 'x');
    } else {
      r.body = "ok";
    }
    return r;
  }
  bool WaitEntered(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return entered_ > 0; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  bool open_ = false;
};

// The HTTP server itself (ServerApp::Shutdown delegates the draining to it) on an ephemeral
// port with a SlowGate handler, running on its own thread: the ServerApp's handlers give no
// deterministic way to hold a request mid-flight, as its background threads read the clock.
struct GatedServer {
  GatedServer()
      : server(Options(), [this](const handlers::HttpRequest& r) { return gate.Handle(r); }) {
    REQUIRE(server.Start().ok());
    port = server.port();
    running = std::async(std::launch::async, [this] { server.Run(); });
  }
  // A failing REQUIRE must not leave the handler, and so Run(), blocked for ever.
  ~GatedServer() {
    gate.Open();
    server.Shutdown();  // idempotent
  }

  static handlers::HttpServerOptions Options() {
    handlers::HttpServerOptions options;
    options.port = 0;
    return options;
  }

  // Shutdown has begun once the listener is closed: true when a new connection is refused
  // within ten seconds.
  bool RefusesNewConnections() const {
    const auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline) {
      if (!RawConn(port).connected()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  SlowGate gate;
  handlers::HttpServer server;
  int port = 0;
  std::future<void> running;
};

}  // namespace

TEST_CASE("a client that sends half a request and then nothing is cut off at the read timeout",
          "[e2e]") {
  TestServer server(kShortTimeouts);
  RawConn loris(server.port());
  REQUIRE(loris.connected());
  const auto start = Clock::now();
  REQUIRE(loris.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
  std::string got;
  CHECK(loris.ReadToEof(5s, &got));
  const double waited = Seconds(Clock::now() - start);
  INFO("closed after " << waited << " s");
  CHECK(waited >= 0.9);  // read_timeout is 1 s: not before
  CHECK(waited < 5.0);
  CHECK(got.find(" 200 ") == std::string::npos);  // the half request was never answered
}

TEST_CASE("a client that trickles a request byte by byte is cut off at the read timeout",
          "[e2e]") {
  TestServer server(kShortTimeouts);
  RawConn loris(server.port());
  REQUIRE(loris.connected());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                              std::string(200, 'X') + ": y\r\n\r\n";
  const auto start = Clock::now();
  bool cut_off = false;
  // One byte every 50 ms: each read makes progress, but the whole request would take 12 s.
  for (size_t i = 0; i < request.size() && Clock::now() - start < 5s; ++i) {
    if (!loris.Send(request.substr(i, 1))) {
      cut_off = true;
      break;
    }
    std::string got;
    if (loris.ReadToEof(50ms, &got)) {
      cut_off = true;
      break;
    }
  }
  const double waited = Seconds(Clock::now() - start);
  INFO("cut off after " << waited << " s");
  CHECK(cut_off);
  CHECK(waited >= 0.9);
  CHECK(waited < 5.0);
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout", "[e2e]") {
  TestServer server(kShortTimeouts);
  RawConn conn(server.port());
  REQUIRE(conn.connected());
  REQUIRE(conn.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  std::string got;
  REQUIRE(conn.ReadUntil("\r\n\r\nok", 5s, &got));
  CHECK(got.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(got.find("Connection: close") == std::string::npos);  // kept alive
  const auto answered = Clock::now();
  CHECK(conn.ReadToEof(5s));
  const double idle = Seconds(Clock::now() - answered);
  INFO("closed after " << idle << " s idle");
  CHECK(idle >= 0.5);
  CHECK(idle < 5.0);

  // A connection that keeps talking stays up past the idle timeout.
  HttpClient busy("127.0.0.1", server.port());
  const auto busy_start = Clock::now();
  while (Clock::now() - busy_start < 1500ms) {
    auto r = busy.Request("GET", "/healthz");
    REQUIRE(r.status == 200);
    CHECK(r.headers["connection"] != "close");
    // Half the idle timeout between requests (a pause that is the point of the test).
    std::this_thread::sleep_for(400ms);
  }
}

TEST_CASE("the connection past max_connections gets 503 UNAVAILABLE and a freed slot is reused",
          "[e2e]") {
  // Long timeouts here, so the eight held connections cannot time out mid-test.
  TestServer server("[server]\nmax_connections = 8\n");
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<HttpClient>("127.0.0.1", server.port()));
    auto r = held.back()->Request("GET", "/healthz");  // answered: counted by the server
    REQUIRE(r.status == 200);
  }

  HttpClient ninth("127.0.0.1", server.port());
  auto refused = ninth.Request("GET", "/healthz");
  INFO(refused.error);
  CHECK(refused.status == 503);
  CHECK(ErrorStatus(refused.body) == "UNAVAILABLE");
  CHECK(refused.headers["connection"] == "close");

  // The held connections still work.
  CHECK(held[0]->Request("GET", "/healthz").status == 200);

  // Once one of them goes away its slot is free again (the server notices asynchronously).
  held.pop_back();
  const auto deadline = Clock::now() + 5s;
  int status = 0;
  while (Clock::now() < deadline) {
    HttpClient fresh("127.0.0.1", server.port());
    status = fresh.Request("GET", "/healthz").status;
    if (status == 200) break;
    std::this_thread::sleep_for(10ms);
  }
  CHECK(status == 200);
}

TEST_CASE("headers larger than the limit get an error status and the connection closes",
          "[e2e]") {
  TestServer server(kShortTimeouts);  // max_header_bytes = 4096
  RawConn conn(server.port());
  REQUIRE(conn.connected());
  REQUIRE(conn.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                    std::string(8192, 'a') + "\r\n\r\n"));
  std::string got;
  CHECK(conn.ReadToEof(5s, &got));
  INFO(got);
  REQUIRE(got.rfind("HTTP/1.1 4", 0) == 0);  // 413 or 431, not 2xx or 5xx
  CHECK(got.find("RESOURCE_EXHAUSTED") != std::string::npos);
  CHECK(got.find("Connection: close") != std::string::npos);

  // Just under the limit is fine.
  HttpClient ok("127.0.0.1", server.port());
  CHECK(ok.Request("GET", "/healthz", "", {{"X-Big", std::string(3000, 'a')}}).status == 200);
}

TEST_CASE("a request in flight when shutdown starts still gets its answer", "[e2e]") {
  GatedServer gated;
  const int port = gated.port;
  std::future<void>& running = gated.running;

  RawConn idle(port);  // kept alive, between requests
  REQUIRE(idle.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  std::string idle_got;
  REQUIRE(idle.ReadUntil("\r\n\r\nok", 5s, &idle_got));
  RawConn conn(port);
  REQUIRE(conn.connected());
  REQUIRE(conn.Send("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  REQUIRE(gated.gate.WaitEntered(10s));

  gated.server.Shutdown();
  CHECK(gated.RefusesNewConnections());
  // The idle connection is closed at once...
  CHECK(idle.ReadToEof(5s));
  // ...while the busy one still waits for its answer, and Run() waits with it.
  CHECK(conn.Quiet());
  CHECK(running.wait_for(0s) == std::future_status::timeout);

  gated.gate.Open();
  std::string got;
  CHECK(conn.ReadToEof(10s, &got));  // answered, then closed: the server is stopping
  INFO(got);
  CHECK(got.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(got.find("finished") != std::string::npos);
  CHECK(got.find("Connection: close") != std::string::npos);
  CHECK(running.wait_for(10s) == std::future_status::ready);
}

TEST_CASE("a response still being written when shutdown starts is delivered whole", "[e2e]") {
  GatedServer gated;
  RawConn conn(gated.port);
  REQUIRE(conn.connected());
  REQUIRE(conn.Send("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  // The first bytes are here: the server is writing, and stalls on the full socket buffers
  // because this client reads nothing more until shutdown has begun.
  std::string head;
  REQUIRE(conn.ReadUntil("\r\n\r\n", 10s, &head));
  REQUIRE(head.rfind("HTTP/1.1 200", 0) == 0);

  gated.server.Shutdown();
  CHECK(gated.RefusesNewConnections());

  std::string rest = head.substr(head.find("\r\n\r\n") + 4);
  CHECK(conn.ReadToEof(30s, &rest));
  CHECK(rest.size() == SlowGate::kBigBody);
  CHECK(gated.running.wait_for(10s) == std::future_status::ready);
}

TEST_CASE("gridcare serve exits 0 on SIGTERM with idle and streaming clients connected",
          "[e2e]") {
  TempDir dir;
  const std::string db = dir.File("gridcare.db");
  SeedCity(db);
  ServeProcess server(db);
  Subprocess& serve = server.process;
  const int port = server.port;

  HttpClient idle("127.0.0.1", port);  // one request, then the kept-alive connection idles
  REQUIRE(idle.Request("GET", "/healthz").status == 200);
  const std::string token = server.Token("staffT1");
  RawConn stream(port);
  REQUIRE(stream.Get("/v1/stream", {{"Authorization", token}}));
  CHECK(stream.ReadUntil(": connected", 5s).find("text/event-stream") != std::string::npos);

  const auto start = Clock::now();
  REQUIRE(serve.Signal(SIGTERM));
  const auto status = serve.Wait(30s);
  REQUIRE(status.has_value());
  INFO("stopped after " << Seconds(Clock::now() - start) << " s; output:\n" << serve.output());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  stream.Close();
}

}  // namespace gridcare::testing
