// A webhook receiver for tests: our own HttpServer on an ephemeral port, over http or (given
// a certificate and key) https, that records every request and answers with the status the
// test chooses.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "handlers/http_server.h"

namespace gridcare::testing {

class WebhookReceiver {
 public:
  explicit WebhookReceiver(std::string tls_cert_file = "", std::string tls_key_file = "") {
    handlers::HttpServerOptions options;
    options.port = 0;
    scheme_ = tls_cert_file.empty() ? "http" : "https";
    options.tls_cert_file = std::move(tls_cert_file);
    options.tls_key_file = std::move(tls_key_file);
    options.worker_threads = 2;
    options.io_threads = 1;
    server_ = std::make_unique<handlers::HttpServer>(options, [this](const handlers::HttpRequest& r) {
      std::lock_guard lock(mu_);
      received_.push_back(r);
      handlers::HttpResponse resp;
      resp.status = status_.load();
      resp.body = "{}";
      return resp;
    });
    if (server_->Start().ok()) thread_ = std::thread([this] { server_->Run(); });
  }
  ~WebhookReceiver() {
    server_->Shutdown();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return server_->port(); }
  std::string url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port()) + "/hook"; }
  void AnswerWith(int status) { status_ = status; }
  std::vector<handlers::HttpRequest> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  std::string scheme_;
  std::unique_ptr<handlers::HttpServer> server_;
  std::thread thread_;
  std::atomic<int> status_{200};
  mutable std::mutex mu_;
  std::vector<handlers::HttpRequest> received_;
};

}  // namespace gridcare::testing
