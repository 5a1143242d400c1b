// HttpServer on Boost.Beast: one Session per connection, each on its own strand, over plain
// TCP or TLS; requests go to a worker pool and responses come back to the strand. Errors are
// error_codes, never exceptions, on the I/O path.
#include "handlers/http_server.h"

#include <pthread.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "handlers/api_support.h"
#include "handlers/event_hub.h"
#include "util/named_thread.h"

namespace gridcare::handlers {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::string_view kServerName = "gridcare";
// What one read for the first byte of a kept-alive connection's next request asks for.
constexpr std::size_t kFirstReadBytes = 4096;

// RFC 9112 §6: a request whose body length two parties could read differently (a proxy in
// front and this server) must be refused, or its body may be taken for the next request
// (request smuggling). Beast 1.81 refuses Content-Length with a non-numeric or conflicting
// value and some Transfer-Encoding clashes, but takes "gzip, chunked" as chunked, ignores
// "chunked, gzip", "identity" or a second Transfer-Encoding line without "chunked", and
// accepts repeated equal lengths; and a proxy may read any of these otherwise. So only the
// plainest framings pass: exactly one Transfer-Encoding line saying exactly "chunked" and no
// Content-Length, in HTTP/1.1; or at most one Content-Length of digits only.
std::optional<std::string> FramingError(const http::request_header<>& header) {
  int te_lines = 0;
  int cl_lines = 0;
  std::string_view te, cl;
  for (const auto& field : header) {
    if (field.name() == http::field::transfer_encoding) {
      ++te_lines;
      te = field.value();
    } else if (field.name() == http::field::content_length) {
      ++cl_lines;
      cl = field.value();
    }
  }
  const auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  };
  if (te_lines > 1) return "Transfer-Encoding sent more than once";
  if (te_lines == 1) {
    if (cl_lines > 0) return "Transfer-Encoding and Content-Length together";
    if (!beast::iequals(trim(te), "chunked")) {
      return "Transfer-Encoding other than exactly \"chunked\"";
    }
    if (header.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
  }
  if (cl_lines > 1) return "Content-Length sent more than once";
  if (cl_lines == 1) {
    cl = trim(cl);
    if (cl.empty() || cl.find_first_not_of("0123456789") != std::string_view::npos) {
      return "Content-Length is not one decimal number";
    }
  }
  return std::nullopt;
}

// The server's own answers (a malformed request, too many connections) carry the headers
// every API answer carries.
HttpResponse ServerError(const engine::Status& status,
                         ExhaustedAs exhausted = ExhaustedAs::kRateLimited) {
  HttpResponse r = ErrorReply(status, /*binary=*/false, exhausted);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

// Mozilla's "intermediate" list: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305, for
// TLS 1.2. TLS 1.3 has only AEAD suites and keeps OpenSSL's defaults.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// OpenSSL's reason for the last failure on this thread, and an empty queue after it.
std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// The TLS context for HttpServerOptions' files, or nothing when both are empty.
engine::Result<std::optional<asio::ssl::context>> MakeTlsContext(const HttpServerOptions& o) {
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) return std::optional<asio::ssl::context>();
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    return engine::InvalidArgument("TLS needs both a certificate file and a key file");
  }
  std::optional<asio::ssl::context> ctx(std::in_place, asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  ERR_clear_error();
  // No SSLv3, TLS 1.0 or 1.1; no compression (CRIME); no renegotiation (a client could
  // make the server redo the costly half of a handshake at will).
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return engine::Internal("TLS: cipher list: " + OpenSslError());
  }
  if (SSL_CTX_use_certificate_chain_file(native, o.tls_cert_file.c_str()) != 1) {
    return engine::InvalidArgument("TLS: cannot load the certificate (chain) from " +
                                   o.tls_cert_file + ": " + OpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(native, o.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return engine::InvalidArgument("TLS: cannot load the private key from " + o.tls_key_file +
                                   " (or it does not match the certificate in " +
                                   o.tls_cert_file + "): " + OpenSslError());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return engine::InvalidArgument("TLS: the private key in " + o.tls_key_file +
                                   " does not match the certificate in " + o.tls_cert_file +
                                   ": " + OpenSslError());
  }
  return ctx;
}

// One connection's bytes, over plain TCP or TLS. Beast's HTTP operations see this one type,
// so the session code, and its templates, serve both; only the lowest read and write choose.
class ConnStream {
 public:
  using executor_type = beast::tcp_stream::executor_type;
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  ConnStream(tcp::socket socket, asio::ssl::context* tls) {
    if (tls != nullptr) {
      tls_.emplace(std::move(socket), *tls);
    } else {
      plain_.emplace(std::move(socket));
    }
  }

  executor_type get_executor() { return transport().get_executor(); }
  // The TCP stream underneath: its timeouts hold every read and write, handshake included.
  beast::tcp_stream& transport() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
  TlsStream* tls() { return tls_ ? &*tls_ : nullptr; }

  template <typename MutableBuffers, typename Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_read_some(buffers, std::forward<Handler>(handler));
    }
  }

