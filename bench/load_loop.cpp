// LoadLoop: non-blocking sockets, one epoll set, replies framed by Content-Length (the
// server always sends it outside the event stream).
#include "bench/load_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

namespace gridcare::bench {

enum class ConnState { kIdle, kHeld, kAwaiting, kDone, kFailed };

struct LoadLoop::Conn {
  int fd = -1;
  ConnState state = ConnState::kIdle;
  Outgoing out;
  size_t out_sent = 0;  // bytes of out.bytes already written
  bool want_out = false;  // EPOLLOUT in the interest set: a request only partly written
  SteadyClock::time_point sent{};
  std::string in;  // bytes received and not yet settled
};

namespace {

// A blocking connect and one warm-up request, so neither is in the first sample.
int ConnectWarm(int port, std::string* error) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const std::string warm = app::FormatHttpRequest("127.0.0.1", "GET", "/healthz", "", {});
  std::string got;
  char buf[4096];
  bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
            ::send(fd, warm.data(), warm.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(warm.size());
  // /healthz answers with a small body: read until the head and that many bytes are in.
  while (ok) {
    const size_t head_end = got.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      app::HttpReply reply;
      std::optional<size_t> length;
      ok = app::ParseHttpResponseHead(std::string_view(got).substr(0, head_end), &reply,
                                      &length) &&
           length.has_value();
      if (ok && got.size() >= head_end + 4 + *length) break;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) ok = false;
    if (ok) got.append(buf, static_cast<size_t>(n));
  }
  if (!ok) {
    *error = std::string("connect and warm up 127.0.0.1:") + std::to_string(port) + ": " +
             (errno ? std::strerror(errno) : "bad reply");
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

LoadLoop::LoadLoop(int port, int connections) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) {
    error_ = std::string("epoll_create1: ") + std::strerror(errno);
    return;
  }
  conns_.resize(static_cast<size_t>(connections));
  for (int i = 0; i < connections; ++i) {
    Conn& c = conns_[static_cast<size_t>(i)];
    c.fd = ConnectWarm(port, &error_);
    if (c.fd < 0) return;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
      error_ = std::string("epoll_ctl: ") + std::strerror(errno);
      return;
    }
  }
}

LoadLoop::~LoadLoop() {
  for (Conn& c : conns_) {
    if (c.fd >= 0) ::close(c.fd);
  }
  if (epoll_ >= 0) ::close(epoll_);
}

void LoadLoop::Fail(Conn& c, int index, const LoadCallbacks& cb, const std::string& why) {
  const bool awaiting = c.state == ConnState::kAwaiting;
  c.state = ConnState::kFailed;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
  if (!awaiting) {
    if (idle_failures_++ == 0) first_idle_failure_ = why;
    return;
  }
  app::HttpReply reply;
  reply.error = why;
  cb.reply(index, reply, c.sent, SteadyClock::now());
}

// Writes what it can; the rest goes when the socket says it can take more.
bool LoadLoop::Send(Conn& c, int index, const LoadCallbacks& cb) {
  if (c.out_sent == 0) {
    c.sent = SteadyClock::now();
    c.state = ConnState::kAwaiting;
  }
  while (c.out_sent < c.out.bytes.size()) {
    const ssize_t n = ::send(c.fd, c.out.bytes.data() + c.out_sent,
                             c.out.bytes.size() - c.out_sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      Fail(c, index, cb, std::string("send: ") + std::strerror(errno));
      return false;
    }
    c.out_sent += static_cast<size_t>(n);
  }
  // Only a partial write changes the interest set (requests are small: rarely).
  const bool want_out = c.out_sent < c.out.bytes.size();
  if (want_out != c.want_out) {
    epoll_event ev{};
    ev.events = EPOLLIN | (want_out ? EPOLLOUT : 0u);
    ev.data.u32 = static_cast<std::uint32_t>(index);
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
    c.want_out = want_out;
  }
  return true;
}

bool LoadLoop::Receive(Conn& c, int index, const LoadCallbacks& cb) {
  char buf[65536];
  const ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
  if (n <= 0) {
    Fail(c, index, cb, n == 0 ? "the server closed the connection" : std::strerror(errno));
    return false;
  }
  c.in.append(buf, static_cast<size_t>(n));
  while (true) {
    const size_t head_end = c.in.find("\r\n\r\n");
    if (head_end == std::string::npos) return true;
    app::HttpReply reply;
    std::optional<size_t> length;
    if (!app::ParseHttpResponseHead(std::string_view(c.in).substr(0, head_end), &reply,
                                    &length) ||
        !length) {
      Fail(c, index, cb, reply.error.empty() ? "a reply without Content-Length" : reply.error);
      return false;
    }
    if (c.in.size() < head_end + 4 + *length) return true;
    if (c.state != ConnState::kAwaiting) {
      Fail(c, index, cb, "a reply to no request");
      return false;
    }
    reply.body = c.in.substr(head_end + 4, *length);
    c.in.erase(0, head_end + 4 + *length);
    c.state = ConnState::kIdle;
    cb.reply(index, reply, c.sent, SteadyClock::now());
  }
}

void LoadLoop::Run(const LoadCallbacks& cb, std::chrono::milliseconds reply_timeout) {
  if (!error_.empty()) return;
  std::vector<epoll_event> events(std::max<size_t>(16, conns_.size()));
  while (true) {
    // Idle connections take their next request; held ones go once due.
    auto now = SteadyClock::now();
    auto wake = now + std::chrono::milliseconds(100);  // to look at reply timeouts
    bool any = false;
    for (size_t i = 0; i < conns_.size(); ++i) {
      Conn& c = conns_[i];
      const int index = static_cast<int>(i);
      if (c.state == ConnState::kIdle) {
        c.out = Outgoing{};
        c.out_sent = 0;
        c.state = cb.next(index, &c.out) ? ConnState::kHeld : ConnState::kDone;
      }
      if (c.state == ConnState::kHeld) {
        if (c.out.not_before > now) {
          wake = std::min(wake, c.out.not_before);
        } else {
          Send(c, index, cb);
          now = SteadyClock::now();
        }
      }
      if (c.state == ConnState::kAwaiting && now - c.sent > reply_timeout) {
        Fail(c, index, cb, "no reply within the timeout");
      }
      any = any || c.state == ConnState::kHeld || c.state == ConnState::kAwaiting;
    }
    if (!any) return;
    const auto wait = std::max(SteadyClock::duration::zero(), wake - SteadyClock::now());
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    const timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    const int n = ::epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()),
                                 &timeout, nullptr);
    if (n < 0 && errno != EINTR) {  // e.g. a kernel before 5.11: no epoll_pwait2
      error_ = std::string("epoll_pwait2: ") + std::strerror(errno);
      return;
    }
    for (int e = 0; e < n; ++e) {
      const int index = static_cast<int>(events[static_cast<size_t>(e)].data.u32);
      Conn& c = conns_[static_cast<size_t>(index)];
      if (c.state == ConnState::kFailed) continue;
      if ((events[static_cast<size_t>(e)].events & EPOLLOUT) &&
          c.state == ConnState::kAwaiting && !Send(c, index, cb)) {
        continue;
      }
      if (events[static_cast<size_t>(e)].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        Receive(c, index, cb);
      }
    }
  }
}

}  // namespace gridcare::bench
