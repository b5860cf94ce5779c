#include "plugin/call_pool.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "plugin/crash_report.hpp"
#include "util/log.hpp"

namespace herald::plugin {

struct CallPool::State {
  struct Task {
    std::string plugin;
    std::function<void()> run;
  };

  size_t workers = 0;
  size_t per_plugin = 0;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Task> queue;
  std::map<std::string, size_t> running;  // calls in progress per plugin
  std::vector<std::thread> threads;
  std::vector<bool> busy;  // per worker: inside a task
  bool stop = false;

  // The first queued task whose plugin is under its limit.
  std::deque<Task>::iterator next() {
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if (running[it->plugin] < per_plugin) return it;
    }
    return queue.end();
  }

  static void work(const std::shared_ptr<State>& s, size_t index) {
    prepareCrashReportThread();
    std::unique_lock lock(s->mu);
    while (!s->stop) {
      auto it = s->next();
      if (it == s->queue.end()) {
        s->cv.wait(lock);
        continue;
      }
      Task task = std::move(*it);
      s->queue.erase(it);
      ++s->running[task.plugin];
      s->busy[index] = true;
      lock.unlock();
      try {
        task.run();
      } catch (...) {
        // Tasks catch what plugins throw; this is the host failing (e.g. no
        // memory): the call's deadline still fails the batch.
        try {
          log::error("plugin", "a plugin call failed inside the host");
        } catch (...) {
        }
      }
      task.run = nullptr;  // drop the call's state outside the lock
      lock.lock();
      --s->running[task.plugin];
      s->busy[index] = false;
      // A slot of this plugin freed up: a worker may take its next task.
      s->cv.notify_all();
    }
  }
};

CallPool::CallPool(size_t workers, size_t per_plugin) : state_(std::make_shared<State>()) {
  state_->workers = std::max<size_t>(1, workers);
  state_->per_plugin = std::max<size_t>(1, std::min(per_plugin, state_->workers));
}

CallPool::~CallPool() {
  std::vector<std::thread> threads;
  std::vector<bool> busy;
  {
    std::lock_guard lock(state_->mu);
    state_->stop = true;
    state_->queue.clear();
    threads.swap(state_->threads);
    busy = state_->busy;
  }
  state_->cv.notify_all();
  for (size_t i = 0; i < threads.size(); ++i) {
    // A worker stuck in a plugin cannot be interrupted; it holds the pool's
    // state and the call's, and ends when the plugin returns.
    if (busy[i]) {
      threads[i].detach();
    } else {
      threads[i].join();
    }
  }
}

void CallPool::submit(const std::string& plugin, std::function<void()> task) {
  {
    std::lock_guard lock(state_->mu);
    if (state_->threads.empty()) {
      installCrashReportHandlers();
      state_->busy.assign(state_->workers, false);
      for (size_t i = 0; i < state_->workers; ++i)
        state_->threads.emplace_back(&State::work, state_, i);
    }
    state_->queue.push_back({plugin, std::move(task)});
  }
  state_->cv.notify_all();
}

}  // namespace herald::plugin
