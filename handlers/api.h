// The HTTP API of api.md §2–3 as one function from request to response: routing, auth,
// content negotiation, errors and metrics; and the web console at the paths outside /v1.
// Thin: every decision is the engine's. Not sockets — http_server.cpp owns those and calls
// in from its worker threads.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/case_service.h"
#include "handlers/auth.h"
#include "handlers/event_hub.h"
#include "handlers/http_server.h"
#include "handlers/http_types.h"
#include "handlers/metrics.h"
#include "handlers/static_files.h"

namespace gridcare::handlers {

struct ApiDeps {
  engine::CaseService& cases;
  Authenticator& auth;
  EventHub& hub;
  Metrics& metrics;
  // Extra exposition lines for /metrics (store write batches, scheduler, ...).
  std::function<std::string()> extra_metrics;
  // The web console answered at every path outside the API; null: not served.
  std::shared_ptr<const StaticFiles> console = nullptr;
  // Where a request's client address comes from (ClientAddress); "" = the TCP peer.
  std::string client_address_header;
};

class Api {
 public:
  explicit Api(ApiDeps deps) : deps_(std::move(deps)) {}

  // For HttpServer: Handle, on its worker threads.
  HttpHandler AsHttpHandler();
  // Thread-safe; may block (reads, sign-in). Answers through `respond`, at once or, for a
  // write, once its group has committed.
  void Handle(const HttpRequest& request, const Responder& respond);

 private:
  // An answer, or none when the endpoint took `respond` to answer later.
  std::optional<HttpResponse> Route(const HttpRequest& request, std::string* route,
                                    const Responder& respond);
  ApiDeps deps_;
};

}  // namespace gridcare::handlers
