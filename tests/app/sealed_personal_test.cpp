// Subjects' personal data at rest, through the real CaseService and SQLite store: nothing of
// it in the database file, all of it back through the service, the audit chain checkable
// without the key, found by ID number through the keyed hash, and a new data key re-seals
// every case without touching the chain. Attacks: a wrong key, a row moved to another case,
// the WAL and the file read byte by byte.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "engine/case_service.h"
#include "storage/audit_verifier.h"
#include "storage/personal_seal.h"
#include "storage/sealed_store.h"
#include "storage/sqlite.h"
#include "tests/support/city_fixture.h"
#include "tests/support/service_fixture.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

const engine::TimePoint kT0 = engine::FromUnixMillis(1767225600000);

constexpr char kName[] = "林晓雯";
constexpr char kIdNumber[] = "35058320150101123X";
constexpr char kPhone[] = "13905951234";
constexpr char kAddress[] = "南安市柳城街道梅亭社区七号楼";
constexpr char kDescription[] = "祖母陈秀英住院，孩子独自在家。";

engine::NewCase PersonalReport(const std::string& request_id, const std::string& id_number) {
  engine::NewCase n = SampleReport(request_id);
  n.description = kDescription;
  n.address = kAddress;
  n.subjects = {{kName, engine::SubjectRole::kChild, 11, id_number, kPhone},
                {"陈秀英", engine::SubjectRole::kGuardian, 70, "", ""}};
  return n;
}

// The database file and its WAL, as bytes: what a stolen copy holds.
std::string FileBytes(const std::string& db_path) {
  std::string all;
  for (const std::string& p : {db_path, db_path + "-wal"}) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    all += bytes.str();
  }
  return all;
}

std::vector<engine::CaseId> FindByIdNumber(engine::CaseService& cases, const std::string& actor,
                                           const std::string& id_number) {
  engine::ListRequest request;
  request.subject_id_number = id_number;
  auto page = cases.List(ActorNamed(actor), request);
  INFO(page.status().ToString());
  REQUIRE(page.ok());
  std::vector<engine::CaseId> ids;
  for (const auto& c : page->cases) ids.push_back(c.id);
  return ids;
}

void RequireIntact(const std::string& db_path) {
  auto findings = storage::VerifyAudit(db_path);
  REQUIRE(findings.ok());
  for (const auto& f : *findings) UNSCOPED_INFO(f.problem);
  CHECK(findings->empty());
}

TEST_CASE("names, ID numbers, phones and addresses never reach the database file in the clear",
          "[app][privacy]") {
  TempDir dir;
  const std::string db = dir.File("g.db");
  engine::ManualClock clock(kT0);
  engine::CaseId id = 0;
  {
    ServiceFixture world(db, clock);
    auto created = world.cases->Create(ActorNamed("gw111"), PersonalReport("p-1", kIdNumber));
    REQUIRE(created.ok());
    id = created->c.id;
    // Back in full through the service, to whoever may read the case.
    auto read = world.cases->Get(ActorNamed("staffV11"), id);
    REQUIRE(read.ok());
    REQUIRE(read->subjects.size() == 2);
    CHECK(read->subjects[0].name == kName);
    CHECK(read->subjects[0].id_number == kIdNumber);
    CHECK(read->subjects[0].phone == kPhone);
    CHECK(read->address == kAddress);
    CHECK(read->description == kDescription);
    // The case moves on: later events leave the sealed fields alone.
    engine::CommandRequest confirm;
    confirm.command = engine::Command::kVerifyConfirm;
    REQUIRE(world.cases->Act(ActorNamed("leaderV11"), id, confirm).ok());
    auto after = world.cases->Get(ActorNamed("staffV11"), id);
    REQUIRE(after.ok());
    CHECK(after->subjects == read->subjects);

    const std::string bytes = FileBytes(db);
    for (const std::string secret : {kName, kIdNumber, kPhone, kAddress, kDescription, "陈秀英"}) {
      INFO(secret);
      CHECK(bytes.find(secret) == std::string::npos);
    }
    CHECK(bytes.find(SampleReport().title) != std::string::npos);  // titles are not sealed
  }
  // The chain is checked without any key: events hold commitments, not values.
  RequireIntact(db);
  auto db_conn = storage::Db::Open(db, SQLITE_OPEN_READONLY);
  REQUIRE(db_conn.ok());
  auto stmt = db_conn->Prepare("SELECT changes FROM case_events WHERE case_id = ?1 AND seq = 1");
  REQUIRE(stmt.ok());
  stmt->BindInt(1, id);
  REQUIRE(*stmt->Step());
  CHECK_THAT(stmt->Text(0), Catch::Contains("subjects.sealed") && Catch::Contains("address.sealed"));
}

