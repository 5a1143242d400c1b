// SqliteStore: what SaveCase writes, what a failed write leaves behind (nothing), the
// append-only trigger, idempotency keys, users, org units and sessions.
// Not list queries (list_cases_test.cpp) and not crash/disk-full (durability_test.cpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "storage/audit_verifier.h"
#include "storage/case_row.h"
#include "storage/event_chain.h"
#include "storage/migrations.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"
#include "tests/storage/storage_test_util.h"
#include "util/crypto.h"

namespace gridcare::testing {
namespace {

using engine::ErrorCode;

std::int64_t CountRows(const std::string& path, const std::string& table) {
  return RawInt(path, "SELECT count(*) FROM " + table);
}

TEST_CASE("a case saved with its events reads back equal", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.File("gc.db"));
  CaseStory story = CaseStory::Reported(1);
  std::vector<CaseEvent> all = story.last_events;
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  story.Verify(Hours(1));
  all.insert(all.end(), story.last_events.begin(), story.last_events.end());
  REQUIRE(Save(*store, story.now, story.last_events).ok());

  auto reader = store->Read();
  REQUIRE(reader.ok());
  auto got = (*reader)->GetCase(1);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  auto events = (*reader)->ListEvents(1);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 2);

  // Storage fills in the chain; everything else is exactly what was saved.
  CHECK((*events)[0].prev_hash.empty());
  CHECK((*events)[1].prev_hash == (*events)[0].hash);
  CHECK((*events)[1].hash == storage::ChainHash((*events)[0].hash, (*events)[1]));
  for (size_t i = 0; i < all.size(); ++i) {
    all[i].prev_hash = (*events)[i].prev_hash;
    all[i].hash = (*events)[i].hash;
    CHECK((*events)[i] == all[i]);
  }
  Case expected = story.now;
  expected.last_event_hash = (*events)[1].hash;
  CHECK(engine::FirstDifference(**got, expected) == "");
  CHECK(**got == expected);
  CHECK((*(*reader)->GetCase(2)) == std::nullopt);
}

TEST_CASE("the deadline index mirrors the case's pending deadlines", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CHECK(RawInt(path, "SELECT count(*) FROM deadlines WHERE case_id = 1 AND kind IN "
                     "('RESPONSE_WARNING', 'RESPONSE_DUE')") == 2);
  story.Verify(Hours(1));
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  story.Accept(Hours(2));
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CHECK(CountRows(path, "deadlines") == 1);
  CHECK(RawInt(path, "SELECT due_ms FROM deadlines WHERE kind = 'RESOLVE_DUE'") ==
        engine::ToUnixMillis(*story.now.pending_resolve_due));
}

TEST_CASE("the column positions the store looks up by name are those names", "[storage]") {
  const std::vector<std::string>& names = storage::CaseColumnNames();
  REQUIRE(names.size() == static_cast<size_t>(storage::kCaseColumnCount));
  CHECK(names[storage::kCaseVersionColumn] == "version");
  CHECK(names[storage::kCasePendingResponseWarnColumn] == "pending_response_warn_ms");
  CHECK(names[storage::kCasePendingResponseDueColumn] == "pending_response_due_ms");
  CHECK(names[storage::kCasePendingResolveDueColumn] == "pending_resolve_due_ms");
  CHECK(names[storage::kCasePendingFollowUpDueColumn] == "pending_follow_up_due_ms");
  CHECK(names[storage::kCaseLastHashColumn] == "last_hash");
  CHECK(storage::CaseRowValues(CaseStory::Reported(1).now, "h", "").size() == names.size());
}

TEST_CASE("an update names only the columns that changed, and the row still reads back equal",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  // "UPDATE OF col" triggers fire only when col is in the SET list: every index on an
  // unchanged column is then left alone.
  RawSql(path,
         "CREATE TABLE touched (col TEXT NOT NULL);"
         "CREATE TRIGGER t_reporter AFTER UPDATE OF reporter_id ON cases "
         "BEGIN INSERT INTO touched VALUES ('reporter_id'); END;"
         "CREATE TRIGGER t_number AFTER UPDATE OF number ON cases "
         "BEGIN INSERT INTO touched VALUES ('number'); END;"
         "CREATE TRIGGER t_state AFTER UPDATE OF state ON cases "
         "BEGIN INSERT INTO touched VALUES ('state'); END;");
  story.Verify(Hours(1));
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CHECK(RawInt(path, "SELECT count(*) FROM touched WHERE col = 'state'") == 1);
  CHECK(RawInt(path, "SELECT count(*) FROM touched WHERE col <> 'state'") == 0);

  auto reader = store->Read();
  REQUIRE(reader.ok());
  auto got = (*reader)->GetCase(1);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  Case expected = story.now;
  expected.last_event_hash = (**got).last_event_hash;
  CHECK(engine::FirstDifference(**got, expected) == "");
  auto findings = storage::VerifyAudit(path);
  REQUIRE(findings.ok());
  CHECK(findings->empty());
}

