// Parses data/calendar/cn-statutory.toml (or an administrator's copy) into a WorkCalendar.
// Not the working-day logic (engine/work_calendar.cpp) nor the main config (config.cpp).
#include "app/calendar_file.h"

#include <charconv>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

// pkg-config normally passes this; without it toml++ would compile its parser inline here
// and clash with the shared library we link.
#ifndef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 0
#endif
#include <toml++/toml.h>

namespace gridcare::app {
namespace {

using engine::InvalidArgument;
using engine::Result;
using engine::Status;
using std::chrono::sys_days;

constexpr std::string_view kDateForms = "expected \"YYYY-MM-DD\" or \"YYYY-MM-DD..YYYY-MM-DD\"";

std::string Where(const std::string& path, const toml::source_region& src) {
  return path + ":" + std::to_string(src.begin.line);
}

std::optional<sys_days> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    const char* first = s.data() + pos;
    const char* last = first + len;
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || ptr != last) return std::nullopt;
    return v;
  };
  const auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*y),
                                        std::chrono::month(static_cast<unsigned>(*m)),
                                        std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd);
}

struct DatedEntry {
  sys_days first;
  sys_days last;
};

Result<DatedEntry> ParseEntry(std::string_view text) {
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    const auto day = ParseIsoDate(text);
    if (!day) return InvalidArgument(std::string(kDateForms));
    return DatedEntry{*day, *day};
  }
  const auto first = ParseIsoDate(text.substr(0, dots));
  const auto last = ParseIsoDate(text.substr(dots + 2));
  if (!first || !last) return InvalidArgument(std::string(kDateForms));
  if (*last < *first) return InvalidArgument("the range ends before it starts");
  return DatedEntry{*first, *last};
}

// Expands one list (holidays or make_up_workdays) into days, remembering which entry
// produced each day so that later checks can name the entry an administrator wrote.
Status ReadDayList(const std::string& path, int year, std::string_view key, const toml::node& node,
                   std::set<sys_days>& days, std::map<sys_days, std::string>& origin) {
  const toml::array* arr = node.as_array();
  if (arr == nullptr) {
    return InvalidArgument(Where(path, node.source()) + ": [" + std::to_string(year) + "] " +
                           std::string(key) + " must be an array of date strings");
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::node& item = *arr->get(i);
    std::string text;
    std::optional<DatedEntry> entry;
    if (const auto* d = item.as_date()) {
      // An unquoted TOML date is an obvious intent; accept it rather than nag.
      const toml::date& td = d->get();
      const std::chrono::year_month_day ymd{std::chrono::year(td.year),
                                            std::chrono::month(td.month), std::chrono::day(td.day)};
      entry = DatedEntry{sys_days(ymd), sys_days(ymd)};
      std::ostringstream os;
      os << td;
      text = os.str();
    } else if (const auto* s = item.as_string()) {
      text = s->get();
      auto parsed = ParseEntry(text);
      if (!parsed.ok()) {
        return InvalidArgument(Where(path, item.source()) + ": [" + std::to_string(year) + "] " +
                               std::string(key) + "[" + std::to_string(i) + "] \"" + text +
                               "\": " + parsed.status().message());
      }
      entry = *parsed;
    } else {
      return InvalidArgument(Where(path, item.source()) + ": [" + std::to_string(year) + "] " +
                             std::string(key) + "[" + std::to_string(i) + "] must be a string, " +
                             std::string(kDateForms));
    }
    const std::string label = std::string(key) + "[" + std::to_string(i) + "] \"" + text + "\"";
    const std::string at = Where(path, item.source()) + ": [" + std::to_string(year) + "] ";
    for (sys_days day = entry->first; day <= entry->last; day += std::chrono::days(1)) {
      if (static_cast<int>(std::chrono::year_month_day{day}.year()) != year) {
        return InvalidArgument(at + label + ": " + engine::FormatIsoDate(day) +
                               " is not in the year " + std::to_string(year));
      }
      if (const auto it = origin.find(day); it != origin.end()) {
        return InvalidArgument(at + label + ": " + engine::FormatIsoDate(day) +
                               " is already listed by " + it->second);
      }
      // The engine checks this too; checking here as well lets the message carry the line.
      const std::chrono::weekday wd{day};
      if (key == "make_up_workdays" && wd != std::chrono::Saturday && wd != std::chrono::Sunday) {
        return InvalidArgument(at + label + ": " + engine::FormatIsoDate(day) +
                               " is not a Saturday or Sunday; make-up working days are weekend "
                               "days");
      }
      origin.emplace(day, label);
      days.insert(day);
    }
  }
  return Status::Ok();
}

Result<engine::CalendarYear> ReadYear(const std::string& path, int year, const toml::table& table) {
  engine::CalendarYear out;
  const std::string head = "[" + std::to_string(year) + "] ";
  // Shared across both lists: a day that is a holiday and a make-up day is caught here,
  // with both entries named, before the engine's own (date-only) check.
  std::map<sys_days, std::string> origin;
  bool has_source = false;
  for (const auto& [key, node] : table) {
    const std::string_view k = key.str();
    if (k == "source") {
      const auto* s = node.as_string();
      if (s == nullptr || s->get().empty()) {
        return InvalidArgument(Where(path, node.source()) + ": " + head +
                               "source must be a non-empty string naming the notice");
      }
      out.source = s->get();
      has_source = true;
    } else if (k == "holidays") {
      GC_RETURN_IF_ERROR(ReadDayList(path, year, k, node, out.holidays, origin));
    } else if (k == "make_up_workdays") {
      GC_RETURN_IF_ERROR(ReadDayList(path, year, k, node, out.make_up, origin));
    } else {
      return InvalidArgument(Where(path, key.source()) + ": " + head + "unknown key \"" +
                             std::string(k) + "\" (expected source, holidays, make_up_workdays)");
    }
  }
  // Without the notice's name nobody can check the data against the State Council's text.
  if (!has_source) {
    return InvalidArgument(Where(path, table.source()) + ": " + head +
                           "missing source (the title of the State Council notice)");
  }
  return out;
}

}  // namespace

std::string DefaultCalendarPath() { return GRIDCARE_DATA_DIR "/calendar/cn-statutory.toml"; }

Result<engine::WorkCalendar> LoadWorkCalendar(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot open calendar file " + path);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read calendar file " + path);
  return ParseWorkCalendar(content.str(), path);
}

Result<engine::WorkCalendar> ParseWorkCalendar(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(Where(path, e.source()) +
                           ": not valid TOML: " + std::string(e.description()));
  }

  std::map<int, engine::CalendarYear> years;
  for (const auto& [key, node] : root) {
    const std::string_view k = key.str();
    int year = 0;
    const auto [ptr, ec] = std::from_chars(k.data(), k.data() + k.size(), year);
    if (k.size() != 4 || ec != std::errc() || ptr != k.data() + k.size()) {
      return InvalidArgument(Where(path, key.source()) + ": unknown table \"" + std::string(k) +
                             "\" (expected one table per year, e.g. [2025])");
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return InvalidArgument(Where(path, key.source()) + ": \"" + std::string(k) +
                             "\" must be a table, e.g. [" + std::string(k) + "]");
    }
    GC_ASSIGN_OR_RETURN(auto data, ReadYear(path, year, *table));
    years.emplace(year, std::move(data));
  }
  if (years.empty()) return InvalidArgument(path + ": the calendar file defines no years");

  auto calendar = engine::WorkCalendar::Build(std::move(years));
  if (!calendar.ok()) return InvalidArgument(path + ": " + calendar.status().message());
  return std::move(calendar).value();
}

}  // namespace gridcare::app
