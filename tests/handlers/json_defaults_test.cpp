// Rendering through WireWithDefaults gives byte for byte what protobuf's own printer gives
// with always_print_primitive_fields, for every message of the API filled at random; and the
// messages the hot paths render take the fast way.
#include "handlers/json_defaults.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/error.pb.h"
#include "gridcare/v1/notification.pb.h"
#include "gridcare/v1/org.pb.h"
#include "gridcare/v1/session.pb.h"
#include "gridcare/v1/stats.pb.h"
#include "handlers/codec.h"
#include "tests/support/protobufs_own_json.h"

namespace gridcare::handlers {
namespace {

namespace pb = google::protobuf;
using testing::ProtobufsOwnJson;
using Field = pb::FieldDescriptor;

// Fills messages through reflection: each field at its default about half the time, so
// that both the printed defaults and the set values are exercised.
class RandomFiller {
 public:
  explicit RandomFiller(unsigned seed) : rng_(seed) {}

  void Fill(pb::Message* m, int depth) {
    const pb::Descriptor& d = *m->GetDescriptor();
    if (d.well_known_type() == pb::Descriptor::WELLKNOWNTYPE_TIMESTAMP) {
      const pb::Reflection& r = *m->GetReflection();
      r.SetInt64(m, d.FindFieldByName("seconds"), Pick(0, 4'000'000'000LL));
      r.SetInt32(m, d.FindFieldByName("nanos"),
                 Coin() ? 0 : static_cast<int>(Pick(0, 999'999'999)));
      return;
    }
    for (int i = 0; i < d.field_count(); ++i) {
      const Field& f = *d.field(i);
      if (f.is_repeated()) {
        const int n = static_cast<int>(Pick(0, 2));
        for (int k = 0; k < n; ++k) Put(m, f, depth);
      } else if (Coin()) {
        Put(m, f, depth);
      }
    }
  }

 private:
  bool Coin() { return Pick(0, 1) == 1; }
  long long Pick(long long lo, long long hi) {
    return std::uniform_int_distribution<long long>(lo, hi)(rng_);
  }
  std::string Text() {
    static const std::vector<std::string> kTexts = {
        "",  "小明", "NA-2026-000042", "a \"quoted\" \\ line\nbreak", "留守儿童独自在家，祖母住院",
        "0", "<&>"};
    return kTexts[static_cast<size_t>(Pick(0, static_cast<long long>(kTexts.size()) - 1))];
  }
  int EnumNumber(const Field& f) {
    // Now and then a number the enum does not name (proto3 enums are open): printed as a number.
    if (Pick(0, 9) == 0) return 99;
    const pb::EnumDescriptor& e = *f.enum_type();
    return e.value(static_cast<int>(Pick(0, e.value_count() - 1)))->number();
  }

  // One value for `f`: set, or added when `f` is repeated.
  void Put(pb::Message* m, const Field& f, int depth) {
    const pb::Reflection& r = *m->GetReflection();
    const bool add = f.is_repeated();
    switch (f.cpp_type()) {
      case Field::CPPTYPE_INT32: {
        const auto v = static_cast<std::int32_t>(Pick(-5, 100000));
        return add ? r.AddInt32(m, &f, v) : r.SetInt32(m, &f, v);
      }
      case Field::CPPTYPE_INT64: {
        const auto v = static_cast<std::int64_t>(Pick(-5, 1LL << 40));
        return add ? r.AddInt64(m, &f, v) : r.SetInt64(m, &f, v);
      }
      case Field::CPPTYPE_UINT32: {
        const auto v = static_cast<std::uint32_t>(Pick(0, 100000));
        return add ? r.AddUInt32(m, &f, v) : r.SetUInt32(m, &f, v);
      }
      case Field::CPPTYPE_UINT64: {
        const auto v = static_cast<std::uint64_t>(Pick(0, 1LL << 40));
        return add ? r.AddUInt64(m, &f, v) : r.SetUInt64(m, &f, v);
      }
      case Field::CPPTYPE_DOUBLE: {
        const double v = static_cast<double>(Pick(0, 1000)) / 8;
        return add ? r.AddDouble(m, &f, v) : r.SetDouble(m, &f, v);
      }
      case Field::CPPTYPE_FLOAT: {
        const float v = static_cast<float>(Pick(0, 1000)) / 4;
        return add ? r.AddFloat(m, &f, v) : r.SetFloat(m, &f, v);
      }
      case Field::CPPTYPE_BOOL: {
        const bool v = Coin();
        return add ? r.AddBool(m, &f, v) : r.SetBool(m, &f, v);
      }
      case Field::CPPTYPE_ENUM: {
        const int v = EnumNumber(f);
        return add ? r.AddEnumValue(m, &f, v) : r.SetEnumValue(m, &f, v);
      }
      case Field::CPPTYPE_STRING: {
        std::string v = Text();
        return add ? r.AddString(m, &f, std::move(v)) : r.SetString(m, &f, std::move(v));
      }
      case Field::CPPTYPE_MESSAGE:
        if (depth < 3) Fill(add ? r.AddMessage(m, &f) : r.MutableMessage(m, &f), depth + 1);
        return;
    }
  }

  std::mt19937_64 rng_;
};

// Every message type declared in the API's files, nested ones included.
std::vector<const pb::Descriptor*> ApiMessages() {
  std::vector<const pb::Descriptor*> out;
  const auto add = [&out](const pb::Descriptor* d, auto& self) -> void {
    if (d->options().map_entry()) return;
    out.push_back(d);
    for (int i = 0; i < d->nested_type_count(); ++i) self(d->nested_type(i), self);
  };
  for (const pb::FileDescriptor* file :
       {v1::Case::descriptor()->file(), v1::ErrorBody::descriptor()->file(),
        v1::Notification::descriptor()->file(), v1::OrgUnit::descriptor()->file(),
        v1::Session::descriptor()->file(), v1::StatsResponse::descriptor()->file()}) {
    for (int i = 0; i < file->message_type_count(); ++i) add(file->message_type(i), add);
  }
  return out;
}

TEST_CASE("the fast render is byte for byte protobuf's own for every API message", "[handlers]") {
  RandomFiller filler(20261127);
  int fast = 0;
  int total = 0;
  for (const pb::Descriptor* d : ApiMessages()) {
    const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(d);
    REQUIRE(prototype != nullptr);
    for (int i = 0; i < 200; ++i) {
      std::unique_ptr<pb::Message> m(prototype->New());
      if (i > 0) filler.Fill(m.get(), 0);  // the first one all defaults
      INFO(d->full_name() << ": " << m->ShortDebugString());
      CHECK(RenderMessage(*m, false) == ProtobufsOwnJson(*m));
      fast += WireWithDefaults(*m).has_value() ? 1 : 0;
      ++total;
    }
  }
  INFO(fast << " of " << total << " took the fast way");
  CHECK(fast > total / 4);
}

TEST_CASE("a filed case and its stream event take the fast way", "[handlers]") {
  v1::Case c;
  c.set_id("42");
  c.set_title("留守儿童无人照看");
  c.set_state(v1::Case::REPORTED);
  c.mutable_create_time()->set_seconds(1767225600);
  c.mutable_response_due_time()->set_seconds(1767398400);
  c.add_subjects()->set_name("小明");
  CHECK(WireWithDefaults(c).has_value());
  v1::StreamEvent event;
  event.set_case_id("42");
  CHECK(WireWithDefaults(event).has_value());
  v1::ErrorBody error;
  error.mutable_error()->set_code(404);
  CHECK(WireWithDefaults(error).has_value());
}

TEST_CASE("what the plain printer cannot match is left to the slow way", "[handlers]") {
  v1::Case no_subjects;  // an empty list prints as []
  CHECK_FALSE(WireWithDefaults(no_subjects).has_value());
  v1::CaseEvent event;  // a map
  event.mutable_changes()->insert({"state", "ASSIGNED"});
  CHECK_FALSE(WireWithDefaults(event).has_value());
  v1::CaseActionRequest request;  // proto3 optional fields
  CHECK_FALSE(WireWithDefaults(request).has_value());
  CHECK(RenderMessage(no_subjects, false) == ProtobufsOwnJson(no_subjects));
}

}  // namespace
}  // namespace gridcare::handlers
