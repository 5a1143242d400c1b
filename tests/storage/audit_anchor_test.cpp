// Anchors catch what the store alone cannot: a chain rewritten consistently by someone who
// can write the database file, or cut short at its end; and a forged or foreign anchor file
// is refused. Not the in-store checks (audit_verifier_test.cpp).
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "storage/audit_anchor.h"
#include "storage/audit_verifier.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

using storage::AuditFinding;

bool HasText(const std::vector<AuditFinding>& findings, const std::string& words) {
  for (const AuditFinding& f : findings) {
    if (f.problem.find(words) != std::string::npos) return true;
  }
  return false;
}

// Case 1 (two events), case 2 (two), case 3 (one), an anchor after each case: entries 2, 4, 5.
class AnchorFixture {
 public:
  AnchorFixture()
      : db_(dir_.File("gc.db")), anchors_(dir_.File("anchors.log")), key_path_(dir_.File("k")) {
    auto key = storage::CreateAnchorKey(key_path_);
    REQUIRE(key.ok());
    key_ = *key;
    auto store = OpenStore(db_);
    for (engine::CaseId id = 1; id <= 3; ++id) {
      CaseStory story = CaseStory::Reported(id);
      REQUIRE(Save(*store, story.now, story.last_events).ok());
      if (id < 3) {
        story.Verify(Hours(1));
        REQUIRE(Save(*store, story.now, story.last_events).ok());
      }
      auto head = store->DurableChainHead();
      REQUIRE(head.ok());
      REQUIRE(storage::AppendAnchor(anchors_, storage::FormatAnchor(*head, 1000 + id, key_)).ok());
    }
  }

  std::vector<AuditFinding> Anchors(const storage::AnchorKey* key) {
    auto findings = storage::VerifyAnchors(db_, anchors_, key);
    INFO(findings.status().ToString());
    REQUIRE(findings.ok());
    return *findings;
  }
  std::vector<AuditFinding> InStore() {
    auto findings = storage::VerifyAudit(db_);
    INFO(findings.status().ToString());
    REQUIRE(findings.ok());
    return *findings;
  }

  // The attacker deletes a case and then rebuilds the whole global chain so that the file
  // is consistent again: every in-store check passes.
  void DeleteCaseAndRewriteChain(engine::CaseId id) {
    const std::string c = std::to_string(id);
    RawSql(db_, "DROP TRIGGER case_events_no_delete; DROP TRIGGER audit_chain_no_delete;"
                "DELETE FROM case_events WHERE case_id = " + c + ";"
                "DELETE FROM deadlines WHERE case_id = " + c + ";"
                "DELETE FROM cases WHERE id = " + c + ";"
                "DELETE FROM audit_chain;");
    auto db = storage::Db::Open(db_, SQLITE_OPEN_READWRITE);
    REQUIRE(db.ok());
    REQUIRE(storage::ChainExistingRows(*db).ok());
    RawSql(db_, "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
                "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;"
                "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
                "BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END;");
  }

