#pragma once
// Internal to core/plugin: the threads that call plugins' run_batch, so that
// the engine's io_context thread never runs plugin code that might block.
// Bounded (kWorkers threads), and fair between plugins: one plugin has at
// most kPerPlugin calls running at once, so a plugin whose calls hang
// wedges its own share and the others keep going. Calls of a plugin at its
// limit wait in a queue (their deadline runs meanwhile: the engine's timer
// starts when the batch is handed to the host, not when a worker takes it).
#include <functional>
#include <memory>
#include <string>

namespace herald::plugin {

class CallPool {
 public:
  static constexpr size_t kWorkers = 4;
  static constexpr size_t kPerPlugin = 2;

  explicit CallPool(size_t workers = kWorkers, size_t per_plugin = kPerPlugin);
  // Joins idle workers; a worker still inside a plugin call is detached (it
  // cannot be interrupted) and exits when the call returns. Queued tasks
  // that no worker took are dropped.
  ~CallPool();
  CallPool(const CallPool&) = delete;
  CallPool& operator=(const CallPool&) = delete;

  // Runs `task` on a worker once one is free and `plugin` is under its
  // limit; tasks of one plugin start in the order they were submitted.
  // The workers start on the first submit (`herald validate` starts none).
  void submit(const std::string& plugin, std::function<void()> task);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace herald::plugin
