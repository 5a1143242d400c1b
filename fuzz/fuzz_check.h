// What every fuzz target checks besides "does not crash": a failed invariant aborts with a
// message, which libFuzzer reports as a crash with the input that caused it. Fuzz-only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "handlers/safe_text.h"

namespace gridcare::fuzz {

[[noreturn]] inline void Fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "invariant failed: %.*s\n  %.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void Check(bool ok, std::string_view what, std::string_view detail = {}) {
  if (!ok) Fail(what, detail);
}

// Valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF) without
// C0 or C1 control characters or DEL. Written apart from SafeText, which it checks.
inline bool IsCleanText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<std::uint8_t>(s[i]);
    std::uint32_t cp = 0;
    size_t n = 0;
    if (b < 0x80) {
      cp = b, n = 1;
    } else if ((b & 0xE0) == 0xC0) {
      cp = b & 0x1Fu, n = 2;
    } else if ((b & 0xF0) == 0xE0) {
      cp = b & 0x0Fu, n = 3;
    } else if ((b & 0xF8) == 0xF0) {
      cp = b & 0x07u, n = 4;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto c = static_cast<std::uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
    i += n;
  }
  return true;
}

// The promise of handlers/safe_text.h: clean text out, and clean text passes unchanged.
inline void CheckSafeText(std::string_view text) {
  const std::string safe = handlers::SafeText(text);
  Check(IsCleanText(safe), "SafeText gives valid UTF-8 without control characters", safe);
  Check(handlers::SafeText(safe) == safe, "SafeText leaves clean text unchanged", safe);
  if (IsCleanText(text)) Check(safe == text, "SafeText leaves clean text unchanged", text);
}

}  // namespace gridcare::fuzz
