// A small blocking HTTP/1.1 client on POSIX sockets (http:// only) for the tests and the
// benchmark, which need to see and shape raw requests; the product's own outgoing calls go
// through libcurl (webhook_client.h). One connection, kept alive; every wait is bounded.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gridcare::app {

struct HttpReply {
  int status = 0;  // 0 = transport failure (see error)
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::string error;
};

class HttpClient {
 public:
  // `host` is an IPv4 address or a name resolved with getaddrinfo.
  HttpClient(std::string host, int port, int timeout_ms = 30000)
      : host_(std::move(host)), port_(port), timeout_ms_(timeout_ms) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpReply Request(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    const std::map<std::string, std::string>& headers = {});
  void Close();

 private:
  bool Connect(std::string* error);
  std::string host_;
  int port_;
  int timeout_ms_;
  int fd_ = -1;
  std::string pending_;  // bytes read past the previous response
};

// The bytes of one HTTP/1.1 request; a body without a Content-Type header is sent as JSON.
std::string FormatHttpRequest(const std::string& host, const std::string& method,
                              const std::string& target, const std::string& body,
                              const std::map<std::string, std::string>& headers);

// Reads a response head (status line and header fields, without the blank line after them)
// into `reply` (status, lower-cased headers) and the body length it announces, if any. False,
// with reply->error set, when Content-Length is not a number.
bool ParseHttpResponseHead(std::string_view head, HttpReply* reply,
                           std::optional<size_t>* content_length);

// "http://host:port/path" → parts; false for anything else (https is not this client's: the
// product reaches https receivers through webhook_client.h).
bool ParseHttpUrl(const std::string& url, std::string* host, int* port, std::string* path);

}  // namespace gridcare::app
