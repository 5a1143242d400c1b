// Text a client sent, made safe to show back in an error message: valid UTF-8 with no
// control characters. Not escaping for a format (JSON, HTML): the printers do that.
#pragma once

#include <string>
#include <string_view>

namespace gridcare::handlers {

// `text` with every byte that is not part of a valid UTF-8 sequence (overlong forms,
// surrogates and values past U+10FFFF included) replaced by U+FFFD, and every C0 or C1
// control character and DEL written as a visible escape: \n, \r, \t, \xNN, \u0085.
// Valid text without control characters comes back unchanged.
std::string SafeText(std::string_view text);

}  // namespace gridcare::handlers
