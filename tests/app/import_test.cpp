// `import orgs|users` against a real SQLite store: all-or-nothing, errors by line,
// idempotent re-import, Chinese names. Not the CSV grammar: see csv_test.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "app/import_commands.h"
#include "storage/sqlite_store.h"
#include "tests/support/temp_dir.h"
#include "util/crypto.h"

namespace gridcare::app {
namespace {

using engine::OrgLevel;
using engine::OrgUnit;

constexpr char kOrgs[] =
    "\xEF\xBB\xBF"
    "id,name,level,parent_id\r\n"
    "NA,南安市,CITY,\r\n"
    "HL,洪濑镇,TOWNSHIP,NA\r\n"
    "HL-QJ,\"前街村, 一级网格\",VILLAGE,HL\r\n"
    "HL-QJ-01,前街村第一网格,GRID,HL-QJ\r\n"
    "D-EDU,南安市教育局,DEPARTMENT,NA\r\n";

class Fixture {
 public:
  Fixture() {
    auto store = storage::SqliteStore::Open(dir_.File("gridcare.db"));
    REQUIRE(store.ok());
    store_ = std::move(store).value();
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::vector<OrgUnit> Units() {
    auto reader = store_->Read();
    REQUIRE(reader.ok());
    auto units = (*reader)->ListOrgUnits();
    REQUIRE(units.ok());
    std::sort(units->begin(), units->end(),
              [](const OrgUnit& a, const OrgUnit& b) { return a.id < b.id; });
    return *units;
  }

  std::vector<engine::User> Users() {
    auto reader = store_->Read();
    REQUIRE(reader.ok());
    auto users = (*reader)->ListUsers();
    REQUIRE(users.ok());
    return *users;
  }

  std::optional<engine::User> User(const std::string& username) {
    auto reader = store_->Read();
    REQUIRE(reader.ok());
    auto user = (*reader)->FindUserByUsername(username);
    REQUIRE(user.ok());
    return *user;
  }

  void ImportBaseOrgs() {
    ImportReport report;
    REQUIRE(ImportOrgs(store(), WriteFile("base_orgs.csv", kOrgs), &report).ok());
  }

  engine::Store& store() { return *store_; }

 private:
  testing::TempDir dir_;
  std::unique_ptr<storage::SqliteStore> store_;
};

TEST_CASE("import orgs loads a tree with a BOM, CRLF, quoted commas and Chinese names", "[app]") {
  Fixture f;
  ImportReport report;
  const auto status = ImportOrgs(f.store(), f.WriteFile("orgs.csv", kOrgs), &report);
  REQUIRE(status.ok());
  CHECK(report.created == 5);
  CHECK(report.updated == 0);
  CHECK(report.errors.empty());
  const auto units = f.Units();
  REQUIRE(units.size() == 5);
  CHECK(units[0] == OrgUnit{"D-EDU", "南安市教育局", OrgLevel::kDepartment, "NA"});
  CHECK(units[2] == OrgUnit{"HL-QJ", "前街村, 一级网格", OrgLevel::kVillage, "HL"});
  CHECK(units[4] == OrgUnit{"NA", "南安市", OrgLevel::kCity, ""});
}

TEST_CASE("re-importing orgs with the same ids updates in place (idempotent)", "[app]") {
  Fixture f;
  f.ImportBaseOrgs();
  const auto before = f.Units();

  ImportReport again;
  REQUIRE(ImportOrgs(f.store(), f.WriteFile("again.csv", kOrgs), &again).ok());
  CHECK(again.created == 0);
  CHECK(again.unchanged == 5);
  CHECK(f.Units() == before);

  // A partial file: renames one unit, adds one grid under a stored village.
  ImportReport update;
  REQUIRE(ImportOrgs(f.store(),
                     f.WriteFile("update.csv",
                                 "id,name,level,parent_id\n"
                                 "HL,洪濑镇（新）,TOWNSHIP,NA\n"
                                 "HL-QJ-02,前街村第二网格,GRID,HL-QJ\n"),
                     &update)
              .ok());
  CHECK(update.created == 1);
  CHECK(update.updated == 1);
  const auto after = f.Units();
  REQUIRE(after.size() == 6);
  CHECK(after[1] == OrgUnit{"HL", "洪濑镇（新）", OrgLevel::kTownship, "NA"});
}

TEST_CASE("a bad org row anywhere writes nothing and the error names its line", "[app]") {
  Fixture f;
  ImportReport report;
  const auto status = ImportOrgs(f.store(),
                                 f.WriteFile("bad.csv",
                                             "id,name,level,parent_id\n"
                                             "NA,南安市,CITY,\n"
                                             "HL,洪濑镇,TOWNSHIP,NA\n"
                                             "HL-QJ,前街村,VILLAGE,HL\n"
                                             "HL-QJ-01,第一网格,HAMLET,HL-QJ\n"),
                                 &report);
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(status.message(), Catch::Contains("line 5: level \"HAMLET\""));
  REQUIRE(report.errors.size() == 1);
  CHECK_THAT(report.errors[0], Catch::StartsWith("line 5:"));
  CHECK(f.Units().empty());
}

TEST_CASE("org rows are checked: id pattern, duplicates, parents and their levels", "[app]") {
  Fixture f;
  f.ImportBaseOrgs();
  const auto before = f.Units();
  ImportReport report;
  const auto status = ImportOrgs(f.store(),
                                 f.WriteFile("bad.csv",
                                             "id,name,level,parent_id\n"
                                             "bad id!,坏,GRID,HL-QJ\n"  // 2: id pattern
                                             "G1,网格一,GRID,HL\n"      // 3: GRID under a TOWNSHIP
                                             "G2,网格二,GRID,NOPE\n"    // 4: parent missing
                                             "G3,网格三,GRID,HL-QJ\n"   // 5: fine
                                             "G3,网格三again,GRID,HL-QJ\n"  // 6: duplicate id
                                             "G4,,GRID,HL-QJ\n"             // 7: empty name
                                             "NA2,第二个市,CITY,NA\n"  // 8: a CITY with a parent
                                             "G5,网格五,GRID\n"),      // 9: too few fields
                                 &report);
  REQUIRE_FALSE(status.ok());
  for (const char* line :
       {"line 2:", "line 3:", "line 4:", "line 6:", "line 7:", "line 8:", "line 9:"}) {
    INFO(status.message());
    CHECK_THAT(status.message(), Catch::Contains(line));
  }
  CHECK_THAT(status.message(), !Catch::Contains("line 5:"));
  CHECK_THAT(status.message(), Catch::Contains("NOPE"));
  CHECK(report.errors.size() == 7);
  CHECK(f.Units() == before);
}

TEST_CASE("an org file with the wrong header is rejected before any row", "[app]") {
  Fixture f;
  ImportReport report;
  const auto status = ImportOrgs(
      f.store(), f.WriteFile("h.csv", "id,name,parent_id,level\nNA,南安市,,CITY\n"), &report);
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.message(), Catch::Contains("header must be exactly"));
  CHECK_THAT(status.message(), Catch::Contains("id,name,level,parent_id"));
  CHECK(f.Units().empty());
}

TEST_CASE("an unterminated quote in an org file names its line", "[app]") {
  Fixture f;
  ImportReport report;
  const auto status = ImportOrgs(
      f.store(), f.WriteFile("q.csv", "id,name,level,parent_id\nNA,\"南安市,CITY,\n"), &report);
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.message(), Catch::Contains("line 2:"));
}

TEST_CASE("import users hashes passwords and keeps Chinese display names", "[app]") {
  Fixture f;
  f.ImportBaseOrgs();
  ImportReport report;
  const auto status =
      ImportUsers(f.store(),
                  f.WriteFile("users.csv",
                              "\xEF\xBB\xBFusername,display_name,role,org_id,password\r\n"
                              "wang01,王小明,GRID_WORKER,HL-QJ-01,grid-pass-1\r\n"
                              "li02,\"李, 网格长\",GRID_LEADER,HL-QJ,leader-pass-2\r\n"),
                  &report);
  REQUIRE(status.ok());
  CHECK(report.created == 2);
  CHECK(report.updated == 0);

  auto wang = f.User("wang01");
  REQUIRE(wang.has_value());
  CHECK(wang->display_name == "王小明");
  CHECK(wang->role == engine::Role::kGridWorker);
  CHECK(wang->org_unit_id == "HL-QJ-01");
  CHECK_FALSE(wang->id.empty());
  CHECK(util::VerifyPassword(wang->password_hash, "grid-pass-1"));
  CHECK_FALSE(util::VerifyPassword(wang->password_hash, "wrong-pass"));
  auto li = f.User("li02");
  REQUIRE(li.has_value());
  CHECK(li->display_name == "李, 网格长");

  // Same usernames again: updated in place, same ids, new password takes effect.
  ImportReport again;
  REQUIRE(ImportUsers(f.store(),
                      f.WriteFile("users2.csv",
                                  "username,display_name,role,org_id,password\n"
                                  "wang01,王小明,GRID_WORKER,HL-QJ-01,new-password\n"),
                      &again)
              .ok());
  CHECK(again.created == 0);
  CHECK(again.updated == 1);
  CHECK(f.Users().size() == 2);
  auto wang2 = f.User("wang01");
  REQUIRE(wang2.has_value());
  CHECK(wang2->id == wang->id);
  CHECK(util::VerifyPassword(wang2->password_hash, "new-password"));
}

TEST_CASE("bad user rows are each reported by line and nothing is written", "[app]") {
  Fixture f;
  f.ImportBaseOrgs();
  ImportReport report;
  const auto status =
      ImportUsers(f.store(),
                  f.WriteFile("users.csv",
                              "username,display_name,role,org_id,password\n"
                              "ok01,好人,GRID_WORKER,HL-QJ-01,good-password\n"  // 2: fine
                              "sys,系统,SYSTEM,NA,system-pass\n"                // 3
                              "ghost,幽灵,GRID_WORKER,NOWHERE,ghost-pass\n"     // 4
                              "short,短,GRID_WORKER,HL-QJ-01,1234567\n"         // 5
                              "ok01,重复,GRID_WORKER,HL-QJ-01,good-password\n"  // 6
                              "noname,,GRID_WORKER,HL-QJ-01,good-password\n"    // 7
                              "boss,老板,EMPEROR,NA,good-password\n"            // 8
                              "misfit,错位,GRID_WORKER,NA,good-password\n"),    // 9
                  &report);
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == engine::ErrorCode::kInvalidArgument);
  INFO(status.message());
  for (const char* line :
       {"line 3:", "line 4:", "line 5:", "line 6:", "line 7:", "line 8:", "line 9:"}) {
    CHECK_THAT(status.message(), Catch::Contains(line));
  }
  CHECK_THAT(status.message(), !Catch::Contains("line 2:"));
  CHECK_THAT(status.message(), Catch::Contains("SYSTEM"));
  CHECK_THAT(status.message(), Catch::Contains("NOWHERE"));
  CHECK_THAT(status.message(), Catch::Contains("EMPEROR"));
  CHECK(report.errors.size() == 7);
  CHECK(f.Users().empty());
}

TEST_CASE("an 8-character Chinese password is long enough", "[app]") {
  Fixture f;
  f.ImportBaseOrgs();
  ImportReport report;
  REQUIRE(ImportUsers(f.store(),
                      f.WriteFile("users.csv",
                                  "username,display_name,role,org_id,password\n"
                                  "zhao,赵,FEDERATION_STAFF,HL,南安市洪濑镇妇联\n"),
                      &report)
              .ok());
  auto zhao = f.User("zhao");
  REQUIRE(zhao.has_value());
  CHECK(util::VerifyPassword(zhao->password_hash, "南安市洪濑镇妇联"));
}

}  // namespace
}  // namespace gridcare::app
