// The table of commands (actions.def) as data: each command's spelling, URL action, the
// request field that picks it, its verb and its zh-CN label. Not who may do what: transitions.h.
#pragma once

#include <span>
#include <string_view>

#include "engine/enums.h"

namespace gridcare::engine {

struct CommandInfo {
  Command command;
  std::string_view spelling;  // Name(command)
  std::string_view action;    // the URL action that issues it; empty for the scheduler's
  // The CaseActionRequest field (JSON name) the action requires, or empty; and, for an
  // action that issues two commands, the value of that field that picks this one.
  std::string_view field;
  std::string_view value;
  std::string_view verb;   // "you may not VERB case ..."
  std::string_view label;  // zh-CN

  bool scheduler() const { return action.empty(); }
};

// Every command, in actions.def's order, which is the enum's.
std::span<const CommandInfo> CommandTable();
const CommandInfo& InfoFor(Command command);

// The URL actions, each once, in table order ("verify", "accept", ..., "urge").
std::span<const std::string_view> UrlActions();
// The rows a URL action issues, in table order; empty for a name no row has.
std::span<const CommandInfo> RowsForAction(std::string_view action);

}  // namespace gridcare::engine
