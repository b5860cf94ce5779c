#include "daemon/load_workflow_set.hpp"

#include "engine/run_plan.hpp"
#include "engine/validate_files.hpp"

namespace herald::daemon {

std::shared_ptr<WorkflowSet> loadWorkflowSet(const std::filesystem::path& dir,
                                             plugin::Registry& registry, store::Store* store,
                                             int64_t now_ms, Diagnostics& diags) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    diags.error({dir.string(), 0, 0},
                "workflows_dir is not a directory; set workflows_dir in the config to the "
                "folder of workflow files to serve");
    return nullptr;
  }
  engine::FilesCheck check = engine::validateFiles(
      {{dir.string(), std::nullopt}}, registry, [store] { return store; }, now_ms);
  diags.append(check.diagnostics);
  if (check.diagnostics.hasErrors()) return nullptr;
  if (check.workflow_files == 0)
    diags.warning({dir.string(), 0, 0}, "no workflow files (*.yaml) here: nothing to serve");

  auto set = std::make_shared<WorkflowSet>();
  for (auto& w : check.workflows) {
    ServedWorkflow served;
    served.name = w.workflow->name;
    served.file = w.file;
    served.revision = w.workflow->revision;
    Diagnostics plan_diags;
    auto plan = engine::RunPlan::build(std::move(*w.workflow), registry, plan_diags);
    diags.append(plan_diags);
    if (!plan) return nullptr;
    served.plan = std::move(plan);
    set->by_name.emplace(served.name, std::move(served));
  }
  return set;
}

std::shared_ptr<engine::RunPlan> planOfStoredRevision(const store::WorkflowRevision& rev,
                                                      const std::filesystem::path& workflows_dir,
                                                      plugin::Registry& registry, int64_t now_ms,
                                                      Diagnostics& diags) {
  const auto path = (workflows_dir / (rev.workflow + ".yaml")).string();
  engine::FilesCheck check = engine::validateFiles(
      {{path, rev.source}}, registry, [] { return nullptr; }, now_ms);
  diags.append(check.diagnostics);
  if (check.diagnostics.hasErrors() || check.workflows.empty() || !check.workflows[0].workflow)
    return nullptr;
  auto& wf = *check.workflows[0].workflow;
  if (wf.revision != rev.revision) {
    diags.error({path, 0, 0}, "the stored text of revision " + rev.revision.substr(0, 12) +
                                  " hashes to " + wf.revision.substr(0, 12));
    return nullptr;
  }
  return engine::RunPlan::build(std::move(wf), registry, diags);
}

}  // namespace herald::daemon
