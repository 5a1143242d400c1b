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
#include "engine/clock.h"
#include "engine/status.h"
#include "engine/org_tree.h"

namespace gridcare::handlers {

// One subscriber's queue of ready-to-send SSE frames. The server attaches a sink that
// wakes its connection; frames published before that wait in the queue.
class StreamSubscription {
 public:
  static constexpr size_t kMaxQueued = 4096;  // a reader this far behind is cut off

  // A stream lives no longer than the session that opened it: `expires` is the session's
  // expiry, `token_hash` names the session for EndSession.
  StreamSubscription(engine::Actor actor, std::string token_hash, engine::TimePoint expires,
                     const engine::Clock& clock)
      : actor_(std::move(actor)),
        token_hash_(std::move(token_hash)),
        expires_(expires),
        clock_(clock) {}

  const engine::Actor& actor() const { return actor_; }
  const std::string& token_hash() const { return token_hash_; }
  // Called (from any thread) when frames are waiting.
  void SetWakeup(std::function<void()> wakeup);
  // Takes every queued frame. `overflowed` is set when frames were dropped.
  std::vector<std::string> Drain(bool* overflowed);
  void Push(std::string frame);
  void Close();
  // Closed, or its session has expired (the server asks at least every heartbeat).
  bool closed() const;

 private:
  const engine::Actor actor_;
  const std::string token_hash_;
  const engine::TimePoint expires_;
  const engine::Clock& clock_;
  mutable std::mutex mu_;
  std::deque<std::string> queue_;
  std::function<void()> wakeup_;
  bool overflowed_ = false;
  bool closed_ = false;
};

// Streams are long-lived: limited per user and in all, apart from the connection limit, so
// one user's tabs cannot take the slots that sign-in, health checks and writes need.
struct StreamLimits {
  std::size_t per_user = 4;
  std::size_t total = 512;
};

class EventHub {
 public:
  using TreeSource = std::function<std::shared_ptr<const engine::OrgTree>()>;
  EventHub(TreeSource tree, const engine::Clock& clock, StreamLimits limits = {})
      : tree_(std::move(tree)), clock_(clock), limits_(limits) {}

  // RESOURCE_EXHAUSTED when the user or the server has as many open streams as allowed.
  engine::Result<std::shared_ptr<StreamSubscription>> Subscribe(const engine::Actor& actor,
                                                               const std::string& token_hash,
                                                               engine::TimePoint expires);
  // Ends the streams a session opened (sign-out), or every stream of a user.
  void EndSession(const std::string& token_hash);
  void EndUser(const std::string& user_id);
  // After a commit: one `event: case` frame per event to every subscriber who can read
  // the case as it now is.
  void Publish(const engine::Case& after, const std::vector<engine::CaseEvent>& events);
  // Ends every stream (graceful shutdown).
  void CloseAll();
  size_t subscriber_count() const;

 private:
  // Drops subscriptions whose connection has gone. Needs mu_.
  void PruneLocked();

  TreeSource tree_;
  const engine::Clock& clock_;
  const StreamLimits limits_;
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<StreamSubscription>> subscribers_;
};

}  // namespace gridcare::handlers
