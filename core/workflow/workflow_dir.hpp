#pragma once
// Which files of a workflows directory are workflows: the regular .yaml and
// .yml files directly in it, by name. Its segments/ and templates/ folders
// belong to those workflows and are read through them, not as workflows.
// `herald validate DIR` and the daemon's workflows_dir use this one rule.
#include <filesystem>
#include <vector>

namespace herald::workflow {

// Sorted by file name. Throws std::filesystem::filesystem_error when `dir`
// cannot be read.
std::vector<std::filesystem::path> workflowFilesIn(const std::filesystem::path& dir);

}  // namespace herald::workflow
