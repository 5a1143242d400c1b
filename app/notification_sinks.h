// Where notifications go: the server log, or an HTTP webhook (an SMS or WeChat gateway
// plugs in as one). Not retry policy: the dispatcher decides when to try again.
#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "engine/notification.h"
#include "engine/status.h"

namespace gridcare::app {

class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  virtual const std::string& name() const = 0;
  // OK once the receiver has taken it; any error is retried later.
  virtual engine::Status Deliver(const engine::OutboxEntry& entry) = 0;
};

// The JSON body a webhook receives.
std::string NotificationJson(const engine::OutboxEntry& entry);

std::unique_ptr<NotificationSink> MakeLogSink();
std::unique_ptr<NotificationSink> MakeWebhookSink(const WebhookConfig& config);

}  // namespace gridcare::app
