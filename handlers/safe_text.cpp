// SafeText: one pass over UTF-8, after RFC 3629's table of well-formed sequences.
#include "handlers/safe_text.h"

#include <cstdint>
#include <cstdio>

namespace gridcare::handlers {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0 when there is none.
size_t SequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<std::uint8_t>(s[i]); };
  const auto cont = [&](size_t i, std::uint8_t lo = 0x80, std::uint8_t hi = 0xBF) {
    return i < s.size() && byte(i) >= lo && byte(i) <= hi;
  };
  const std::uint8_t b = byte(0);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return cont(1) ? 2 : 0;
  if (b == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;        // no overlong form
  if (b == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;  // no surrogate
  if (b >= 0xE1 && b <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;        // no overlong form
  if (b == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;  // <= U+10FFFF
  if (b >= 0xF1 && b <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace

std::string SafeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char escape[8];
  while (!text.empty()) {
    const size_t n = SequenceLength(text);
    const auto b = static_cast<std::uint8_t>(text[0]);
    if (n == 0) {
      out += kReplacement;
      text.remove_prefix(1);
      continue;
    }
    if (b == '\n') {
      out += "\\n";
    } else if (b == '\r') {
      out += "\\r";
    } else if (b == '\t') {
      out += "\\t";
    } else if (b < 0x20 || b == 0x7F) {
      std::snprintf(escape, sizeof escape, "\\x%02X", b);
      out += escape;
    } else if (b == 0xC2 && static_cast<std::uint8_t>(text[1]) <= 0x9F) {  // C1: U+0080-U+009F
      std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<std::uint8_t>(text[1]) & 0xFFu);
      out += escape;
    } else {
      out.append(text.substr(0, n));
    }
    text.remove_prefix(n);
  }
  return out;
}

}  // namespace gridcare::handlers
