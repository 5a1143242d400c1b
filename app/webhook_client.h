// The product's outgoing HTTP: one webhook receiver's POSTs over http:// or https://, through
// libcurl (certificates verified, no redirects, bounded waits and replies). Not the tests'
// raw client (http_client.h), nor retry policy (notification_dispatcher.h).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "engine/time.h"

namespace gridcare::app {

struct WebhookClientOptions {
  engine::Millis timeout = std::chrono::seconds(5);  // connect, TLS and the whole reply
  std::string ca_file;  // PEM CAs to verify an https receiver with; "" = the system's
  std::size_t max_reply_bytes = 64 * 1024;  // a longer reply body is cut off, not kept
};

struct WebhookReply {
  int status = 0;     // the HTTP status; 0 when none came (see error)
  std::string error;  // "" when the exchange went through
  std::string body;   // at most max_reply_bytes of it
};

// An http:// or https:// URL with a host: what IsWebhookUrl accepts, WebhookClient can call.
bool IsWebhookUrl(const std::string& url);

// One receiver. Its connection is kept alive between posts; thread-safe (one post at a time).
class WebhookClient {
 public:
  WebhookClient(std::string url, WebhookClientOptions options);
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // POSTs `body` with `headers` ("Name: value" lines).
  WebhookReply Post(const std::string& body, const std::vector<std::string>& headers);

 private:
  const std::string url_;
  const WebhookClientOptions options_;
  std::mutex mu_;
  void* curl_;  // CURL*: libcurl stays out of this header
};

}  // namespace gridcare::app
