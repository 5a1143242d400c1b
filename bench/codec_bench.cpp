// What one filed case costs the codec on an I/O thread: rendering the 201 reply and parsing
// the create request, as JSON and as binary, next to protobuf's own JSON functions. Prints
// microseconds per call (best of five rounds); asserts nothing. docs/performance.md.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "gridcare/v1/case.pb.h"
#include "handlers/codec.h"

namespace {

namespace pb = google::protobuf;
using gridcare::v1::Case;
using gridcare::v1::CreateCaseRequest;
using gridcare::v1::Subject;

Case FiledCase() {
  Case c;
  c.set_id("123456");
  c.set_number("NA-2026-123456");
  c.set_request_id("c17-000042-bench");
  c.set_channel(Case::GRID_PATROL);
  c.set_category(Case::LEFT_BEHIND_CHILD);
  c.set_priority(Case::ROUTINE);
  c.set_grid_id("231");
  c.set_title("留守儿童独自在家，祖母住院");
  c.set_description("九岁男孩父母在外务工，祖母住院，孩子独自在家已三天，无人照看饮食。");
  c.set_address("南安市东岭镇上坑村三组17号");
  Subject* s = c.add_subjects();
  s->set_name("小明");
  s->set_role(Subject::CHILD);
  s->set_age(9);
  c.set_state(Case::REPORTED);
  c.set_assigned_unit_id("31");
  c.set_reporter_id("77");
  c.mutable_create_time()->set_seconds(1790000000);
  c.mutable_update_time()->set_seconds(1790000000);
  c.mutable_response_due_time()->set_seconds(1790172800);
  c.set_version(1);
  c.set_village_id("31");
  return c;
}

// Microseconds per call of `fn`, the best of five rounds of `n` calls.
double MicrosPerCall(int n, const std::function<void()>& fn) {
  double best = 1e300;
  for (int round = 0; round < 5; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) fn();
    const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / n);
  }
  return best;
}

}  // namespace

int main() {
  const Case filed = FiledCase();
  CreateCaseRequest request;
  request.set_request_id(filed.request_id());
  request.set_channel(filed.channel());
  request.set_category(filed.category());
  request.set_priority(filed.priority());
  request.set_grid_id(filed.grid_id());
  request.set_title(filed.title());
  request.set_description(filed.description());
  request.set_address(filed.address());
  *request.add_subjects() = filed.subjects(0);
  std::string request_json;
  pb::util::MessageToJsonString(request, &request_json);
  const std::string request_binary = request.SerializeAsString();

  pb::util::JsonPrintOptions print_defaults;
  print_defaults.always_print_primitive_fields = true;
  const int n = 20000;
  std::string out;
  std::printf("codec, one filed case (microseconds per call, best of 5 rounds of %d)\n", n);
  std::printf("  %-54s %6.2f\n", "render Case, JSON (RenderMessage):", MicrosPerCall(n, [&] {
                out = gridcare::handlers::RenderMessage(filed, false);
              }));
  std::printf("  %-54s %6.2f\n",
              "render Case, JSON (protobuf's MessageToJsonString):", MicrosPerCall(n, [&] {
                out.clear();
                (void)pb::util::MessageToJsonString(filed, &out, print_defaults);
              }));
  std::printf("  %-54s %6.2f\n", "render Case, binary:", MicrosPerCall(n, [&] {
                out = gridcare::handlers::RenderMessage(filed, true);
              }));
  CreateCaseRequest parsed;
  std::printf("  %-54s %6.2f\n",
              "parse CreateCaseRequest, JSON (ParseMessage):", MicrosPerCall(n, [&] {
                (void)gridcare::handlers::ParseMessage("application/json", request_json, &parsed);
              }));
  std::printf("  %-54s %6.2f\n",
              "parse CreateCaseRequest, JSON (JsonStringToMessage):", MicrosPerCall(n, [&] {
                parsed.Clear();
                (void)pb::util::JsonStringToMessage(request_json, &parsed);
              }));
  std::printf("  %-54s %6.2f\n", "parse CreateCaseRequest, binary:", MicrosPerCall(n, [&] {
                (void)gridcare::handlers::ParseMessage("application/x-protobuf", request_binary,
                                                       &parsed);
              }));
  return 0;
}
