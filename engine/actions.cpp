// The command table built from actions.def, and the URL actions derived from it at compile
// time. The rows themselves live in actions.def only.
#include "engine/actions.h"

#include <algorithm>
#include <array>

namespace gridcare::engine {
namespace {

constexpr CommandInfo kTable[] = {
#define GC_ACTION(id, spelling, action, field, value, verb, label) \
  {Command::id, spelling, action, field, value, verb, label},
#define GC_SCHEDULER_COMMAND(id, spelling, label) \
  {Command::id, spelling, "", "", "", "fire a deadline on", label},
#include "engine/actions.def"
#undef GC_ACTION
#undef GC_SCHEDULER_COMMAND
};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < std::size(kTable); ++i) {
    if (kTable[i].command != static_cast<Command>(i)) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "InfoFor indexes the table by the enum's value");

// Rows of one action are adjacent, so an action is new where it differs from the row before.
constexpr bool StartsAction(size_t i) {
  return !kTable[i].action.empty() && (i == 0 || kTable[i - 1].action != kTable[i].action);
}

constexpr bool ActionsAdjacent() {
  for (size_t i = 0; i < std::size(kTable); ++i) {
    if (!StartsAction(i)) continue;
    for (size_t j = 0; j < i; ++j) {
      if (kTable[j].action == kTable[i].action) return false;
    }
  }
  return true;
}
static_assert(ActionsAdjacent(), "the rows of one URL action must be adjacent in actions.def");

// The codec reads one field per action: every row of an action that issues several names the
// same field, each with a value of its own.
constexpr bool ActionsPickByOneField() {
  for (size_t i = 1; i < std::size(kTable); ++i) {
    const CommandInfo& a = kTable[i - 1];
    const CommandInfo& b = kTable[i];
    if (a.action.empty() || a.action != b.action) continue;
    if (a.field.empty() || a.field != b.field || a.value.empty() || b.value.empty() ||
        a.value == b.value) {
      return false;
    }
  }
  return true;
}
static_assert(ActionsPickByOneField(), "an action's commands must differ by one field's value");

constexpr size_t CountActions() {
  size_t n = 0;
  for (size_t i = 0; i < std::size(kTable); ++i) n += StartsAction(i) ? 1 : 0;
  return n;
}

constexpr auto kUrlActions = [] {
  std::array<std::string_view, CountActions()> out{};
  size_t n = 0;
  for (size_t i = 0; i < std::size(kTable); ++i) {
    if (StartsAction(i)) out[n++] = kTable[i].action;
  }
  return out;
}();

}  // namespace

std::span<const CommandInfo> CommandTable() { return kTable; }

const CommandInfo& InfoFor(Command command) { return kTable[static_cast<size_t>(command)]; }

std::span<const std::string_view> UrlActions() { return kUrlActions; }

std::span<const CommandInfo> RowsForAction(std::string_view action) {
  if (action.empty()) return {};
  const auto* begin = std::find_if(std::begin(kTable), std::end(kTable),
                                   [&](const CommandInfo& c) { return c.action == action; });
  const auto* end = std::find_if(begin, std::end(kTable),
                                 [&](const CommandInfo& c) { return c.action != action; });
  return {begin, end};
}

}  // namespace gridcare::engine
