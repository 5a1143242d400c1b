// The HTTP API of api.md §2–3 as one function from request to response: routing, auth,
// content negotiation, errors and metrics. Thin: every decision is the engine's.
// Not sockets — http_server.cpp owns those and calls Handle from its worker threads.
#pragma once

#include <functional>
#include <string>

#include "engine/case_service.h"
#include "handlers/auth.h"
#include "handlers/event_hub.h"
#include "handlers/http_types.h"
#include "handlers/metrics.h"

namespace gridcare::handlers {

struct ApiDeps {
  engine::CaseService& cases;
  Authenticator& auth;
  EventHub& hub;
  Metrics& metrics;
  // Extra exposition lines for /metrics (store write batches, scheduler, ...).
  std::function<std::string()> extra_metrics;
};

class Api {
 public:
  explicit Api(ApiDeps deps) : deps_(std::move(deps)) {}
  // Thread-safe; blocks while a write commits.
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Route(const HttpRequest& request, std::string* route);
  ApiDeps deps_;
};

}  // namespace gridcare::handlers
