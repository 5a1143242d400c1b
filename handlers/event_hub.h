// Live case changes for GET /v1/stream: committed changes fan out to subscribers, each
// seeing only cases in their scope. Not the socket side (http_server.cpp writes the bytes).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/case.h"
#include "engine/org_tree.h"

namespace gridcare::handlers {

// One subscriber's queue of ready-to-send SSE frames. The server attaches a sink that
// wakes its connection; frames published before that wait in the queue.
class StreamSubscription {
 public:
  static constexpr size_t kMaxQueued = 4096;  // a reader this far behind is cut off

  explicit StreamSubscription(engine::Actor actor) : actor_(std::move(actor)) {}

  const engine::Actor& actor() const { return actor_; }
  // Called (from any thread) when frames are waiting.
  void SetWakeup(std::function<void()> wakeup);
  // Takes every queued frame. `overflowed` is set when frames were dropped.
  std::vector<std::string> Drain(bool* overflowed);
  void Push(std::string frame);
  void Close();
  bool closed() const;

 private:
  const engine::Actor actor_;
  mutable std::mutex mu_;
  std::deque<std::string> queue_;
  std::function<void()> wakeup_;
  bool overflowed_ = false;
  bool closed_ = false;
};

class EventHub {
 public:
  using TreeSource = std::function<std::shared_ptr<const engine::OrgTree>()>;
  explicit EventHub(TreeSource tree) : tree_(std::move(tree)) {}

  std::shared_ptr<StreamSubscription> Subscribe(const engine::Actor& actor);
  // After a commit: one `event: case` frame per event to every subscriber who can read
  // the case as it now is.
  void Publish(const engine::Case& after, const std::vector<engine::CaseEvent>& events);
  // Ends every stream (graceful shutdown).
  void CloseAll();
  size_t subscriber_count() const;

 private:
  TreeSource tree_;
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<StreamSubscription>> subscribers_;
};

}  // namespace gridcare::handlers
