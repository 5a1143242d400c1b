// The notification outbox: who is told, written with the change, delivered with retries,
// backoff and a dead letter, to a webhook that can drop duplicates by Idempotency-Key.
#include <catch2/catch.hpp>

#include "app/notification_dispatcher.h"
#include "engine/case_service.h"
#include "engine/notification.h"
#include "storage/sqlite_store.h"
#include "tests/support/city_fixture.h"
#include "tests/support/faulty_store.h"
#include "tests/support/service_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls.h"
#include "tests/support/webhook_receiver.h"

namespace gridcare::app {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const engine::TimePoint kT0 = engine::FromUnixMillis(1767225600000);

struct Outbox {
  explicit Outbox(engine::ManualClock& clock) : world(dir.File("g.db"), clock) {}

  std::vector<engine::OutboxEntry> Pending(const std::string& sink, engine::TimePoint now) {
    auto reader = store->Read();
    REQUIRE(reader.ok());
    auto p = (*reader)->PendingDeliveries(sink, now, 1000);
    REQUIRE(p.ok());
    return *p;
  }

  testing::TempDir dir;
  testing::ServiceFixture world;
  std::unique_ptr<storage::SqliteStore>& store = world.store;
  std::unique_ptr<testing::FaultyStore>& faulty = world.faulty;
  std::unique_ptr<engine::CaseService>& cases = world.cases;
};

}  // namespace

TEST_CASE("urgent reports reach the township and the city, urging reaches the assigned unit",
          "[app][notify]") {
  const engine::OrgTree tree = testing::SmallCity();
  engine::Case c;
  c.id = 1;
  c.number = "NA-2026-000001";
  c.priority = engine::Priority::kUrgent;
  engine::CaseEvent reported;
  reported.seq = 1;
  reported.action = engine::EventAction::kReported;
  reported.assigned_unit_id = "V11";
  auto n = engine::NotificationsFor(c, {reported}, tree);
  REQUIRE(n.size() == 2);
  CHECK(n[0].unit_id == "T1");
  CHECK(n[1].unit_id == "C");
  c.priority = engine::Priority::kRoutine;
  CHECK(engine::NotificationsFor(c, {reported}, tree).empty());
  engine::CaseEvent urged = reported;
  urged.seq = 2;
  urged.action = engine::EventAction::kUrged;
  n = engine::NotificationsFor(c, {urged}, tree);
  REQUIRE(n.size() == 1);
  CHECK(n[0].unit_id == "V11");
  CHECK(n[0].message.find("督办") != std::string::npos);
}

TEST_CASE("notifications are written with the change that caused them, or not at all",
          "[app][notify]") {
  engine::ManualClock clock(kT0);
  Outbox o(clock);
  auto c = o.cases->Create(testing::ActorNamed("gw111"), testing::SampleReport());
  REQUIRE(c.ok());
  CHECK(o.Pending("log", kT0).empty());  // a routine report tells no one extra
  clock.Set(kT0 + hours(49));
  engine::DueDeadline breach{c->c.id, engine::DeadlineKind::kResponseDue,
                             c->c.pending_response_due.value()};
  o.faulty->FailBeforeCommit(true);
  CHECK_FALSE(o.cases->FireDeadlines({breach}).ok());
  CHECK(o.Pending("log", clock.Now()).empty());
  o.faulty->FailBeforeCommit(false);
  REQUIRE(o.cases->FireDeadlines({breach}).ok());
  const auto pending = o.Pending("log", clock.Now());
  // The late village and its township hear of the breach; the township of the escalation.
  REQUIRE(pending.size() == 3);
  CHECK(pending[0].notification.reason == engine::EventAction::kSlaBreached);
  CHECK(pending[0].notification.unit_id == "V11");
  CHECK(pending[1].notification.reason == engine::EventAction::kSlaBreached);
  CHECK(pending[1].notification.unit_id == "T1");
  CHECK(pending[2].notification.reason == engine::EventAction::kEscalated);
  CHECK(pending[2].notification.unit_id == "T1");
}

