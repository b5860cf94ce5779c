// `herald validate FILE...`: every problem in every workflow file, each at
// FILE:LINE:COL, sorted; exit 1 when any is an error, else a one-line summary.
#include "workflow/validate.hpp"

#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "workflow/loader.hpp"

namespace herald::app {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool json = false;
};

const char* severityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

int runValidate(const ValidateOptions& opts, AppContext& ctx) {
  plugin::Registry& registry = ctx.plugins();
  Diagnostics all;
  nlohmann::json report = {{"workflows", nlohmann::json::array()}};
  size_t valid = 0, steps = 0, failed_files = 0;
  std::map<std::string, std::pair<std::string, SourcePos>> names;  // name -> (file, pos)
  for (const auto& file : opts.files) {
    Diagnostics diags;
    auto wf = workflow::loadWorkflow(file, diags);
    if (wf) {
      workflow::validateWorkflow(*wf, registry, diags);
      // Two files of one name would be one workflow to the daemon.
      if (!wf->name.empty()) {
        auto [it, inserted] = names.emplace(wf->name, std::make_pair(file, wf->name_pos));
        if (!inserted && it->second.first != file)
          diags.error(wf->name_pos, "workflow name '" + wf->name + "' is also used by " +
                                        it->second.first + "; each workflow needs its own name");
      }
    }
    const bool ok = wf && !diags.hasErrors();
    if (ok) {
      ++valid;
      steps += wf->steps.size();
    } else {
      ++failed_files;
    }
    nlohmann::json entry = {{"file", file},
                            {"valid", ok},
                            {"errors", diags.errorCount()},
                            {"warnings", diags.warningCount()}};
    if (wf) {
      entry["name"] = wf->name;
      entry["revision"] = wf->revision;
      entry["steps"] = wf->steps.size();
    }
    report["workflows"].push_back(std::move(entry));
    all.append(diags);
  }
  all.sort();

  const size_t errors = all.errorCount();
  const size_t warnings = all.warningCount();
  if (opts.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : all.items()) {
      list.push_back({{"file", d.pos.file},
                      {"line", d.pos.line},
                      {"column", d.pos.column},
                      {"severity", severityName(d.severity)},
                      {"message", d.message}});
    }
    report["ok"] = errors == 0;
    report["diagnostics"] = std::move(list);
    std::cout << report.dump(2) << '\n';
    return errors == 0 ? 0 : 1;
  }

  all.print(std::cerr);
  if (errors == 0) {
    std::cout << "ok: " << valid << (valid == 1 ? " workflow" : " workflows") << " valid ("
              << plural(steps, "step") << ")";
    if (warnings > 0) std::cout << ", " << plural(warnings, "warning");
    std::cout << '\n';
    return 0;
  }
  std::cerr << plural(errors, "error");
  if (warnings > 0) std::cerr << " and " << plural(warnings, "warning");
  std::cerr << " in " << failed_files << " of " << plural(opts.files.size(), "file") << '\n';
  return 1;
}

}  // namespace

void addValidateCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check workflow files: YAML syntax, keys, each step's settings against its type's schema, "
      "conditions, waits, schedules, and the step graph. Prints every problem as "
      "FILE:LINE:COL: error: MESSAGE and exits 1 if there are any.");
  cmd->add_option("FILE", opts->files, "Workflow files (YAML)")->required();
  cmd->add_flag("--json", opts->json, "Print a JSON report instead of text");
  cmd->callback([opts, &ctx, &exit_code] { exit_code = runValidate(*opts, ctx); });
}

}  // namespace herald::app