TEST_CASE("a case is found by its subject's ID number, only within the caller's scope",
          "[app][privacy]") {
  TempDir dir;
  engine::ManualClock clock(kT0);
  ServiceFixture world(dir.File("g.db"), clock);
  auto first = world.cases->Create(ActorNamed("gw111"), PersonalReport("p-1", kIdNumber));
  auto second = world.cases->Create(ActorNamed("gw111"), PersonalReport("p-2", "350583201001015678"));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(FindByIdNumber(*world.cases, "staffV11", kIdNumber) ==
        std::vector<engine::CaseId>{first->c.id});
  CHECK(FindByIdNumber(*world.cases, "staffV11", "35058320150101123x") ==
        std::vector<engine::CaseId>{first->c.id});
  CHECK(FindByIdNumber(*world.cases, "supC", kIdNumber) ==
        std::vector<engine::CaseId>{first->c.id});
  CHECK(FindByIdNumber(*world.cases, "staffV11", "350583201501011230").empty());
  // Another township's supervisor learns nothing about the child.
  CHECK(FindByIdNumber(*world.cases, "supT2", kIdNumber).empty());

  engine::ListRequest bad;
  for (const std::string& id : {std::string(), std::string(33, '1'), std::string("3505 83"),
                                std::string("35058' OR 1=1")}) {
    bad.subject_id_number = id;
    auto page = world.cases->List(ActorNamed("supC"), bad);
    CHECK(page.status().code() == engine::ErrorCode::kInvalidArgument);
  }
  // The lookup starts from the hash index, never a scan of the cases.
  auto conn = storage::Db::Open(dir.File("g.db"), SQLITE_OPEN_READONLY);
  REQUIRE(conn.ok());
  auto plan = conn->Prepare("EXPLAIN QUERY PLAN SELECT id FROM cases WHERE id IN "
                            "(SELECT case_id FROM subject_ids WHERE id_hash = 'x') "
                            "ORDER BY id DESC LIMIT 51");
  REQUIRE(plan.ok());
  std::string steps;
  while (*plan->Step()) steps += plan->Text(3) + "\n";
  INFO(steps);
  CHECK(steps.find("SCAN cases") == std::string::npos);
  CHECK(steps.find("subject_ids") != std::string::npos);
}

TEST_CASE("a store refuses to open with a key file that is not its own", "[app][privacy]") {
  TempDir dir;
  const std::string db = dir.File("g.db");
  engine::ManualClock clock(kT0);
  {
    ServiceFixture world(db, clock);
    REQUIRE(world.cases->Create(ActorNamed("gw111"), PersonalReport("p-1", kIdNumber)).ok());
  }
  storage::SqliteStoreOptions options;
  auto other = storage::DataKeys::Generate();
  REQUIRE(other.ok());
  options.data_keys = std::make_shared<const storage::DataKeys>(std::move(*other));
  auto opened = storage::SqliteStore::Open(db, options);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == engine::ErrorCode::kFailedPrecondition);
  CHECK_THAT(opened.status().message(), Catch::Contains("key file"));
  // Without keys the store opens, and a sealed case says what is missing instead of
  // showing anything.
  auto keyless = storage::SqliteStore::Open(db);
  REQUIRE(keyless.ok());
  auto reader = (*keyless)->Read();
  REQUIRE(reader.ok());
  auto c = (*reader)->GetCase(1);
  CHECK(c.status().code() == engine::ErrorCode::kFailedPrecondition);
  CHECK_THAT(c.status().message(), Catch::Contains("[privacy] key_file"));
}

