#include "engine/run_plan.hpp"

#include "schema/schema.hpp"

namespace herald::engine {
namespace {

SourcePos positionOf(const workflow::Step& step, const std::string& pointer) {
  auto it = step.config_positions.find(pointer);
  return it != step.config_positions.end() ? it->second : step.with_pos;
}

std::optional<tmpl::TemplatedConfig> compileConfig(const workflow::Step& step,
                                                   const plugin::StepTypeInfo& type,
                                                   Diagnostics& diags) {
  // The plugin sees its defaults filled in; a default may be templated too.
  const nlohmann::json config = schema::withDefaults(type.schema, step.config);
  return tmpl::TemplatedConfig::compile(schema::templatedPaths(type.schema), config,
                                        step.config_positions, step.with_pos,
                                        "step '" + step.id + "' (" + step.uses + ")", diags);
}

}  // namespace

RunPlan::~RunPlan() = default;

void RunPlan::checkTemplates(const workflow::Workflow& workflow, plugin::Registry& registry,
                             Diagnostics& diags) {
  for (const auto& step : workflow.steps) {
    const plugin::StepTypeInfo* type = registry.find(step.uses);
    if (type && !type->builtin) compileConfig(step, *type, diags);
  }
}

std::unique_ptr<RunPlan> RunPlan::build(workflow::Workflow workflow, plugin::Registry& registry,
                                        Diagnostics& diags) {
  std::unique_ptr<RunPlan> plan(new RunPlan());
  plan->workflow_ = std::move(workflow);
  const size_t errors_before = diags.errorCount();
  plan->steps_.reserve(plan->workflow_.steps.size());
  for (size_t i = 0; i < plan->workflow_.steps.size(); ++i) {
    const workflow::Step& step = plan->workflow_.steps[i];
    StepRuntime rt;
    rt.step = &step;
    rt.index = i;
    rt.type = registry.find(step.uses);
    if (!rt.type) {
      diags.error(step.uses_pos, "step '" + step.id + "': unknown step type '" + step.uses + "'");
      continue;
    }
    if (!rt.type->builtin) {
      rt.config = compileConfig(step, *rt.type, diags);
      std::vector<plugin::ConfigProblem> problems;
      plugin::StepSetup setup;  // x-segment rules: positions, named segments, zone
      setup.positions = &step.config_positions;
      setup.fallback = step.with_pos;
      setup.segments = plan->workflow_.segments;
      setup.timezone = plan->workflow_.timezone;
      rt.instance = registry.instantiate(step.uses, step.id, step.config, problems, setup);
      for (const auto& p : problems) {
        diags.error(p.pos ? *p.pos : positionOf(step, p.json_pointer),
                    "step '" + step.id + "' (" + step.uses + "): " + p.message);
      }
      if (!rt.instance && problems.empty()) {
        diags.error(step.pos, "step '" + step.id + "' (" + step.uses +
                                  "): the plugin could not create the step");
      }
    }
    plan->steps_.push_back(std::move(rt));
  }
  if (diags.errorCount() > errors_before) return nullptr;
  return plan;
}

StepRuntime* RunPlan::find(const std::string& id) {
  for (auto& s : steps_)
    if (s.step->id == id) return &s;
  return nullptr;
}

const StepRuntime* RunPlan::find(const std::string& id) const {
  for (const auto& s : steps_)
    if (s.step->id == id) return &s;
  return nullptr;
}

}  // namespace herald::engine
