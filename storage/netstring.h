// Netstrings (`<decimal byte length>:<bytes>`): the unambiguous text encoding the store uses
// for structured columns, whatever the values contain. Not the columns themselves.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace gridcare::storage {

inline void PutNetstring(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
}

// Takes one netstring off the front of `text`; nullopt (text unchanged) when there is none.
inline std::optional<std::string> TakeNetstring(std::string_view& text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  size_t length = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + colon, length);
  if (ec != std::errc() || end != text.data() + colon) return std::nullopt;
  if (text.size() - colon - 1 < length) return std::nullopt;
  std::string value(text.substr(colon + 1, length));
  text.remove_prefix(colon + 1 + length);
  return value;
}

}  // namespace gridcare::storage
