// The writer thread's loop: sleep until there is work, take a group, hand it to the runner.
// Not transactions: the runner (GroupCommit::Write) owns BEGIN/COMMIT/ROLLBACK.
#include "storage/write_queue.h"

#include <functional>
#include <future>
#include <iterator>
#include <memory>
#include <utility>

#include "util/named_thread.h"

namespace gridcare::storage {

using engine::Status;

WriteQueue::WriteQueue(WriteQueueOptions options, Runner runner)
    : options_(options), runner_(std::move(runner)) {
  thread_ = util::StartNamedThread("gc-writer", [this] { Loop(); });
}

WriteQueue::~WriteQueue() { util::StopThread(mu_, stopping_, wake_, thread_); }

void WriteQueue::Submit(WriteCommand command) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(command));
      // Under the lock: once the writer can see the command, this call touches nothing of
      // the queue any more, so the store may go away as soon as the result is in.
      wake_.notify_one();
      return;
    }
  }
  command.done(engine::Unavailable("storage cannot take writes: the store is closing"), nullptr);
}

Status WriteQueue::Run(const WriteFn& fn) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    return engine::Internal(
        "nested Store::Write: a write callback called Write, which would wait on itself");
  }
  WriteCommand command;
  // The caller waits, so the callback may be borrowed rather than copied.
  command.fn = std::ref(fn);
  // Shared: the settling thread may still be inside set_value when this one wakes and
  // returns.
  auto result = std::make_shared<std::promise<Status>>();
  std::future<Status> future = result->get_future();
  command.done = [result](Status status, std::exception_ptr thrown) {
    if (thrown) {
      result->set_exception(thrown);
    } else {
      result->set_value(std::move(status));
    }
  };
  Submit(std::move(command));
  return future.get();
}

void WriteQueue::QueueAccess(std::vector<engine::AccessRecord> records) {
  if (records.empty()) return;
  std::lock_guard lock(mu_);
  const bool was_empty = access_.empty();
  if (was_empty) access_since_ = std::chrono::steady_clock::now();
  access_.insert(access_.end(), std::make_move_iterator(records.begin()),
                 std::make_move_iterator(records.end()));
  TrimAccessLocked();
  // Only the first record changes what the writer waits for (a deadline instead of none).
  if (was_empty) wake_.notify_one();
}

std::size_t WriteQueue::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::uint64_t WriteQueue::dropped_access() const {
  std::lock_guard lock(mu_);
  return dropped_access_;
}

void WriteQueue::TrimAccessLocked() {
  if (access_.size() <= options_.max_pending_access) return;
  const std::size_t excess = access_.size() - options_.max_pending_access;
  access_.erase(access_.begin(), access_.begin() + static_cast<std::ptrdiff_t>(excess));
  dropped_access_ += excess;
}

void WriteQueue::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    if (queue_.empty()) {
      if (access_.empty()) {
        if (stopping_) return;
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || !access_.empty(); });
        continue;
      }
      // Only access records: give a write the chance to carry them (one fsync instead of
      // two), but not forever. When closing, flush them now.
      if (!stopping_ && wake_.wait_until(lock, access_since_ + options_.access_flush_delay,
                                         [&] { return stopping_ || !queue_.empty(); })) {
        continue;
      }
    }

    // The group: everything queued, up to max_group, with every buffered access record.
    WriteGroup group;
    while (!queue_.empty() && group.commands.size() < options_.max_group) {
      group.commands.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    group.access.swap(access_);
    lock.unlock();
    const Status access = runner_(group);
    lock.lock();

    if (group.access.empty() || access.ok()) continue;
    if (access.code() == engine::ErrorCode::kUnavailable && !stopping_) {
      // Back in front of anything queued meanwhile, and not retried on their own before
      // another delay has passed.
      group.access.insert(group.access.end(), std::make_move_iterator(access_.begin()),
                          std::make_move_iterator(access_.end()));
      access_ = std::move(group.access);
      access_since_ = std::chrono::steady_clock::now();
      TrimAccessLocked();
    } else {
      // Unwritable, or closing with storage down: retrying would never end.
      dropped_access_ += group.access.size();
    }
  }
}

}  // namespace gridcare::storage