TEST_CASE("a failing webhook is retried with backoff, then delivered once it answers",
          "[app][notify]") {
  engine::ManualClock clock(kT0);
  Outbox o(clock);
  testing::WebhookReceiver receiver;
  receiver.AnswerWith(500);
  NotifyConfig config;
  config.log = false;
  config.retry_base = seconds(10);
  config.webhooks = {{"hook", receiver.url(), seconds(5), ""}};
  NotificationDispatcher dispatcher(*o.store, clock, config, MakeSinks(config));

  engine::NewCase urgent = testing::SampleReport();
  urgent.priority = engine::Priority::kUrgent;
  REQUIRE(o.cases->Create(testing::ActorNamed("gw111"), urgent).ok());  // → T1 and C
  CHECK(dispatcher.RunOnce().value() == 0);
  CHECK(receiver.received().size() == 2);
  CHECK(dispatcher.RunOnce().value() == 0);  // not due again yet: nothing sent
  CHECK(receiver.received().size() == 2);

  receiver.AnswerWith(200);
  clock.Advance(seconds(11));  // past the first backoff (5-10 s with jitter)
  CHECK(dispatcher.RunOnce().value() == 2);
  const auto got = receiver.received();
  REQUIRE(got.size() == 4);
  // A retry carries the same Idempotency-Key, so the receiver can drop duplicates.
  CHECK(got[0].Header("idempotency-key") == got[2].Header("idempotency-key"));
  CHECK(got[0].Header("idempotency-key").rfind("gridcare-notification-", 0) == 0);
  CHECK(got[2].body.find("\"reason\":\"REPORTED\"") != std::string::npos);
  CHECK(got[2].body.find("\"unitId\":\"T1\"") != std::string::npos);
  clock.Advance(hours(1));
  CHECK(dispatcher.RunOnce().value() == 0);  // delivered ones never go again
  CHECK(receiver.received().size() == 4);
}

TEST_CASE("a webhook that keeps failing ends in the dead letter after max_attempts",
          "[app][notify]") {
  engine::ManualClock clock(kT0);
  Outbox o(clock);
  NotifyConfig config;
  config.log = false;
  config.max_attempts = 3;
  config.retry_base = seconds(1);
  config.webhooks = {{"down", "http://127.0.0.1:9/nothing-listens", seconds(1), ""}};
  NotificationDispatcher dispatcher(*o.store, clock, config, MakeSinks(config));
  engine::NewCase urgent = testing::SampleReport();
  urgent.category = engine::Category::kDomesticViolence;
  REQUIRE(o.cases->Create(testing::ActorNamed("gw111"), urgent).ok());
  for (int i = 0; i < 5; ++i) {
    REQUIRE(dispatcher.RunOnce().ok());
    clock.Advance(hours(1));
  }
  CHECK(o.Pending("down", clock.Now() + hours(100)).empty());
  CHECK(dispatcher.MetricsText().find("gridcare_notifications_dead_total 2") != std::string::npos);
}

TEST_CASE("an https webhook whose certificate is not trusted is retried, never delivered",
          "[app][notify]") {
  engine::ManualClock clock(kT0);
  Outbox o(clock);
  testing::TempDir certs;
  const testing::CertFiles files = testing::MakeSelfSignedCert(certs.path().string());
  testing::WebhookReceiver receiver(files.cert_file, files.key_file);
  NotifyConfig config;
  config.log = false;
  config.retry_base = seconds(10);
  config.webhooks = {{"hook", receiver.url(), seconds(5), ""}};  // the system's CAs
  engine::NewCase urgent = testing::SampleReport();
  urgent.priority = engine::Priority::kUrgent;
  REQUIRE(o.cases->Create(testing::ActorNamed("gw111"), urgent).ok());  // → T1 and C
  {
    NotificationDispatcher untrusting(*o.store, clock, config, MakeSinks(config));
    CHECK(untrusting.RunOnce().value() == 0);
    CHECK(receiver.received().empty());
    CHECK(o.Pending("hook", clock.Now() + hours(1)).size() == 2);  // to be retried
  }
  // Once the receiver's CA is configured, the retry goes through.
  config.webhooks[0].ca_file = files.cert_file;
  NotificationDispatcher trusting(*o.store, clock, config, MakeSinks(config));
  clock.Advance(seconds(11));
  CHECK(trusting.RunOnce().value() == 2);
  CHECK(receiver.received().size() == 2);
  CHECK(o.Pending("hook", clock.Now() + hours(1)).empty());
}

TEST_CASE("backoff grows exponentially up to its cap, with jitter", "[app][notify]") {
  engine::ManualClock clock(kT0);
  testing::TempDir dir;
  auto store = storage::SqliteStore::Open(dir.File("g.db"));
  REQUIRE(store.ok());
  NotifyConfig config;
  config.retry_base = seconds(2);
  config.retry_max = seconds(60);
  NotificationDispatcher d(**store, clock, config, {});
  for (int i = 0; i < 50; ++i) {
    const auto first = d.Backoff(1), third = d.Backoff(3), tenth = d.Backoff(10);
    CHECK((first >= seconds(1) && first <= seconds(2)));
    CHECK((third >= seconds(4) && third <= seconds(8)));
    CHECK((tenth >= seconds(30) && tenth <= seconds(60)));
  }
}

}  // namespace gridcare::app
