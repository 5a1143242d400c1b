// The I/O threads' scheduling policy ([server] batch_io_threads): SCHED_BATCH by default, so
// that a connection's bytes do not preempt the store's writer; the usual policy when off.
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

TEST_CASE("the I/O threads run under SCHED_BATCH by default", "[e2e]") {
  TestServer server("[server]\nio_threads = 3\n");
  const auto policies =
      WaitForPolicies(3, [](const std::vector<int>& p) { return All(p, SCHED_BATCH); });
  REQUIRE(policies.size() == 3);
  CHECK(All(policies, SCHED_BATCH));
  Caller worker(server, "gw111");
  CHECK(worker.Call("POST", "/v1/cases", ReportJson("r-batch")).status == 201);
}

TEST_CASE("batch_io_threads = false leaves the I/O threads' policy alone", "[e2e]") {
  TestServer server("[server]\nio_threads = 2\nbatch_io_threads = false\n");
  Caller worker(server, "gw111");
  // Nothing changes the policy when the option is off: once both threads exist, it is final.
  REQUIRE(worker.Call("POST", "/v1/cases", ReportJson("r-other")).status == 201);
  const auto policies = WaitForPolicies(2, [](const std::vector<int>&) { return true; });
  REQUIRE(policies.size() == 2);
  CHECK(All(policies, SCHED_OTHER));
}

}  // namespace
}  // namespace gridcare::testing
