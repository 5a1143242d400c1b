// The `gridcare` executable end to end: exit codes and what import, audit verify and
// backup print. Not the work behind them: import_test.cpp and tests/storage cover that.
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "storage/audit_anchor.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"

namespace gridcare::testing {
namespace {

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

Run Gridcare(const std::string& args) {
  Run run;
  const std::string command = std::string(GRIDCARE_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string Write(const TempDir& dir, const std::string& name, const std::string& content) {
  const std::string path = dir.File(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// Two cases: case 1 with two events, case 2 with one.
std::string DbWithCases(const TempDir& dir) {
  const std::string db = dir.File("gc.db");
  auto store = OpenStore(db);
  CaseStory one = CaseStory::Reported(1);
  REQUIRE(Save(*store, one.now, one.last_events).ok());
  one.Verify(Hours(1));
  REQUIRE(Save(*store, one.now, one.last_events).ok());
  CaseStory two = CaseStory::Reported(2);
  REQUIRE(Save(*store, two.now, two.last_events).ok());
  return db;
}

TEST_CASE("gridcare import orgs prints counts, a bad file exits 2 naming the line", "[app]") {
  TempDir dir;
  const std::string db = dir.File("gc.db");
  const std::string good =
      Write(dir, "orgs.csv", "id,name,level,parent_id\nNA,南安市,CITY,\nHL,洪濑镇,TOWNSHIP,NA\n");
  Run ok = Gridcare("import orgs " + good + " --db " + db);
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.output, Catch::Contains("2 created"));

  const std::string bad =
      Write(dir, "bad.csv", "id,name,level,parent_id\nV1,村,VILLAGE,HL\nG1,网格,GRID,NOPE\n");
  Run fail = Gridcare("import orgs " + bad + " --db " + db);
  INFO(fail.output);
  CHECK(fail.exit_code == 2);
  CHECK_THAT(fail.output, Catch::Contains("line 3:"));
}

TEST_CASE("gridcare audit verify exits 0 on an intact store with a summary", "[app]") {
  TempDir dir;
  const std::string db = DbWithCases(dir);
  Run run = Gridcare("audit verify --db " + db);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.output, Catch::Contains("audit: 2 cases, 3 events, chain intact"));
}

TEST_CASE("gridcare audit verify exits 1 and names the case and event on tampering", "[app]") {
  TempDir dir;
  const std::string db = DbWithCases(dir);
  RawSql(db, "DROP TRIGGER case_events_no_update;");
  RawSql(db, "UPDATE case_events SET note = 'nothing happened' WHERE case_id = 1 AND seq = 2");
  Run run = Gridcare("audit verify --db " + db);
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.output, Catch::Contains("case 1"));
  CHECK_THAT(run.output, Catch::Contains("event 2"));
}

TEST_CASE("gridcare audit keygen writes a key readable by its owner only, and only once",
          "[app]") {
  TempDir dir;
  const std::string key = dir.File("anchor.key");
  Run made = Gridcare("audit keygen --to " + key);
  INFO(made.output);
  CHECK(made.exit_code == 0);
  CHECK_THAT(made.output, Catch::Contains("wrote key"));
  struct stat st {};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(storage::LoadAnchorKey(key).ok());
  CHECK(Gridcare("audit keygen --to " + key).exit_code == 2);
}

TEST_CASE("gridcare audit verify --anchors exits 1 on a chain cut behind the anchors", "[app]") {
  TempDir dir;
  const std::string db = DbWithCases(dir);
  const std::string key = dir.File("anchor.key");
  const std::string anchors = dir.File("anchors.log");
  REQUIRE(Gridcare("audit keygen --to " + key).exit_code == 0);
  {
    auto loaded = storage::LoadAnchorKey(key);
    REQUIRE(loaded.ok());
    auto store = OpenStore(db);
    auto head = store->DurableChainHead();
    REQUIRE(head.ok());
    REQUIRE(storage::AppendAnchor(anchors, storage::FormatAnchor(*head, 1, *loaded)).ok());
  }
  Run ok = Gridcare("audit verify --db " + db + " --anchors " + anchors + " --anchor-key " + key);
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.output, Catch::Contains("chain holds every anchor"));

  // Case 1 goes, and the global chain is rebuilt without it: consistent in itself.
  RawSql(db, "DROP TRIGGER case_events_no_delete; DROP TRIGGER audit_chain_no_delete;"
             "DELETE FROM case_events WHERE case_id = 1; DELETE FROM deadlines WHERE case_id = 1;"
             "DELETE FROM cases WHERE id = 1; DELETE FROM audit_chain;");
  {
    auto raw = storage::Db::Open(db, SQLITE_OPEN_READWRITE);
    REQUIRE(raw.ok());
    REQUIRE(storage::ChainExistingRows(*raw).ok());
  }
  Run alone = Gridcare("audit verify --db " + db);
  INFO(alone.output);
  CHECK_THAT(alone.output, !Catch::Contains("audit chain"));
  Run caught =
      Gridcare("audit verify --db " + db + " --anchors " + anchors + " --anchor-key " + key);
  INFO(caught.output);
  CHECK(caught.exit_code == 1);
  CHECK_THAT(caught.output, Catch::Contains("the anchor records audit chain entry 3 but the "
                                            "database's chain ends at entry 1"));
  CHECK(Gridcare("audit verify --db " + db + " --anchor-key " + key).exit_code == 2);
}

TEST_CASE("gridcare backup writes a copy that verifies", "[app]") {
  TempDir dir;
  const std::string db = DbWithCases(dir);
  const std::string copy = dir.File("copy.db");
  Run run = Gridcare("backup --db " + db + " --to " + copy);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  REQUIRE(std::filesystem::exists(copy));
  CHECK(Gridcare("audit verify --db " + copy).exit_code == 0);
}

TEST_CASE("gridcare usage errors exit 2", "[app]") {
  TempDir dir;
  CHECK(Gridcare("").exit_code == 2);
  CHECK(Gridcare("import").exit_code == 2);
  CHECK(Gridcare("backup --db " + dir.File("x.db")).exit_code == 2);  // no --to
  CHECK(Gridcare("audit verify --db " + dir.File("missing.db")).exit_code == 2);
  CHECK(Gridcare("--help").exit_code == 0);
}

}  // namespace
}  // namespace gridcare::testing
