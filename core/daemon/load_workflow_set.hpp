#pragma once
// Builds the daemon's WorkflowSet from `workflows_dir`: every *.yaml / *.yml
// file directly in it, checked exactly as `herald validate DIR` checks them
// (the same engine::validateFiles call), then prepared to run (RunPlan). All or
// nothing: one error anywhere and no set is built.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "daemon/workflow_set.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"
#include "util/diagnostic.hpp"

namespace herald::daemon {

// Problems (errors and warnings) go to `diags` at FILE:LINE:COL; nullptr
// when there was an error. An empty directory is an empty set (a warning).
std::shared_ptr<WorkflowSet> loadWorkflowSet(const std::filesystem::path& dir,
                                             plugin::Registry& registry, store::Store* store,
                                             int64_t now_ms, Diagnostics& diags);

}  // namespace herald::daemon
