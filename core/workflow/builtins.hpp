#pragma once
// The engine's control-flow step types, described like plugin step types
// (name, summary, config schema) so validation, `herald schema` and
// `herald plugins` treat them the same way.
#include <string>

#include "plugin/registry.hpp"
#include "util/diagnostic.hpp"
#include "workflow/model.hpp"

namespace herald::workflow {

inline constexpr const char* kConditionStep = "condition";
inline constexpr const char* kWaitStep = "wait";
inline constexpr const char* kExitStep = "exit";
inline constexpr const char* kExperimentStep = "experiment";

// Adds condition, wait, exit and experiment (StepTypeInfo::builtin = true).
void registerBuiltins(plugin::Registry& registry);

bool isBuiltinStep(const std::string& uses);

// Patterns that let an editor flag a malformed duration or time of day as
// it is typed. Validation checks these itself, with better messages than a
// pattern mismatch, so they live only in the schema `herald schema` prints.
void addEditorHints(const std::string& uses, nlohmann::json& with_schema);

// Semantic checks and compilation of a built-in step whose `with` already
// passed its schema: parses the condition (errors at the exact column inside
// the expression) or the wait (duration, time of day, time zone) and stores
// the result in step.condition / step.wait / step.experiment. Does nothing
// for other types. `wf.source` places errors inside the expression.
void compileBuiltin(Step& step, const Workflow& wf, Diagnostics& diags);

}  // namespace herald::workflow
