// HttpClient: connect, write a request, read one response (Content-Length or until close).
#include "app/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

namespace gridcare::app {
namespace {

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads more bytes into `buf`; false on close, error or timeout.
bool ReadMore(int fd, std::string& buf, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buf.append(chunk, static_cast<size_t>(n));
  return true;
}

}  // namespace

std::string FormatHttpRequest(const std::string& host, const std::string& method,
                              const std::string& target, const std::string& body,
                              const std::map<std::string, std::string>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    if (k == "Content-Type") has_type = true;
  }
  if (!body.empty() && !has_type) req += "Content-Type: application/json\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return req;
}

bool ParseHttpResponseHead(std::string_view head, HttpReply* reply,
                           std::optional<size_t>* content_length) {
  const auto sp = head.find(' ');
  reply->status = 0;
  if (sp != std::string_view::npos) {
    std::from_chars(head.data() + sp + 1, head.data() + head.size(), reply->status);
  }
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos) {
    const size_t next = head.find("\r\n", pos + 2);
    const std::string_view line = head.substr(
        pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      reply->headers[name] = std::string(line.substr(v));
    }
    pos = next;
  }
  content_length->reset();
  const auto cl = reply->headers.find("content-length");
  if (cl == reply->headers.end()) return true;
  // Not std::stoul: a receiver's bad header must be an error here, not an exception in
  // the notification dispatcher's thread.
  size_t len = 0;
  const char* end = cl->second.data() + cl->second.size();
  if (const auto [p, ec] = std::from_chars(cl->second.data(), end, len);
      ec != std::errc() || p != end) {
    reply->error = "bad Content-Length: " + cl->second;
    return false;
  }
  *content_length = len;
  return true;
}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_.clear();
}

bool HttpClient::Connect(std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(port_);
  if (const int rc = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &found); rc != 0) {
    *error = "resolve " + host_ + ": " + ::gai_strerror(rc);
    return false;
  }
  fd_ = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  // Non-blocking connect bounded by the timeout, then back to blocking I/O with poll.
  const int flags = ::fcntl(fd_, F_GETFL, 0);
  ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd_, found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd_, POLLOUT, 0};
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (::poll(&p, 1, timeout_ms_) == 1 &&
        ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) {
      rc = 0;
    } else {
      errno = soerr != 0 ? soerr : ETIMEDOUT;
    }
  }
  if (rc != 0) {
    *error = "connect " + host_ + ":" + port + ": " + std::strerror(errno);
    Close();
    return false;
  }
  ::fcntl(fd_, F_SETFL, flags);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

HttpReply HttpClient::Request(const std::string& method, const std::string& target,
                              const std::string& body,
                              const std::map<std::string, std::string>& headers) {
  HttpReply reply;
  const std::string req = FormatHttpRequest(host_, method, target, body, headers);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !Connect(&reply.error)) return reply;
    if (SendAll(fd_, req)) break;
    Close();  // a kept-alive connection the server closed: reconnect once
    if (attempt == 1) {
      reply.error = "send failed";
      return reply;
    }
  }
  std::string buf = std::move(pending_);
  pending_.clear();
  size_t header_end;
  while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(fd_, buf, timeout_ms_)) {
      reply.error = "connection closed before headers";
      Close();
      return reply;
    }
  }
  const std::string head = buf.substr(0, header_end);
  buf.erase(0, header_end + 4);
  std::optional<size_t> content_length;
  if (!ParseHttpResponseHead(head, &reply, &content_length)) {
    Close();
    return reply;
  }
  // Nothing follows the head of an answer to HEAD, a 204 or a 304, whatever length it states
  // (RFC 9112 6.3).
  const bool bodiless = method == "HEAD" || reply.status == 204 || reply.status == 304;
  if (bodiless) {
    pending_ = std::move(buf);
  } else if (content_length) {
    const size_t len = *content_length;
    while (buf.size() < len) {
      if (!ReadMore(fd_, buf, timeout_ms_)) {
        reply.error = "connection closed mid-body";
        Close();
        return reply;
      }
    }
    reply.body = buf.substr(0, len);
    pending_ = buf.substr(len);
  } else {
    while (ReadMore(fd_, buf, timeout_ms_)) {
    }
    reply.body = buf;
    Close();
  }
  const auto conn = reply.headers.find("connection");
  if (conn != reply.headers.end() && conn->second == "close") Close();
  return reply;
}

bool ParseHttpUrl(const std::string& url, std::string* host, int* port, std::string* path) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return false;
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  *path = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  *port = 80;
  *host = authority;
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    *host = authority.substr(0, colon);
    const std::string p = authority.substr(colon + 1);
    if (p.empty() || p.find_first_not_of("0123456789") != std::string::npos || p.size() > 5) {
      return false;
    }
    *port = std::stoi(p);
  }
  return !host->empty() && *port > 0 && *port < 65536;
}

}  // namespace gridcare::app
