// A Store that can fail a write after its callback has done all its work — the moment a
// crash or a full disk would strike between writing and committing. Reads pass through.
#pragma once

#include <atomic>

#include "engine/store.h"

namespace gridcare::testing {

class FaultyStore : public engine::Store {
 public:
  explicit FaultyStore(engine::Store& inner) : inner_(inner) {}

  // While set, every write is abandoned just before COMMIT.
  void FailBeforeCommit(bool on) { fail_ = on; }

  engine::Status Write(const std::function<engine::Status(engine::StoreWriter&)>& fn) override {
    return inner_.Write([&](engine::StoreWriter& w) -> engine::Status {
      engine::Status s = fn(w);
      if (s.ok() && fail_) return engine::Unavailable("injected failure before commit");
      return s;
    });
  }
  void WriteAsync(WriteFn fn, WriteDone done) override {
    inner_.WriteAsync(
        [this, fn = std::move(fn)](engine::StoreWriter& w) -> engine::Status {
          engine::Status s = fn(w);
          if (s.ok() && fail_) return engine::Unavailable("injected failure before commit");
          return s;
        },
        std::move(done));
  }
  engine::Result<std::unique_ptr<engine::StoreReader>> Read() override { return inner_.Read(); }
  engine::WriteStats write_stats() const override { return inner_.write_stats(); }
  void RecordAccess(std::vector<engine::AccessRecord> records) override {
    inner_.RecordAccess(std::move(records));
  }

 private:
  engine::Store& inner_;
  std::atomic<bool> fail_{false};
};

}  // namespace gridcare::testing
