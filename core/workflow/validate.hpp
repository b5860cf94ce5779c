#pragma once
// Everything `herald validate` checks beyond the workflow's own keys: each
// step's `with` against its type's schema and the plugin's own checks, the
// built-ins, and the graph (unknown step types, unknown targets, duplicate
// ids, unreachable steps, cycles without a wait, branches).
#include <optional>
#include <string>

#include "plugin/registry.hpp"
#include "util/diagnostic.hpp"
#include "workflow/model.hpp"

namespace herald::workflow {

// Reports every problem into `diags`. Also compiles the built-ins'
// configs (Step::condition, Step::wait, Trigger::schedule) so the
// engine never parses at run time. `registry` must hold the built-ins
// (registerBuiltins) and the loaded plugins.
void validateWorkflow(Workflow& wf, plugin::Registry& registry, Diagnostics& diags);

// loadWorkflow + validateWorkflow: the workflow when it has no errors
// (warnings allowed), else nullopt. Diagnostics are appended unsorted.
std::optional<Workflow> loadAndValidate(const std::string& path, plugin::Registry& registry,
                                        Diagnostics& diags);

}  // namespace herald::workflow
