// FieldMap keeps std::map's promises the audit trail relies on: names unique, iterated in
// name order however they were added, the last value of a name counts.
#include "engine/field_map.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace gridcare::engine {
namespace {

std::vector<std::string> Names(const FieldMap& m) {
  std::vector<std::string> out;
  for (const auto& [name, value] : m) out.push_back(name);
  return out;
}

TEST_CASE("fields are kept in name order whatever order they come in", "[engine]") {
  FieldMap m;
  m.insert_or_assign("title", "标题");
  m.append_in_order("address", "上坑村");  // out of order: goes to its place
  m.insert_or_assign("state", "REPORTED");
  m.append_in_order("village_id", "31");
  CHECK(Names(m) == std::vector<std::string>{"address", "state", "title", "village_id"});
  CHECK(m ==
        FieldMap{
            {"village_id", "31"}, {"title", "标题"}, {"state", "REPORTED"}, {"address", "上坑村"}});
}

TEST_CASE("a name set twice keeps one entry with the last value", "[engine]") {
  FieldMap m{{"state", "REPORTED"}, {"state", "ASSIGNED"}};
  m.append_in_order("state", "IN_PROGRESS");
  REQUIRE(m.size() == 1);
  CHECK(m.at("state") == "IN_PROGRESS");
}

TEST_CASE("looking up an absent name says so", "[engine]") {
  const FieldMap m{{"number", "NA-2026-000001"}};
  CHECK(m.find("numbe") == nullptr);
  CHECK(m.find("numbers") == nullptr);
  REQUIRE(m.find("number") != nullptr);
  CHECK(*m.find("number") == "NA-2026-000001");
  CHECK_THROWS_AS(m.at("title"), std::out_of_range);
  CHECK(FieldMap().empty());
}

}  // namespace
}  // namespace gridcare::engine