TEST_CASE("an envelope moved to another case does not open there and audit verify names it",
          "[app][privacy]") {
  TempDir dir;
  const std::string db = dir.File("g.db");
  engine::ManualClock clock(kT0);
  ServiceFixture world(db, clock);
  REQUIRE(world.cases->Create(ActorNamed("gw111"), PersonalReport("p-1", kIdNumber)).ok());
  REQUIRE(world.cases->Create(ActorNamed("gw111"), SampleReport("p-2")).ok());
  {
    auto conn = storage::Db::Open(db, SQLITE_OPEN_READWRITE);
    REQUIRE(conn.ok());
    REQUIRE(conn->Exec("UPDATE cases SET personal = (SELECT personal FROM cases WHERE id = 1) "
                       "WHERE id = 2").ok());
  }
  auto read = world.cases->Get(ActorNamed("staffV11"), 2);
  CHECK(read.status().code() == engine::ErrorCode::kDataLoss);
  CHECK(world.cases->Get(ActorNamed("staffV11"), 1).ok());
  auto findings = storage::VerifyAudit(db);
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  CHECK((*findings)[0].case_id == 2);
  CHECK_THAT((*findings)[0].problem, Catch::Contains("differs from the replay"));
}

TEST_CASE("rotation re-seals every case under a new key and the chain stays intact",
          "[app][privacy]") {
  TempDir dir;
  const std::string db = dir.File("g.db");
  engine::ManualClock clock(kT0);
  constexpr int kCases = 1203;  // more than two batches
  std::string commitments_before;
  {
    ServiceFixture world(db, clock);
    for (int i = 0; i < kCases; ++i) {
      REQUIRE(world.cases->Create(ActorNamed("gw111"),
                                  PersonalReport("p-" + std::to_string(i), kIdNumber)).ok());
    }
    auto conn = storage::Db::Open(db, SQLITE_OPEN_READONLY);
    REQUIRE(conn.ok());
    auto head = conn->Prepare("SELECT group_concat(hash) FROM case_events");
    REQUIRE(head.ok());
    REQUIRE(*head->Step());
    commitments_before = head->Text(0);
  }
  auto keys = storage::DataKeys::Load(db + ".keys");
  REQUIRE(keys.ok());
  auto rotated = keys->WithNewDataKey();
  REQUIRE(rotated.ok());
  std::int64_t last_progress = 0;
  auto report = storage::ResealPersonalData(db, *rotated, [&](std::int64_t n) { last_progress = n; });
  REQUIRE(report.ok());
  CHECK(report->sealed_cases == kCases);
  CHECK(report->resealed == kCases);
  CHECK(report->changed_meanwhile == 0);
  CHECK(report->was_by_key == std::map<int, std::int64_t>{{1, kCases}});
  CHECK(last_progress == kCases);
  // A second run has nothing left to do.
  auto again = storage::ResealPersonalData(db, *rotated, {});
  REQUIRE(again.ok());
  CHECK(again->resealed == 0);
  CHECK(again->was_by_key == std::map<int, std::int64_t>{{2, kCases}});

  // The old key can go: the new ring alone opens everything.
  REQUIRE(rotated->WithoutDataKeysBelow(2).Save(db + ".keys").ok());
  {
    ServiceFixture world(db, clock);
    auto c = world.cases->Get(ActorNamed("staffV11"), kCases);
    REQUIRE(c.ok());
    CHECK(c->subjects[0].name == kName);
    CHECK(FindByIdNumber(*world.cases, "supC", kIdNumber).size() == 50);  // one page
  }
  RequireIntact(db);
  auto conn = storage::Db::Open(db, SQLITE_OPEN_READONLY);
  REQUIRE(conn.ok());
  auto head = conn->Prepare("SELECT group_concat(hash) FROM case_events");
  REQUIRE(head.ok());
  REQUIRE(*head->Step());
  CHECK(head->Text(0) == commitments_before);  // not one chained event changed
}

}  // namespace
}  // namespace gridcare::testing
