// The address `gridcare serve` listens on, from "HOST:PORT" or "[IPV6]:PORT": the one parser
// for the config's [server] listen and the --listen option. Not the socket: handlers/ binds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace gridcare::app {

struct ListenAddress {
  std::string host;        // an IP address, without brackets
  std::uint16_t port = 0;  // 0 = any free port (tests)
};

// HOST is an IPv4 or IPv6 address, not a name; an IPv6 address is in brackets, so that it
// cannot be read as part of the port. INVALID_ARGUMENT, naming the text, otherwise.
engine::Result<ListenAddress> ParseListen(std::string_view text);

}  // namespace gridcare::app
