// ServerApp: the wiring of runtime → API → HTTP server, and its orderly shutdown.
#include "app/server_app.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "app/listen_address.h"

namespace gridcare::app {
namespace {

// The console is an extra: without it the API serves as before, and one line says why.
std::shared_ptr<const handlers::StaticFiles> LoadConsole(const std::string& dir) {
  if (dir.empty()) {
    spdlog::info("console: not served (no console directory configured)");
    return nullptr;
  }
  auto console = handlers::StaticFiles::Load(dir);
  if (!console.ok()) {
    spdlog::warn("console: not served: {}", console.status().message());
    return nullptr;
  }
  spdlog::info("console: serving {} files ({} KiB) from {} at /", (*console)->size(),
               (*console)->total_bytes() / 1024, dir);
  return *console;
}

}  // namespace

engine::Result<std::unique_ptr<ServerApp>> ServerApp::Start(const ServerAppOptions& options,
                                                            std::unique_ptr<engine::Clock> clock) {
  std::unique_ptr<ServerApp> app(new ServerApp());
  GC_ASSIGN_OR_RETURN(app->runtime_, OpenRuntime(options.db_path, options.config_path,
                                                 std::move(clock)));
  Runtime& rt = *app->runtime_;
  // Before listening: a configured key that cannot be read stops the start.
  GC_ASSIGN_OR_RETURN(app->anchorer_, AuditAnchorer::Open(rt.config.audit, *rt.store, *rt.clock));
  const ServerConfig& sc = rt.config.server;
  handlers::HttpServerOptions http;
  GC_ASSIGN_OR_RETURN(const ListenAddress listen,
                      ParseListen(options.listen.empty() ? sc.listen : options.listen));
  http.host = listen.host;
  http.port = listen.port;
  http.max_body_bytes = sc.max_body_bytes;
  http.max_header_bytes = sc.max_header_bytes;
  http.read_timeout = sc.read_timeout;
  http.idle_timeout = sc.idle_timeout;
  http.max_connections = sc.max_connections;
  http.io_threads = sc.io_threads > 0
                        ? sc.io_threads
                        : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  http.worker_threads = sc.worker_threads;
  http.stream_heartbeat = sc.stream_heartbeat;
  http.tls_cert_file = sc.tls_cert_file;
  http.tls_key_file = sc.tls_key_file;

  app->auth_ = std::make_unique<handlers::Authenticator>(*rt.store, *rt.clock, sc.session_ttl);
  engine::CaseService* cases = rt.cases.get();
  // Streams may take at most half the connection slots: the rest stay for everything else.
  const handlers::StreamLimits stream_limits{
      4, static_cast<std::size_t>(std::max(1, sc.max_connections / 2))};
  app->hub_ = std::make_unique<handlers::EventHub>([cases] { return cases->tree(); },
                                                   *rt.clock, stream_limits);
  handlers::EventHub* hub = app->hub_.get();
  app->scheduler_ = std::make_unique<SlaScheduler>(*rt.cases, *rt.store);
  SlaScheduler* scheduler = app->scheduler_.get();
  app->dispatcher_ = std::make_unique<NotificationDispatcher>(
      *rt.store, *rt.clock, rt.config.notify, MakeSinks(rt.config.notify));
  NotificationDispatcher* dispatcher = app->dispatcher_.get();
  rt.cases->SetChangeListener([hub, scheduler, dispatcher](
                                  const engine::CaseService::Change& change) {
    hub->Publish(change.after, change.events);
    scheduler->PokeFor(change.after);
    // Only a change that queued notifications gives the dispatcher work; waking it for
    // every change cost a store read each (9 % of a core at 6,000 creates/s).
    if (change.queued_notifications) dispatcher->Poke();
  });
  app->metrics_ = std::make_unique<handlers::Metrics>();
  engine::Store* store = rt.store.get();
  app->api_ = std::make_unique<handlers::Api>(handlers::ApiDeps{
      *rt.cases, *app->auth_, *app->hub_, *app->metrics_,
      [store, scheduler, dispatcher] {
        return handlers::FormatWriteStats(store->write_stats()) + scheduler->MetricsText() +
               dispatcher->MetricsText();
      },
      LoadConsole(options.console_dir.value_or(rt.config.console.dir)),
      sc.client_address_header});
  app->revocations_ = std::make_unique<SessionRevocationWatcher>(*rt.store, *app->auth_, *hub);
  GC_RETURN_IF_ERROR(app->revocations_->Start());
  handlers::Api* api = app->api_.get();
  app->http_ = std::make_unique<handlers::HttpServer>(http, api->AsHttpHandler());
  GC_RETURN_IF_ERROR(app->http_->Start());
  // Deadlines that fell while the server was down are fired first, oldest first.
  app->scheduler_->Start();
  app->dispatcher_->Start();
  if (rt.config.privacy.minimise_after > engine::Millis::zero()) {
    app->retention_ =
        std::make_unique<PersonalDataMinimiser>(*rt.cases, rt.config.privacy.minimise_after);
    app->retention_->Start();
  }
  if (app->anchorer_) app->anchorer_->Start();
  app->serve_thread_ = std::thread([srv = app->http_.get()] { srv->Run(); });
  spdlog::info("serving {}://{}:{}/ on {}", http.tls_cert_file.empty() ? "http" : "https",
               http.host, app->http_->port(), options.db_path);
  return app;
}

void ServerApp::Shutdown() {
  if (!http_) return;
  hub_->CloseAll();
  http_->Shutdown();
  if (serve_thread_.joinable()) serve_thread_.join();
  http_.reset();
  scheduler_->Stop();
  dispatcher_->Stop();
  revocations_->Stop();
  if (retention_) retention_->Stop();
  // After everything that writes: the last anchor holds the head at a clean stop.
  if (anchorer_) anchorer_->Stop();
  runtime_->cases->SetChangeListener(nullptr);
}

ServerApp::~ServerApp() { Shutdown(); }

}  // namespace gridcare::app
