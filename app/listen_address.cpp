// ParseListen: split at the last colon, unbracket, check the port's digits and the address
// with inet_pton. Not name resolution: a listen address is an IP address.
#include "app/listen_address.h"

#include <arpa/inet.h>

#include <array>

namespace gridcare::app {
namespace {

bool IsIpAddress(const std::string& host, bool v6) {
  std::array<unsigned char, 16> out{};
  if (!v6) return ::inet_pton(AF_INET, host.c_str(), out.data()) == 1;
  // A link-local address may name its interface: "fe80::1%eth0".
  const auto percent = host.find('%');
  if (percent == host.size() - 1) return false;
  return ::inet_pton(AF_INET6, host.substr(0, percent).c_str(), out.data()) == 1;
}

}  // namespace

engine::Result<ListenAddress> ParseListen(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return engine::InvalidArgument("listen \"" + std::string(text) + "\": " + std::string(why));
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected HOST:PORT");
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  const bool v6 = !host.empty() && host.front() == '[';
  if (v6) {
    if (host.size() < 3 || host.back() != ']') return bad("expected [IPV6]:PORT");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 address must be in brackets, e.g. [::1]:8080");
  }
  if (port.empty() || port.size() > 5) return bad("expected a port from 0 to 65535");
  int n = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') return bad("expected a port from 0 to 65535");
    n = n * 10 + (c - '0');
  }
  if (n > 65535) return bad("expected a port from 0 to 65535");
  ListenAddress out{std::string(host), static_cast<std::uint16_t>(n)};
  if (out.host.empty() || !IsIpAddress(out.host, v6)) {
    return bad("HOST must be an IP address, not a name");
  }
  return out;
}

}  // namespace gridcare::app
