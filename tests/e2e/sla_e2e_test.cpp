// The one end-to-end SLA test on real time: 2-second windows against the real server.
// A report nobody answers becomes overdue, climbs village → township → city, and shows up
// in the OVERDUE view, in the stats, on the live stream and at the webhook receiver.
// Waits poll with a deadline.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "gridcare/v1/case.pb.h"
#include "tests/e2e/server_fixture.h"
#include "tests/support/webhook_receiver.h"

namespace gridcare::testing {

TEST_CASE("an unanswered report is escalated twice on real time and seen everywhere",
          "[e2e][slow]") {
  WebhookReceiver receiver;
  TestServer server("[sla]\nresponse = \"2s\"\nescalated_response = \"2s\"\n"
                    "[notify]\nretry_base = \"1s\"\n"
                    "[[notify.webhook]]\nname = \"test\"\nurl = \"" + receiver.url() + "\"\n");
  Caller worker(server, "gw111"), city(server, "staffC"), sup(server, "supC");
  RawConn stream(server.port());
  REQUIRE(stream.Get("/v1/stream", {{"Authorization", city.auth()}}));
  REQUIRE(stream.ReadUntil(": connected", std::chrono::seconds(5)).find(": connected") !=
          std::string::npos);

  const v1::Case c = worker.CaseFrom(worker.Call("POST", "/v1/cases", ReportJson("sla-1")));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  v1::Case now;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = city.Call("GET", "/v1/cases/" + c.id());
    REQUIRE(r.status == 200);
    now = city.CaseFrom(r);
    if (now.assigned_unit_id() == "C") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling, not waiting out a window
  }
  CHECK(now.overdue());
  CHECK(now.assigned_unit_id() == "C");
  CHECK(now.escalations() == 2);

  auto overdue = city.Call("GET", "/v1/cases?view=OVERDUE");
  REQUIRE(overdue.status == 200);
  CHECK(overdue.body.find(c.number()) != std::string::npos);

  auto stats = sup.Call("GET", "/v1/stats");
  REQUIRE(stats.status == 200);
  CHECK(stats.body.find("\"unitId\":\"T1\",\"name\":\"柳城街道\",\"total\":1,\"open\":1,\"overdue\":1") !=
        std::string::npos);

  const std::string seen = stream.ReadUntil("\"assignedUnitId\":\"C\"", std::chrono::seconds(10));
  CHECK(seen.find("\"action\":\"SLA_BREACHED\"") != std::string::npos);
  CHECK(seen.find("\"action\":\"ESCALATED\"") != std::string::npos);
  CHECK(seen.find("\"assignedUnitId\":\"C\"") != std::string::npos);
  stream.Close();

  auto events = city.Call("GET", "/v1/cases/" + c.id() + "/events");
  CHECK(events.body.find("\"actorId\":\"system\"") != std::string::npos);

  // The webhook hears of both breaches and both escalations (delivery is asynchronous).
  auto count = [&](const std::string& needle) {
    int n = 0;
    for (const auto& r : receiver.received()) n += r.body.find(needle) != std::string::npos;
    return n;
  };
  const auto hook_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (count("\"reason\":\"ESCALATED\"") < 2 && std::chrono::steady_clock::now() < hook_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(count("\"reason\":\"SLA_BREACHED\"") >= 2);
  CHECK(count("\"reason\":\"ESCALATED\"") == 2);
  CHECK(count("\"unitId\":\"C\"") >= 1);
}

}  // namespace gridcare::testing
