// The intake benchmark's load generator: one thread drives many keep-alive HTTP/1.1
// connections with epoll, as wrk does. On two cores shared with the server, a thread per
// simulated client costs the server what it measures: each reply woke a client thread of its
// own (a cross-core wake-up per request, expensive in this VM), and 64 runnable threads after
// each fsync took turns with the writer. One loop handles every reply that is ready at once.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "app/http_client.h"

namespace gridcare::bench {

using SteadyClock = std::chrono::steady_clock;

// What a connection sends next: request bytes, held back until `not_before` (open-loop
// pacing; the past means now).
struct Outgoing {
  std::string bytes;
  SteadyClock::time_point not_before{};
};

struct LoadCallbacks {
  // Connection `conn` is idle: fill `out` and return true, or return false when it is done.
  std::function<bool(int conn, Outgoing* out)> next;
  // The reply to what `conn` sent at `sent` (when its first byte left), complete at
  // `received`. A transport failure comes with status 0 and `error` set; that connection
  // then stops.
  std::function<void(int conn, const app::HttpReply& reply, SteadyClock::time_point sent,
                     SteadyClock::time_point received)>
      reply;
};

// `connections` sockets to 127.0.0.1:`port`, connected and warmed with one GET /healthz
// each before Run.
class LoadLoop {
 public:
  LoadLoop(int port, int connections);
  ~LoadLoop();
  LoadLoop(const LoadLoop&) = delete;
  LoadLoop& operator=(const LoadLoop&) = delete;

  // Empty when every connection is up and Run could wait for events; else what went wrong.
  const std::string& error() const { return error_; }
  // Connections that failed with no request outstanding (the server closed an idle one, say):
  // no reply callback tells of those, so the phase reports them from here.
  int idle_failures() const { return idle_failures_; }
  const std::string& first_idle_failure() const { return first_idle_failure_; }

  // Runs on the calling thread until every connection is done (next returned false and its
  // last reply came) or has failed; a reply later than `reply_timeout` fails its connection.
  void Run(const LoadCallbacks& callbacks,
           std::chrono::milliseconds reply_timeout = std::chrono::seconds(30));

 private:
  struct Conn;
  bool Send(Conn& c, int index, const LoadCallbacks& cb);
  // Reads what is there; settles every complete reply. False when the connection failed.
  bool Receive(Conn& c, int index, const LoadCallbacks& cb);
  void Fail(Conn& c, int index, const LoadCallbacks& cb, const std::string& why);

  int epoll_ = -1;
  std::vector<Conn> conns_;
  std::string error_;
  int idle_failures_ = 0;
  std::string first_idle_failure_;
};

}  // namespace gridcare::bench
