// The start and stop every background thread of the server shares: it carries a name (for
// top -H, perf and gdb), and it is stopped by setting its flag under its mutex, waking it
// and joining it.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace gridcare::util {

// Runs `body` on a new thread named `name` (at most 15 characters: the kernel's limit).
template <typename Body>
std::thread StartNamedThread(const char* name, Body body) {
  return std::thread([name, body = std::move(body)]() mutable {
    pthread_setname_np(pthread_self(), name);
    body();
  });
}

// Tells the thread that waits on `wake` for `stop` to end, and waits until it has. A
// thread that was never started is fine.
inline void StopThread(std::mutex& mu, bool& stop, std::condition_variable& wake,
                       std::thread& thread) {
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  wake.notify_all();
  if (thread.joinable()) thread.join();
}

}  // namespace gridcare::util
