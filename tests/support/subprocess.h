// Child processes for end-to-end tests: the real `gridcare` binary and `protoc`.
// Header-only (posix_spawn, pipes, poll); every wait is bounded by a deadline.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace gridcare::testing {

namespace subprocess_detail {

inline std::vector<char*> Argv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

// The child starts with no blocked signals and default handlers for the ones tests send,
// whatever the test runner did to its own.
inline void DefaultSignals(posix_spawnattr_t* attr) {
  posix_spawnattr_init(attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(attr, &none);
  posix_spawnattr_setsigdefault(attr, &defaults);
  posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

// waitpid with a deadline, polling WNOHANG. Returns the wait status, or nullopt on timeout.
inline std::optional<int> WaitPid(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace subprocess_detail

// A long-running child (e.g. `gridcare serve`) whose stdout and stderr are collected by a
// reader thread, so the child never blocks on a full pipe.
class Subprocess {
 public:
  explicit Subprocess(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      error_ = std::string("pipe: ") + std::strerror(errno);
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawnattr_t attr;
    subprocess_detail::DefaultSignals(&attr);
    auto argv = subprocess_detail::Argv(args);
    const int rc = ::posix_spawn(&pid_, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    if (rc != 0) {
      error_ = "posix_spawn " + args[0] + ": " + std::strerror(rc);
      pid_ = -1;
      ::close(fds[0]);
      return;
    }
    reader_ = std::thread([this, fd = fds[0]] {
      char buf[4096];
      for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        std::lock_guard lock(mu_);
        if (n <= 0) {
          eof_ = true;
          cv_.notify_all();
          break;
        }
        output_.append(buf, static_cast<size_t>(n));
        cv_.notify_all();
      }
      ::close(fd);
    });
  }

  // Kills a child that is still running, so a failing test leaves nothing behind.
  ~Subprocess() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      subprocess_detail::WaitPid(pid_, std::chrono::seconds(10));
    }
    if (reader_.joinable()) reader_.join();
  }
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  bool started() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  pid_t pid() const { return pid_; }

  // Waits until the output holds a whole line containing `needle` and returns that line;
  // "" when the child closes its output or the deadline passes first.
  std::string WaitForLine(const std::string& needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto at = output_.find(needle);
      if (at != std::string::npos) {
        const auto end = output_.find('\n', at);
        if (end != std::string::npos) {
          const auto begin = output_.rfind('\n', at);
          const size_t from = begin == std::string::npos ? 0 : begin + 1;
          return output_.substr(from, end - from);
        }
      }
      if (eof_) return "";
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout &&
          std::chrono::steady_clock::now() >= deadline) {
        return "";
      }
    }
  }

  std::string output() const {
    std::lock_guard lock(mu_);
    return output_;
  }

  bool Signal(int sig) { return pid_ > 0 && !status_ && ::kill(pid_, sig) == 0; }

  // The wait status once the child has ended, or nullopt when it is still running at the
  // deadline. Reaps the child; later calls return the same status.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    if (!status_ && pid_ > 0) status_ = subprocess_detail::WaitPid(pid_, timeout);
    if (status_ && reader_.joinable()) reader_.join();  // the pipe closes when the child ends
    return status_;
  }

 private:
  pid_t pid_ = -1;
  std::string error_;
  std::optional<int> status_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string output_;
  bool eof_ = false;
};

struct RunResult {
  int exit_code = -1;  // -1: did not start, was killed by a signal, or timed out
  std::string out;
  std::string err;
};

// Runs `args` to completion with `input` on stdin; collects stdout and stderr apart.
// A child still running at the deadline is killed (exit_code -1, err says so).
inline RunResult RunProcess(const std::vector<std::string>& args, const std::string& input = "",
                            std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  RunResult result;
  // A child that exits without reading all its input must not kill the test with SIGPIPE.
  static const bool sigpipe_ignored = std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  (void)sigpipe_ignored;
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
      ::pipe2(err, O_CLOEXEC) != 0) {
    result.err = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attr;
  subprocess_detail::DefaultSignals(&attr);
  auto argv = subprocess_detail::Argv(args);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    result.err = "posix_spawn " + args[0] + ": " + std::strerror(rc);
    return result;
  }
  // Feed stdin and drain both outputs together, so no pipe fills up and blocks the child.
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  int in_fd = in[1];
  size_t written = 0;
  if (input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  int out_fd = out[0], err_fd = err[0];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (out_fd >= 0 || err_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    if (::poll(p, 3, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    if (in_fd >= 0 && (p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = ::write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) written = input.size();  // the child closed stdin
      if (written == input.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
    for (int i : {1, 2}) {
      int& fd = i == 1 ? out_fd : err_fd;
      if (fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        (i == 1 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fd);
        fd = -1;
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  if (timed_out) ::kill(pid, SIGKILL);
  const auto status = subprocess_detail::WaitPid(pid, std::chrono::seconds(10));
  if (timed_out) {
    result.err += "\n[killed: still running after " + std::to_string(timeout.count()) + " ms]";
  } else if (status && WIFEXITED(*status)) {
    result.exit_code = WEXITSTATUS(*status);
  }
  return result;
}

}  // namespace gridcare::testing
