#pragma once
// A batch whose contacts settle one by one, in provider callbacks on the
// loop: the last outcome completes it. Shared by the callbacks of a batch.
#include <herald/sdk.hpp>
#include <memory>
#include <mutex>
#include <utility>

namespace herald::provider {

class BatchCountdown {
 public:
  explicit BatchCountdown(herald::Batch batch) : batch_(std::move(batch)), left_(batch_.size()) {}

  herald::Batch& batch() { return batch_; }

  // Sets contact i's outcome; the last one completes the batch. The lock:
  // run() may still settle contacts on its worker while the first answers
  // arrive on the loop, and a Batch is used from one thread at a time.
  void settle(size_t i, herald::Outcome outcome) {
    std::lock_guard lock(mu_);
    batch_.set(i, std::move(outcome));
    if (--left_ == 0) batch_.complete();
  }

 private:
  std::mutex mu_;
  herald::Batch batch_;
  size_t left_;
};

}  // namespace herald::provider
