// The HTTP/1.1 server: sockets, TLS, parsing limits, timeouts, connection cap, SSE streaming
// and graceful shutdown, on Boost.Beast; it refuses requests whose framing is ambiguous (RFC
// 9112 §6). It hands each decoded request to the handler on a worker pool and writes back whatever
// answer the handler sends, whenever it comes. The only file that includes Beast or Asio.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/status.h"
#include "engine/time.h"
#include "handlers/http_types.h"

namespace gridcare::handlers {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = an ephemeral port (tests)
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 * 1024;
  // The whole first request must arrive within read_timeout (a slow-loris client cannot
  // hold a connection); a kept-alive connection may idle idle_timeout for the first byte of
  // its next request, which from that byte on must arrive whole within read_timeout.
  engine::Millis read_timeout = std::chrono::seconds(30);
  engine::Millis idle_timeout = std::chrono::seconds(60);
  int max_connections = 1024;
  // Every request runs on one: reads and sign-in block on SQLite or on a password hash.
  // Writes take no worker while they commit.
  int worker_threads = 64;
  int io_threads = 2;
  engine::Millis stream_heartbeat = std::chrono::seconds(15);
  // TLS on this port when both are set (PEM files: the certificate followed by its chain,
  // and its private key); both empty = plain HTTP. TLS 1.2 or later only, AEAD ciphers;
  // the handshake, too, must finish within read_timeout.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// What the server calls for each request, on a worker thread, where it may block; it
// answers through the Responder, now or later.
struct HttpHandler {
  std::function<void(const HttpRequest&, const Responder&)> handle;
};

class HttpServer {
 public:
  // A handler that answers every request on a worker thread, blocking as it must.
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  HttpServer(HttpServerOptions options, Handler handler);
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; port() is known afterwards. UNAVAILABLE when the address is taken;
  // INVALID_ARGUMENT, naming the file and OpenSSL's reason, when the TLS files do not load.
  engine::Status Start();
  std::uint16_t port() const;
  // Serves until Shutdown() has drained every connection.
  void Run();
  // Thread-safe and idempotent: stop accepting, let in-flight requests finish and be
  // answered, close idle and streaming connections.
  void Shutdown();
  int open_connections() const;

  struct Impl;  // opaque: keeps Beast out of this header

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridcare::handlers
