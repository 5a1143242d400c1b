// Durability against the real process: `gridcare serve` is killed with SIGKILL (on the
// default and the plain write path) or stopped with SIGTERM while clients are creating
// cases, restarted on the same file, and must still hold every case it acknowledged, with
// idempotency keys intact and an unbroken audit trail.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gridcare/v1/case.pb.h"
#include "storage/audit_verifier.h"
#include "tests/e2e/serve_process.h"

namespace gridcare::testing {
namespace {

using namespace std::chrono_literals;

v1::Case ParseCase(const HttpReply& r) {
  v1::Case c;
  INFO(r.status << " " << r.body);
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &c).ok());
  return c;
}

struct Ack {
  std::string request_id;
  std::string id;
};

// Grid workers creating cases on keep-alive connections until the server goes away.
class CreateLoad {
 public:
  CreateLoad(std::uint16_t port, std::string token, int threads) {
    for (int t = 0; t < threads; ++t) {
      clients_.emplace_back([this, port, token, t] { Client(port, token, t); });
    }
  }
  ~CreateLoad() { Join(); }

  // Until `acks` were acknowledged or about a second and a half has passed.
  void WaitForAcks(int acks) {
    const auto deadline = std::chrono::steady_clock::now() + 1500ms;
    while (acked_count_ < acks && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
    }
  }
  int acked_count() const { return acked_count_; }
  // Once the server is gone: the clients stop at their next failed request.
  void Join() {
    stop_ = true;
    for (auto& c : clients_) {
      if (c.joinable()) c.join();
    }
  }
  std::vector<Ack> acked;
  std::vector<std::string> unanswered;  // sent, but no complete answer came

 private:
  void Client(std::uint16_t port, const std::string& token, int t) {
    HttpClient http("127.0.0.1", port, 10000);
    std::vector<Ack> mine;
    std::vector<std::string> lost;
    // Keep going until the server is gone: the signal lands while requests are in flight.
    for (int n = 0; !stop_ || lost.empty(); ++n) {
      const std::string rid = "crash-" + std::to_string(t) + "-" + std::to_string(n);
      auto r = http.Request("POST", "/v1/cases", ReportJson(rid), {{"Authorization", token}});
      if (r.status == 201 || r.status == 200) {
        v1::Case c;
        if (google::protobuf::util::JsonStringToMessage(r.body, &c).ok()) {
          mine.push_back({rid, c.id()});
          ++acked_count_;
          continue;
        }
      }
      lost.push_back(rid);  // no (complete) answer: it may or may not have committed
      if (r.status == 0) break;  // the server is gone
      if (n > 100000) break;     // never spin forever on an unexpected status
    }
    std::lock_guard lock(mu_);
    acked.insert(acked.end(), mine.begin(), mine.end());
    unanswered.insert(unanswered.end(), lost.begin(), lost.end());
  }

  std::atomic<int> acked_count_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::thread> clients_;
};

}  // namespace