TEST_CASE("a stale version is ABORTED and writes nothing", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CaseStory first = story;
  first.Verify(Hours(1));
  REQUIRE(Save(*store, first.now, first.last_events).ok());

  // A second command computed from version 1 arrives after the first one committed.
  CaseStory stale = story;
  stale.Comment(Hours(2), "stale");
  engine::Status s = Save(*store, stale.now, stale.last_events);
  CHECK(s.code() == ErrorCode::kAborted);
  CHECK_THAT(s.message(), Catch::Contains("case 1") && Catch::Contains("changed by someone else"));
  CHECK(CountRows(path, "case_events") == 2);
  CHECK(RawInt(path, "SELECT version FROM cases WHERE id = 1") == 2);
  CHECK(RawInt(path, "SELECT count(*) FROM cases WHERE state = 'ASSIGNED'") == 1);
}

TEST_CASE("a failing write callback rolls back the case row, its events and deadlines",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  CaseStory one = CaseStory::Reported(1);
  CaseStory two = CaseStory::Reported(2);
  engine::Status s = store->Write([&](engine::StoreWriter& w) {
    GC_RETURN_IF_ERROR(w.SaveCase(one.now, one.last_events));
    GC_RETURN_IF_ERROR(w.SaveCase(two.now, two.last_events));
    GC_ASSIGN_OR_RETURN(int serial, w.NextCaseSerial(2026));
    (void)serial;
    return engine::FailedPrecondition("changed my mind");
  });
  CHECK(s.code() == ErrorCode::kFailedPrecondition);
  CHECK(s.message() == "changed my mind");
  for (const char* table : {"cases", "case_events", "deadlines", "case_serials"}) {
    INFO(table);
    CHECK(CountRows(path, table) == 0);
  }
  // And the store still works afterwards.
  REQUIRE(Save(*store, one.now, one.last_events).ok());
  CHECK(CountRows(path, "cases") == 1);
}

TEST_CASE("case_events refuses UPDATE and DELETE", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());

  auto db = storage::Db::Open(path, SQLITE_OPEN_READWRITE);
  REQUIRE(db.ok());
  engine::Status update = db->Exec("UPDATE case_events SET note = 'edited'");
  CHECK_FALSE(update.ok());
  CHECK_THAT(update.message(), Catch::Contains("case_events is append-only"));
  engine::Status remove = db->Exec("DELETE FROM case_events");
  CHECK_FALSE(remove.ok());
  CHECK_THAT(remove.message(), Catch::Contains("case_events is append-only"));
  CHECK(CountRows(path, "case_events") == 1);
}

TEST_CASE("a second case with the same reporter and requestId is ABORTED", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  CaseStory first = CaseStory::Reported(CaseStory::Report(1).Reporter("7").Request("r-1"));
  REQUIRE(Save(*store, first.now, first.last_events).ok());
  CaseStory retry = CaseStory::Reported(CaseStory::Report(2).Reporter("7").Request("r-1"));
  engine::Status s = Save(*store, retry.now, retry.last_events);
  CHECK(s.code() == ErrorCode::kAborted);
  CHECK_THAT(s.message(), Catch::Contains("duplicate requestId"));
  CHECK(CountRows(path, "cases") == 1);

  // Another reporter may use the same key.
  CaseStory other = CaseStory::Reported(CaseStory::Report(2).Reporter("8").Request("r-1"));
  REQUIRE(Save(*store, other.now, other.last_events).ok());
  auto reader = store->Read();
  REQUIRE(reader.ok());
  CHECK(*(*reader)->FindCaseByRequestId("7", "r-1") == std::optional<engine::CaseId>(1));
  CHECK(*(*reader)->FindCaseByRequestId("8", "r-1") == std::optional<engine::CaseId>(2));
  CHECK(*(*reader)->FindCaseByRequestId("9", "r-1") == std::nullopt);
}

TEST_CASE("a new case without a requestId is refused", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  CaseStory story = CaseStory::Reported(1);
  story.now.request_id.clear();
  engine::Status s = Save(*store, story.now, story.last_events);
  CHECK(s.code() == ErrorCode::kInternal);
  CHECK_THAT(s.message(), Catch::Contains("has no requestId"));
  CHECK(CountRows(path, "cases") == 0);
}

TEST_CASE("case ids and per-year serials count up inside write transactions", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.File("gc.db"));
  engine::CaseId id = 0;
  REQUIRE(store->Write([&](engine::StoreWriter& w) {
    GC_ASSIGN_OR_RETURN(id, w.NextCaseId());
    return engine::Status::Ok();
  }).ok());
  CHECK(id == 1);
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  std::vector<int> serials;
  REQUIRE(store->Write([&](engine::StoreWriter& w) {
    GC_ASSIGN_OR_RETURN(id, w.NextCaseId());
    for (int year : {2026, 2026, 2027, 2026}) {
      GC_ASSIGN_OR_RETURN(int serial, w.NextCaseSerial(year));
      serials.push_back(serial);
    }
    return engine::Status::Ok();
  }).ok());
  CHECK(id == 2);
  CHECK(serials == std::vector<int>{1, 2, 1, 3});
}

