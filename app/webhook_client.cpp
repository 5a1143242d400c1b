// WebhookClient on libcurl's easy interface: one easy handle per receiver, so its connection
// (and TLS session) is reused while the receiver keeps it open.
#include "app/webhook_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace gridcare::app {
namespace {

// curl_global_init is not to race with other threads' first curl calls: once, on first use.
void InitCurlOnce() {
  static const CURLcode kInit = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)kInit;  // a failure shows as curl_easy_init returning null
}

struct Reply {
  std::string* body;
  std::size_t limit;
  bool cut = false;
};

std::size_t KeepBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* reply = static_cast<Reply*>(user);
  const std::size_t bytes = size * n;
  if (reply->body->size() + bytes > reply->limit) {
    reply->cut = true;
    return 0;  // ends the transfer: the status line has come, the rest is not needed
  }
  reply->body->append(data, bytes);
  return bytes;
}

struct FreeHeaders {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FreeUrl {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

}  // namespace

bool IsWebhookUrl(const std::string& url) {
  InitCurlOnce();
  std::unique_ptr<CURLU, FreeUrl> parsed(curl_url());
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return false;
  }
  char* scheme = nullptr;
  char* host = nullptr;
  bool ok = curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
            curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK &&
            (std::string_view(scheme) == "http" || std::string_view(scheme) == "https") &&
            *host != '\0';
  curl_free(scheme);
  curl_free(host);
  return ok;
}

WebhookClient::WebhookClient(std::string url, WebhookClientOptions options)
    : url_(std::move(url)), options_(std::move(options)) {
  InitCurlOnce();
  curl_ = curl_easy_init();
}

WebhookClient::~WebhookClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

WebhookReply WebhookClient::Post(const std::string& body, const std::vector<std::string>& headers) {
  std::lock_guard lock(mu_);
  WebhookReply out;
  CURL* h = static_cast<CURL*>(curl_);
  if (h == nullptr) {
    out.error = "libcurl could not be initialised";
    return out;
  }
  // Expect: 100-continue would hold a larger body back a second for a receiver that never
  // answers 100.
  std::unique_ptr<curl_slist, FreeHeaders> list;
  curl_slist* lines = nullptr;
  for (const std::string& line : headers) {
    curl_slist* more = curl_slist_append(lines, line.c_str());
    if (more == nullptr) break;
    lines = more;
  }
  list.reset(curl_slist_append(lines, "Expect:"));
  if (!list) {
    curl_slist_free_all(lines);
    out.error = "out of memory";
    return out;
  }
  Reply reply{&out.body, options_.max_reply_bytes};
  char message[CURL_ERROR_SIZE] = {};
  const long timeout_ms = static_cast<long>(std::max<std::int64_t>(1, options_.timeout.count()));

  // Every option again on each post: reset keeps the connection cache, and nothing stays
  // pointing at a previous post's buffers.
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is an answer, not a delivery
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);        // timeouts without SIGALRM: threads
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &KeepBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, message);

  const CURLcode code = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  if (code == CURLE_OK || (reply.cut && status != 0)) {
    out.status = static_cast<int>(status);
    return out;
  }
  out.error = message[0] != '\0' ? std::string(message) : curl_easy_strerror(code);
  return out;
}

}  // namespace gridcare::app
