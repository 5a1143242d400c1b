// SafeText: what a client sent, made fit to quote in an error message.
#include "handlers/safe_text.h"

#include <catch2/catch.hpp>

namespace gridcare::handlers {

TEST_CASE("SafeText leaves valid text without control characters as it is", "[handlers]") {
  CHECK(SafeText("") == "");
  CHECK(SafeText("case NA-2024-000001 not found") == "case NA-2024-000001 not found");
  CHECK(SafeText("留守儿童 «» € 𝄞 \\ \"") == "留守儿童 «» € 𝄞 \\ \"");
  CHECK(SafeText("\xc2\xa0\xef\xbf\xbd\xf4\x8f\xbf\xbf") == "\xc2\xa0\xef\xbf\xbd\xf4\x8f\xbf\xbf");
}

TEST_CASE("SafeText writes control characters as visible escapes", "[handlers]") {
  CHECK(SafeText(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(SafeText("\n[error] forged\r\n") == "\\n[error] forged\\r\\n");
  CHECK(SafeText("\x1b[31mred\t\x7f") == "\\x1B[31mred\\t\\x7F");
  CHECK(SafeText("\xc2\x85\xc2\x9f\xc2\x80") == "\\u0085\\u009F\\u0080");  // C1
}

TEST_CASE("SafeText replaces every byte of invalid UTF-8 with U+FFFD", "[handlers]") {
  const std::string r = "\xef\xbf\xbd";
  CHECK(SafeText("\xff") == r);
  CHECK(SafeText("a\xfe"
                 "b") == "a" + r + "b");
  CHECK(SafeText("\xc0\xaf") == r + r);                  // overlong '/'
  CHECK(SafeText("\xe0\x80\xaf") == r + r + r);          // overlong, three bytes
  CHECK(SafeText("\xed\xa0\x80") == r + r + r);          // a surrogate
  CHECK(SafeText("\xf4\x90\x80\x80") == r + r + r + r);  // past U+10FFFF
  CHECK(SafeText("\xe4\xb8") == r + r);                  // cut short
  CHECK(SafeText("\xe4\xb8\x41") == r + r + "A");
  CHECK(SafeText("\x80") == r);  // a lone continuation byte
}

}  // namespace gridcare::handlers
