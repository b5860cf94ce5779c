#pragma once
// Everything a run needs from a validated workflow, prepared once per run:
// each step's type, its templated config compiled, and one live instance per
// plugin step (destroyed with the plan, at the end of the run).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "message/partials.hpp"
#include "message/templated_config.hpp"
#include "plugin/registry.hpp"
#include "util/diagnostic.hpp"
#include "workflow/model.hpp"

namespace herald::engine {

struct StepRuntime {
  const workflow::Step* step = nullptr;
  const plugin::StepTypeInfo* type = nullptr;
  size_t index = 0;                                // position in the workflow file
  std::optional<tmpl::TemplatedConfig> config;     // plugin steps
  std::unique_ptr<plugin::StepInstance> instance;  // plugin steps
  // Delivery steps an experiment's variants change: the config each of
  // those variants sends (workflow::Step::variant_configs, compiled).
  struct VariantConfig {
    std::string experiment;
    std::string variant;
    tmpl::TemplatedConfig config;
  };
  std::vector<VariantConfig> variant_configs;
  int64_t guardrails_checked_ms = 0;  // experiment steps (engine/experiment_step)

  // The config to render for a journey: its experiment variant's, else the
  // step's own.
  const tmpl::TemplatedConfig* configFor(const nlohmann::json& vars) const;

  bool builtin() const { return type->builtin; }
  bool delivery() const { return (type->flags & HERALD_STEP_DELIVERY) != 0; }
  bool idempotent() const { return (type->flags & HERALD_STEP_IDEMPOTENT) != 0; }
};

// How a step's config renders for one journey: the contact's locale (else
// the workflow's), the workflow's currency and undefined-variable mode.
// `contact` and `vars` are borrowed by the result.
tmpl::RenderContext configContext(const workflow::Workflow& wf, const store::Contact& contact,
                                  const nlohmann::json& vars, int64_t now_ms);

// A workflow file loaded, validated and its templates compiled, as a run
// needs it: nullopt when `diags` got an error.
std::optional<workflow::Workflow> loadRunnable(const std::string& path, plugin::Registry& registry,
                                               Diagnostics& diags);

class RunPlan {
 public:
  // Compiles every templated field and instantiates every plugin step of a
  // workflow that passed validation. Problems (a malformed template, a
  // plugin refusing its config) go to `diags` at FILE:LINE:COL; nullptr then.
  static std::unique_ptr<RunPlan> build(workflow::Workflow workflow, plugin::Registry& registry,
                                        Diagnostics& diags);
  // Only compiles the templates (what `validate` can check without creating
  // instances); reports into `diags`.
  static void checkTemplates(const workflow::Workflow& workflow, plugin::Registry& registry,
                             Diagnostics& diags);
  // The same, keeping each plugin step's compiled config (for `validate`'s
  // warnings about the variables the templates output).
  struct CompiledStep {
    const workflow::Step* step = nullptr;
    tmpl::TemplatedConfig config;
  };
  static std::vector<CompiledStep> compileTemplates(const workflow::Workflow& workflow,
                                                    plugin::Registry& registry, Diagnostics& diags);

  RunPlan(const RunPlan&) = delete;
  RunPlan& operator=(const RunPlan&) = delete;
  ~RunPlan();

  const workflow::Workflow& workflow() const { return workflow_; }
  std::vector<StepRuntime>& steps() { return steps_; }
  const std::vector<StepRuntime>& steps() const { return steps_; }
  StepRuntime* find(const std::string& id);
  const StepRuntime* find(const std::string& id) const;

 private:
  RunPlan() = default;
  workflow::Workflow workflow_;
  std::unique_ptr<message::FolderPartials> partials_;  // templates/ beside the workflow
  std::vector<StepRuntime> steps_;
};

}  // namespace herald::engine
