// A running GridCare server: runtime (store, engine) + API + HTTP server + live stream,
// started and stopped as one. Used by `gridcare serve` and by the end-to-end tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "app/audit_anchorer.h"
#include "app/notification_dispatcher.h"
#include "app/runtime.h"
#include "app/personal_data_minimiser.h"
#include "app/session_revocation_watcher.h"
#include "app/sla_scheduler.h"
#include "handlers/api.h"
#include "handlers/http_server.h"

namespace gridcare::app {

struct ServerAppOptions {
  std::string db_path;
  std::string config_path;  // empty: defaults
  std::string listen;       // empty: the config's [server] listen
  // Set: the web console's directory instead of the config's [console] dir; "" = none.
  std::optional<std::string> console_dir = std::nullopt;
};

class ServerApp {
 public:
  // Opens everything and starts listening; serving runs on background threads.
  static engine::Result<std::unique_ptr<ServerApp>> Start(const ServerAppOptions& options,
                                                          std::unique_ptr<engine::Clock> clock = {});
  ~ServerApp();

  std::uint16_t port() const { return http_->port(); }
  Runtime& runtime() { return *runtime_; }
  SlaScheduler& scheduler() { return *scheduler_; }
  // Graceful: stop accepting, finish in-flight requests, end streams, close the store.
  void Shutdown();

 private:
  ServerApp() = default;

  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<AuditAnchorer> anchorer_;  // null: [audit] anchors off
  std::unique_ptr<SlaScheduler> scheduler_;
  std::unique_ptr<NotificationDispatcher> dispatcher_;
  std::unique_ptr<handlers::Authenticator> auth_;
  std::unique_ptr<handlers::EventHub> hub_;
  std::unique_ptr<handlers::Metrics> metrics_;
  std::unique_ptr<SessionRevocationWatcher> revocations_;
  std::unique_ptr<PersonalDataMinimiser> retention_;  // null: [privacy] minimise_after "never"
  std::unique_ptr<handlers::Api> api_;
  std::unique_ptr<handlers::HttpServer> http_;
  std::thread serve_thread_;
};

}  // namespace gridcare::app
