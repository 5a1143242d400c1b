// `gridcare serve --db DB --listen 127.0.0.1:0` as a child process, with the port read from
// its banner and a sign-in helper: for the tests that must signal or kill the real binary.
#pragma once

#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "gridcare/v1/session.pb.h"
#include "tests/e2e/server_fixture.h"
#include "tests/support/subprocess.h"

namespace gridcare::testing {

struct ServeProcess {
  // `extra`: more arguments for `gridcare serve`, e.g. {"--console", dir}.
  explicit ServeProcess(const std::string& db, const std::vector<std::string>& extra = {})
      : process(Args(db, extra)) {
    INFO(process.error());
    REQUIRE(process.started());
    const std::string banner = "GridCare is serving on http://127.0.0.1:";
    const std::string line = process.WaitForLine(banner, std::chrono::seconds(30));
    INFO("server output:\n" << process.output());
    REQUIRE_FALSE(line.empty());
    port = std::atoi(line.c_str() + line.find(banner) + banner.size());
    REQUIRE(port > 0);
  }

  // "Bearer <token>" for `username` (every seeded user has kPassword).
  std::string Token(const std::string& username) {
    HttpClient c("127.0.0.1", port);
    auto r = c.Request("POST", "/v1/sessions",
                       R"({"username":")" + username + R"(","password":")" + kPassword + R"("})");
    INFO(r.status << " " << r.error << " " << r.body);
    REQUIRE(r.status == 200);
    v1::Session s;
    REQUIRE(google::protobuf::util::JsonStringToMessage(r.body, &s).ok());
    return "Bearer " + s.token();
  }

  Subprocess process;
  int port = 0;

 private:
  static std::vector<std::string> Args(const std::string& db,
                                       const std::vector<std::string>& extra) {
    std::vector<std::string> args = {GRIDCARE_BINARY, "serve", "--db", db, "--listen",
                                     "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

}  // namespace gridcare::testing
