// `herald validate FILE|DIR...`: every problem in every workflow file (a
// directory stands for its workflow files, as the daemon's workflows_dir
// does), and in the named segments (segments/*.yaml) beside them or given by
// name, each at FILE:LINE:COL, sorted; exit 1 when any is an error, else a
// one-line summary.
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "engine/validate_files.hpp"
#include "util/diagnostic_json.hpp"

namespace herald::app {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool json = false;
};

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The database `validate` may count contacts in: --db, else the config's;
// nullptr when it does not exist (validate never creates one).
store::Store* existingStore(AppContext& ctx) {
  try {
    const auto path = ctx.databasePath();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return nullptr;
    return &ctx.store();
  } catch (const std::exception&) {
    return nullptr;
  } catch (const CommandFailed&) {
    return nullptr;
  }
}

int runValidate(const ValidateOptions& opts, AppContext& ctx) {
  plugin::Registry& registry = ctx.plugins();
  std::vector<engine::InputFile> inputs;
  for (const auto& f : opts.files) inputs.push_back({f, std::nullopt});
  engine::FilesCheck check = engine::validateFiles(
      inputs, registry, [&ctx] { return existingStore(ctx); }, ctx.clock().nowMs());
  Diagnostics all = check.diagnostics;
  // The plugins' own sections of herald.yaml (ABI 1.3 settings schemas).
  for (const auto& problem : registry.checkPluginSettings())
    all.error({ctx.config().source.string(), 0, 0}, problem);
  nlohmann::json report = {{"workflows", nlohmann::json::array()}};
  for (const auto& w : check.workflows) {
    nlohmann::json entry = {
        {"file", w.file}, {"valid", w.valid}, {"errors", w.errors}, {"warnings", w.warnings}};
    if (w.workflow) {
      entry["name"] = w.workflow->name;
      entry["revision"] = w.workflow->revision;
      entry["steps"] = w.workflow->steps.size();
    }
    report["workflows"].push_back(std::move(entry));
  }
  report["segments"] = check.segments;
  const size_t valid = check.valid_workflows, steps = check.steps;
  const size_t workflow_files = check.workflow_files, segments_valid = check.segments_valid;
  const size_t failed_files = check.failed_files, file_count = check.file_count;

  const size_t errors = all.errorCount();
  const size_t warnings = all.warningCount();
  if (opts.json) {
    report["ok"] = errors == 0;
    report["diagnostics"] = diagnosticsToJson(all);
    std::cout << report.dump(2) << '\n';
    return errors == 0 ? 0 : 1;
  }

  all.print(std::cerr);
  if (errors == 0) {
    std::cout << "ok: ";
    if (workflow_files > 0 || segments_valid == 0)
      std::cout << valid << (valid == 1 ? " workflow" : " workflows");
    if (segments_valid > 0)
      std::cout << (workflow_files > 0 ? ", " : "") << plural(segments_valid, "segment");
    std::cout << " valid";
    if (workflow_files > 0) std::cout << " (" << plural(steps, "step") << ")";
    if (warnings > 0) std::cout << ", " << plural(warnings, "warning");
    std::cout << '\n';
    return 0;
  }
  std::cerr << plural(errors, "error");
  if (warnings > 0) std::cerr << " and " << plural(warnings, "warning");
  std::cerr << " in " << failed_files << " of " << plural(file_count, "file") << '\n';
  return 1;
}

}  // namespace

void addValidateCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check workflow files: YAML syntax, keys, each step's settings against its type's schema, "
      "conditions, waits, schedules, segment rules, and the step graph; and the named segments "
      "(segments/*.yaml) beside them. Prints every problem as FILE:LINE:COL: error: MESSAGE "
      "and exits 1 if there are any.");
  cmd->add_option("FILE", opts->files,
                  "Workflow files, named segment files (YAML), or directories of workflow files "
                  "(their .yaml/.yml files and segments/ folder)")
      ->required();
  cmd->add_flag("--json", opts->json, "Print a JSON report instead of text");
  cmd->callback([opts, &ctx, &exit_code] { exit_code = runValidate(*opts, ctx); });
}

}  // namespace herald::app
