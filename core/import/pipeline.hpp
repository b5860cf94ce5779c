#pragma once
// Two-stage pipeline: a worker thread produces items (reads and validates
// rows) while the calling thread consumes them (writes them to the store),
// in order. On a machine with a spare core the parsing costs no wall time.
//
// Bounded: kBatches batches of kRows items exist for the whole run, so the
// memory stays constant, and items are reused (an item keeps its buffers from
// one row to the next).
#include <array>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace herald::import {

template <typename Item>
class Pipeline {
 public:
  static constexpr size_t kRows = 512;
  static constexpr size_t kBatches = 4;

  // `produce` fills the item it is given and returns true, or returns false
  // at the end of the input (that item is then not consumed). It runs on the
  // worker thread, and must not touch what `consume` touches. `consume` runs
  // on the calling thread, item by item in production order. An exception
  // from either stops both and is rethrown here.
  void run(const std::function<bool(Item&)>& produce, const std::function<void(Item&)>& consume) {
    for (size_t b = 0; b < kBatches; ++b) {
      batches_[b].items.resize(kRows);
      free_.push_back(b);
    }
    std::thread worker([&] { producer(produce); });
    try {
      consumer(consume);
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        stop_ = true;
      }
      changed_.notify_all();
      worker.join();
      throw;
    }
    worker.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  struct Batch {
    std::vector<Item> items;
    size_t count = 0;
    bool last = false;
  };

  void producer(const std::function<bool(Item&)>& produce) {
    try {
      for (;;) {
        size_t b = 0;
        {
          std::unique_lock lock(mutex_);
          changed_.wait(lock, [&] { return stop_ || !free_.empty(); });
          if (stop_) return;
          b = free_.front();
          free_.pop_front();
        }
        Batch& batch = batches_[b];
        batch.count = 0;
        batch.last = false;
        while (batch.count < kRows) {
          if (!produce(batch.items[batch.count])) {
            batch.last = true;
            break;
          }
          ++batch.count;
        }
        {
          std::lock_guard lock(mutex_);
          full_.push_back(b);
        }
        changed_.notify_all();
        if (batch.last) return;
      }
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        ended_ = true;
      }
      changed_.notify_all();
    }
  }

  void consumer(const std::function<void(Item&)>& consume) {
    for (;;) {
      size_t b = 0;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return ended_ || !full_.empty(); });
        if (full_.empty()) return;  // the producer failed; run() rethrows
        b = full_.front();
        full_.pop_front();
      }
      Batch& batch = batches_[b];
      for (size_t i = 0; i < batch.count; ++i) consume(batch.items[i]);
      if (batch.last) return;
      {
        std::lock_guard lock(mutex_);
        free_.push_back(b);
      }
      changed_.notify_all();
    }
  }

  std::array<Batch, kBatches> batches_;
  std::deque<size_t> free_;
  std::deque<size_t> full_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
  bool ended_ = false;
  std::exception_ptr error_;
};

}  // namespace herald::import
