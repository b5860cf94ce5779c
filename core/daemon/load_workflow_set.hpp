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

// The plan of a revision no longer in workflows_dir (the file changed while
// the daemon was down), rebuilt from its text as the store kept it, checked
// as if it were the file `workflows_dir/NAME.yaml` today (its message files
// and segments are today's). Lets the journeys of that revision finish on
// it. nullptr, with the problems in `diags`, when it no longer validates.
std::shared_ptr<engine::RunPlan> planOfStoredRevision(const store::WorkflowRevision& rev,
                                                      const std::filesystem::path& workflows_dir,
                                                      plugin::Registry& registry, int64_t now_ms,
                                                      Diagnostics& diags);

}  // namespace herald::daemon
