// HttpClient against a peer that answers with a malformed Content-Length: an error in the
// reply, never an exception (the webhook sink runs it on the dispatcher's thread). And the
// request formatting and response-head parsing it shares with the bench's load generator.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <thread>

#include "app/http_client.h"

namespace gridcare::testing {
namespace {

// Accepts one connection on an ephemeral loopback port, reads the request, sends `answer`
// and closes.
class OneShotPeer {
 public:
  explicit OneShotPeer(std::string answer) : answer_(std::move(answer)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener_, 1) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      const int conn = ::accept(listener_, nullptr, nullptr);
      if (conn < 0) return;
      char buf[4096];
      (void)::recv(conn, buf, sizeof buf, 0);
      (void)::send(conn, answer_.data(), answer_.size(), MSG_NOSIGNAL);
      ::close(conn);
    });
  }
  ~OneShotPeer() {
    thread_.join();
    ::close(listener_);
  }
  OneShotPeer(const OneShotPeer&) = delete;
  OneShotPeer& operator=(const OneShotPeer&) = delete;
  int port() const { return port_; }

 private:
  std::string answer_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;  // last: it uses the members above
};

TEST_CASE("a malformed Content-Length is a transport error, not an exception", "[app]") {
  for (const char* bad : {"abc", "12x", "-1", "99999999999999999999999"}) {
    CAPTURE(bad);
    OneShotPeer peer(std::string("HTTP/1.1 200 OK\r\nContent-Length: ") + bad + "\r\n\r\nok");
    app::HttpClient client("127.0.0.1", peer.port(), 5000);
    app::HttpReply reply;
    REQUIRE_NOTHROW(reply = client.Request("POST", "/hook", "{}"));
    CHECK(reply.error.find("bad Content-Length") != std::string::npos);
  }
}

TEST_CASE("a well-formed Content-Length still delimits the body", "[app]") {
  OneShotPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  app::HttpClient client("127.0.0.1", peer.port(), 5000);
  const app::HttpReply reply = client.Request("POST", "/hook", "{}");
  CHECK(reply.error.empty());
  CHECK(reply.status == 200);
  CHECK(reply.body == "ok");
}

TEST_CASE("a response head gives its status, lower-cased fields and body length", "[app]") {
  app::HttpReply reply;
  std::optional<size_t> length;
  REQUIRE(app::ParseHttpResponseHead(
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 17", &reply,
      &length));
  CHECK(reply.status == 201);
  CHECK(reply.headers.at("content-type") == "application/json");
  REQUIRE(length.has_value());
  CHECK(*length == 17);

  app::HttpReply no_length;
  REQUIRE(app::ParseHttpResponseHead("HTTP/1.1 204 No Content\r\nServer: x", &no_length,
                                     &length));
  CHECK(no_length.status == 204);
  CHECK_FALSE(length.has_value());
}

TEST_CASE("a formatted request sends a body as JSON unless told otherwise", "[app]") {
  const std::string json = app::FormatHttpRequest("h", "POST", "/v1/cases", "{}", {});
  CHECK(json == "POST /v1/cases HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                "Content-Length: 2\r\n\r\n{}");
  const std::string proto = app::FormatHttpRequest(
      "h", "POST", "/v1/cases", "x", {{"Content-Type", "application/x-protobuf"}});
  CHECK(proto.find("Content-Type: application/x-protobuf\r\n") != std::string::npos);
  CHECK(proto.find("application/json") == std::string::npos);
  CHECK(app::FormatHttpRequest("h", "GET", "/healthz", "", {}) ==
        "GET /healthz HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace gridcare::testing