  template <typename ConstBuffers, typename Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_write_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_write_some(buffers, std::forward<Handler>(handler));
    }
  }

 private:
  std::optional<beast::tcp_stream> plain_;
  std::optional<TlsStream> tls_;
};

}  // namespace

class Session;

// Sessions point at the Impl with a plain pointer: the Impl outlives them, because its
// destructor destroys the io_context (and with it every pending handler and session)
// before any other member.
struct HttpServer::Impl {
  Impl(HttpServerOptions o, HttpHandler h)
      : options(std::move(o)), handler(std::move(h)),
        ioc(std::make_unique<asio::io_context>()),
        workers(static_cast<size_t>(std::max(1, options.worker_threads))) {
    acceptor.emplace(*ioc);
  }
  ~Impl() {
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    ioc->stop();
    workers.join();
    acceptor.reset();
    ioc.reset();
  }

  void Accept();
  void Track(const std::shared_ptr<Session>& s);
  void CloseIdleSessions();

  HttpServerOptions options;
  HttpHandler handler;
  std::optional<asio::ssl::context> tls;  // set by Start() when the options name TLS files
  std::unique_ptr<asio::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;
  asio::thread_pool workers;
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};
  std::mutex sessions_mu;
  std::vector<std::weak_ptr<Session>> sessions;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server)
      : stream_(std::move(socket), server->tls ? &*server->tls : nullptr), server_(server),
        heartbeat_(stream_.get_executor()) {
    ++server_->connections;
    // Once per connection, not per request: only sign-in reads it.
    beast::error_code peer_error;
    const auto peer = stream_.transport().socket().remote_endpoint(peer_error);
    if (!peer_error) peer_address_ = peer.address().to_string();
  }
  ~Session() { --server_->connections; }

  // Over TLS, the handshake comes first, held to read_timeout like a request (a client that
  // dribbles its hello, or sends plain HTTP, is cut off); even the over-the-limit answer
  // needs it, or the client could not read it.
  void Start(bool over_limit) {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), over_limit] {
      ConnStream::TlsStream* tls = self->stream_.tls();
      if (tls == nullptr) return self->Begin(over_limit);
      self->stream_.transport().expires_after(self->options().read_timeout);
      tls->async_handshake(asio::ssl::stream_base::server,
                           [self, over_limit](beast::error_code ec) {
                             if (ec) return self->Close();
                             self->Begin(over_limit);
                           });
    });
  }

  // From any thread: close unless a request is being handled (that one finishes first).
  void CloseIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->subscription_) {
        self->subscription_->Close();
      } else if (!self->busy_) {
        self->Close();
      }
    });
  }

 private:
  const HttpServerOptions& options() const { return server_->options; }

  void Begin(bool over_limit) {
    if (!over_limit) return DoRead();
    keep_alive_ = false;
    Send(ServerError(engine::Unavailable("服务器连接数已满，请稍后重试 (too many connections)")));
  }

  // The first request, and one whose bytes have already come (pipelined), must arrive whole
  // within read_timeout of when we start reading it. A kept-alive connection may then idle
  // up to idle_timeout for the first byte of its next request; from that byte on, the
  // request is held to read_timeout too, so dripping it keeps no connection open longer.
  void DoRead() {
    if (server_->stopping) return Close();
    parser_.emplace();
    parser_->body_limit(options().max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    if (first_request_ || buffer_.size() > 0) return ReadHeader();
    stream_.transport().expires_after(options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->OnRead(ec, 0);
                              self->ReadHeader();
                            });
  }

  // The header first, so that its framing can be judged before a byte of body is read.
  void ReadHeader() {
    stream_.transport().expires_after(options().read_timeout);  // for the whole request, body included
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnRead(ec, 0);
    if (const std::optional<std::string> bad = FramingError(parser_->get())) {
      keep_alive_ = false;  // where this request's body ends is unknowable: no next request
      linger_ = true;
      head_request_ = false;
      return Send(ServerError(engine::InvalidArgument("ambiguous HTTP framing: " + *bad)));
    }
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    head_request_ = false;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      return Close();
    }
    keep_alive_ = false;  // after a malformed request the stream position is unknown
    linger_ = true;       // the client may still be sending: let it read our answer
    if (ec == http::error::body_limit) {
      return Send(ServerError(engine::ResourceExhausted(
                                  "request body larger than " +
                                  std::to_string(options().max_body_bytes) + " bytes"),
                              ExhaustedAs::kBodyTooLarge));
    }
    if (ec == http::error::header_limit) {
      return Send(ServerError(engine::ResourceExhausted("request headers larger than " +
                                                        std::to_string(options().max_header_bytes) +
                                                        " bytes"),
                              ExhaustedAs::kBodyTooLarge));
    }
    if (ec) {
      return Send(ServerError(engine::InvalidArgument("malformed HTTP request: " + ec.message())));
    }

    first_request_ = false;
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    linger_ = false;
    version_ = msg.version();
    head_request_ = msg.method() == http::verb::head;
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.peer_address = peer_address_;
    busy_ = true;
    stream_.transport().expires_never();
    const Responder respond = MakeResponder();
    asio::post(server_->workers, [self = shared_from_this(), req = std::move(req), respond] {
      self->server_->handler.handle(req, respond);
    });
  }

  // The answer may come from any thread; it is written on this connection's strand. Until
  // it has come, the work guard keeps Run() from returning (graceful shutdown waits).
  Responder MakeResponder() {
    struct Hold {
      std::shared_ptr<Session> session;
      asio::executor_work_guard<asio::io_context::executor_type> work;
      // The session goes first: the io_context must outlive it.
      ~Hold() { session.reset(); }
    };
    auto hold = std::make_shared<Hold>(Hold{shared_from_this(), asio::make_work_guard(*server_->ioc)});
    return Responder(
        [hold](HttpResponse resp) {
          Session* self = hold->session.get();
          asio::dispatch(self->stream_.get_executor(),
                         [hold, resp = std::move(resp)]() mutable {
                           hold->session->Deliver(std::move(resp));
                         });
        },
        [hold](std::function<void()> task) {
          asio::post(hold->session->stream_.get_executor(),
                     [hold, task = std::move(task)] { task(); });
        });
  }

  void Deliver(HttpResponse resp) {
    if (resp.stream) {
      busy_ = false;
      return StartStream(std::move(resp));
    }
    Send(std::move(resp));  // still busy until the response is written
  }

  void Send(HttpResponse resp) {
    // A response being written is still in flight: Shutdown's CloseIfIdle must not cut it
    // off mid-body (a slow reader is bounded by the write timeout below instead).
    busy_ = true;
    // One response at a time per connection: it lives in the session until OnWrite.
    auto& res = response_.emplace(static_cast<http::status>(resp.status), version_);
    res.set(http::field::server, kServerName);
    if (!resp.content_type.empty()) res.set(http::field::content_type, resp.content_type);
    for (const auto& [k, v] : resp.headers) res.set(k, v);
    res.keep_alive(keep_alive_ && !server_->stopping);
    res.body() = std::move(resp.body);
    // An answer to HEAD states the length of the body it leaves out (RFC 9110 9.3.2).
    if (head_request_ && !resp.content_length) resp.content_length = res.body().size();
    if (resp.content_length) {
      res.body().clear();
      res.content_length(*resp.content_length);
    } else {
      res.prepare_payload();
    }
    stream_.transport().expires_after(options().read_timeout);  // a client that never reads is cut off
    http::async_write(stream_, res,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t) {
    const bool close = !response_->keep_alive();
    response_.reset();
    busy_ = false;
    if (!ec && linger_) return Linger();
    if (ec || close) return Close();
    DoRead();
  }

  // After an error answer to a request we did not read whole (e.g. a body over the limit),
  // closing at once would reset the connection and the client might never see the answer.
  // Stop sending, then swallow what the client still sends for a short while.
  void Linger() {
    beast::error_code ignored;
    stream_.transport().socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.transport().expires_after(std::chrono::seconds(2));
    DrainThenClose();
  }

  void DrainThenClose() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->Close();
                              self->DrainThenClose();
                            });
  }

  // --- Server-sent events -------------------------------------------------------------

  void StartStream(HttpResponse resp) {
    subscription_ = std::move(resp.stream);
    stream_.transport().expires_never();
    // The handler's headers (e.g. Cache-Control), else no-cache: a stream is never replayed.
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: gridcare\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
        "Connection: close\r\nX-Accel-Buffering: no\r\n";
    bool cache_control = false;
    for (const auto& [name, value] : resp.headers) {
      cache_control = cache_control || beast::iequals(name, "Cache-Control");
      head += name + ": " + value + "\r\n";
    }
    if (!cache_control) head += "Cache-Control: no-cache\r\n";
    out_.push_back(head + "\r\n: connected\n\n");
    std::weak_ptr<Session> weak = shared_from_this();
    subscription_->SetWakeup([weak] {
      if (auto self = weak.lock()) {
        asio::post(self->stream_.get_executor(), [self] { self->Pump(); });
      }
    });
    WatchPeer();
    Heartbeat();
    Pump();
  }

  // Reads (and drops) whatever the client sends, to notice when it goes away.
  void WatchPeer() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->EndStream();
                              self->WatchPeer();
                            });
  }

  void Heartbeat() {
    heartbeat_.expires_after(options().stream_heartbeat);
    heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->out_.push_back(": ping\n\n");
      self->Pump();  // also ends a stream whose session has expired
      if (!self->closed_) self->Heartbeat();
    });
  }

  void Pump() {
    if (closed_ || !subscription_) return;
    bool overflowed = false;
    for (auto& frame : subscription_->Drain(&overflowed)) out_.push_back(std::move(frame));
    if (overflowed) return EndStream();  // too far behind: the client reconnects and reloads
    if (subscription_->closed() && out_.empty() && !writing_) return EndStream();
    Flush();
  }

  void Flush() {
    if (writing_ || out_.empty() || closed_) return;
    writing_ = true;
    stream_.transport().expires_after(options().read_timeout);  // a reader that stalls is cut off
    asio::async_write(stream_, asio::buffer(out_.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        self->out_.pop_front();
                        if (ec) return self->EndStream();
                        self->stream_.transport().expires_never();
                        if (self->subscription_->closed() && self->out_.empty()) {
                          return self->EndStream();
                        }
                        self->Flush();
                      });
  }

  void EndStream() {
    if (subscription_) subscription_->Close();
    heartbeat_.cancel();
    Close();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.transport().socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.transport().socket().close(ec);
  }

  ConnStream stream_;
  std::string peer_address_;  // "" when the socket could not say
  HttpServer::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool first_request_ = true;
  bool busy_ = false;
  bool closed_ = false;
  bool linger_ = false;
  bool head_request_ = false;  // the request being answered is a HEAD
  // Streaming.
  std::shared_ptr<StreamSubscription> subscription_;
  std::deque<std::string> out_;
  bool writing_ = false;
  asio::steady_timer heartbeat_;
  std::array<char, 512> discard_{};
};

