// The I/O threads: as many as [server] io_threads asks, under the usual scheduling policy,
// whatever an old config's batch_io_threads (now ignored) says.
#include <catch2/catch.hpp>

#include <sched.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/server_fixture.h"

namespace gridcare::testing {
namespace {

// The policy of every thread of this process named "gc-io".
std::vector<int> IoThreadPolicies() {
  std::vector<int> policies;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm_file(task.path() / "comm");
    std::string comm;
    std::getline(comm_file, comm);
    if (comm != "gc-io") continue;
    policies.push_back(::sched_getscheduler(std::stoi(task.path().filename().string())));
  }
  return policies;
}

// Polls until `io_threads` I/O threads exist and `done` holds for their policies, or 5 s.
template <typename Done>
std::vector<int> WaitForPolicies(size_t io_threads, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::vector<int> policies = IoThreadPolicies();
  while ((policies.size() < io_threads || !done(policies)) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    policies = IoThreadPolicies();
  }
  return policies;
}

bool All(const std::vector<int>& policies, int policy) {
  for (int p : policies) {
    if (p != policy) return false;
  }
  return true;
}

TEST_CASE("the I/O threads are as many as io_threads, under the usual policy", "[e2e]") {
  for (const char* batch : {"", "batch_io_threads = true\n", "batch_io_threads = false\n"}) {
    CAPTURE(batch);
    TestServer server(std::string("[server]\nio_threads = 3\n") + batch);
    Caller worker(server, "gw111");
    // Nothing changes the policy: once the threads exist, it is final.
    REQUIRE(worker.Call("POST", "/v1/cases", ReportJson("r-io")).status == 201);
    const auto policies = WaitForPolicies(3, [](const std::vector<int>&) { return true; });
    CHECK(policies.size() == 3);
    CHECK(All(policies, SCHED_OTHER));
  }
}

}  // namespace
}  // namespace gridcare::testing
