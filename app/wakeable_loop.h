// A named background thread that runs one step, sleeps until the time the step asks for or
// until poked, and stops cleanly: the loop the SLA scheduler and the notification
// dispatcher share. Not what a step does; they say that.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace gridcare::app {

class WakeableLoop {
 public:
  using SysTime = std::chrono::system_clock::time_point;
  // Runs once per wake-up, on the loop's thread; returns when to run again at the latest.
  // The wait is absolute on the wall clock: a clock set forward past it ends it.
  using Step = std::function<SysTime()>;

  // `name`: the thread's name for top -H, perf and gdb (at most 15 characters).
  WakeableLoop(std::string name, Step step);
  ~WakeableLoop();  // Stop()
  WakeableLoop(const WakeableLoop&) = delete;
  WakeableLoop& operator=(const WakeableLoop&) = delete;

  // Starts the thread, which runs the step at once. Does nothing when running.
  void Start();
  // Wakes the thread and waits until it has ended; a step under way finishes first. Start
  // may be called again afterwards.
  void Stop();
  // Runs the step again as soon as possible: now if asleep, right after the step under way
  // otherwise.
  void Poke();
  // Pokes only if `when` comes before the end of the current sleep (or a step is under way,
  // whose next sleep is not known yet). True if it poked.
  bool PokeBefore(SysTime when);
  // The end of the current sleep; empty while a step runs or the thread is stopped.
  std::optional<SysTime> sleeping_until() const;

 private:
  void Loop();

  const std::string name_;
  const Step step_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool poked_ = false;
  std::optional<SysTime> sleeping_until_;
  std::thread thread_;
};

}  // namespace gridcare::app
