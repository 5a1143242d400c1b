// EventHub: scope-filtered fan-out of committed case changes as SSE frames.
#include "handlers/event_hub.h"

#include "engine/scope.h"
#include "handlers/codec.h"

namespace gridcare::handlers {

void StreamSubscription::SetWakeup(std::function<void()> wakeup) {
  bool pending;
  {
    std::lock_guard lock(mu_);
    wakeup_ = std::move(wakeup);
    pending = !queue_.empty() || closed_;
  }
  if (pending && wakeup_) wakeup_();
}

std::vector<std::string> StreamSubscription::Drain(bool* overflowed) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out(std::make_move_iterator(queue_.begin()),
                               std::make_move_iterator(queue_.end()));
  queue_.clear();
  *overflowed = overflowed_;
  return out;
}

void StreamSubscription::Push(std::string frame) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (queue_.size() >= kMaxQueued) {
      overflowed_ = true;
    } else {
      queue_.push_back(std::move(frame));
    }
    wake = wakeup_;
  }
  if (wake) wake();
}

void StreamSubscription::Close() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    wake = wakeup_;
  }
  if (wake) wake();
}

bool StreamSubscription::closed() const {
  {
    std::lock_guard lock(mu_);
    if (closed_) return true;
  }
  return clock_.Now() >= expires_;
}

void EventHub::PruneLocked() {
  std::erase_if(subscribers_, [](const auto& w) {
    const auto s = w.lock();
    return s == nullptr || s->closed();
  });
}

engine::Result<std::shared_ptr<StreamSubscription>> EventHub::Subscribe(
    const engine::Actor& actor, const std::string& token_hash, engine::TimePoint expires) {
  std::lock_guard lock(mu_);
  PruneLocked();
  if (subscribers_.size() >= limits_.total) {
    return engine::ResourceExhausted("the server has " + std::to_string(limits_.total) +
                                     " live streams open; try again later");
  }
  std::size_t mine = 0;
  for (const auto& w : subscribers_) {
    if (auto s = w.lock(); s && s->actor().user_id == actor.user_id) ++mine;
  }
  if (mine >= limits_.per_user) {
    return engine::ResourceExhausted("you have " + std::to_string(mine) +
                                     " live streams open (at most " +
                                     std::to_string(limits_.per_user) + "); close one first");
  }
  auto sub = std::make_shared<StreamSubscription>(actor, token_hash, expires, clock_);
  subscribers_.push_back(sub);
  return sub;
}

void EventHub::EndSession(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  for (const auto& w : subscribers_) {
    if (auto s = w.lock(); s && s->token_hash() == token_hash) s->Close();
  }
  PruneLocked();
}

void EventHub::EndUser(const std::string& user_id) {
  std::lock_guard lock(mu_);
  for (const auto& w : subscribers_) {
    if (auto s = w.lock(); s && s->actor().user_id == user_id) s->Close();
  }
  PruneLocked();
}

void EventHub::Publish(const engine::Case& after, const std::vector<engine::CaseEvent>& events) {
  std::vector<std::shared_ptr<StreamSubscription>> live;
  {
    std::lock_guard lock(mu_);
    PruneLocked();
    for (const auto& w : subscribers_) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
  }
  if (live.empty()) return;
  const auto tree = tree_();
  std::vector<std::string> frames;
  for (const engine::CaseEvent& e : events) {
    v1::StreamEvent msg;
    msg.set_case_id(std::to_string(after.id));
    msg.set_action(ToProto(e.action));
    msg.set_state(ToProto(e.to_state));
    msg.set_assigned_unit_id(e.assigned_unit_id);
    msg.set_overdue(after.overdue);
    ToProto(e.time, msg.mutable_time());
    frames.push_back("event: case\nid: " + std::to_string(after.id) + "-" +
                     std::to_string(e.seq) + "\ndata: " + RenderMessage(msg, false) + "\n\n");
  }
  for (const auto& s : live) {
    if (!engine::CanRead(s->actor(), after, *tree)) continue;
    for (const auto& f : frames) s->Push(f);
  }
}

void EventHub::CloseAll() {
  std::lock_guard lock(mu_);
  for (const auto& w : subscribers_) {
    if (auto s = w.lock()) s->Close();
  }
  subscribers_.clear();
}

size_t EventHub::subscriber_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& w : subscribers_) {
    const auto s = w.lock();
    n += s != nullptr && !s->closed();
  }
  return n;
}

}  // namespace gridcare::handlers
