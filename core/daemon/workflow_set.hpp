#pragma once
// The workflows a daemon serves: every file of `workflows_dir`, validated as
// `herald validate` does and prepared to run. Built whole by a (re)load and
// swapped whole, so the daemon never serves a half-loaded set.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "engine/run_plan.hpp"

namespace herald::daemon {

struct ServedWorkflow {
  std::string name;
  std::filesystem::path file;
  std::string revision;                   // SHA-256 of the file, as `herald run` stores it
  std::shared_ptr<engine::RunPlan> plan;  // workflow + compiled templates + plugin instances
};

struct WorkflowSet {
  std::map<std::string, ServedWorkflow> by_name;
};

}  // namespace herald::daemon
