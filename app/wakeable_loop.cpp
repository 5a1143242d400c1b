// WakeableLoop: one mutex guards the stop and poke flags and the end of the sleep; the step
// runs outside it.
#include "app/wakeable_loop.h"

#include <utility>

#include "util/named_thread.h"

namespace gridcare::app {

WakeableLoop::WakeableLoop(std::string name, Step step)
    : name_(std::move(name)), step_(std::move(step)) {}

WakeableLoop::~WakeableLoop() { Stop(); }

void WakeableLoop::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = util::StartNamedThread(name_.c_str(), [this] { Loop(); });
}

void WakeableLoop::Stop() { util::StopThread(mu_, stop_, wake_, thread_); }

void WakeableLoop::Poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  wake_.notify_all();
}

bool WakeableLoop::PokeBefore(SysTime when) {
  {
    std::lock_guard lock(mu_);
    if (sleeping_until_ && when >= *sleeping_until_) return false;
    poked_ = true;
  }
  wake_.notify_all();
  return true;
}

std::optional<WakeableLoop::SysTime> WakeableLoop::sleeping_until() const {
  std::lock_guard lock(mu_);
  return sleeping_until_;
}

void WakeableLoop::Loop() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      poked_ = false;
    }
    const SysTime until = step_();
    std::unique_lock lock(mu_);
    if (stop_) return;
    if (poked_) continue;  // poked while the step ran: what it saw may be stale already
    sleeping_until_ = until;
    wake_.wait_until(lock, until, [this] { return stop_ || poked_; });
    sleeping_until_.reset();
  }
}

}  // namespace gridcare::app
