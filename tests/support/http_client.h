// HTTP for tests: the program's own client (app/http_client.h) for well-formed requests, and
// a bare connection for what a well-behaved client does not do (raw bytes, slow sends,
// holding an event stream open). Not in the product: only tests need the bare connection.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "app/http_client.h"

namespace gridcare::testing {

using app::HttpClient;
using app::HttpReply;

// A bare TCP connection to 127.0.0.1.
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConn() { Close(); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool connected() const { return connected_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // False when the peer has closed (EPIPE / ECONNRESET).
  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Sends GET `target` and leaves the connection open: for reading an event stream.
  bool Get(const std::string& target, const std::map<std::string, std::string>& headers) {
    return Send(app::FormatHttpRequest("127.0.0.1", "GET", target, "", headers));
  }

  // Reads until the peer closes (true) or the deadline passes (false); data goes to `out`.
  bool ReadToEof(std::chrono::milliseconds timeout, std::string* out = nullptr) {
    const auto deadline = Clock::now() + timeout;
    std::string ignored;
    for (;;) {
      switch (ReadSome(deadline, out ? out : &ignored)) {
        case Read::kData: ignored.clear(); break;
        case Read::kClosed: return true;  // orderly close or reset: the server let go
        case Read::kDeadline: return false;
      }
    }
  }

  // Reads until `needle` has arrived in `out`; false at the deadline or on close.
  bool ReadUntil(const std::string& needle, std::chrono::milliseconds timeout, std::string* out) {
    const auto deadline = Clock::now() + timeout;
    while (out->find(needle) == std::string::npos) {
      if (ReadSome(deadline, out) != Read::kData) return false;
    }
    return true;
  }

  // What arrives until `needle` has, the peer closes or `timeout` passes.
  std::string ReadUntil(const std::string& needle, std::chrono::milliseconds timeout) {
    std::string out;
    ReadUntil(needle, timeout, &out);
    return out;
  }

  // Nothing to read yet and not closed.
  bool Quiet() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

 private:
  using Clock = std::chrono::steady_clock;
  static std::chrono::milliseconds Left(Clock::time_point deadline) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  }

  enum class Read { kData, kClosed, kDeadline };
  // Waits for bytes until `deadline` and appends what one recv gives to `out`.
  Read ReadSome(Clock::time_point deadline, std::string* out) {
    for (;;) {
      const auto left = Left(deadline);
      if (left.count() <= 0) return Read::kDeadline;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[8192];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return Read::kClosed;
      out->append(buf, static_cast<size_t>(n));
      return Read::kData;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace gridcare::testing
