// A small blocking HTTP/1.1 client on POSIX sockets for end-to-end tests and the benchmark:
// no Beast here, so tests compile fast. One connection, kept alive across requests.
#pragma once

#include <map>
#include <string>

namespace gridcare::testing {

struct HttpReply {
  int status = 0;  // 0 = transport failure (see error)
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::string error;
};

class HttpClient {
 public:
  HttpClient(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpReply Request(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    const std::map<std::string, std::string>& headers = {});
  // Sends raw bytes and returns whatever comes back until the server closes or
  // `timeout_ms` passes.
  std::string Raw(const std::string& bytes, int timeout_ms = 5000);
  // Opens a connection, sends a GET and returns the socket for reading a stream.
  int OpenStream(const std::string& target, const std::map<std::string, std::string>& headers);
  void Close();

 private:
  bool Connect(std::string* error);
  std::string host_;
  int port_;
  int fd_ = -1;
  std::string pending_;  // bytes read past the previous response
};

// Reads from `fd` until `needle` has been seen or `timeout_ms` passes; returns all read.
std::string ReadUntil(int fd, const std::string& needle, int timeout_ms);

}  // namespace gridcare::testing
