// libFuzzer target: the server's TOML config file, through ParseConfig (what LoadConfig
// does after reading the file). Every error names the file; every accepted file gives SLA
// windows that print and parse back and deadlines after their start.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/config.h"
#include "engine/sla_duration.h"
#include "fuzz/fuzz_check.h"
#include "tests/support/city_fixture.h"

namespace gridcare::fuzz {
namespace {

constexpr char kPath[] = "/etc/gridcare/gridcare.toml";

void CheckWindow(const engine::SlaDuration& d, const engine::WorkCalendar& calendar) {
  const std::string text = engine::FormatSlaDuration(d);
  auto back = engine::ParseSlaDuration(text);
  Check(back.ok() && *back == d, "an SLA window prints as it parses", text);
  const engine::TimePoint start = engine::FromUnixMillis(1'767'225'600'000);
  Check(engine::AddSlaDuration(start, d, calendar).due > start, "a deadline comes after its start",
        text);
}

}  // namespace
}  // namespace gridcare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gridcare;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = app::ParseConfig(text, fuzz::kPath);
  if (!config.ok()) {
    fuzz::Check(config.status().message().find(fuzz::kPath) != std::string::npos,
                "a config error names the file", config.status().message());
    return 0;
  }
  static const engine::WorkCalendar kCalendar = testing::WeekdayCalendar();
  const engine::SlaPolicy policy = config->MakeSlaPolicy();
  for (const engine::Category c : engine::AllValues<engine::Category>()) {
    for (const engine::Priority p : engine::AllValues<engine::Priority>()) {
      const engine::SlaWindows w = policy.For(c, p);
      fuzz::CheckWindow(w.response, kCalendar);
      fuzz::CheckWindow(w.escalated_response, kCalendar);
      fuzz::CheckWindow(w.resolve, kCalendar);
      fuzz::CheckWindow(w.follow_up, kCalendar);
      fuzz::Check(w.warn_at >= 0 && w.warn_at <= 1, "warn_at is a fraction");
    }
  }
  const app::ServerConfig& s = config->server;
  fuzz::Check(s.read_timeout.count() > 0 && s.idle_timeout.count() > 0 &&
                  s.session_ttl.count() > 0 && s.stream_heartbeat.count() > 0,
              "server timeouts are positive");
  fuzz::Check(s.max_connections > 0 && s.max_body_bytes > 0 && s.max_header_bytes > 0,
              "server limits are positive");
  fuzz::Check(!config->case_number_prefix.empty() && config->case_number_prefix.size() <= 8,
              "a case number prefix is 1-8 letters", config->case_number_prefix);
  return 0;
}
