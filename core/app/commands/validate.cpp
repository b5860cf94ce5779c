// `herald validate FILE...`: every problem in every workflow file, and in
// the named segments (segments/*.yaml) beside them or given by name, each at
// FILE:LINE:COL, sorted; exit 1 when any is an error, else a one-line summary.
#include "workflow/validate.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "app/command.hpp"
#include "engine/run_plan.hpp"
#include "segment/parse.hpp"
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

// A named segment file rather than a workflow: a mapping with `rule` and
// neither `steps` nor `trigger`. Anything unreadable is left to the
// workflow loader, which reports it.
bool isSegmentFile(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    return root.IsMap() && root["rule"] && !root["steps"] && !root["trigger"];
  } catch (const std::exception&) {
    return false;
  }
}

// The segments/ folder beside a workflow file (spelt as the workflow loader
// spells it, so the same problem reads the same); a segment file's folder.
std::string segmentDir(const std::string& file, bool is_segment) {
  const auto parent = std::filesystem::path(file).parent_path();
  return (is_segment ? parent : parent / "segments").string();
}

// The database `validate` may count contacts in: --db, else the config's;
// nullptr when it does not exist (validate never creates one).
store::Store* existingStore(AppContext& ctx) {
  try {
    const std::string path =
        ctx.options().db_path.empty() ? ctx.config().database.string() : ctx.options().db_path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return nullptr;
    return &ctx.store();
  } catch (const std::exception&) {
    return nullptr;
  } catch (const CommandFailed&) {
    return nullptr;
  }
}

// "contact.first_name" -> "first_name", "contact.attributes.city" ->
// "attributes.city": what the store can count; "" for anything else.
std::string contactField(const std::string& variable) {
  const std::string prefix = "contact.";
  return variable.rfind(prefix, 0) == 0 ? variable.substr(prefix.size()) : "";
}

// Compiles the workflow's templates (errors at FILE:LINE:COL) and, when
// `count_empty` (the file has no error: the figures are for a workflow that
// can run), warns about outputs with no default that are empty for part of
// the audience, counted in the database when there is one.
void checkTemplates(const workflow::Workflow& wf, plugin::Registry& registry, AppContext& ctx,
                    Diagnostics& diags, bool count_empty) {
  const auto compiled = engine::RunPlan::compileTemplates(wf, registry, diags);
  if (!count_empty) return;
  std::set<std::tuple<std::string, int, int>> seen;
  std::map<std::string, std::optional<store::Store::EmptyCount>> counts;  // field -> count
  store::Store* store = nullptr;
  bool opened = false;
  for (const auto& c : compiled) {
    for (const auto& use : c.config.variables()) {
      if (use.has_default) continue;
      if (!seen.emplace(use.pos.file, use.pos.line, use.pos.column).second) continue;
      const std::string field = contactField(use.name);
      if (field.empty()) continue;
      if (!opened) {
        store = existingStore(ctx);
        opened = true;
      }
      if (!store) return;  // nothing to count: no warning without figures
      auto it = counts.find(field);
      if (it == counts.end()) {
        std::optional<store::Store::EmptyCount> n;
        try {
          n = store->countEmptyField(wf.audience.get(), field,
                                     segment::EvalContext{ctx.clock().nowMs(), wf.timezone});
        } catch (const std::exception&) {
        }
        it = counts.emplace(field, n).first;
      }
      if (!it->second || it->second->empty == 0) continue;
      diags.warning(use.pos, "{{ " + use.name + " }} has no default and is empty for " +
                                 std::to_string(it->second->empty) + " of " +
                                 std::to_string(it->second->total) +
                                 " contacts in the audience; add | "
                                 "default: \"…\"");
    }
  }
}

// The same problem found twice (a segment folder is read for each workflow
// that uses it) is printed once.
void dedupe(Diagnostics& diags) {
  Diagnostics out;
  std::set<std::tuple<std::string, int, int, std::string>> seen;
  for (const auto& d : diags.items())
    if (seen.emplace(d.pos.file, d.pos.line, d.pos.column, d.message).second) out.add(d);
  diags = std::move(out);
}

int runValidate(const ValidateOptions& opts, AppContext& ctx) {
  plugin::Registry& registry = ctx.plugins();
  Diagnostics all;
  nlohmann::json report = {{"workflows", nlohmann::json::array()}};
  size_t valid = 0, steps = 0, failed_files = 0;
  std::map<std::string, std::pair<std::string, SourcePos>> names;  // name -> (file, pos)
  std::map<std::string, std::string> segment_dirs;                 // normalized -> as first spelt
  std::vector<std::string> segment_files;
  size_t workflow_files = 0;
  for (const auto& file : opts.files) {
    const bool is_segment = isSegmentFile(file);
    const std::string dir = segmentDir(file, is_segment);
    segment_dirs.emplace(std::filesystem::path(dir).lexically_normal().string(), dir);
    if (is_segment) {
      segment_files.push_back(file);
      continue;
    }
    ++workflow_files;
    Diagnostics diags;
    auto wf = workflow::loadWorkflow(file, diags);
    if (wf) {
      workflow::validateWorkflow(*wf, registry, diags);
      // Templates are checked even where a step's settings are wrong, so
      // one round of fixes meets every problem of the file.
      checkTemplates(*wf, registry, ctx, diags, !diags.hasErrors());
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

  // Named segments: every file of each folder concerned, checked together
  // (they may refer to each other).
  report["segments"] = nlohmann::json::array();
  size_t segments_valid = 0;
  const auto norm = [](const std::string& f) {
    return std::filesystem::path(f).lexically_normal().string();
  };
  std::set<std::string> seen_segment_files, failed_segment_files;
  for (const auto& [key, dir] : segment_dirs) {
    Diagnostics diags;
    const auto library = segment::Library::load(dir, diags);
    for (const auto& name : library.names()) {
      const segment::NamedSegment* seg = library.find(name);
      const std::string path = seg ? seg->path : *library.brokenPath(name);
      report["segments"].push_back({{"file", path}, {"name", name}, {"valid", seg != nullptr}});
      seen_segment_files.insert(norm(path));
      if (seg) ++segments_valid;
    }
    for (const auto& d : diags.items()) {
      if (d.severity != Severity::kError) continue;
      failed_segment_files.insert(norm(d.pos.file));
      seen_segment_files.insert(norm(d.pos.file));
    }
    all.append(diags);
  }
  // A segment file given by name that its folder did not read (not .yaml).
  for (const auto& file : segment_files) {
    if (seen_segment_files.insert(norm(file)).second) {
      all.error({file, 0, 0},
                "not read as a named segment: a segment file is a .yaml or .yml "
                "file in a segments folder, with a name that matches its own");
      failed_segment_files.insert(norm(file));
    }
  }
  failed_files += failed_segment_files.size();
  const size_t file_count = workflow_files + seen_segment_files.size();
  dedupe(all);
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
  cmd->add_option("FILE", opts->files, "Workflow files or named segment files (YAML)")->required();
  cmd->add_flag("--json", opts->json, "Print a JSON report instead of text");
  cmd->callback([opts, &ctx, &exit_code] { exit_code = runValidate(*opts, ctx); });
}

}  // namespace herald::app
