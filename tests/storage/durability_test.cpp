// Durability claims, each shown by failing or killing and then looking, on the default and
// the plain write path: a full disk gives UNAVAILABLE with nothing half-written, and kill -9
// loses no acknowledged case. Not backups (backup_test.cpp).
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "storage/audit_verifier.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/temp_dir.h"
#include "tests/support/writer_faults.h"

namespace gridcare::testing {
namespace {

TEST_CASE("a full disk gives UNAVAILABLE, writes nothing, and writing resumes once there is room",
          "[storage]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  storage::SqliteStoreOptions options = With(write_path);
  WriterFaults faults(options);
  faults.CapPages(1);  // SQLite raises it to the current size: the file is full now
  auto store = OpenStore(path, options);

  engine::Status status;
  CaseStory failed;
  engine::CaseId id = 1;
  for (; id <= 500; ++id) {
    CaseStory story = CaseStory::Reported(id);
    story.now.description = std::string(3000, 'x');
    story.last_events[0].changes = engine::DiffCaseFields(Case{}, story.now);
    status = Save(*store, story.now, story.last_events);
    if (!status.ok()) {
      failed = story;
      break;
    }
  }
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == engine::ErrorCode::kUnavailable);
  CHECK_THAT(status.message(), Catch::Contains("disk full"));

  const std::string failed_id = std::to_string(id);
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == id - 1);
  CHECK(RawInt(path, "SELECT count(*) FROM case_events WHERE case_id = " + failed_id) == 0);
  CHECK(RawInt(path, "SELECT count(*) FROM deadlines WHERE case_id = " + failed_id) == 0);

  faults.CapPages(0);
  engine::Status retried = Save(*store, failed.now, failed.last_events);
  INFO(retried.ToString());
  CHECK(retried.ok());
  CHECK(RawInt(path, "SELECT count(*) FROM cases") == id);
  auto findings = storage::VerifyAudit(path);
  REQUIRE(findings.ok());
  CHECK(findings->empty());
}

// The child: saves cases forever, acknowledging each id on the pipe after Write returned.
[[noreturn]] void SaveUntilKilled(const std::string& path,
                                  const storage::SqliteStoreOptions& options, int ack_fd) {
  auto store = storage::SqliteStore::Open(path, options);
  if (!store.ok()) _exit(2);
  for (engine::CaseId id = 1;; ++id) {
    CaseStory story = CaseStory::Reported(id);
    if (!Save(**store, story.now, story.last_events).ok()) _exit(3);
    story.Verify(Hours(1));
    if (!Save(**store, story.now, story.last_events).ok()) _exit(4);
    if (write(ack_fd, &id, sizeof id) != sizeof id) _exit(5);
  }
}

// Reads whole ids from `fd` until `want` are in or EOF or the deadline passes.
void ReadAcks(int fd, std::vector<engine::CaseId>& acked, std::string& partial, size_t want,
              std::chrono::steady_clock::time_point deadline) {
  while (acked.size() < want && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return;  // EOF: the child is gone
    partial.append(buf, static_cast<size_t>(n));
    while (partial.size() >= sizeof(engine::CaseId)) {
      engine::CaseId id;
      std::memcpy(&id, partial.data(), sizeof id);
      partial.erase(0, sizeof id);
      acked.push_back(id);
    }
  }
}

TEST_CASE("kill -9 of a writing process loses no acknowledged case and leaves the audit intact",
          "[storage][slow]") {
  const WritePath write_path = GENERATE(WritePath::kDefault, WritePath::kPlain);
  INFO(Name(write_path));
  TempDir dir;
  const std::string path = dir.File("gc.db");
  const storage::SqliteStoreOptions options = With(write_path);
  { auto create = OpenStore(path, options); }  // schema first, so the child only writes cases

  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    SaveUntilKilled(path, options, fds[1]);
  }
  close(fds[1]);

  std::vector<engine::CaseId> acked;
  std::string partial;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  ReadAcks(fds[0], acked, partial, 40, deadline);
  REQUIRE(kill(child, SIGKILL) == 0);
  int wstatus = 0;
  REQUIRE(waitpid(child, &wstatus, 0) == child);
  CHECK(WIFSIGNALED(wstatus));
  // Acks already in the pipe were sent after a durable commit: they count too.
  ReadAcks(fds[0], acked, partial, SIZE_MAX, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  close(fds[0]);
  REQUIRE(acked.size() >= 40);

  auto store = OpenStore(path, options);
  auto reader = store->Read();
  REQUIRE(reader.ok());
  for (engine::CaseId id : acked) {
    auto c = (*reader)->GetCase(id);
    REQUIRE(c.ok());
    INFO("case " << id);
    REQUIRE(c->has_value());
    CHECK((*c)->version == 2);
  }
  reader->reset();
  auto findings = storage::VerifyAudit(path);
  REQUIRE(findings.ok());
  for (const auto& f : *findings) FAIL_CHECK(f.problem);
}

}  // namespace
}  // namespace gridcare::testing
