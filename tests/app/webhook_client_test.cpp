// Webhook delivery through libcurl: a chunked, kept-alive reply is taken as soon as it ends
// (the hand-written client waited out its timeout), on one connection; https receivers are
// verified against the system's or the configured CAs; redirects are not followed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/notification_sinks.h"
#include "app/webhook_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls.h"
#include "tests/support/webhook_receiver.h"

namespace gridcare::app {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A receiver on a bare socket that answers every POST with `reply` and keeps the connection
// open, as a keep-alive server does; it counts the connections it accepted.
class RawReceiver {
 public:
  explicit RawReceiver(std::string reply) : reply_(std::move(reply)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RawReceiver() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

 private:
  void Serve() {
    std::vector<int> conns;
    std::map<int, std::string> pending;
    while (!stop_) {
      std::vector<pollfd> fds = {{listener_, POLLIN, 0}};
      for (const int c : conns) fds.push_back({c, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        conns.push_back(::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC));
        ++connections_;
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        char buf[4096];
        const ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
        if (n <= 0) {  // the client closed: forget the connection
          ::close(fds[i].fd);
          std::erase(conns, fds[i].fd);
          pending.erase(fds[i].fd);
          continue;
        }
        std::string& in = pending[fds[i].fd];
        in.append(buf, static_cast<size_t>(n));
        // One whole request: its head and a Content-Length body.
        const size_t head = in.find("\r\n\r\n");
        if (head == std::string::npos) continue;
        const size_t at = in.find("Content-Length: ");
        const size_t length = at < head ? std::stoul(in.substr(at + 16)) : 0;
        if (in.size() < head + 4 + length) continue;
        in.erase(0, head + 4 + length);
        ++requests_;
        ::send(fds[i].fd, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      }
    }
    for (const int c : conns) ::close(c);
  }

  std::string reply_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

engine::OutboxEntry Entry(std::int64_t id) {
  engine::OutboxEntry e;
  e.id = id;
  e.notification.case_id = 7;
  e.notification.unit_id = "T1";
  e.notification.case_number = "NA-2026-000007";
  e.notification.message = "督办";
  return e;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

TEST_CASE("a chunked keep-alive reply is delivered at once, and the connection is reused",
          "[app][notify][webhook]") {
  RawReceiver receiver(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
      "2\r\n{}\r\n0\r\n\r\n");
  const auto sink = MakeWebhookSink({"hook", receiver.url(), 5s, ""});
  for (int i = 1; i <= 3; ++i) {
    const auto start = Clock::now();
    const engine::Status s = sink->Deliver(Entry(i));
    const double took = Seconds(Clock::now() - start);
    CAPTURE(i, took);
    INFO(s.ToString());
    CHECK(s.ok());
    CHECK(took < 1.0);  // the timeout is 5 s
  }
  CHECK(receiver.requests() == 3);
  CHECK(receiver.connections() == 1);
}

TEST_CASE("a redirect is not followed and is not a delivery", "[app][notify][webhook]") {
  testing::WebhookReceiver target;
  RawReceiver redirect("HTTP/1.1 307 Temporary Redirect\r\nLocation: " + target.url() +
                       "\r\nContent-Length: 0\r\n\r\n");
  const auto sink = MakeWebhookSink({"hook", redirect.url(), 5s, ""});
  const engine::Status s = sink->Deliver(Entry(1));
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("307") != std::string::npos);
  CHECK(target.received().empty());
}

TEST_CASE("a long reply body is cut off, not kept, and the status still counts",
          "[app][notify][webhook]") {
  const std::string big(1 << 20, 'x');
  RawReceiver receiver("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) +
                       "\r\n\r\n" + big);
  WebhookClient client(receiver.url(), WebhookClientOptions{5s, "", 4096});
  const WebhookReply r = client.Post("{}", {"Content-Type: application/json"});
  CHECK(r.status == 200);
  CHECK(r.body.size() <= 4096);
}

TEST_CASE("an https receiver is delivered to when its certificate chains to ca_file, and "
          "refused otherwise",
          "[app][notify][webhook]") {
  testing::TempDir dir;
  const testing::CertFiles server = testing::MakeSelfSignedCert(dir.path().string(), "server");
  const testing::CertFiles other = testing::MakeSelfSignedCert(dir.path().string(), "other");
  testing::WebhookReceiver receiver(server.cert_file, server.key_file);
  REQUIRE(receiver.url().rfind("https://", 0) == 0);

  // The system's CAs, and a CA file of someone else: the receiver never sees the body.
  for (const std::string& ca : {std::string(), other.cert_file}) {
    CAPTURE(ca);
    const auto refused = MakeWebhookSink({"hook", receiver.url(), 5s, ca});
    const engine::Status s = refused->Deliver(Entry(1));
    CHECK_FALSE(s.ok());
    CHECK(receiver.received().empty());
  }

  const auto trusted = MakeWebhookSink({"hook", receiver.url(), 5s, server.cert_file});
  const engine::Status s = trusted->Deliver(Entry(2));
  INFO(s.ToString());
  CHECK(s.ok());
  const auto got = receiver.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].Header("idempotency-key") == "gridcare-notification-2");
  CHECK(got[0].body.find("NA-2026-000007") != std::string::npos);
}

TEST_CASE("a webhook url may be http or https, and its ca_file must exist",
          "[app][notify][webhook][config]") {
  CHECK(IsWebhookUrl("http://127.0.0.1:9000/gridcare"));
  CHECK(IsWebhookUrl("https://sms.example.cn/hook"));
  CHECK_FALSE(IsWebhookUrl("ftp://127.0.0.1/x"));
  CHECK_FALSE(IsWebhookUrl("file:///etc/passwd"));
  CHECK_FALSE(IsWebhookUrl("127.0.0.1:9000"));
  CHECK_FALSE(IsWebhookUrl(""));

  testing::TempDir dir;
  const testing::CertFiles ca = testing::MakeSelfSignedCert(dir.path().string(), "ca");
  const auto load = [&](const std::string& hook) {
    const std::string path = dir.File("g.toml");
    std::ofstream(path) << "[[notify.webhook]]\nname = \"sms\"\n" << hook;
    return LoadConfig(path);
  };
  const auto https = load("url = \"https://127.0.0.1:9443/hook\"\nca_file = \"ca.crt\"\n");
  INFO(https.status().message());
  REQUIRE(https.ok());
  CHECK(https->notify.webhooks.at(0).ca_file == ca.cert_file);  // relative to the config file
  const auto missing = load("url = \"https://127.0.0.1:9443/hook\"\nca_file = \"nope.pem\"\n");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("nope.pem") != std::string::npos);
  CHECK_FALSE(load("url = \"ftp://127.0.0.1/hook\"\n").ok());
}

}  // namespace gridcare::app