TEST_CASE("every acknowledged case survives kill -9 of the server", "[e2e]") {
  // The default write path, and the plain one (SQLite's own WAL writes and checkpoints) that
  // its optimisations must not change.
  const bool plain = GENERATE(false, true);
  INFO((plain ? "plain" : "default") << " write path");
  TempDir dir;
  const std::string db = dir.File("crash.db");
  SeedCity(db);
  std::vector<std::string> serve_args;
  if (plain) {
    const std::string config = dir.File("plain.toml");
    std::ofstream(config) << "[store]\ngather_wal_writes = false\ncheckpoint_frames = 0\n";
    serve_args = {"--config", config};
  }

  std::vector<Ack> acked;
  std::vector<std::string> unanswered;  // sent, but the server died before answering
  {
    ServeProcess server(db, serve_args);
    CreateLoad load(server.port, server.Token("gw111"), 8);
    load.WaitForAcks(300);
    const int acked_before_kill = load.acked_count();
    const bool killed = server.process.Signal(SIGKILL);
    const auto status = server.process.Wait(10s);
    load.Join();  // before any REQUIRE: no thread may outlive the test
    acked = load.acked;
    unanswered = load.unanswered;
    INFO("server output:\n" << server.process.output());
    REQUIRE(killed);
    REQUIRE(status.has_value());
    CHECK(WIFSIGNALED(*status));
    CHECK(WTERMSIG(*status) == SIGKILL);
    CHECK(acked_before_kill > 0);
  }
  WARN("acknowledged before the kill: " << acked.size() << "; unanswered: " << unanswered.size());
  REQUIRE(acked.size() > 0);

  {
    ServeProcess server(db, serve_args);
    const std::string token = server.Token("gw111");
    HttpClient http("127.0.0.1", server.port);
    std::set<std::string> ids;
    for (const Ack& a : acked) {
      INFO("request " << a.request_id << " acknowledged as case " << a.id);
      auto got = http.Request("GET", "/v1/cases/" + a.id, "", {{"Authorization", token}});
      REQUIRE(got.status == 200);
      CHECK(ParseCase(got).request_id() == a.request_id);
      // Idempotency survived the crash: the same key is a replay, not a new case.
      auto again = http.Request("POST", "/v1/cases", ReportJson(a.request_id),
                                {{"Authorization", token}});
      REQUIRE(again.status == 200);
      CHECK(ParseCase(again).id() == a.id);
      ids.insert(a.id);
    }
    CHECK(ids.size() == acked.size());

    // A request the kill cut off either committed whole (200: replayed) or not at all
    // (201 now); a second retry is always a replay of the same case.
    for (const std::string& rid : unanswered) {
      INFO("unanswered request " << rid);
      auto first = http.Request("POST", "/v1/cases", ReportJson(rid), {{"Authorization", token}});
      REQUIRE((first.status == 200 || first.status == 201));
      auto second = http.Request("POST", "/v1/cases", ReportJson(rid), {{"Authorization", token}});
      REQUIRE(second.status == 200);
      CHECK(ParseCase(second).id() == ParseCase(first).id());
      ids.insert(ParseCase(first).id());
    }

    // Exactly one case per request id ever sent: nothing duplicated, nothing half-written.
    auto metrics = http.Request("GET", "/metrics");
    REQUIRE(metrics.status == 200);
    CHECK(metrics.body.find("gridcare_cases_open " + std::to_string(ids.size()) + "\n") !=
          std::string::npos);

    REQUIRE(server.process.Signal(SIGTERM));
    const auto status = server.process.Wait(30s);
    REQUIRE(status.has_value());
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
  }

  auto findings = storage::VerifyAudit(db);
  REQUIRE(findings.ok());
  for (const auto& f : *findings) FAIL_CHECK(f.problem);
  CHECK(findings->empty());

  const RunResult verify = RunProcess({GRIDCARE_BINARY, "audit", "verify", "--db", db});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}

// Writes no longer hold a thread while they commit: the answer comes back through the
// connection after the group is durable. SIGTERM must still wait for every one of them.
TEST_CASE("SIGTERM under load exits 0 and every answered case is there after restart",
          "[e2e]") {
  TempDir dir;
  const std::string db = dir.File("term.db");
  SeedCity(db);
  std::vector<Ack> acked;
  {
    ServeProcess server(db);
    CreateLoad load(server.port, server.Token("gw111"), 8);
    load.WaitForAcks(300);
    const bool signalled = server.process.Signal(SIGTERM);
    const auto status = server.process.Wait(30s);
    load.Join();
    acked = load.acked;
    INFO("server output:\n" << server.process.output());
    REQUIRE(signalled);
    REQUIRE(status.has_value());
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
  }
  REQUIRE(acked.size() > 0);
  {
    ServeProcess server(db);
    const std::string token = server.Token("gw111");
    HttpClient http("127.0.0.1", server.port);
    for (const Ack& a : acked) {
      INFO("request " << a.request_id << " acknowledged as case " << a.id);
      auto got = http.Request("GET", "/v1/cases/" + a.id, "", {{"Authorization", token}});
      REQUIRE(got.status == 200);
      CHECK(ParseCase(got).request_id() == a.request_id);
    }
    REQUIRE(server.process.Signal(SIGTERM));
    REQUIRE(server.process.Wait(30s).has_value());
  }
  auto findings = storage::VerifyAudit(db);
  REQUIRE(findings.ok());
  CHECK(findings->empty());
}

}  // namespace gridcare::testing
