// Tests for ParseListen, the one parser of [server] listen and --listen: addresses, brackets,
// ports. Not binding the socket (tests/e2e).
#include "app/listen_address.h"

#include <catch2/catch.hpp>

namespace gridcare::app {
namespace {

TEST_CASE("a listen address is an IPv4 address and a port", "[app]") {
  const auto a = ParseListen("127.0.0.1:8080");
  REQUIRE(a.ok());
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  CHECK(ParseListen("0.0.0.0:65535")->port == 65535);
  CHECK(ParseListen("127.0.0.1:0")->port == 0);  // any free port, for tests
}

TEST_CASE("an IPv6 listen address is in brackets", "[app]") {
  const auto a = ParseListen("[::1]:8080");
  REQUIRE(a.ok());
  CHECK(a->host == "::1");
  CHECK(a->port == 8080);
  CHECK(ParseListen("[::]:443")->host == "::");
  CHECK(ParseListen("[fe80::1%eth0]:80")->host == "fe80::1%eth0");
  // Without brackets the port cannot be told from the address.
  CHECK_FALSE(ParseListen("::1:8080").ok());
  CHECK_FALSE(ParseListen("[::1]").ok());
  CHECK_FALSE(ParseListen("[]:80").ok());
  CHECK_FALSE(ParseListen("[::1:8080").ok());
  CHECK_FALSE(ParseListen("[127.0.0.1]:80").ok());
}

TEST_CASE("a listen address without a good port is refused, naming the text", "[app]") {
  for (const char* bad : {"127.0.0.1:65536", "127.0.0.1:70000", "127.0.0.1:http", "127.0.0.1:-1",
                          "127.0.0.1:123456", "127.0.0.1: 80", "127.0.0.1:"}) {
    CAPTURE(bad);
    const auto a = ParseListen(bad);
    REQUIRE_FALSE(a.ok());
    CHECK(a.status().code() == engine::ErrorCode::kInvalidArgument);
    CHECK_THAT(a.status().message(), Catch::Contains(std::string("\"") + bad + "\""));
  }
}

TEST_CASE("a listen address without a port or an IP address is refused", "[app]") {
  for (const char* bad : {"", "8080", "127.0.0.1", ":8080", "localhost:8080", "example.org:80",
                          "127.0.0.256:80", "1.2.3:80", " 127.0.0.1:80"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseListen(bad).ok());
  }
}

}  // namespace
}  // namespace gridcare::app