  std::vector<std::string> Lines() {
    std::ifstream in(anchors_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  void Rewrite(const std::vector<std::string>& lines) {
    std::ofstream out(anchors_, std::ios::trunc);
    for (const std::string& line : lines) out << line << "\n";
  }

  TempDir dir_;
  std::string db_;
  std::string anchors_;
  std::string key_path_;
  storage::AnchorKey key_;
};

TEST_CASE("an honest store holds every anchor", "[storage]") {
  AnchorFixture f;
  CHECK(f.Lines().size() == 3);
  CHECK_THAT(f.Lines()[2], Catch::StartsWith("gridcare-anchor-v1 seq=5 hash="));
  auto findings = f.Anchors(&f.key_);
  INFO(Describe(findings));
  CHECK(findings.empty());
  struct stat st {};
  REQUIRE(::stat(f.key_path_.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a deleted case with the global chain rewritten consistently is caught only by anchors",
          "[storage]") {
  AnchorFixture f;
  f.DeleteCaseAndRewriteChain(1);
  auto in_store = f.InStore();
  INFO("in store:" << Describe(in_store));
  CHECK(in_store.empty());  // the attacker did a thorough job
  auto findings = f.Anchors(&f.key_);
  INFO(Describe(findings));
  // Entries 1-2 now hold case 2's events, entry 3 case 3's: entry 2 is not as anchored,
  // entries 4 and 5 are gone.
  CHECK(HasText(findings, "line 1 (time_ms 1001): audit chain entry 2 has hash"));
  CHECK(HasText(findings, "the chain was rewritten up to there"));
  CHECK(HasText(findings, "line 3 (time_ms 1003): the anchor records audit chain entry 5 but "
                          "the database's chain ends at entry 3"));
}

TEST_CASE("the newest case cut off the end of the chain is caught by the last anchor",
          "[storage]") {
  AnchorFixture f;
  RawSql(f.db_, "DROP TRIGGER case_events_no_delete; DROP TRIGGER audit_chain_no_delete;"
                "DELETE FROM case_events WHERE case_id = 3; DELETE FROM deadlines WHERE case_id = 3;"
                "DELETE FROM cases WHERE id = 3; DELETE FROM audit_chain WHERE seq = 5;"
                "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
                "BEGIN SELECT RAISE(ABORT, 'no'); END;"
                "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
                "BEGIN SELECT RAISE(ABORT, 'no'); END;");
  CHECK(f.InStore().empty());
  auto findings = f.Anchors(&f.key_);
  INFO(Describe(findings));
  CHECK(HasText(findings, "entries were deleted from its end"));
}

TEST_CASE("a forged anchor line fails its MAC", "[storage]") {
  AnchorFixture f;
  f.DeleteCaseAndRewriteChain(2);
  // The attacker replaces the anchors with ones for the rewritten chain, guessing the MAC.
  storage::AnchorKey guess;
  guess.bytes = std::string(32, 'x');
  guess.id = f.key_.id;  // the id is public; the key is not
  auto db = storage::Db::Open(f.db_, SQLITE_OPEN_READONLY);
  REQUIRE(db.ok());
  auto head = storage::ReadChainHead(*db);
  REQUIRE(head.ok());
  f.Rewrite({storage::FormatAnchor(*head, 2000, guess)});
  auto findings = f.Anchors(&f.key_);
  INFO(Describe(findings));
  CHECK(HasText(findings, "line 1: its MAC is wrong (forged or edited anchor)"));
}

TEST_CASE("an edited anchor line fails its MAC", "[storage]") {
  AnchorFixture f;
  std::vector<std::string> lines = f.Lines();
  const size_t at = lines[2].find("seq=5");
  REQUIRE(at != std::string::npos);
  lines[2].replace(at, 5, "seq=4");
  f.Rewrite(lines);
  auto findings = f.Anchors(&f.key_);
  INFO(Describe(findings));
  CHECK(HasText(findings, "line 3: its MAC is wrong"));
}

TEST_CASE("an anchor file made with another key is refused", "[storage]") {
  AnchorFixture f;
  auto other = storage::CreateAnchorKey(f.dir_.File("other.key"));
  REQUIRE(other.ok());
  auto findings = f.Anchors(&*other);
  INFO(Describe(findings));
  CHECK(findings.size() == 3);
  CHECK(HasText(findings, "made with key " + f.key_.id + ", not with the key given (" +
                              other->id + ")"));
}

TEST_CASE("a damaged anchor line and an emptied anchor file are reported", "[storage]") {
  AnchorFixture f;
  f.Rewrite({"gridcare-anchor-v1 seq=banana"});
  CHECK(HasText(f.Anchors(&f.key_), "line 1: not an anchor line"));
  f.Rewrite({});
  CHECK(HasText(f.Anchors(&f.key_), "no anchors in the file"));
}

TEST_CASE("a key file is never overwritten and a bad one is refused", "[storage]") {
  AnchorFixture f;
  CHECK_FALSE(storage::CreateAnchorKey(f.key_path_).ok());
  auto again = storage::LoadAnchorKey(f.key_path_);
  REQUIRE(again.ok());
  CHECK(again->id == f.key_.id);
  std::ofstream(f.dir_.File("bad.key")) << "not a key\n";
  CHECK(storage::LoadAnchorKey(f.dir_.File("bad.key")).status().code() ==
        engine::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace gridcare::testing
