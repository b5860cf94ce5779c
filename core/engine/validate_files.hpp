#pragma once
// What `herald validate FILE...` checks, as a function: `validate` prints
// it and `herald serve` loads (and reloads) its workflow set through it, so
// the daemon accepts exactly what `validate` accepts.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "plugin/registry.hpp"
#include "store/store.hpp"
#include "util/diagnostic.hpp"
#include "workflow/model.hpp"

namespace herald::engine {

struct WorkflowFileCheck {
  std::string file;
  std::optional<workflow::Workflow> workflow;  // loaded (valid or not); nullopt: unreadable
  bool valid = false;
  size_t errors = 0;
  size_t warnings = 0;
};

struct FilesCheck {
  std::vector<WorkflowFileCheck> workflows;           // in the order given
  nlohmann::json segments = nlohmann::json::array();  // {file, name, valid} per named segment
  Diagnostics diagnostics;                            // every problem, deduplicated and sorted
  size_t workflow_files = 0;
  size_t valid_workflows = 0;
  size_t steps = 0;  // of the valid workflows
  size_t segments_valid = 0;
  size_t failed_files = 0;  // workflow and segment files with errors
  size_t file_count = 0;    // workflow and segment files looked at
};

// A file to check: read from `path`, or, when `text` is set, that text
// checked as if it were the file at `path` (a workflow posted to the daemon).
// A directory stands for its workflow files (workflow/workflow_dir.hpp) and
// its segments/ folder, as the daemon's workflows_dir does.
struct InputFile {
  std::string path;
  std::optional<std::string> text;
};

// Checks workflow files and named segment files (told apart by content):
// each workflow's keys, steps, graph and templates, unique names across the
// files, and every segments/ folder concerned. `store` is asked (once, on
// first need) for the database in which validate counts contacts whose
// template variables would render empty; it may return nullptr.
FilesCheck validateFiles(const std::vector<InputFile>& inputs, plugin::Registry& registry,
                         const std::function<store::Store*()>& store, int64_t now_ms);

}  // namespace herald::engine
