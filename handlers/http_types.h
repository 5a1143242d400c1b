// Plain HTTP request/response values exchanged between the Beast server (http_server.cpp)
// and the API (api.cpp), so that only one translation unit ever includes Beast.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gridcare::handlers {

class StreamSubscription;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string body;
  // Names lower-cased, in the order they came. A few per request: a vector is cheaper to
  // fill than a map, and a lookup reads it from the end, so a repeated name gives its last
  // value, as a map filled in order would.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string peer_address;  // the TCP peer, e.g. "127.0.0.1"; "" when unknown

  std::string_view Header(std::string_view lower_name) const {
    for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
      if (it->first == lower_name) return it->second;
    }
    return {};
  }
};

// The client's address: the last comma-separated value of `header` (a name; any case) when
// it is set and the request carries it — the one the nearest proxy wrote —, else the peer.
std::string ClientAddress(const HttpRequest& request, std::string_view header);

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set on an answer that states a length it does not carry: to a HEAD, or a 304 — the
  // length of the body a 200 to a GET would have. Unset: the length of `body`.
  std::optional<std::size_t> content_length;
  // Set for GET /v1/stream: the server writes the headers, then whatever the
  // subscription delivers, until either side closes.
  std::shared_ptr<StreamSubscription> stream;
};

// Where the answer to one request goes. The server makes one per request; a handler calls
// Send exactly once, from any thread, now or later (a write answers once its group has
// committed). Copies share one answer: a second Send is ignored.
class Responder {
 public:
  using SendFn = std::function<void(HttpResponse)>;
  // Runs a task on the connection's I/O thread.
  using PostFn = std::function<void(std::function<void()>)>;

  Responder(SendFn send, PostFn post);
  void Send(HttpResponse response) const;
  // For continuations that arrive on some other component's thread (the store's writer):
  // rendering the answer is the connection's work, not theirs.
  void Post(std::function<void()> task) const;
  // A responder that records or amends what is sent, then passes it on (metrics, headers
  // every answer carries).
  Responder Then(std::function<void(HttpResponse&)> observe) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Splits "/v1/cases?view=INBOX&pageSize=10" into a path and decoded query parameters.
// Returns false on malformed percent-encoding.
bool SplitTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);

}  // namespace gridcare::handlers
