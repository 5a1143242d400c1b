// Target parsing for HttpRequest (path and percent-decoded query parameters) and the
// Responder's once-only answer.
#include "handlers/http_types.h"

#include <atomic>
#include <cctype>

namespace gridcare::handlers {

std::string ClientAddress(const HttpRequest& request, std::string_view header) {
  if (header.empty()) return request.peer_address;
  std::string name(header);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = request.Header(name);
  if (const auto comma = value.rfind(','); comma != std::string_view::npos) {
    value.remove_prefix(comma + 1);
  }
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value.empty() ? request.peer_address : std::string(value);
}
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Decode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out->push_back(' ');
    } else if (in[i] == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(in[i]);
    }
  }
  return true;
}

}  // namespace

bool SplitTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  const auto q = target.find('?');
  if (!Decode(target.substr(0, q), path)) return false;
  query->clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key, value;
    if (!Decode(pair.substr(0, eq), &key)) return false;
    if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), &value)) return false;
    (*query)[key] = value;
  }
  return true;
}

struct Responder::State {
  State(SendFn s, PostFn p) : send(std::move(s)), post(std::move(p)) {}
  // A handler that lost its responder without answering would leave the client waiting
  // until it gave up: answer for it.
  ~State() {
    if (!sent.exchange(true)) {
      HttpResponse r;
      // A bug, not an API error: plain text, not the API's error shape.
      r.status = 500;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "服务器内部错误：请求未得到处理 (no response was produced)";
      send(std::move(r));
    }
  }
  SendFn send;
  PostFn post;
  std::atomic<bool> sent{false};
};

Responder::Responder(SendFn send, PostFn post)
    : state_(std::make_shared<State>(std::move(send), std::move(post))) {}

void Responder::Send(HttpResponse response) const {
  if (state_->sent.exchange(true)) return;
  state_->send(std::move(response));
}

void Responder::Post(std::function<void()> task) const { state_->post(std::move(task)); }

Responder Responder::Then(std::function<void(HttpResponse&)> observe) const {
  return Responder(
      [inner = *this, observe = std::move(observe)](HttpResponse response) {
        observe(response);
        inner.Send(std::move(response));
      },
      state_->post);
}

}  // namespace gridcare::handlers
