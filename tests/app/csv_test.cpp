// The CSV reader against RFC 4180 corners and the line numbers import errors rely on.
// Not import rules: see import_test.cpp.
#include "app/csv.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace gridcare::app {
namespace {

using Fields = std::vector<std::string>;

TEST_CASE("csv: plain rows with LF, header on line 1", "[app]") {
  auto r = ParseCsv("id,name\nA,甲\nB,乙\n");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].line == 1);
  CHECK((*r)[0].fields == Fields{"id", "name"});
  CHECK((*r)[2].line == 3);
  CHECK((*r)[2].fields == Fields{"B", "乙"});
}

TEST_CASE("csv: quoted fields hold commas, newlines and doubled quotes", "[app]") {
  auto r = ParseCsv("a,b,c\r\n\"x, y\",\"line1\r\nline2\",\"say \"\"hi\"\"\"\r\nnext,2,3\r\n");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[1].fields == Fields{"x, y", "line1\r\nline2", "say \"hi\""});
  CHECK((*r)[1].line == 2);
  // The quoted newline spans a physical line, so the next record starts on line 4.
  CHECK((*r)[2].line == 4);
  CHECK((*r)[2].fields == Fields{"next", "2", "3"});
}

TEST_CASE("csv: a UTF-8 BOM is stripped and CRLF ends records", "[app]") {
  auto r = ParseCsv("\xEF\xBB\xBFid,name\r\nT1,洪濑镇\r\n");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].fields == Fields{"id", "name"});
  CHECK((*r)[1].fields == Fields{"T1", "洪濑镇"});
}

TEST_CASE("csv: empty fields, trailing comma, no final newline", "[app]") {
  auto r = ParseCsv("a,,c,\n,\"\",x");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].fields == Fields{"a", "", "c", ""});
  CHECK((*r)[1].fields == Fields{"", "", "x"});
}

TEST_CASE("csv: empty lines are skipped but still counted", "[app]") {
  auto r = ParseCsv("h\n\nrow3\n\n\n");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[1].line == 3);
  CHECK((*r)[1].fields == Fields{"row3"});
  CHECK(ParseCsv("")->empty());
  CHECK(ParseCsv("\xEF\xBB\xBF")->empty());
}

TEST_CASE("csv: an unterminated quote is an error naming the line it opened on", "[app]") {
  auto r = ParseCsv("a,b\nx,y\nz,\"never closed\nmore\n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == engine::ErrorCode::kInvalidArgument);
  CHECK_THAT(r.status().message(), Catch::StartsWith("line 3:"));
}

TEST_CASE("csv: stray quotes are errors, not silently mis-split rows", "[app]") {
  auto after = ParseCsv("a\n\"x\"y\n");
  REQUIRE_FALSE(after.ok());
  CHECK_THAT(after.status().message(), Catch::StartsWith("line 2:"));
  auto inside = ParseCsv("a\nb\nx\"y\n");
  REQUIRE_FALSE(inside.ok());
  CHECK_THAT(inside.status().message(), Catch::StartsWith("line 3:"));
}

TEST_CASE("csv: a missing file is an error naming it", "[app]") {
  auto r = ReadCsvFile("/nonexistent/dir/orgs.csv");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("/nonexistent/dir/orgs.csv"));
}

}  // namespace
}  // namespace gridcare::app
