// libFuzzer target: the working-day calendar file (TOML), through ParseWorkCalendar (what
// LoadWorkCalendar does after reading the file). An accepted file answers as it says, and
// written back in the same syntax it loads as the same calendar.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "app/calendar_file.h"
#include "engine/work_calendar.h"
#include "fuzz/fuzz_check.h"

namespace gridcare::fuzz {
namespace {

constexpr char kPath[] = "/etc/gridcare/calendar.toml";

// A TOML basic string.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7F) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04X", c);
      out += escape;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string DayList(const std::set<std::chrono::sys_days>& days) {
  std::string out = "[";
  for (const auto day : days) {
    if (out.size() > 1) out += ", ";
    out += "\"" + engine::FormatIsoDate(day) + "\"";
  }
  return out + "]";
}

std::string WriteCalendar(const engine::WorkCalendar& calendar) {
  std::string out;
  for (const auto& [year, data] : calendar.years()) {
    char head[32];
    std::snprintf(head, sizeof head, "[%04d]\n", year);
    out += head;
    out += "source = " + Quote(data.source) + "\n";
    out += "holidays = " + DayList(data.holidays) + "\n";
    out += "make_up_workdays = " + DayList(data.make_up) + "\n";
  }
  return out;
}

}  // namespace
}  // namespace gridcare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gridcare;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto calendar = app::ParseWorkCalendar(text, fuzz::kPath);
  if (!calendar.ok()) {
    fuzz::Check(calendar.status().message().find(fuzz::kPath) != std::string::npos,
                "a calendar error names the file", calendar.status().message());
    return 0;
  }
  for (const auto& [year, data] : calendar->years()) {
    fuzz::Check(calendar->Covers(std::chrono::year(year)), "a listed year is covered");
    for (const auto day : data.holidays) {
      fuzz::Check(!calendar->IsWorkingDay(day), "a holiday is a day off",
                  engine::FormatIsoDate(day));
    }
    for (const auto day : data.make_up) {
      fuzz::Check(calendar->IsWorkingDay(day), "a make-up day is a working day",
                  engine::FormatIsoDate(day));
    }
  }
  const std::string again = fuzz::WriteCalendar(*calendar);
  auto reloaded = app::ParseWorkCalendar(again, fuzz::kPath);
  fuzz::Check(reloaded.ok(), "a calendar written back loads",
              again + "\n  " + (reloaded.ok() ? "" : reloaded.status().message()));
  fuzz::Check(reloaded->years().size() == calendar->years().size(),
              "a calendar written back loads the same", again);
  for (const auto& [year, data] : calendar->years()) {
    const auto& other = reloaded->years().at(year);
    fuzz::Check(other.holidays == data.holidays && other.make_up == data.make_up &&
                    other.source == data.source,
                "a calendar written back loads the same", again);
  }
  return 0;
}
