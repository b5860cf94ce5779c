#include "engine/validate_files.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "engine/run_plan.hpp"
#include "experiment/power_check.hpp"
#include "segment/parse.hpp"
#include "util/yaml_load.hpp"
#include "workflow/loader.hpp"
#include "workflow/validate.hpp"
#include "workflow/workflow_dir.hpp"

namespace herald::engine {
namespace {

// A named segment file rather than a workflow: a mapping with `rule` and
// neither `steps` nor `trigger`. Anything unreadable is left to the
// workflow loader, which reports it.
bool isSegmentFile(const InputFile& file) {
  try {
    const YAML::Node root = file.text ? loadYaml(*file.text) : loadYamlFile(file.path);
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
void checkTemplates(const workflow::Workflow& wf, plugin::Registry& registry,
                    const std::function<store::Store*()>& open_store, int64_t now_ms,
                    Diagnostics& diags, bool count_empty) {
  const auto compiled = RunPlan::compileTemplates(wf, registry, diags);
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
        store = open_store ? open_store() : nullptr;
        opened = true;
      }
      if (!store) return;  // nothing to count: no warning without figures
      auto it = counts.find(field);
      if (it == counts.end()) {
        std::optional<store::Store::EmptyCount> n;
        try {
          n = store->countEmptyField(wf.audience.get(), field,
                                     segment::EvalContext{now_ms, wf.timezone});
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

// An experiment's `power:` against the audience the database holds now.
void checkExperimentPower(const workflow::Workflow& wf,
                          const std::function<store::Store*()>& open_store, int64_t now_ms,
                          Diagnostics& diags) {
  const auto kind = wf.trigger.kind;
  if (kind != workflow::Trigger::Kind::kManual && kind != workflow::Trigger::Kind::kSchedule)
    return;  // an event or API trigger enrols one contact at a time: no audience to count
  store::Store* store = nullptr;
  bool opened = false;
  for (const auto& step : wf.steps) {
    if (!step.experiment || !step.experiment->power) continue;
    if (!opened) {
      store = open_store ? open_store() : nullptr;
      opened = true;
    }
    if (!store) return;
    int64_t audience = 0;
    try {
      audience = wf.audience
                     ? store->segmentCount(*wf.audience, segment::EvalContext{now_ms, wf.timezone})
                     : store->contactCount();
    } catch (const std::exception&) {
      return;
    }
    if (auto warning = experiment::powerWarning(*step.experiment, audience))
      diags.warning(workflow::configPosition(step, "/power"),
                    "step '" + step.id + "': " + *warning);
  }
}

// The same problem found twice (a segment folder is read for each workflow
// that uses it) is kept once.
void dedupe(Diagnostics& diags) {
  Diagnostics out;
  std::set<std::tuple<std::string, int, int, std::string>> seen;
  for (const auto& d : diags.items())
    if (seen.emplace(d.pos.file, d.pos.line, d.pos.column, d.message).second) out.add(d);
  diags = std::move(out);
}

// The inputs with each directory replaced by its workflow files (the
// daemon's workflows_dir rule); a directory's segments/ folder is checked
// even when it has no workflow yet.
std::vector<InputFile> expandDirectories(const std::vector<InputFile>& inputs,
                                         std::map<std::string, std::string>& segment_dirs,
                                         Diagnostics& diags) {
  std::vector<InputFile> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (input.text || !std::filesystem::is_directory(input.path, ec)) {
      files.push_back(input);
      continue;
    }
    try {
      for (const auto& f : workflow::workflowFilesIn(input.path))
        files.push_back({f.string(), std::nullopt});
    } catch (const std::filesystem::filesystem_error& e) {
      diags.error({input.path, 0, 0},
                  std::string("cannot read this directory: ") + e.code().message());
      continue;
    }
    const auto segments = std::filesystem::path(input.path) / "segments";
    if (std::filesystem::is_directory(segments, ec))
      segment_dirs.emplace(segments.lexically_normal().string(), segments.string());
  }
  return files;
}

}  // namespace

FilesCheck validateFiles(const std::vector<InputFile>& inputs, plugin::Registry& registry,
                         const std::function<store::Store*()>& store, int64_t now_ms) {
  FilesCheck out;
  Diagnostics& all = out.diagnostics;
  std::map<std::string, std::pair<std::string, SourcePos>> names;  // name -> (file, pos)
  std::map<std::string, std::string> segment_dirs;                 // normalized -> as first spelt
  std::vector<std::string> segment_files;
  const std::vector<InputFile> expanded = expandDirectories(inputs, segment_dirs, all);
  const size_t unreadable_dirs = all.errorCount();
  out.failed_files += unreadable_dirs;
  for (const auto& input : expanded) {
    const std::string& file = input.path;
    const bool is_segment = isSegmentFile(input);
    const std::string dir = segmentDir(file, is_segment);
    segment_dirs.emplace(std::filesystem::path(dir).lexically_normal().string(), dir);
    if (is_segment) {
      segment_files.push_back(file);
      continue;
    }
    ++out.workflow_files;
    Diagnostics diags;
    auto wf = input.text ? workflow::parseWorkflow(file, *input.text, diags)
                         : workflow::loadWorkflow(file, diags);
    if (wf) {
      workflow::validateWorkflow(*wf, registry, diags);
      // Templates are checked even where a step's settings are wrong, so
      // one round of fixes meets every problem of the file.
      checkTemplates(*wf, registry, store, now_ms, diags, !diags.hasErrors());
      if (!diags.hasErrors()) checkExperimentPower(*wf, store, now_ms, diags);
      // Two files of one name would be one workflow to the daemon.
      if (!wf->name.empty()) {
        auto [it, inserted] = names.emplace(wf->name, std::make_pair(file, wf->name_pos));
        if (!inserted && it->second.first != file)
          diags.error(wf->name_pos, "workflow name '" + wf->name + "' is also used by " +
                                        it->second.first + "; each workflow needs its own name");
      }
    }
    WorkflowFileCheck check;
    check.file = file;
    check.valid = wf && !diags.hasErrors();
    check.errors = diags.errorCount();
    check.warnings = diags.warningCount();
    if (check.valid) {
      ++out.valid_workflows;
      out.steps += wf->steps.size();
    } else {
      ++out.failed_files;
    }
    check.workflow = std::move(wf);
    out.workflows.push_back(std::move(check));
    all.append(diags);
  }

  // Named segments: every file of each folder concerned, checked together
  // (they may refer to each other).
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
      out.segments.push_back({{"file", path}, {"name", name}, {"valid", seg != nullptr}});
      seen_segment_files.insert(norm(path));
      if (seg) ++out.segments_valid;
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
  out.failed_files += failed_segment_files.size();
  out.file_count = unreadable_dirs + out.workflow_files + seen_segment_files.size();
  dedupe(all);
  all.sort();
  return out;
}

}  // namespace herald::engine