void HttpServer::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(*ioc), [self = this](beast::error_code ec,
                                                                tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || self->stopping) return;
      return self->Accept();  // e.g. EMFILE: keep serving the connections we have
    }
    const bool over = self->connections.load() >= self->options.max_connections;
    auto session = std::make_shared<Session>(std::move(socket), self);
    self->Track(session);
    session->Start(over);
    self->Accept();
  });
}

void HttpServer::Impl::Track(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(sessions_mu);
  std::erase_if(sessions, [](const auto& w) { return w.expired(); });
  sessions.push_back(s);
}

void HttpServer::Impl::CloseIdleSessions() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu);
    for (const auto& w : sessions) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
  }
  for (const auto& s : live) s->CloseIfIdle();
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : HttpServer(std::move(options),
                 HttpHandler{[handler = std::move(handler)](const HttpRequest& request,
                                                            const Responder& respond) {
                   respond.Send(handler(request));
                 }}) {}

HttpServer::~HttpServer() = default;

engine::Status HttpServer::Start() {
  GC_ASSIGN_OR_RETURN(impl_->tls, MakeTlsContext(impl_->options));
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return engine::InvalidArgument("listen: bad address " + impl_->options.host);
  const tcp::endpoint endpoint(address, impl_->options.port);
  auto& acc = *impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return engine::Unavailable("cannot listen on " + impl_->options.host + ":" +
                               std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->Accept();
  return engine::Status::Ok();
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  const auto ep = impl_->acceptor->local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::Run() {
  const auto serve = [this] { impl_->ioc->run(); };
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.io_threads; ++i) {
    threads.push_back(util::StartNamedThread("gc-io", serve));
  }
  pthread_setname_np(pthread_self(), "gc-io");  // Run's caller serves too
  serve();
  for (auto& t : threads) t.join();
}

void HttpServer::Shutdown() {
  asio::post(*impl_->ioc, [impl = impl_.get()] {
    if (impl->stopping.exchange(true)) return;
    beast::error_code ec;
    impl->acceptor->close(ec);
    impl->CloseIdleSessions();
  });
}

int HttpServer::open_connections() const { return impl_->connections.load(); }

}  // namespace gridcare::handlers
