#include "engine/engine.hpp"

#include "engine/run_loop.hpp"

namespace herald::engine {

Engine::Engine(boost::asio::io_context& io, store::Store& store, const Clock& clock)
    : io_(io), store_(store), clock_(clock) {}

Engine::~Engine() = default;

void Engine::start(RunPlan& plan, const RunOptions& options, std::function<void(RunResult)> done) {
  loop_ = std::make_shared<RunLoop>(io_, store_, clock_, plan, options, std::move(done));
  loop_->prepare();
  loop_->start();
}

void Engine::stop() {
  if (loop_) loop_->stop();
}

RunResult runToCompletion(boost::asio::io_context& io, store::Store& store, const Clock& clock,
                          RunPlan& plan, const RunOptions& options) {
  std::optional<RunResult> out;
  Engine engine(io, store, clock);
  engine.start(plan, options, [&out](RunResult r) { out = std::move(r); });
  io.restart();
  io.run();
  if (!out) {
    RunResult r;
    r.error = "the engine stopped before the run finished";
    return r;
  }
  return std::move(*out);
}

}  // namespace herald::engine
