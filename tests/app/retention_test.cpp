// Retention on a fake clock, through the real CaseService and SQLite store: a finished case's
// personal data is erased once its last change is `minimise_after` ago — not a moment
// sooner, never for an open case, once only — with a system event in its chain; afterwards
// the database file holds neither the values nor their ciphertext, the ID-number lookup
// finds nothing, and the audit trail still verifies.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "app/personal_data_minimiser.h"
#include "engine/case_service.h"
#include "storage/audit_verifier.h"
#include "storage/sqlite.h"
#include "tests/support/city_fixture.h"
#include "tests/support/service_fixture.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

const engine::TimePoint kT0 = engine::FromUnixMillis(1767225600000);
constexpr auto kRetention = std::chrono::hours(24 * 30);

engine::NewCase Report(const std::string& request_id) {
  engine::NewCase n = SampleReport(request_id);
  n.subjects = {{"黄一诺", engine::SubjectRole::kChild, 7, "350583201901011234", "13905951111"}};
  return n;
}

engine::CommandRequest Command(engine::Command c, std::string note = "") {
  engine::CommandRequest r;
  r.command = c;
  r.note = std::move(note);
  return r;
}

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string PersonalColumn(const std::string& db, engine::CaseId id) {
  auto conn = storage::Db::Open(db, SQLITE_OPEN_READONLY);
  REQUIRE(conn.ok());
  auto stmt = conn->Prepare("SELECT personal FROM cases WHERE id = ?1");
  REQUIRE(stmt.ok());
  stmt->BindInt(1, id);
  REQUIRE(*stmt->Step());
  return stmt->Text(0);
}

TEST_CASE("a finished case's personal data is erased once, after the retention period, with an "
          "event saying so",
          "[app][privacy][retention]") {
  TempDir dir;
  const std::string db = dir.File("g.db");
  engine::ManualClock clock(kT0);
  std::string envelope;
  {
    ServiceFixture world(db, clock);
    auto& cases = *world.cases;
    app::PersonalDataMinimiser retention(cases, kRetention);
    auto withdrawn = cases.Create(ActorNamed("gw111"), Report("r-1"));
    auto open = cases.Create(ActorNamed("gw111"), Report("r-2"));
    REQUIRE(withdrawn.ok());
    REQUIRE(open.ok());
    const engine::CaseId id = withdrawn->c.id;
    REQUIRE(cases.Act(ActorNamed("gw111"), id, Command(engine::Command::kWithdraw)).ok());
    envelope = PersonalColumn(db, id);
    REQUIRE_FALSE(envelope.empty());

    // A comment at day 20 restarts the wait: day 30 is too early, day 50 is not.
    clock.Advance(std::chrono::hours(24 * 20));
    REQUIRE(cases.Act(ActorNamed("staffV11"), id,
                      Command(engine::Command::kComment, "已电话回访")).ok());
    clock.Advance(std::chrono::hours(24 * 10));
    CHECK(*retention.RunDue() == 0);
    clock.Advance(std::chrono::hours(24 * 20) - std::chrono::minutes(1));
    CHECK(*retention.RunDue() == 0);
    clock.Advance(std::chrono::minutes(1));
    CHECK(*retention.RunDue() == 1);
    CHECK(*retention.RunDue() == 0);  // once only
    CHECK(retention.minimised() == 1);

    auto after = cases.Get(ActorNamed("staffV11"), id);
    REQUIRE(after.ok());
    CHECK(after->subjects.empty());
    CHECK(after->address.empty());
    CHECK(after->description.empty());
    CHECK(after->title == SampleReport().title);  // the case itself stays, as evidence
    CHECK(after->state == engine::CaseState::kWithdrawn);
    auto events = cases.Events(ActorNamed("staffV11"), id);
    REQUIRE(events.ok());
    const engine::CaseEvent& last = events->back();
    CHECK(last.action == engine::EventAction::kPersonalDataMinimised);
    CHECK(last.actor_id == engine::kSystemActorId);
    CHECK(last.note == "办结已满保存期限，当事人个人信息已删除");

    // The open case is untouched however old it gets.
    clock.Advance(std::chrono::hours(24 * 3650));
    CHECK(*retention.RunDue() == 0);
    auto still = cases.Get(ActorNamed("staffV11"), open->c.id);
    REQUIRE(still.ok());
    CHECK(still->subjects.size() == 1);

    engine::ListRequest by_id;
    by_id.subject_id_number = "350583201901011234";
    auto found = cases.List(ActorNamed("supC"), by_id);
    REQUIRE(found.ok());
    REQUIRE(found->cases.size() == 1);
    CHECK(found->cases[0].id == open->c.id);
  }
  auto findings = storage::VerifyAudit(db);
  REQUIRE(findings.ok());
  for (const auto& f : *findings) UNSCOPED_INFO(f.problem);
  CHECK(findings->empty());
  // Nothing of the erased envelope is left in the file, not even its ciphertext (which the
  // data key would still open).
  const std::string sealed = envelope.substr(envelope.rfind(':') + 1);
  REQUIRE(sealed.size() > 40);
  const std::string file = Bytes(db) + Bytes(db + "-wal");
  CHECK(file.find(sealed.substr(0, 40)) == std::string::npos);
}

}  // namespace
}  // namespace gridcare::testing