TEST_CASE("a reader sees the snapshot of the moment it was opened", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.File("gc.db"));
  CaseStory story = CaseStory::Reported(1);
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  auto before = store->Read();
  REQUIRE(before.ok());
  story.Verify(Hours(1));
  REQUIRE(Save(*store, story.now, story.last_events).ok());
  CHECK((*(*before)->GetCase(1))->version == 1);
  auto after = store->Read();
  REQUIRE(after.ok());
  CHECK((*(*after)->GetCase(1))->version == 2);
}

TEST_CASE("org units, users and sessions round-trip, users keep their id on re-import",
          "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  std::vector<engine::OrgUnit> units = {
      {"city", "南安市", engine::OrgLevel::kCity, ""},
      {"t1", "柳城街道", engine::OrgLevel::kTownship, "city"},
      {"v1", "美林村", engine::OrgLevel::kVillage, "t1"},
      {"g1", "第一网格", engine::OrgLevel::kGrid, "v1"},
  };
  auto hash = util::HashPassword("s3cret-pass");
  REQUIRE(hash.ok());
  engine::User worker{"", "wang", "王网格员", Role::kGridWorker, "g1", *hash};
  engine::User leader{"", "li", "李网格长", Role::kGridLeader, "v1", *hash};
  REQUIRE(store->Write([&](engine::StoreWriter& w) {
    GC_RETURN_IF_ERROR(w.UpsertOrgUnits(units));
    return w.UpsertUsers({worker, leader});
  }).ok());
  CHECK(RawInt(path, "SELECT count(*) FROM org_closure WHERE ancestor = 'city'") == 4);
  CHECK(RawInt(path, "SELECT depth FROM org_closure WHERE ancestor = 'city' AND "
                     "descendant = 'g1'") == 3);

  auto reader = store->Read();
  REQUIRE(reader.ok());
  CHECK(*(*reader)->ListOrgUnits() == units);
  auto wang = (*reader)->FindUserByUsername("wang");
  REQUIRE(wang.ok());
  REQUIRE(wang->has_value());
  CHECK((*wang)->display_name == "王网格员");
  CHECK(util::VerifyPassword((*wang)->password_hash, "s3cret-pass"));
  const std::string wang_id = (*wang)->id;
  reader->reset();

  // Re-import: new display name, no password given → id and password are kept.
  worker.display_name = "王五";
  worker.password_hash = "";
  REQUIRE(store->Write([&](engine::StoreWriter& w) { return w.UpsertUsers({worker}); }).ok());
  auto again = store->Read();
  REQUIRE(again.ok());
  auto by_id = (*again)->FindUserById(wang_id);
  REQUIRE(by_id.ok());
  REQUIRE(by_id->has_value());
  CHECK((*by_id)->display_name == "王五");
  CHECK(util::VerifyPassword((*by_id)->password_hash, "s3cret-pass"));
  CHECK((*(*again)->ListUsers()).size() == 2);
  CHECK(*(*again)->FindUserById("no-such") == std::nullopt);
  again->reset();

  engine::Session session{util::Sha256Hex("token"), wang_id, T0(), Hours(12)};
  REQUIRE(store->Write([&](engine::StoreWriter& w) { return w.SaveSession(session); }).ok());
  {
    auto r = store->Read();
    REQUIRE(r.ok());
    auto found = (*r)->FindSession(session.token_hash);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->user_id == wang_id);
    CHECK((*found)->expire_time == Hours(12));
  }
  REQUIRE(store->Write([&](engine::StoreWriter& w) {
    return w.DeleteSession(session.token_hash);
  }).ok());
  auto r = store->Read();
  REQUIRE(r.ok());
  CHECK(*(*r)->FindSession(session.token_hash) == std::nullopt);
}

TEST_CASE("reads of personal data are logged in one batch", "[storage]") {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenStore(path);
  REQUIRE(store->Write([&](engine::StoreWriter& w) {
    return w.LogAccess({{"5", 1, T0(), "case"}, {"5", 1, T0(), "events"}});
  }).ok());
  CHECK(CountRows(path, "access_log") == 2);
}

// The names show in top -H, perf and gdb: which thread is the writer matters when reading
// a profile of a busy server.
TEST_CASE("the store's threads are named", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.File("gc.db"));
  const auto names = [] {
    std::multiset<std::string> out;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      out.insert(name);
    }
    return out;
  };
  // Each thread names itself as it starts.
  CHECK(Eventually([&] {
    const auto now = names();
    return now.count("gc-writer") == 1 && now.count("gc-walsync") == 1 &&
           now.count("gc-checkpoint") == 1;
  }));
}

}  // namespace
}  // namespace gridcare::testing
