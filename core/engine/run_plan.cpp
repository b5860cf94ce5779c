#include "engine/run_plan.hpp"

#include <filesystem>

#include "engine/experiment_step.hpp"
#include "schema/schema.hpp"
#include "workflow/template_pos.hpp"
#include "workflow/validate.hpp"

namespace herald::engine {
namespace {

SourcePos positionOf(const workflow::Step& step, const std::string& pointer) {
  auto it = step.config_positions.find(pointer);
  return it != step.config_positions.end() ? it->second : step.with_pos;
}

std::unique_ptr<message::FolderPartials> partialsFor(const workflow::Workflow& wf) {
  return std::make_unique<message::FolderPartials>(
      (std::filesystem::path(wf.path).parent_path() / "templates").string());
}

std::optional<tmpl::TemplatedConfig> compileConfig(const workflow::Workflow& wf,
                                                   const workflow::Step& step,
                                                   const plugin::StepTypeInfo& type,
                                                   const tmpl::PartialLoader& partials,
                                                   Diagnostics& diags) {
  // The plugin sees its defaults filled in; a default may be templated too.
  const nlohmann::json config = schema::withDefaults(type.schema, step.config);
  tmpl::ConfigSpec spec;
  for (const auto& f : schema::templatedFields(type.schema))
    spec.fields.push_back({f.pointer, f.html ? tmpl::Escape::kHtml : tmpl::Escape::kNone});
  for (const auto& p : schema::localesPaths(type.schema)) {
    if (p.size() > 1 && p.find('/', 1) == std::string::npos) spec.locales_key = p.substr(1);
  }
  spec.partials = &partials;
  spec.default_locale = wf.locale;
  if (wf.trigger.kind == workflow::Trigger::Kind::kEvent) spec.trigger_roots = {"event"};
  if (wf.trigger.kind == workflow::Trigger::Kind::kApi) spec.trigger_roots = {"input"};
  spec.context = "step '" + step.id + "' (" + step.uses + ")";
  spec.where = [&wf, &step](const std::string& pointer, size_t offset, int line, int column) {
    return workflow::templatePosition(wf, step, pointer, offset, line, column);
  };
  return tmpl::TemplatedConfig::compile(spec, config, diags);
}

}  // namespace

tmpl::RenderContext configContext(const workflow::Workflow& wf, const store::Contact& contact,
                                  const nlohmann::json& vars, int64_t now_ms) {
  tmpl::RenderContext rctx;
  rctx.currency = wf.currency;
  rctx.now_ms = now_ms;
  rctx.undefined = wf.strict_undefined ? tmpl::Undefined::kStrict : tmpl::Undefined::kLenient;
  rctx.contact = &contact;
  rctx.vars = &vars;
  rctx.locale =
      contact.locale && !contact.locale->empty() ? std::string_view() : std::string_view(wf.locale);
  return rctx;
}

std::optional<workflow::Workflow> loadRunnable(const std::string& path, plugin::Registry& registry,
                                               Diagnostics& diags) {
  auto wf = workflow::loadAndValidate(path, registry, diags);
  if (wf) RunPlan::checkTemplates(*wf, registry, diags);
  if (diags.hasErrors()) return std::nullopt;
  return wf;
}

RunPlan::~RunPlan() = default;

void RunPlan::checkTemplates(const workflow::Workflow& workflow, plugin::Registry& registry,
                             Diagnostics& diags) {
  compileTemplates(workflow, registry, diags);
}

std::vector<RunPlan::CompiledStep> RunPlan::compileTemplates(const workflow::Workflow& workflow,
                                                             plugin::Registry& registry,
                                                             Diagnostics& diags) {
  std::vector<CompiledStep> out;
  const auto partials = partialsFor(workflow);
  for (const auto& step : workflow.steps) {
    const plugin::StepTypeInfo* type = registry.find(step.uses);
    if (!type || type->builtin) continue;
    if (auto config = compileConfig(workflow, step, *type, *partials, diags))
      out.push_back({&step, std::move(*config)});
    for (const auto& v : step.variant_configs) {
      if (auto config = compileConfig(workflow, *v.step, *type, *partials, diags))
        out.push_back({v.step.get(), std::move(*config)});
    }
  }
  return out;
}

std::unique_ptr<RunPlan> RunPlan::build(workflow::Workflow workflow, plugin::Registry& registry,
                                        Diagnostics& diags) {
  std::unique_ptr<RunPlan> plan(new RunPlan());
  plan->workflow_ = std::move(workflow);
  plan->partials_ = partialsFor(plan->workflow_);
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
      rt.config = compileConfig(plan->workflow_, step, *rt.type, *plan->partials_, diags);
      for (const auto& v : step.variant_configs) {
        if (auto c = compileConfig(plan->workflow_, *v.step, *rt.type, *plan->partials_, diags))
          rt.variant_configs.push_back({v.experiment, v.variant, std::move(*c)});
      }
      std::vector<plugin::ConfigProblem> problems;
      plugin::StepSetup setup;  // x-segment rules: positions, named segments, zone
      setup.positions = &step.config_positions;
      setup.fallback = step.with_pos;
      setup.segments = plan->workflow_.segments;
      setup.timezone = plan->workflow_.timezone;
      setup.workflow = plan->workflow_.name;
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

const tmpl::TemplatedConfig* StepRuntime::configFor(const nlohmann::json& vars) const {
  for (const auto& v : variant_configs)
    if (variantOf(vars, v.experiment) == v.variant) return &v.config;
  return config ? &*config : nullptr;
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
