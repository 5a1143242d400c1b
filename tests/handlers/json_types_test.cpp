// The prebuilt type resolver gives the JSON converter exactly what protobuf's own does:
// the same JSON out, the same messages in, the same errors. Not the JSON shape api.md
// fixes (codec_test.cpp).
#include "handlers/json_types.h"

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <string>

#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/error.pb.h"
#include "gridcare/v1/stats.pb.h"
#include "handlers/codec.h"
#include "tests/support/protobufs_own_json.h"

namespace gridcare::handlers {
namespace {

namespace pb = google::protobuf;

using testing::ProtobufsOwnJson;

v1::ListCasesResponse SomeCases() {
  v1::ListCasesResponse list;
  v1::Case* c = list.add_cases();
  c->set_id("42");
  c->set_number("NA-2026-000042");
  c->set_title("留守儿童无人照看");
  c->set_state(v1::Case::IN_PROGRESS);
  c->mutable_create_time()->set_seconds(1767225600);
  c->add_subjects()->set_name("小明");
  list.add_cases();  // all defaults: every zero value is printed
  list.set_next_page_token("41");
  return list;
}

TEST_CASE("rendering with the prebuilt types is byte for byte protobuf's own", "[handlers]") {
  v1::StatsResponse stats;
  stats.add_units()->set_unit_id("V-01");
  v1::ErrorBody error;
  error.mutable_error()->set_code(404);
  error.mutable_error()->set_message("case 7 not found");
  v1::StreamEvent event;
  const v1::ListCasesResponse list = SomeCases();
  for (const pb::Message* m :
       std::initializer_list<const pb::Message*>{&list, &stats, &error, &event}) {
    INFO(m->GetTypeName());
    CHECK(RenderMessage(*m, false) == ProtobufsOwnJson(*m));
  }
}

TEST_CASE("parsing with the prebuilt types reads what protobuf's own reads", "[handlers]") {
  const v1::ListCasesResponse list = SomeCases();
  const std::string json = ProtobufsOwnJson(list);
  v1::ListCasesResponse back;
  REQUIRE(ParseMessage("application/json", json, &back).ok());
  CHECK(back.SerializeAsString() == list.SerializeAsString());
}

TEST_CASE("a JSON error names the field as protobuf's own parser does", "[handlers]") {
  const std::string bad = R"({"cases": [{"state": "NOT_A_STATE"}]})";
  v1::ListCasesResponse ours;
  const engine::Status s = ParseMessage("application/json", bad, &ours);
  v1::ListCasesResponse theirs;
  const auto expected = pb::util::JsonStringToMessage(bad, &theirs);
  REQUIRE_FALSE(expected.ok());
  CHECK(s.code() == engine::ErrorCode::kInvalidArgument);
  CHECK(s.message() ==
        "body: not a valid JSON gridcare.v1.ListCasesResponse: " + std::string(expected.message()));
}

TEST_CASE("a type outside the API is resolved from the pool", "[handlers]") {
  pb::Duration d;
  d.set_seconds(90);
  std::string out;
  REQUIRE(pb::util::BinaryToJsonString(ApiTypeResolver(), TypeUrl(*d.GetDescriptor()),
                                       d.SerializeAsString(), &out)
              .ok());
  CHECK(out == "\"90s\"");
  pb::Type unknown;
  CHECK_FALSE(ApiTypeResolver()->ResolveMessageType("type.googleapis.com/no.Such", &unknown).ok());
}

}  // namespace
}  // namespace gridcare::handlers
