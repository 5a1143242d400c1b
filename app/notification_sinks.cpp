// The log sink and the webhook sink (JSON POST with an Idempotency-Key header).
#include "app/notification_sinks.h"

#include <spdlog/spdlog.h>

#include "app/webhook_client.h"
#include "gridcare/v1/notification.pb.h"
#include "handlers/codec.h"

namespace gridcare::app {
namespace {

class LogSink : public NotificationSink {
 public:
  const std::string& name() const override { return name_; }
  engine::Status Deliver(const engine::OutboxEntry& e) override {
    // Not the message: it quotes the case's title, personal data a client wrote (newlines
    // that would forge log lines included). The case number leads to it.
    spdlog::info("notify unit={} case={} reason={}", e.notification.unit_id,
                 e.notification.case_number, engine::Name(e.notification.reason));
    return engine::Status::Ok();
  }

 private:
  const std::string name_ = "log";
};

class WebhookSink : public NotificationSink {
 public:
  explicit WebhookSink(WebhookConfig config)
      : config_(std::move(config)),
        client_(config_.url, WebhookClientOptions{config_.timeout, config_.ca_file}) {}
  const std::string& name() const override { return config_.name; }

  engine::Status Deliver(const engine::OutboxEntry& e) override {
    const WebhookReply r =
        client_.Post(NotificationJson(e),
                     {"Content-Type: application/json; charset=utf-8",
                      "Idempotency-Key: gridcare-notification-" + std::to_string(e.id),
                      "User-Agent: gridcare"});
    if (r.status >= 200 && r.status < 300) return engine::Status::Ok();
    if (r.status == 0) return engine::Unavailable(config_.url + ": " + r.error);
    return engine::Unavailable(config_.url + " answered HTTP " + std::to_string(r.status));
  }

 private:
  WebhookConfig config_;
  WebhookClient client_;  // one per sink: its connection is reused across deliveries
};

}  // namespace

std::string NotificationJson(const engine::OutboxEntry& e) {
  const engine::Notification& n = e.notification;
  v1::Notification msg;
  msg.set_id(std::to_string(e.id));
  msg.set_case_id(std::to_string(n.case_id));
  msg.set_case_number(n.case_number);
  msg.set_event_seq(n.event_seq);
  msg.set_reason(handlers::ToProto(n.reason));
  msg.set_unit_id(n.unit_id);
  msg.set_message(n.message);
  handlers::ToProto(n.time, msg.mutable_time());
  return handlers::RenderMessage(msg, false);
}

std::unique_ptr<NotificationSink> MakeLogSink() { return std::make_unique<LogSink>(); }

std::unique_ptr<NotificationSink> MakeWebhookSink(const WebhookConfig& config) {
  return std::make_unique<WebhookSink>(config);
}

}  // namespace gridcare::app
