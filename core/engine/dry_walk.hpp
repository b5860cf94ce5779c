#pragma once
// One contact walked through a workflow, dry, up to a step: conditions
// branch, waits pass at once, plugin steps are called as in a dry run
// (nothing delivered, nothing stored: no run, no journey, no ledger key)
// and their output variables merged, as the journey would carry them.
// `herald template render --workflow` shows a step's message this way, with
// the values and recommendations a personalize step before it works out.
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/run_plan.hpp"
#include "store/store.hpp"

namespace herald::engine {

struct DryWalk {
  bool reached = false;
  nlohmann::json vars = nlohmann::json::object();  // the journey's variables on arrival
  std::vector<std::string> path;                   // the steps passed on the way, in order
  std::string stopped;  // when not reached: where and why the journey ended
};

// Walks `contact` from the workflow's first step to `step_id` (which must
// be a step of `plan`). At most as many steps as a journey could pass
// without waiting (a loop must contain a wait, and waits pass here), so a
// loop is left after 10,000 steps.
DryWalk walkTo(RunPlan& plan, const std::string& step_id, const store::Contact& contact,
               store::Store& store, boost::asio::io_context& io, int64_t now_ms);

}  // namespace herald::engine
